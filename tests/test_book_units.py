"""The runner's small pure parts: titles, fingerprints, cell numbers, offline pages, nav, figures."""

from __future__ import annotations

import json

import pandas as pd
from book_helpers import PARAMETERS, notebook

from analysis.book import plan, render, site, yearly
from analysis.book.execute import source_cell_number


def test_stage_title_is_the_first_markdown_heading():
    nb = notebook(
        [
            ("code", "# not a heading: code", []),
            ("markdown", "Вступление без заголовка", []),
            ("markdown", "## Подзаголовок\n# Мониторинг  \nтекст", []),
        ]
    )
    assert plan.stage_title(json.dumps(nb).encode(), "03_monitoring") == "Мониторинг"
    assert plan.stage_title(b"not json", "03_monitoring") == "03_monitoring"


def test_discover_stages_sorted_and_filtered(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", "scratch.ipynb", "1_x.ipynb"):
        (tmp_path / name).write_text(json.dumps(notebook([("markdown", "# T", [])])))
    assert [s.stem for s in plan.discover_stages(tmp_path)] == ["01_a", "02_b"]


def test_the_library_digest_follows_its_templates_too(tmp_path, monkeypatch):
    # pages rendered from templates (front page, unit pages) must rebuild when one changes
    (tmp_path / "mod.py").write_text("x = 1\n")
    (tmp_path / "page.html.j2").write_text("<p>{{ x }}</p>")
    monkeypatch.setattr(plan, "LIBRARY_DIR", tmp_path)
    first = plan.library_digest()
    (tmp_path / "page.html.j2").write_text("<p>{{ x }}!</p>")
    assert plan.library_digest() != first


def test_tree_digest_follows_content_not_time(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    first = plan.tree_digest(tmp_path, "**/*.py")
    (tmp_path / "a.py").write_text("x = 1\n")  # rewritten, same content
    assert plan.tree_digest(tmp_path, "**/*.py") == first
    (tmp_path / "a.py").write_text("x = 2\n")
    assert plan.tree_digest(tmp_path, "**/*.py") != first


def test_readable_data_covers_every_year_up_to_the_page():
    digests = {2019: "a", 2020: "b", 2021: "c"}
    # a page of 2020 reads 2019 and 2020; a change in 2021 must not touch it
    assert plan.readable_data(digests, 2020) == plan.readable_data({**digests, 2021: "z"}, 2020)
    assert plan.readable_data(digests, 2020) != plan.readable_data({**digests, 2019: "z"}, 2020)


def test_source_cell_number_skips_the_injected_cell(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(
        json.dumps(
            notebook(
                [("markdown", "# T", []), ("code", PARAMETERS, ["parameters"]), ("code", "1/0", [])]
            )
        )
    )
    # executed: 0 markdown, 1 parameters, 2 injected, 3 «1/0» → 3rd cell of the source
    assert source_cell_number(str(path), 3) == 3
    assert source_cell_number(str(path), 0) == 1  # before the injected cell: unchanged


def test_make_offline_removes_every_external_fetch():
    page = (
        '<script src="https://cdn.example/require.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/css">'
        "<style>@import url('https://fonts.example/x.css');</style>"
        '<img src="http://example.org/x.png" alt="x"><a href="https://example.org">сайт</a>'
        '<img src="data:image/png;base64,AAAA"><a href="../index.html">назад</a>'
        '<img src="data:image/png;base64,BB//=="><a href=//example.org/2>вплотную</a>'
    )
    out = render.make_offline(page)
    assert render.external_urls(out) == []
    assert "сайт</a>" in out and 'href="../index.html"' in out and "data:image/png" in out
    assert "@import" not in out and "<script" not in out
    # the inline images are kept byte for byte (the scan skips their data), and the address
    # right after the second one is still found: 3 addresses kept as text (img, 2 links)
    assert "base64,AAAA" in out and "base64,BB//==" in out
    assert out.count("data-external=") == 3 and 'data-external="//example.org/2"' in out


def test_external_addresses_are_found_in_any_case_after_a_word_boundary():
    page = (
        '<a HREF="//x.org/a">x</a> xsrc="//no" data-src=//yes <img Src = \' http://y\'>'
        ' <a href=HTTPS://z/q?x>z</a> hrefs="//no" ahref="//no"'
    )
    # «xsrc», «ahref» are other attributes (no word boundary before src/href); «hrefs» is
    # another name; «data-src» ends with a whole «src» after «-» (a boundary, as \b has it)
    assert render.external_urls(page) == ["//x.org/a", "//yes", "http://y", "HTTPS://z/q?x"]


def test_images_without_alt_text_get_nbconvert_s_default():
    page = '<img src="a.png"/><img src="b.png" ><img alt="Рисунок" src="c.png"><img/>'
    no_alt = f'alt="{render.NO_ALT}"'
    assert render._alt_for_all(page) == (
        f'<img src="a.png" {no_alt}/><img src="b.png"  {no_alt}>'
        f'<img alt="Рисунок" src="c.png"><img {no_alt}/>'
    )


def test_person_ids_are_found_as_whole_tokens_in_text_only():
    page = (
        "<style>.T0001{}</style><p>Работник T0002, и XT0003, и T0004-1</p>"
        '<td>12</td><img src="data:image/png;base64,T0005">'
    )
    ids = {"T0001", "T0002", "T0003", "T0004", "T0005", "12"}
    # T0001 only in CSS, T0003 inside a longer token, T0004-1 is another token, T0005 in an
    # image, «12» is a short number (cannot be told from a count): none of them is a leak
    assert render.person_ids_in(page, ids) == ["T0002"]


def test_nav_is_replaced_not_repeated():
    pages = [
        site.SitePage(2022, "01_a", "Цели"),
        site.SitePage(2023, "01_a", "Цели"),
        site.SitePage(2023, "02_b", "Показатели & методы"),
    ]
    nav = site.nav_html(pages, 2023, "01_a", "public")
    assert 'href="../2022/01_a.html"' in nav and 'href="02_b.html"' in nav
    assert "Показатели &amp; методы" in nav
    page = site.with_nav("<html><body><main><p>x</p></main></body></html>", nav)
    again = site.with_nav(page, site.nav_html(pages[1:], 2023, "01_a", "public"))
    assert again.count(site.NAV_START) == 1 and "2022" not in again


def test_key_figures_are_formatted_in_russian():
    tidy = pd.DataFrame(
        {
            "indicator_id": [
                "pk_modern_3y",
                "category_high",
                "centre_person_hours",
                "burnout_high",
            ],
            "level": ["city"] * 4,
            "value": [82.44, None, 12345.0, None],
            "unit": ["%", "%", "чел.-ч", "%"],
            "flags": ["", "suppressed", "", "no_data"],
        }
    )
    figures = yearly.key_figures(
        tidy, ("pk_modern_3y", "category_high", "centre_person_hours", "burnout_high", "absent")
    )
    # 82.44 → «82,4 %»; hidden → «*»; 12345 → «12 345 чел.-ч» (thin space); empty → нет данных
    assert [text for _, text in figures] == [
        "82,4\u00a0%",
        "*",
        "12\u2009345\u00a0чел.-ч",
        "нет данных",
    ]


def test_fingerprints_change_only_for_pages_whose_inputs_changed(tmp_path):
    (tmp_path / "01_a.ipynb").write_text(json.dumps(notebook([("markdown", "# A", [])])))
    stages = plan.discover_stages(tmp_path)
    common = {"library": "L", "params": "P", "profile": "public"}
    data = {2022: "d22", 2023: "d23"}

    def fps(**changes):
        c = {**common, **{k: v for k, v in changes.items() if k in common}}
        d = changes.get("data", data)
        return [p.fingerprint for p in plan.plan_pages(stages, [2022, 2023], c, d, {})]

    base = fps()
    assert fps() == base  # same inputs, same fingerprints
    new_2023 = fps(data={2022: "d22", 2023: "changed"})
    assert new_2023[0] == base[0] and new_2023[1] != base[1]  # only the 2023 page
    new_2022 = fps(data={2022: "changed", 2023: "d23"})
    assert new_2022[0] != base[0] and new_2022[1] != base[1]  # 2023 reads 2022 too
    assert all(a != b for a, b in zip(fps(params="P2"), base, strict=True))
    assert all(a != b for a, b in zip(fps(library="L2"), base, strict=True))


def executed_page() -> dict:
    """An executed-looking notebook: markdown, a table, a figure with alt text and one
    without, an image/jpeg, a stream, code with characters that need escaping."""
    nb = notebook(
        [
            ("markdown", "# Этап\n\n<b>текст</b> & «кавычки»", []),
            ("code", "display(table)  # <tag> & 'x'", []),
            ("code", "plot()", []),
        ]
    )
    png = "iVBORw0KGgo="
    nb["cells"][1]["outputs"] = [
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {
                "text/html": "<table class='t'><tr><th>A</th></tr><tr><td>1&nbsp;%</td></tr></table>",
                "text/plain": "table",
            },
        },
        {"output_type": "stream", "name": "stdout", "text": "строка <1>\n"},
    ]
    nb["cells"][2]["outputs"] = [
        {
            "output_type": "display_data",
            "metadata": {"image/png": {"alt": "Рисунок: доля"}},
            "data": {"image/png": png, "text/plain": "fig"},
        },
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": png}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/jpeg": "/9j/4AAQ"}},
    ]
    return nb


def test_book_exporter_gives_what_nbconvert_gives_without_its_soup_pass(monkeypatch):
    """The book's exporter skips nbconvert's final BeautifulSoup pass (most of the render
    time) and makes its two changes on the text: parsed, both pages are the same."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    nb = executed_page()
    for profile in ("public", "internal"):
        ours = render.Renderer(profile).render(nb, "Этап")
        with monkeypatch.context() as m:
            m.setattr(render, "BookExporter", HTMLExporter)
            theirs = render.Renderer(profile).render(nb, "Этап")
        assert ours != theirs  # not the same text: the soup re-serialises the page …
        assert str(BeautifulSoup(ours, "html.parser")) == theirs  # … but the same page
        assert ours.count('tabindex="0"') == theirs.count('tabindex="0"') >= 4
        assert 'alt="Рисунок: доля"' in ours and f'alt="{render.NO_ALT}"' in ours
