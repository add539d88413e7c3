"""A year's indicator table cached on disk, keyed by everything it depends on.

The key hashes the content of the processed files of every year the engine reads (y−2 … y),
`params/targets.yaml`, and the source of the catalogue, the targets module and this package, so
any change in data, targets or code gives a new file and a stale table is never reused.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd

from analysis import catalogue, targets
from analysis.catalogue import CATALOGUE, Has, Rows, Sum
from analysis.files import write_bytes_atomic

PACKAGE_DIR = Path(__file__).resolve().parent
KEY_LENGTH = 16  # hex digits of the sha256 kept in the file name


def earliest_offset() -> int:
    """The earliest year the catalogue reads, relative to y (−2 for the three-year window)."""
    offsets = [0]
    for ind in CATALOGUE.values():
        for block in (ind.numerator, ind.denominator, *ind.population):
            if isinstance(block, (Has, Rows, Sum)):
                offsets.append(block.years[0])
    return min(offsets)


def cache_key(processed_dir: Path, year: int, params_dir: Path | None) -> str:
    digest = hashlib.sha256()
    for offset in range(earliest_offset(), 1):
        folder = Path(processed_dir) / str(year + offset)
        digest.update(f"year {year + offset}\n".encode())
        if folder.is_dir():
            for path in sorted(folder.glob("*.parquet")):
                digest.update(path.name.encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    sources = [
        Path(catalogue.__file__),
        Path(targets.__file__),
        *sorted(PACKAGE_DIR.glob("*.py")),
        targets.targets_path(params_dir),
    ]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<absent>")
    return digest.hexdigest()[:KEY_LENGTH]


def cache_path(cache_dir: Path, year: int, key: str) -> Path:
    return Path(cache_dir) / f"indicators-{year}-{key}.parquet"


def load(path: Path, dtypes: dict[str, str]) -> pd.DataFrame | None:
    """The cached table, or None when absent or unreadable (then it is computed again)."""
    if not path.exists():
        return None
    try:
        return pd.read_parquet(path).astype(dtypes)
    except (OSError, ValueError, KeyError):
        return None


def store(path: Path, frame: pd.DataFrame) -> None:
    """Write atomically: a parallel reader never sees half a file."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_bytes_atomic(path, buffer.getvalue())
