"""The demo city (SPEC §7 `demo-data`): a realistic synthetic municipality in the raw contract.

`generate` writes it into an empty raw folder: xlsx workbooks per year and form, or, for scales
whose sheets would pass Excel's row limit, processed Parquet tables directly. The same seed gives
the same cell contents. The city has structure to find: upward trends, a lagging district,
weaker ШНОР/ШНСУ schools, and measures some of which work (`measures.ground_truth`).
Every year folder it writes holds `processed.DEMO_MARKER`, so ingest records the year as the
demo in the processed manifest and the book marks it as a fictional city on every page.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from analysis.errors import UserError

DEFAULT_YEARS = list(range(2019, 2024))
FORMATS = ("xlsx", "parquet")
README = "README.md"  # the only file a raw folder may hold and still count as empty


def _check(raw_dir: Path, years: list[int], scale: float, fmt: str) -> None:
    """Refuse, in Russian, anything but an empty (or absent) folder and sane options."""
    if fmt not in FORMATS:
        raise UserError(f"Неизвестный формат «{fmt}»: ожидается xlsx или parquet")
    if not scale > 0:
        raise UserError(f"Масштаб должен быть больше нуля, указано {scale}")
    if not years:
        raise UserError("Не указан ни один год")
    if raw_dir.exists() and not raw_dir.is_dir():
        raise UserError(f"«{raw_dir}» — это файл, а нужна папка для исходных данных")
    if raw_dir.is_dir():
        other = sorted(p.name for p in raw_dir.iterdir() if p.name != README)
        if other:
            shown = ", ".join(other[:5]) + (" …" if len(other) > 5 else "")
            raise UserError(
                f"Папка «{raw_dir}» не пуста ({shown}): демонстрационные данные записываются "
                "только в пустую папку, чтобы не испортить настоящие исходные данные. "
                "Укажите другую папку (--raw-dir) или освободите эту."
            )


def generate(
    raw_dir: Path | str,
    years: list[int] | None = None,
    seed: int = 0,
    scale: float = 1.0,
    fmt: str = "xlsx",
) -> None:
    """Write the demo city of ``seed`` for ``years`` (default 2019–2023) into ``raw_dir``.

    ``fmt="xlsx"``: ``raw_dir/<year>/<form>.xlsx``; ``fmt="parquet"``: processed tables written
    with `analysis.processed.publish` (``raw_dir`` then is a processed folder).
    """
    from analysis import processed
    from analysis.demo import tables, workbooks

    raw_dir = Path(raw_dir)
    years = sorted(set(years or DEFAULT_YEARS))
    _check(raw_dir, years, scale, fmt)
    _progress(f"Демонстрационный город (вымышленный): {len(years)} г., масштаб {scale:g}…")
    city = tables.build_city(seed, years, scale)
    if fmt == "parquet":
        readme = raw_dir / README
        kept = readme.read_bytes() if readme.is_file() else None
        demo = {year: {processed.SOURCE: processed.SOURCE_DEMO} for year in years}
        processed.publish(raw_dir, dict(tables.years_tables(city)), manifest_extra=demo)
        if kept is not None:
            readme.write_bytes(kept)
        return
    raw_dir.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and moved in at the end: a failure leaves the folder empty.
    staging = Path(tempfile.mkdtemp(prefix=".demo-new-", dir=raw_dir.parent))
    try:
        for year, year_tables in tables.years_tables(city):
            _progress(f"  {year}: формы xlsx…")
            workbooks.write_year(staging / str(year), year_tables)
            # the marker that makes ingest record the year as the demo city (hidden: not read)
            (staging / str(year) / processed.DEMO_MARKER).write_text(
                processed.demo_marker_text(staging / str(year)), encoding="utf-8"
            )
        raw_dir.mkdir(exist_ok=True)
        for year_dir in sorted(staging.iterdir()):
            year_dir.rename(raw_dir / year_dir.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _progress(text: str) -> None:
    """A progress line on stderr: writing the city at scale 1 takes a while."""
    print(text, file=sys.stderr, flush=True)
