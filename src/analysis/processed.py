"""The processed data: typed Parquet tables, one folder per year, replaced atomically.

Layout (SPEC §4)::

    data/processed/
        manifest.json            years, forms present and missing per year, rows per table
        2023/staff.parquet       one file per sheet of the contract (`Sheet.table`)
        2023/courses.parquet     ...

A form that did not arrive for a year has no files: `read_table` returns None and indicators
that need it report «нет данных». A sheet with a header and no rows is an empty table.
Ingest and the demo generator write through `publish`; everything else reads through
`read_table` / `years` / `load_manifest`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import contract
from analysis.machine_errors import machine_error

MANIFEST = "manifest.json"
# Where a year's data came from (manifest `years.<y>.source`): the synthetic demo city, or forms
# the municipality filled. `demo-data` leaves DEMO_MARKER in every raw year folder it writes;
# ingest skips hidden files, so the marker reaches no reader but tells `raw_sources` the truth.
SOURCE = "source"
SOURCE_DEMO = "demo"
SOURCE_FORMS = "forms"
DEMO_MARKER = ".demo-city"
DEMO_MARKER_HEAD = (
    "# Демонстрационные данные: вымышленный город, созданный командой demo-data.\n"
    "# Файл отмечает папку года как демонстрационную; книга помечает такие годы. Ниже — формы,\n"
    "# которые записала demo-data: если их заменить настоящими, год считается настоящим.\n"
)


# One Arrow type per contract type; ids stay strings (SPEC §4).
ARROW_TYPES: dict[str, pa.DataType] = {
    contract.ID: pa.string(),
    contract.TEXT: pa.string(),
    contract.ENUM: pa.string(),
    contract.LIST: pa.string(),
    contract.YESNO: pa.bool_(),
    contract.INT: pa.int64(),
    contract.NUMBER: pa.float64(),
    contract.DATE: pa.timestamp("ms"),
}


def arrow_schema(sheet: contract.Sheet) -> pa.Schema:
    """The Parquet schema of a sheet, derived from the contract."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in sheet.columns])


def to_arrow(sheet: contract.Sheet, frame: pd.DataFrame) -> pa.Table:
    """Cast a frame holding the sheet's columns to the contract's Arrow schema."""
    schema = arrow_schema(sheet)
    columns = []
    for fld in schema:
        values = frame[fld.name] if fld.name in frame.columns else pd.Series([None] * len(frame))
        columns.append(pa.array(_plain(values, fld.type), type=fld.type, from_pandas=True))
    return pa.Table.from_arrays(columns, schema=schema)


def _plain(values: pd.Series, arrow_type: pa.DataType) -> list | pd.Series:
    """Values pyarrow can convert: Python objects with None for missing."""
    if pa.types.is_timestamp(arrow_type):
        return pd.to_datetime(values).astype("datetime64[ms]")
    return [None if _missing(v) else v for v in values.tolist()]


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def publish(
    processed_dir: Path,
    tables: Mapping[int, Mapping[str, pd.DataFrame]],
    manifest_extra: Mapping[int, Mapping[str, object]] | None = None,
) -> None:
    """Write every year's tables, then swap the whole processed folder in at once.

    ``tables[year][table]`` holds a frame with the sheet's columns; a form absent for a year is
    simply absent from ``tables[year]``. The new folder is written beside the old one and renamed
    into place, so a crash midway leaves the previous processed data whole. A full disk, a
    denied or read-only folder is a `MachineError` naming the processed folder.
    """
    processed_dir = Path(processed_dir)
    try:
        _publish(processed_dir, tables, manifest_extra)
    except OSError as exc:
        mapped = machine_error(exc, processed_dir)
        if mapped is None:
            raise
        raise mapped from exc


def _publish(
    processed_dir: Path,
    tables: Mapping[int, Mapping[str, pd.DataFrame]],
    manifest_extra: Mapping[int, Mapping[str, object]] | None,
) -> None:
    processed_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-new-", dir=processed_dir.parent))
    try:
        manifest: dict[str, object] = {"years": {}}
        for year in sorted(tables):
            year_dir = staging / str(year)
            year_dir.mkdir()
            rows = {}
            for table, frame in sorted(tables[year].items()):
                sheet = contract.SHEETS[table]
                pq.write_table(to_arrow(sheet, frame), year_dir / f"{table}.parquet")
                rows[table] = len(frame)
            present = sorted({contract.TABLE_FORM[t] for t in rows})
            entry: dict[str, object] = {
                "forms_present": present,
                "forms_missing": [f.stem for f in contract.FORMS if f.stem not in present],
                "rows": rows,
            }
            entry.update((manifest_extra or {}).get(year, {}))
            manifest["years"][str(year)] = entry
        (staging / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        _swap_in(staging, processed_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; the old target is moved aside first, then removed.

    The two renames are one step for a signal (Ctrl-C, SIGTERM): it takes effect after them,
    so an interrupted ingest never leaves the processed folder missing.
    """
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".processed-old-", dir=target.parent))
        os.rmdir(old)
    swapped = False
    try:
        with _signals_held():
            if old is not None:
                os.rename(target, old)
            try:
                os.rename(staging, target)
            except OSError:
                if old is not None:
                    os.rename(old, target)  # put the previous good data back
                raise
            swapped = True
    finally:  # a held signal is raised as the block ends: the old copy still goes
        if swapped and old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back for the block, then deliver the first that came.

    Python-level deferral, not a signal mask: a process-directed signal may be taken by any
    thread, and Python runs its handler in the main thread whatever the main thread masks.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    held = [getattr(signal, n) for n in names if hasattr(signal, n)]
    came: list[int] = []
    previous = {sig: signal.getsignal(sig) for sig in held}
    previous = {sig: h for sig, h in previous.items() if h not in (signal.SIG_IGN, None)}
    for sig in previous:
        signal.signal(sig, lambda signum, frame: came.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if came:
            signal.raise_signal(came[0])


def raw_sources(raw_dir: Path, years: object) -> dict[int, dict[str, str]]:
    """`manifest_extra` for `publish`: per year, whether its raw folder is the demo city."""
    return {
        int(y): {SOURCE: SOURCE_DEMO if is_demo_folder(Path(raw_dir) / str(y)) else SOURCE_FORMS}
        for y in years
    }


def demo_marker_text(year_dir: Path) -> str:
    """The marker of a year folder the demo wrote: a note and the hash of every file in it."""
    lines = [f"{_sha256(path)}  {name}" for name, path in _data_files(year_dir)]
    return DEMO_MARKER_HEAD + "".join(line + "\n" for line in lines)


def is_demo_folder(year_dir: Path) -> bool:
    """Whether a raw year folder still holds exactly the files demo-data wrote into it.

    A folder whose forms were replaced (or joined) by real ones, with the hidden marker left
    behind, is real data: the marker only vouches for the files it lists.
    """
    marker = Path(year_dir) / DEMO_MARKER
    if not marker.is_file():
        return False
    listed = {}
    for line in marker.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            digest, _, name = line.partition("  ")
            listed[name] = digest
    found = dict(_data_files(year_dir))
    return (
        bool(listed)
        and set(found) == set(listed)
        and all(_sha256(found[name]) == digest for name, digest in listed.items())
    )


def _data_files(year_dir: Path) -> list[tuple[str, Path]]:
    """(relative name, path) of every non-hidden file under a year folder, sorted."""
    root = Path(year_dir)
    files = [
        p
        for p in root.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "~$")) for part in p.relative_to(root).parts)
    ]
    return sorted((p.relative_to(root).as_posix(), p) for p in files)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def is_demo_entry(entry: Mapping[str, object]) -> bool:
    """Whether a manifest year entry is the demo city (entries without a source are not)."""
    return entry.get(SOURCE) == SOURCE_DEMO


def demo_years(processed_dir: Path) -> list[int]:
    """Processed years that are the demo city, ascending."""
    entries = load_manifest(processed_dir).get("years", {})
    return sorted(int(y) for y, entry in entries.items() if is_demo_entry(entry))


def real_years(processed_dir: Path) -> list[int]:
    """Processed years that came from real forms (not the demo city), ascending."""
    entries = load_manifest(processed_dir).get("years", {})
    return sorted(int(y) for y, entry in entries.items() if not is_demo_entry(entry))


def load_manifest(processed_dir: Path) -> dict:
    """The manifest of the processed folder ({} when nothing has been ingested)."""
    path = Path(processed_dir) / MANIFEST
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def years(processed_dir: Path) -> list[int]:
    """Years present in the processed data, ascending."""
    return sorted(int(y) for y in load_manifest(processed_dir).get("years", {}))


def forms_present(processed_dir: Path, year: int) -> list[str]:
    """Stems of the forms that arrived for the year."""
    entry = load_manifest(processed_dir).get("years", {}).get(str(year), {})
    return list(entry.get("forms_present", []))


def table_path(processed_dir: Path, year: int, table: str) -> Path:
    return Path(processed_dir) / str(year) / f"{table}.parquet"


def read_table(processed_dir: Path, year: int, table: str) -> pd.DataFrame | None:
    """A processed table of a year, or None when its form did not arrive that year."""
    path = table_path(processed_dir, year, table)
    if not path.exists():
        return None
    return _with_new_columns(table, pq.read_table(path).to_pandas())


def _with_new_columns(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Data processed before the contract gained an optional column (e.g. the РЦ columns of
    `Планы-отчёты`) gets that column empty, typed: readers never meet a missing column."""
    sheet = contract.SHEETS.get(table)
    if sheet is None:
        return frame
    missing = [c.name for c in sheet.columns if c.name not in frame.columns]
    if not missing:
        return frame
    schema = arrow_schema(sheet)
    for name in missing:  # as Parquet reads an all-null column of the type (ints as floats)
        nulls = pa.nulls(len(frame), type=schema.field(name).type).to_pandas()
        frame[name] = nulls.set_axis(frame.index)
    return frame


def empty_table(table: str) -> pd.DataFrame:
    """A zero-row frame with the table's typed columns (for code that wants no None checks)."""
    return arrow_schema(contract.SHEETS[table]).empty_table().to_pandas()
