"""Workbooks the project writes store text from data as text, never as a live formula."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from analysis.files import text_row, workbook_bytes

HOSTILE = ['=HYPERLINK("http://example.invalid","click")', "+7 900 000", "@SUM(A1)", "-1+2", "=1+1"]


def _cells(data: bytes) -> list[tuple[str, object]]:
    wb = load_workbook(io.BytesIO(data))
    return [(c.data_type, c.value) for row in wb.active.iter_rows() for c in row]


def test_an_ordinary_workbook_stores_formula_like_strings_as_text():
    wb = Workbook()
    for value in HOSTILE:
        wb.active.append([value])
    assert _cells(workbook_bytes(wb)) == [("s", v) for v in HOSTILE]


def test_a_write_only_workbook_stores_formula_like_strings_as_text():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Лист")
    ws.append(text_row(ws, HOSTILE))
    ws.append(text_row(ws, [1, None, "обычный текст"]))
    cells = _cells(workbook_bytes(wb))
    assert cells[: len(HOSTILE)] == [("s", v) for v in HOSTILE]
    assert cells[len(HOSTILE) : len(HOSTILE) + 3] == [("n", 1), ("n", None), ("s", "обычный текст")]
