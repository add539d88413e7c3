"""Processed tables of a report year and the years around it, each read once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.processed import read_table


class YearData:
    """Reads `read_table(processed_dir, year, table)` lazily and remembers every answer.

    ``table(name)`` is the table of the report year; ``table(name, offset=-1)`` the year before.
    None means the form did not arrive that year (or the year is not in the processed data).
    """

    def __init__(self, processed_dir: Path, year: int) -> None:
        self.processed_dir = Path(processed_dir)
        self.year = int(year)
        self._tables: dict[tuple[str, int], pd.DataFrame | None] = {}

    def table(self, name: str, offset: int = 0) -> pd.DataFrame | None:
        key = (name, self.year + offset)
        if key not in self._tables:
            self._tables[key] = read_table(self.processed_dir, key[1], name)
        return self._tables[key]
