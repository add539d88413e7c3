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
