"""Styled tables: stable ids, band colours, hidden index."""

import pandas as pd

from analysis import tables

FRAME = pd.DataFrame({"Показатель": ["Доля А", "Доля Б"], "2023": ["82,4 %", "90,0 %"]})


def test_same_table_renders_identically():
    assert tables.styled(FRAME, "Т").to_html() == tables.styled(FRAME.copy(), "Т").to_html()


def test_bands_colour_cells_and_index_is_hidden():
    bands = pd.DataFrame({"Показатель": ["", ""], "2023": ["below", "meets"]})
    html = tables.styled(FRAME, "Сводка", bands=bands, right=["2023"]).to_html()
    assert tables.CELL_COLOURS["below"] in html and tables.CELL_COLOURS["meets"] in html
    assert "Сводка" in html and "Доля А" in html
    assert ">0<" not in html  # the 0/1 index is not shown


def test_sentences_escape_text_from_workbooks():
    # a measure title typed with markup must reach the page as text, not as a tag or emphasis
    out = tables.say_html("Мера «<b>УР-1</b>»: *важно*", ["a & b", "c_d_e"])
    assert out == (
        "<p>Мера «&lt;b&gt;УР-1&lt;/b&gt;»: *важно*</p>\n<ul><li>a &amp; b</li><li>c_d_e</li></ul>"
    )
    assert tables.say_html("", []) == ""


def test_namesakes_link_each_to_its_own_page():
    # two schools named alike (rows 0 and 2) link to their own pages; row 1 (a district: no id)
    # stays plain text; row 3 repeats S1's name and id, so it gets S1's link again
    frame = pd.DataFrame({"Учреждение": ["Школа № 1", "Район", "Школа № 1", "Школа № 1"]})
    styler = tables.styled(frame, links={"Учреждение": ["S1", None, "S2", "S1"]})
    html = styler.to_html()
    cells = [line.strip() for line in html.splitlines() if "<td" in line]
    assert [c.split(">", 1)[1].removesuffix("</td>") for c in cells] == [
        '<a class="unit" href="units/S1.html">Школа № 1</a>',
        "Район",
        '<a class="unit" href="units/S2.html">Школа № 1</a>',
        '<a class="unit" href="units/S1.html">Школа № 1</a>',
    ]
    assert styler.data.equals(frame)  # the data stays the plain names


def test_numbers_are_right_aligned_by_one_rule_per_column():
    # «2023» is column 1: one rule «#T_… td.col1» (id + element + class) outranks the left
    # alignment of «#T_… td» (id + element); a rule per cell («#T_…_row0_col1», an id alone)
    # would lose to it, and would repeat the column's cells in the CSS
    html = tables.styled(FRAME, "Т", right=["2023"]).to_html()
    uuid = html.split('<table id="', 1)[1].split('"', 1)[0]
    rule = f"#{uuid} td.col1 {{\n  text-align: right;\n  white-space: nowrap;\n}}"
    assert rule in html
    assert "_row0_col1" not in html and "td.col0" not in html
