"""The book runner's mechanics on a tiny hand-made city and tiny notebooks of our own.

Each build executes real notebooks (~1 s each), so the builds are module fixtures shared by the
tests: public into `a`, the same again into `b`, internal, and a failure scenario.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from book_helpers import (
    ALPHA,
    BETA,
    EXTERNAL,
    PARAMETERS,
    PERSON_IDS,
    YEARS,
    links,
    make_city,
    notebook,
    tidy_table,
    write_notebooks,
)

from analysis.book import build, plan, yearly
from analysis.book.plan import STATE_FILE
from analysis.errors import UserError


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The city, the notebooks, and the indicator engine replaced by a fixed table."""
    root = tmp_path_factory.mktemp("book")
    make_city(root / "processed")
    write_notebooks(root / "notebooks")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(yearly, "compute", lambda p, y, o: tidy_table(p, y))
        # other work on the library must not make these builds stale midway
        mp.setattr(plan, "library_digest", lambda: "library")
        mp.setattr(plan, "params_digest", lambda: "params")
        yield root


def run(world: Path, out: str, **kwargs) -> int:
    options = {
        "profile": "public",
        "jobs": 2,
        "processed_dir": world / "processed",
        "notebooks_dir": world / "notebooks",
        "output_dir": world / out,
    }
    options.update(kwargs)
    return build(**options)


@pytest.fixture(scope="module")
def public(world):
    assert run(world, "a") == 0
    return world / "a" / "public"


@pytest.fixture(scope="module")
def internal(world):
    assert run(world, "a", profile="internal") == 0
    return world / "a" / "internal"


def pages(root: Path) -> list[Path]:
    return sorted(root.glob("*/*.html"))


def test_every_page_and_file_is_written(public):
    names = sorted(p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file())
    assert names == [
        ".build-state.json",
        "2022/01_alpha.html",
        "2022/02_beta.html",  # no .ipynb: SPEC §6, internal only
        "2022/effectiveness.csv",  # the tidy tables of stages 04–06 (SPEC §5)
        "2022/indicators.csv",
        "2022/indicators.xlsx",
        "2022/measures.csv",
        "2022/problems.csv",
        "2022/recommendations.csv",
        "2022/recommendations_summary.xlsx",
        "2022/units.html",  # the index of the year's units, and a page for each
        "2022/units/d1.html",
        "2022/units/s1.html",
        "2022/units/s2.html",
        "2023/01_alpha.html",
        "2023/02_beta.html",
        "2023/effectiveness.csv",  # the tidy tables of stages 04–06 (SPEC §5)
        "2023/indicators.csv",
        "2023/indicators.xlsx",
        "2023/measures.csv",
        "2023/problems.csv",
        "2023/recommendations.csv",
        "2023/recommendations_summary.xlsx",
        "2023/units.html",  # the index of the year's units, and a page for each
        "2023/units/d1.html",
        "2023/units/s1.html",
        "2023/units/s2.html",
        "index.html",
    ]


def test_index_links_every_page_and_every_link_resolves(public):
    index_links = links(public / "index.html")
    # every stage and unit index of every year, and the year's tables to download
    year_files = [p for p in public.glob("*/*.*") if p.suffix in (".html", ".csv", ".xlsx")]
    assert sorted(index_links) == sorted(p.relative_to(public).as_posix() for p in year_files)
    for page in [public / "index.html", *pages(public), *public.glob("*/units/*.html")]:
        for url in links(page):
            if url.startswith(("#", "data:")):
                continue
            target = (page.parent / unquote(url.split("#")[0])).resolve()
            assert target.exists(), f"{page.name}: broken link {url}"


def test_nav_bar_links_stages_and_years(public):
    hrefs = links(public / "2023" / "02_beta.html")
    assert "../index.html" in hrefs
    assert "01_alpha.html" in hrefs  # the other stage of 2023
    assert "../2022/02_beta.html" in hrefs  # the same stage in 2022


def test_stage_titles_come_from_the_first_heading_and_are_escaped(public):
    index = (public / "index.html").read_text(encoding="utf-8")
    assert ">Кадры и категории</a>" in index
    # the heading «Год <b>&</b> итоги» is text on the index, not markup
    assert "Год &lt;b&gt;&amp;&lt;/b&gt; итоги" in index


def test_index_shows_key_figures_in_russian(public):
    index = (public / "index.html").read_text(encoding="utf-8")
    # category_high is a key indicator: city 9 of 12 → «75,0 %» (no-break space before %)
    assert "75,0\u00a0%" in index


def test_front_page_and_unit_pages_of_a_real_build(public, internal):
    index = (public / "index.html").read_text(encoding="utf-8")
    section = index.split('<section id="y2023">', 1)[1].split("</section>", 1)[0]
    # category_high, both years: city 9 of 12 = 75,0 % against the target 70,0 % → met;
    # the same as in 2022: change «0,0 п. п.»
    row = section.split("</tr>", 2)[1]  # the header row, then the first key indicator
    assert "75,0\u00a0%" in row and "70,0\u00a0%" in row and "цель достигнута" in row
    assert "0,0\u00a0п.\u00a0п." in row
    # s2: 2 of 3 teachers → 66,7 %: hidden in public («*», 3 < 5), shown internally
    s2 = (public / "2023" / "units" / "s2.html").read_text(encoding="utf-8")
    assert "66,7" not in s2 and '<td class="n">*</td>' in s2
    assert "66,7\u00a0%" in (internal / "2023" / "units" / "s2.html").read_text(encoding="utf-8")
    # its district Север (8 of 11) is hidden with Юг in public; the city is not
    assert "72,7" not in s2 and "75,0\u00a0%" in s2


def test_public_pages_have_no_code_and_no_person_ids(public):
    for page in pages(public):
        text = page.read_text(encoding="utf-8")
        body = text.split("</head>", 1)[1]
        assert "jp-InputArea-editor" not in body and "hl-ipython3" not in body  # no code
        assert "read_table" not in body and "import" not in body
        assert not any(pid in text for pid in PERSON_IDS), page


def test_small_cell_shows_star(public):
    text = (public / "2023" / "01_alpha.html").read_text(encoding="utf-8")
    # staff per institution: s1 8, s2 3 (< 5 → *), d1 1 (< 5 → *)
    assert "<td>*</td>" in text and text.count("<td>*</td>") == 2
    assert "<td>8</td>" in text


def test_no_external_urls_in_any_page(public, internal):
    for root in (public, internal):
        for page in [root / "index.html", *pages(root)]:
            external = [u for u in links(page) if EXTERNAL.match(u)]
            assert external == [], f"{page}: {external}"


def test_public_csv_is_suppressed_and_formatted(public):
    lines = (public / "2023" / "indicators.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "year,indicator_id,level,unit_id,numerator,denominator,value,unit,target,meets_target,flags"
    )
    # city 9/12 = 75 % stays; Юг 1/1 is hidden (1 < 5), Север with it (the only sibling)
    assert lines[1] == "2023,category_high,city,city,9,12,75,%,70,true,"
    assert lines[2] == "2023,category_high,district,Север,,,,%,70,,suppressed"
    assert lines[3] == "2023,category_high,district,Юг,,,,%,70,,suppressed"
    assert lines[7] == "2023,centre_events,centre,centre,12,,12,ед.,,,incomplete_window"


def test_internal_profile_has_person_list_and_folded_code(internal):
    text = (internal / "2023" / "01_alpha.html").read_text(encoding="utf-8")
    assert "Список работников: T0001, T0002" in text
    assert '<details class="book-code"><summary>Код</summary>' in text
    csv = (internal / "2023" / "indicators.csv").read_text(encoding="utf-8")
    # internal: nothing suppressed, Север 8/11 = 72.72… unrounded
    assert "2023,category_high,district,Север,8,11,72.72727272727273,%,70,true," in csv


def test_unchanged_rebuild_executes_nothing(world, public, capsys):
    before = {p: p.stat().st_mtime_ns for p in public.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert run(world, "a") == 0
    # nothing executed, nothing rewritten; how fast that is belongs to `make bench`
    assert "выполнено 0, из кэша 4, с ошибкой 0" in capsys.readouterr().out
    after = {p: p.stat().st_mtime_ns for p in public.rglob("*") if p.is_file()}
    assert after == before  # not even rewritten


def test_two_builds_are_byte_identical(world, public):
    assert run(world, "b") == 0
    other = world / "b" / "public"
    compared = 0
    for path in sorted(public.rglob("*")):
        if path.suffix in (".html", ".csv"):
            assert path.read_bytes() == (other / path.relative_to(public)).read_bytes(), path
            compared += 1
    # index + 4 pages + 2 indicators.csv + 2 × 4 tables of stages 04–06 + 2 × (units.html and
    # the pages of s1, s2, d1)
    assert compared == 23
    # the public folder holds no executed notebook (code, local paths), before or after a rebuild
    assert not list(other.rglob("*.ipynb"))
    assert run(world, "b", force=True) == 0
    assert not list(other.rglob("*.ipynb"))
    state = json.loads((other / STATE_FILE).read_text(encoding="utf-8"))
    assert "time" not in json.dumps(state)


def test_a_missing_table_of_stages_04_06_is_written_again(world, public):
    """A year whose tables are not all there is not up to date (SPEC §5: every one is written)."""
    assert run(world, "b") == 0
    gone = world / "b" / "public" / "2023" / "problems.csv"
    kept = gone.read_bytes()
    gone.unlink()
    assert run(world, "b") == 0
    assert gone.read_bytes() == kept


GAMMA = notebook(
    [
        ("markdown", "# Третий этап", []),
        ("code", PARAMETERS, ["parameters"]),
        ("code", "print('всё хорошо')", []),
    ]
)
BROKEN_BETA = notebook(
    [
        ("markdown", "# Год итоги", []),
        ("code", PARAMETERS, ["parameters"]),
        ("code", "x = 1", []),
        ("code", "x / 0", []),
    ]
)
LEAKING_GAMMA = notebook(
    [
        ("markdown", "# Третий этап", []),
        ("code", PARAMETERS, ["parameters"]),
        ("code", "print('работник', 'T0007')", []),
    ]
)


def test_failures_are_isolated_named_and_keep_the_previous_page(world, capsys):
    folder = world / "notebooks-broken"
    write_notebooks(folder, {"01_alpha": ALPHA, "02_beta": BETA, "03_gamma": GAMMA})
    out = world / "c"
    assert run(world, "c", notebooks_dir=folder, years=[2023]) == 0
    failing = [out / "public" / "2023" / f"{n}.html" for n in ("02_beta", "03_gamma")]
    old = [p.read_bytes() for p in failing]
    write_notebooks(folder, {"02_beta": BROKEN_BETA, "03_gamma": LEAKING_GAMMA})
    capsys.readouterr()
    assert run(world, "c", notebooks_dir=folder, years=[2023]) == 1
    summary = capsys.readouterr().out
    assert "выполнено 0, из кэша 1, с ошибкой 2" in summary
    # «x / 0» is the 4th cell of the source notebook (the injected cell is not counted)
    assert (
        "2023 › 02_beta.ipynb › ячейка 4 («x / 0»): ZeroDivisionError: division by zero" in summary
    )
    assert "2023 › 03_gamma.ipynb › на странице есть коды работников (T0007)" in summary
    assert [p.read_bytes() for p in failing] == old  # byte for byte, nav bar included
    # the failed pages are retried next time (their fingerprints were not recorded)
    capsys.readouterr()
    assert run(world, "c", notebooks_dir=folder, years=[2023]) == 1
    assert "с ошибкой 2" in capsys.readouterr().out


def test_bad_requests_are_user_errors(world, tmp_path):
    with pytest.raises(UserError, match="Нет обработанных данных за 2030"):
        run(world, "d", years=[2030])
    with pytest.raises(UserError, match="Нет обработанных данных"):
        run(world, "d", processed_dir=tmp_path / "empty")
    with pytest.raises(UserError, match="нет тетрадей"):
        run(world, "d", notebooks_dir=tmp_path)
    with pytest.raises(UserError, match="профиль"):
        run(world, "d", profile="secret")
    assert YEARS == (2022, 2023)
    shutil.rmtree(world / "d", ignore_errors=True)
