"""Write a year's tables as the raw contract: one workbook per form, the contract's sheet names and
Russian headers, да/нет for yes/no, real Excel dates, ids as text."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from analysis import contract
from analysis.files import text_row


def _cells(column: contract.Column, values: pd.Series) -> list:
    """Python cell values of one column (None for an empty cell)."""
    if column.type == contract.YESNO:
        return ["да" if v else "нет" for v in values.tolist()]
    if column.type == contract.DATE:
        days = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
        return [None if np.isnat(d) else d.item() for d in days]
    if column.type == contract.INT:
        return [None if pd.isna(v) else int(v) for v in values.tolist()]
    if column.type == contract.NUMBER:
        return [
            None if pd.isna(v) else (int(v) if float(v).is_integer() else float(v))
            for v in values.tolist()
        ]
    return [
        None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
        for v in values.tolist()
    ]


def write_form(path: Path, form: contract.Form, tables: Mapping[str, pd.DataFrame]) -> None:
    """One workbook of a form (write-only openpyxl: streams rows, fast and lean)."""
    wb = Workbook(write_only=True)
    for sheet in form.sheets:
        if sheet.table not in tables:  # an optional sheet the year does not have
            continue
        ws = wb.create_sheet(title=sheet.name)
        ws.append([c.header for c in sheet.columns])
        frame = tables[sheet.table]
        columns = [_cells(c, frame[c.name]) for c in sheet.columns]
        for row in zip(*columns):
            ws.append(text_row(ws, row))
    wb.save(path)


def write_year(year_dir: Path, tables: Mapping[str, pd.DataFrame]) -> None:
    """Every form whose required sheets are all present in ``tables`` (a missing form is not
    written; an optional sheet is written when present)."""
    year_dir.mkdir(parents=True, exist_ok=True)
    for form in contract.FORMS:
        if all(s.table in tables for s in form.sheets if s.required):
            write_form(year_dir / f"{form.stem}.xlsx", form, tables)
