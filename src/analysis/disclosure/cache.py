"""The public table of a year, decided once and read by every public surface.

The build's year step (CSV, workbooks, key figures) and every notebook of the public profile
read the same file, so no surface can show a cell another hides. The file is keyed by the
year's indicator table, its institutions, the threshold and the source of this package: any
change gives a new file, a stale decision is never reused.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

import pandas as pd

from analysis.files import write_bytes_atomic

PACKAGE_DIR = Path(__file__).resolve().parent
KEY_LENGTH = 16  # hex digits of the sha256 kept in the file name


def public_table(
    tidy: pd.DataFrame,
    processed_dir: Path,
    threshold: int,
    cache_dir: Path | None = None,
    school_groups: bool = False,
) -> pd.DataFrame:
    """`tidy` (one year or several stacked) as the public profile shows it, each year's
    decision read from `cache_dir` when it was made before."""
    from analysis.disclosure import SCHOOL_LEVEL

    parts = []
    for year, part in tidy.groupby("year", sort=True):
        shown = _year(
            part.reset_index(drop=True), int(year), Path(processed_dir), int(threshold), cache_dir
        )
        parts.append(shown if school_groups else shown[shown["level"].ne(SCHOOL_LEVEL)])
    if not parts:
        return tidy.copy()
    return pd.concat(parts, ignore_index=True)


def _year(
    tidy: pd.DataFrame, year: int, processed_dir: Path, threshold: int, cache_dir: Path | None
) -> pd.DataFrame:
    from analysis.disclosure import suppress_indicators
    from analysis.processed import read_table, table_path

    path = None
    if cache_dir is not None:
        key = _key(tidy, table_path(processed_dir, year, "institutions"), threshold)
        path = Path(cache_dir) / f"public-{year}-{key}.parquet"
        if path.exists():
            with contextlib.suppress(Exception):  # unreadable: decided again below
                return pd.read_parquet(path).astype(_dtypes(tidy), errors="ignore")
    institutions = read_table(processed_dir, year, "institutions")
    shown = suppress_indicators(tidy, threshold, institutions, school_groups=True)
    if path is not None:
        buffer = io.BytesIO()
        shown.to_parquet(buffer, index=False)
        write_bytes_atomic(path, buffer.getvalue())
    return shown


def _dtypes(tidy: pd.DataFrame) -> dict[str, object]:
    return {c: t for c, t in tidy.dtypes.items() if c != "meets_target"}


def _key(tidy: pd.DataFrame, institutions_path: Path, threshold: int) -> str:
    digest = hashlib.sha256()
    # the table's columns, types and every value (a row hash is ~7× faster than its CSV text,
    # and every public page asks for the key of each year it reads)
    digest.update(repr([(str(c), str(t)) for c, t in tidy.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(tidy, index=False).to_numpy().tobytes())
    digest.update(institutions_path.read_bytes() if institutions_path.exists() else b"<absent>")
    digest.update(f"threshold {threshold}\n".encode())
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:KEY_LENGTH]
