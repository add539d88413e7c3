"""Command line: `python -m analysis <command>`.

Imports of the heavy modules are deferred to the command that needs them, so `--help` and a
mistyped option answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from analysis import paths
from analysis.errors import UserError
from analysis.interruption import Interrupted, interruptible
from analysis.machine_errors import machine_error


def parse_years(values: list[str] | None) -> list[int] | None:
    """`2021 2022` or `2019-2023` (or a mix) → sorted list of years; None when not given."""
    if not values:
        return None
    years: set[int] = set()
    for value in values:
        try:
            if "-" in value:
                first, last = (int(part) for part in value.split("-", 1))
                if last < first:
                    raise ValueError
                years.update(range(first, last + 1))
            else:
                years.add(int(value))
        except ValueError:
            raise UserError(f"Неверно указан год: «{value}» (ожидается 2022 или 2019-2023)")
    return sorted(years)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Аналитическая книга отчётов о качестве повышения квалификации педагогов.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="команда")

    p = sub.add_parser("ingest", help="проверить формы из data/raw и записать data/processed")
    p.add_argument("--raw-dir", type=Path, default=paths.DATA_RAW)
    p.add_argument("--processed-dir", type=Path, default=paths.DATA_PROCESSED)
    p.add_argument("--report-dir", type=Path, default=paths.OUTPUT / "validation")

    p = sub.add_parser("demo-data", help="создать демонстрационный город в пустой папке")
    p.add_argument("--raw-dir", type=Path, default=paths.DATA_RAW)
    p.add_argument("--years", nargs="+", default=["2019-2023"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--format", choices=("xlsx", "parquet"), default="xlsx")

    p = sub.add_parser("indicators", help="таблица всех показателей года (CSV)")
    p.add_argument("--processed-dir", type=Path, default=paths.DATA_PROCESSED)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)

    p = sub.add_parser("build", help="выполнить тетради и собрать HTML-книгу")
    years = p.add_mutually_exclusive_group()
    years.add_argument("--years", nargs="+")
    years.add_argument("--all", action="store_true", help="все годы обработанных данных")
    p.add_argument("--profile", choices=("public", "internal"), default="public")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--processed-dir", type=Path, default=paths.DATA_PROCESSED)
    p.add_argument("--output-dir", type=Path, default=paths.OUTPUT)
    p.add_argument("--force", action="store_true", help="пересобрать всё, не глядя на кэш")
    p.add_argument("--wait", action="store_true",
                   help="если в эту папку уже идёт сборка, дождаться её конца, а не выходить")

    p = sub.add_parser("templates", help="пустые формы сбора данных (xlsx)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out-dir", type=Path, required=True)
    p.add_argument("--processed-dir", type=Path, default=paths.DATA_PROCESSED)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; every way it can end is one line and an exit status, not a traceback.

    A user's mistake or a machine's refusal (full disk, denied folder) → «Ошибка: …», 1;
    SIGINT, SIGTERM or SIGHUP → «<command> прервана: …», 128 + the signal's number.
    """
    args = _parser().parse_args(argv)
    try:
        with interruptible():
            return _run(args)
    except UserError as exc:
        return _say(f"Ошибка: {exc}", 1)
    except OSError as exc:
        mapped = machine_error(exc, _folder_of(args, exc))
        if mapped is None:
            raise
        return _say(f"Ошибка: {mapped}", 1)
    except Interrupted as exc:
        head, tail = _ENDED.get(args.command, ("команда прервана", ""))
        return _say(f"{head}: {exc}{tail}", exc.exit_status)
    except KeyboardInterrupt:
        return _say("Прервано.", 130)


# the line an interrupted command ends with: what stopped, (the reason), what stays as it was
_ENDED = {
    "build": ("сборка прервана", "; страницы прежней сборки сохранены"),
    # the processed folder is swapped whole, signals held (`processed._swap_in`)
    "ingest": ("проверка данных прервана", "; обработанные данные целы"),
}


# the folders each command writes (its options), for naming them in a machine's refusal
_WRITES = ("processed_dir", "report_dir", "output_dir", "raw_dir", "out_dir", "out")


def _folder_of(args: argparse.Namespace, exc: OSError) -> Path | None:
    """The command's own folder that `exc` is about: the one its path lies in, or the one a
    hidden staging folder beside it (`.…-new-…`) stands for; None when it is none of them (the
    message then names the folder of the path itself). The raw folder is only read by ingest."""
    if not exc.filename:
        return None
    path = Path(exc.filename).absolute()
    names = [n for n in _WRITES if n != "raw_dir" or args.command == "demo-data"]
    options = [Path(getattr(args, n)).absolute() for n in names if getattr(args, n, None)]
    if args.command == "indicators":
        options = [Path(args.out).absolute().parent]
    for folder in options:
        if path == folder or folder in path.parents:
            return folder
    for folder in options:
        if path.parent == folder.parent and path.name.startswith("."):
            return folder
    return None


def _say(line: str, status: int) -> int:
    """Print the one line (to a terminal that may be gone: SIGHUP) and return the status."""
    with contextlib.suppress(OSError):
        print(line, file=sys.stderr, flush=True)
    return status


def _run(args: argparse.Namespace) -> int:
    if args.command == "ingest":
        from analysis.ingest import run_ingest

        return run_ingest(args.raw_dir, args.processed_dir, args.report_dir)
    if args.command == "demo-data":
        years = parse_years(args.years)
        from analysis.demo import generate

        generate(args.raw_dir, years, args.seed, args.scale, args.format)
        return 0
    if args.command == "indicators":
        from analysis.indicators import write_indicators_csv

        write_indicators_csv(args.processed_dir, args.year, args.out)
        return 0
    if args.command == "build":
        years = None if args.all else parse_years(args.years)  # a bad year fails before imports
        from analysis.book import build

        return build(
            years=years,
            profile=args.profile,
            jobs=args.jobs,
            processed_dir=args.processed_dir,
            output_dir=args.output_dir,
            force=args.force,
            wait=args.wait,
        )
    if args.command == "templates":
        from analysis.templates import write_templates

        write_templates(args.year, args.out_dir, args.processed_dir)
        return 0
    raise AssertionError(args.command)
