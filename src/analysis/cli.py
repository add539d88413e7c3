"""Command line: `python -m analysis <command>`.

Imports of the heavy modules are deferred to the command that needs them, so `--help` and a
mistyped option answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from analysis import paths
from analysis.errors import UserError


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
    p.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        help="папка отчёта о проверке (по умолчанию output/validation проекта)",
    )

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

    p = sub.add_parser("templates", help="пустые формы сбора данных (xlsx)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out-dir", type=Path, required=True)
    p.add_argument("--processed-dir", type=Path, default=paths.DATA_PROCESSED)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except UserError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Прервано.", file=sys.stderr)
        return 130


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
        )
    if args.command == "templates":
        from analysis.templates import write_templates

        write_templates(args.year, args.out_dir, args.processed_dir)
        return 0
    raise AssertionError(args.command)
