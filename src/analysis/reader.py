"""The one reader of processed data: a year's tables, read once each, and its manifest entry.

Domain modules (monitoring, problems, recommendations, register, effectiveness, …) read no file:
their data comes in as frames or through a `YearData`, which the pages, the build and the engine
create at the edge (`analysis.context` holds the one of a notebook run).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import processed


class YearData:
    """Reads `processed.read_table(processed_dir, year, table)` lazily and remembers every answer.

    ``table(name)`` is the table of the report year; ``table(name, offset=-1)`` the year before;
    ``table_of(name, year)`` any year. None means the form did not arrive that year (or the year
    is not in the processed data).
    """

    def __init__(self, processed_dir: Path, year: int) -> None:
        self.processed_dir = Path(processed_dir)
        self.year = int(year)
        self._tables: dict[tuple[str, int], pd.DataFrame | None] = {}
        self._manifest: dict | None = None

    def table(self, name: str, offset: int = 0) -> pd.DataFrame | None:
        return self.table_of(name, self.year + offset)

    def table_of(self, name: str, year: int) -> pd.DataFrame | None:
        key = (name, int(year))
        if key not in self._tables:
            self._tables[key] = processed.read_table(self.processed_dir, key[1], name)
        return self._tables[key]

    def manifest(self) -> dict:
        """The processed folder's manifest ({} when nothing has been ingested)."""
        if self._manifest is None:
            self._manifest = processed.load_manifest(self.processed_dir)
        return self._manifest

    def manifest_entry(self, year: int | None = None) -> dict:
        """The manifest's entry of a year (the report year by default; {} when absent)."""
        return self.manifest().get("years", {}).get(str(self.year if year is None else year), {})

    def years(self) -> list[int]:
        """Years present in the processed data, ascending."""
        return sorted(int(y) for y in self.manifest().get("years", {}))
