"""Formatted Excel exports written by the build (issue 6, SPEC §5–§6).

- `write_indicators_xlsx(tidy, path, catalogue, institutions, associations, year)` —
  `output/<profile>/<year>/indicators.xlsx`: one sheet per level, the indicator passports;
- `write_recommendation_workbooks(recs, folder, profile, tidy, institutions, associations, year,
  catalogue, threshold)` — per-institution workbooks (internal) and the summary
  `recommendations_summary.xlsx` (both profiles; suppressed counts in public).

Workbooks are saved atomically with fixed times, so a rebuild of the same inputs gives the same
bytes.
"""

from analysis.exports.indicators import write_indicators_xlsx
from analysis.exports.recommendations import (
    FOLDER,
    SUMMARY_NAME,
    file_names,
    safe_name,
    write_recommendation_workbooks,
)

INDICATORS_NAME = "indicators.xlsx"  # SPEC §5: beside indicators.csv

__all__ = [
    "FOLDER",
    "INDICATORS_NAME",
    "SUMMARY_NAME",
    "file_names",
    "safe_name",
    "write_indicators_xlsx",
    "write_recommendation_workbooks",
]
