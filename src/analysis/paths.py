"""Project folders, resolved from the package location, never from the working directory
(papermill and pytest run notebooks and tests from other places)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # src/analysis/paths.py → project root
DATA_RAW = PROJECT_ROOT / "data" / "raw"
DATA_PROCESSED = PROJECT_ROOT / "data" / "processed"
OUTPUT = PROJECT_ROOT / "output"
PARAMS = PROJECT_ROOT / "params"
NOTEBOOKS = PROJECT_ROOT / "notebooks"
