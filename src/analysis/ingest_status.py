"""The outcome of the last ingest, kept beside its validation report, and whether data/raw changed.

`python -m analysis ingest` records after each run (`record`) whether the raw data was accepted,
when, where the report is, and a digest of the raw folder. The book reads it (`load`) to say on
its front page that the newest data was not accepted; `make lab` / `make book` ask `is_current`
(``python -m analysis.ingest_status``) so that ingest is not run again while nothing in the raw
folder changed. Standard library only: the unchanged rebuild imports it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path

from analysis.russian_cli import RussianArgumentParser, RussianHelpFormatter, russian_help

STATUS_NAME = "ingest-status.json"  # in the report folder (default output/validation)
REPORT_NAME = "validation.html"  # analysis.ingest.report.HTML_NAME (not imported: openpyxl)
MANIFEST = "manifest.json"  # analysis.processed.MANIFEST (not imported: pandas)


def raw_digest(raw_dir: Path) -> str:
    """Hash of the names, sizes and modification times of everything under the raw folder.

    Cheap (no file is read), and any added, removed, renamed, replaced or re-saved file changes
    it; hidden files such as Excel's lock files `~$…` are left out: opening a form is no change.
    """
    digest = hashlib.sha256()
    root = Path(raw_dir)
    if not root.is_dir():
        return ""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.startswith(("~$", ".~lock")):
                continue
            path = Path(folder) / name
            try:
                info = path.stat()
            except OSError:
                continue
            rel = path.relative_to(root).as_posix()
            digest.update(f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def record(report_dir: Path, raw_dir: Path, accepted: bool, now: dt.datetime | None = None) -> Path:
    """Write the outcome of an ingest run into the report folder; returns the file's path."""
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    when = (now or dt.datetime.now()).replace(microsecond=0)
    status = {
        "accepted": bool(accepted),
        "checked_at": when.isoformat(sep=" "),
        "raw_dir": str(Path(raw_dir).resolve()),
        "raw_digest": raw_digest(raw_dir),
        "report": str((report_dir / REPORT_NAME).resolve()),
    }
    path = report_dir / STATUS_NAME
    tmp = path.with_name(f".{STATUS_NAME}.tmp")
    tmp.write_text(json.dumps(status, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load(report_dir: Path) -> dict:
    """The last recorded outcome ({} when ingest has not run or the file is unreadable)."""
    try:
        status = json.loads((Path(report_dir) / STATUS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return status if isinstance(status, dict) else {}


def is_current(raw_dir: Path, processed_dir: Path, report_dir: Path) -> bool:
    """Whether the last ingest already saw this very raw folder and processed data exists."""
    status = load(report_dir)
    if not status or not (Path(processed_dir) / MANIFEST).exists():
        return False
    same_folder = status.get("raw_dir") == str(Path(raw_dir).resolve())
    return same_folder and status.get("raw_digest") == raw_digest(raw_dir)


def rejected(status: dict) -> bool:
    """Whether the recorded run rejected the raw data (the processed data is the older one)."""
    return bool(status) and status.get("accepted") is False


def main(argv: list[str] | None = None) -> int:
    """For the Makefile: 0 — raw data unchanged and accepted, 2 — unchanged and rejected last
    time (the processed data is the older, good one), 1 — changed: ingest must run."""
    parser = RussianArgumentParser(
        prog="python -m analysis.ingest_status",
        formatter_class=RussianHelpFormatter,
        description="Проверить, изменилась ли папка исходных данных с последней загрузки. "
        "Код возврата: 0 — не изменилась, данные приняты; 2 — не изменилась, "
        "данные не приняты; 1 — изменилась, нужна новая загрузка.",
    )
    parser.add_argument(
        "--raw-dir", type=Path, required=True, metavar="ПАПКА", help="папка исходных форм"
    )
    parser.add_argument(
        "--processed-dir",
        type=Path,
        required=True,
        metavar="ПАПКА",
        help="папка обработанных данных",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        required=True,
        metavar="ПАПКА",
        help="папка отчёта о проверке (там хранится итог последней загрузки)",
    )
    russian_help(parser)
    args = parser.parse_args(argv)
    if not is_current(args.raw_dir, args.processed_dir, args.report_dir):
        return 1
    status = load(args.report_dir)
    verdict = "НЕ приняты" if rejected(status) else "приняты"
    print(
        f"Исходные данные не менялись с проверки {status.get('checked_at', '')} "
        f"(данные {verdict}): повторная загрузка не нужна."
    )
    if rejected(status):
        print(f"Отчёт о проверке: {status.get('report', '')}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
