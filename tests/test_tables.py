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
