"""Project folders, resolved from the package location, never from the working directory
(papermill and pytest run notebooks and tests from other places)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # src/analysis/paths.py → project root
DATA_RAW = PROJECT_ROOT / "data" / "raw"
DATA_PROCESSED = PROJECT_ROOT / "data" / "processed"
OUTPUT = PROJECT_ROOT / "output"
PARAMS = PROJECT_ROOT / "params"
NOTEBOOKS = PROJECT_ROOT / "notebooks"

# Environment overrides let tests (and nbval) point the notebooks' defaults at a small city
# without touching the project's own data folders.
ENV_PROCESSED = "ANALYSIS_PROCESSED_DIR"
ENV_OUTPUT = "ANALYSIS_OUTPUT_DIR"


def default_processed_dir() -> Path:
    """Where notebooks read processed data when their `processed_dir` parameter is None."""
    return Path(os.environ.get(ENV_PROCESSED) or DATA_PROCESSED)


def default_output_dir() -> Path:
    """Where notebooks write when their `output_dir` parameter is None."""
    return Path(os.environ.get(ENV_OUTPUT) or OUTPUT)
