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

from analysis import ingest_status, paths
from analysis.errors import UserError
from analysis.interruption import Interrupted, interruptible
from analysis.machine_errors import machine_error
from analysis.russian_cli import RussianArgumentParser, RussianHelpFormatter, russian_help


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
    parser = RussianArgumentParser(
        prog="python -m analysis",
        description="Аналитическая книга отчётов о качестве повышения квалификации педагогов.",
        epilog="Справка по команде: python -m analysis <команда> --help",
        formatter_class=RussianHelpFormatter,
    )
    russian_help(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="команда", title="команды")

    p = _command(
        sub,
        "ingest",
        "проверить формы из data/raw и записать data/processed",
        "Проверяет все книги Excel папки исходных данных по контракту форм и, если "
        "ошибок нет, записывает обработанные таблицы. При ошибках обработанные данные "
        "не меняются, а список ошибок выводится и сохраняется в отчёт о проверке.",
    )
    p.add_argument(
        "--raw-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.DATA_RAW,
        help="папка исходных форм <год>/<форма>.xlsx (по умолчанию data/raw)",
    )
    p.add_argument(
        "--processed-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.DATA_PROCESSED,
        help="куда записать обработанные данные (по умолчанию data/processed)",
    )
    p.add_argument(
        "--report-dir",
        type=Path,
        metavar="ПАПКА",
        default=None,
        help="куда записать отчёт о проверке validation.html и .xlsx "
        "(по умолчанию output/validation проекта, где бы ни была текущая папка)",
    )

    p = _command(
        sub,
        "demo-data",
        "создать демонстрационный город в пустой папке",
        "Записывает вымышленный город (около 150 учреждений и 6000 работников при "
        "масштабе 1) в формах контракта. Пишет только в пустую или несуществующую "
        "папку; каждый год помечается как демонстрационный, и книга это показывает.",
    )
    p.add_argument(
        "--raw-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.DATA_RAW,
        help="пустая папка, куда записать формы (по умолчанию data/raw)",
    )
    p.add_argument(
        "--years",
        nargs="+",
        default=["2019-2023"],
        metavar="ГОД",
        help="годы: 2022 2023 или диапазон 2019-2023 (по умолчанию 2019-2023)",
    )
    p.add_argument(
        "--seed",
        type=int,
        metavar="ЧИСЛО",
        default=0,
        help="зерно случайных чисел: то же зерно даёт те же данные (по умолчанию 0)",
    )
    p.add_argument(
        "--scale",
        type=float,
        metavar="ЧИСЛО",
        default=1.0,
        help="масштаб города: 1 — около 6000 работников, 20 — в 20 раз больше",
    )
    p.add_argument(
        "--format",
        choices=("xlsx", "parquet"),
        default="xlsx",
        help="xlsx — книги Excel форм (по умолчанию); parquet — сразу обработанные "
        "таблицы (для масштабов, не помещающихся в Excel)",
    )

    p = _command(
        sub,
        "indicators",
        "таблица всех показателей года (CSV)",
        "Рассчитывает все показатели каталога за год на всех уровнях и записывает "
        "их таблицей CSV (столбцы year, indicator_id, level, unit_id, …).",
    )
    p.add_argument(
        "--processed-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.DATA_PROCESSED,
        help="папка обработанных данных (по умолчанию data/processed)",
    )
    p.add_argument(
        "--year", type=int, metavar="ГОД", required=True, help="отчётный год, например 2023"
    )
    p.add_argument(
        "--out", type=Path, metavar="ФАЙЛ", required=True, help="файл CSV, который нужно записать"
    )

    p = _command(
        sub,
        "tables",
        "таблицы проблем, рекомендаций, мер и эффективности за год (CSV)",
        "Записывает в папку четыре таблицы CSV, на которых основаны выводы этапов 04–06: "
        "problems.csv, recommendations.csv, measures.csv и effectiveness.csv — такими же, "
        "какими их записывает сборка книги для выбранного профиля.",
    )
    p.add_argument(
        "--processed-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.DATA_PROCESSED,
        help="папка обработанных данных (по умолчанию data/processed)",
    )
    p.add_argument(
        "--year", type=int, metavar="ГОД", required=True, help="отчётный год, например 2023"
    )
    p.add_argument(
        "--out-dir", type=Path, metavar="ПАПКА", required=True, help="папка, куда записать таблицы"
    )
    p.add_argument(
        "--profile",
        choices=("internal", "public"),
        default="internal",
        help="internal — всё для аналитиков (по умолчанию); public — как в публичной книге: "
        "малые значения скрыты, без поля «Ответственный»",
    )

    p = _command(
        sub,
        "documents",
        "отчёты Центра за год: муниципальное задание, самообследование, 1-ПК (Word и xlsx)",
        "Составляет по формам года три документа Центра — «Отчёт о выполнении муниципального "
        "задания», «Самообследование: образовательная деятельность» и «Сведения для 1-ПК» — "
        "как редактируемые файлы Word (.docx) и их таблицы как книги Excel (.xlsx). Сборка "
        "внутренней версии книги пишет их в output/internal/<год>/documents/.",
    )
    p.add_argument(
        "--year", type=int, metavar="ГОД", required=True, help="отчётный год, например 2023"
    )
    p.add_argument(
        "--processed-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.DATA_PROCESSED,
        help="папка обработанных данных (по умолчанию data/processed)",
    )
    p.add_argument(
        "--out-dir",
        type=Path,
        metavar="ПАПКА",
        help="папка, куда записать документы (по умолчанию output/internal/<год>/documents)",
    )

    p = _command(
        sub,
        "build",
        "выполнить тетради и собрать HTML-книгу",
        "Выполняет тетради всех этапов за каждый год обработанных данных и собирает "
        "книгу HTML с оглавлением. Страницы, входные данные которых не менялись, не "
        "пересчитываются; страницы лет, которых больше нет в данных, удаляются.",
    )
    years = p.add_mutually_exclusive_group()
    years.add_argument(
        "--years",
        nargs="+",
        metavar="ГОД",
        help="только эти годы: 2021 2022 или 2019-2023 (по умолчанию — "
        "годы years из params/book.yaml, а если их там нет — все)",
    )
    years.add_argument(
        "--all",
        action="store_true",
        help="все годы обработанных данных, даже если в params/book.yaml указаны years",
    )
    p.add_argument(
        "--profile",
        choices=("public", "internal"),
        default="public",
        help="public — публичная версия без кодов работников и с «*» вместо малых "
        "чисел (по умолчанию); internal — внутренняя, с поимёнными списками",
    )
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        default=os.cpu_count() or 1,
        help="сколько тетрадей выполнять одновременно (по умолчанию — число ядер)",
    )
    p.add_argument(
        "--processed-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.DATA_PROCESSED,
        help="папка обработанных данных (по умолчанию data/processed)",
    )
    p.add_argument(
        "--output-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.OUTPUT,
        help="папка книги: <профиль>/index.html и страницы (по умолчанию output)",
    )
    p.add_argument("--force", action="store_true", help="пересобрать всё, не глядя на кэш")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="ещё и напечатать книгу каждого года в один PDF (<год>/book.pdf, формат A4) "
        "браузером Chromium без окна; нужен установленный Chromium",
    )
    p.add_argument(
        "--wait",
        action="store_true",
        help="если в эту папку уже идёт сборка, дождаться её конца, а не выходить",
    )

    p = _command(
        sub,
        "templates",
        "пустые формы сбора данных (xlsx)",
        "Записывает по пустой книге Excel на каждую форму с листом «Инструкция», "
        "выпадающими списками и справочниками кодов (учреждения и объединения — из "
        "последнего года настоящих, не демонстрационных данных; показатели и правила "
        "рекомендаций — с названиями).",
    )
    p.add_argument(
        "--year", type=int, metavar="ГОД", required=True, help="отчётный год форм, например 2024"
    )
    p.add_argument(
        "--out-dir",
        type=Path,
        metavar="ПАПКА",
        required=True,
        help="папка, куда записать формы (создаётся при необходимости)",
    )
    p.add_argument(
        "--processed-dir",
        type=Path,
        metavar="ПАПКА",
        default=paths.DATA_PROCESSED,
        help="обработанные данные, из которых берутся коды учреждений и "
        "объединений (по умолчанию data/processed)",
    )
    return parser


def _command(sub, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    """A sub-command whose --help is Russian throughout."""
    parser = sub.add_parser(
        name, help=summary, description=description, formatter_class=RussianHelpFormatter
    )
    russian_help(parser)
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


def _record_ingest(args: argparse.Namespace, status: int) -> None:
    """Keep the outcome beside the validation report: the book's front page says when the
    newest raw data was not accepted, and `make lab` skips ingest while data/raw is unchanged."""
    from analysis.ingest import default_report_dir

    report_dir = args.report_dir if args.report_dir is not None else default_report_dir()
    ingest_status.record(report_dir, args.raw_dir, accepted=status == 0)


def _settings_years() -> list[int] | None:
    """The years `params/book.yaml` names for the book (None: every year of the data), said
    aloud so a reader knows why other years are not built."""
    from analysis.params.book import load_book_settings

    years = list(load_book_settings().years)
    if years:
        print(
            f"Годы книги из params/book.yaml (years): {', '.join(map(str, years))}; "
            "все годы данных — с параметром --all."
        )
    return years or None


def _write_tables(args: argparse.Namespace) -> int:
    """`tables`: the four CSVs of stages 04–06 (SPEC §7), by the build's own function; the
    caches it needs live in a temporary folder, so nothing but --out-dir is written."""
    import tempfile

    from analysis import decision_tables

    with tempfile.TemporaryDirectory(prefix="analysis-tables-") as scratch:
        written = decision_tables.write_year(
            args.processed_dir, args.year, args.out_dir, args.profile, Path(scratch)
        )
    print(
        f"Таблицы этапов 04–06 за {args.year} год ({args.profile}) записаны в {args.out_dir}: "
        + ", ".join(p.name for p in written)
    )
    return 0


def _write_documents(args: argparse.Namespace) -> int:
    """`documents`: the Centre's three reports of a year, as the internal build writes them."""
    from analysis import context, documents, indicators

    context.resolve(args.year, args.processed_dir)  # a year without data: one Russian line
    out_dir = args.out_dir or paths.OUTPUT / "internal" / str(args.year) / documents.FOLDER
    tidy = indicators.compute_year(args.processed_dir, args.year)
    written = documents.write_year(args.processed_dir, args.year, tidy, out_dir)
    print(
        f"Документы Центра за {args.year} год записаны в {out_dir}: "
        + ", ".join(p.name for p in written)
    )
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.command == "ingest":
        from analysis.ingest import run_ingest

        status = run_ingest(args.raw_dir, args.processed_dir, args.report_dir)
        _record_ingest(args, status)
        return status
    if args.command == "demo-data":
        years = parse_years(args.years)
        from analysis.demo import generate

        generate(args.raw_dir, years, args.seed, args.scale, args.format)
        what = "обработанные таблицы" if args.format == "parquet" else "формы xlsx"
        print(
            f"Демонстрационный город (вымышленный) записан: {what} за "
            f"{', '.join(map(str, years or []))} в {args.raw_dir}"
        )
        return 0
    if args.command == "indicators":
        from analysis.indicators import write_indicators_csv

        write_indicators_csv(args.processed_dir, args.year, args.out)
        print(f"Таблица показателей за {args.year} год записана: {args.out}")
        return 0
    if args.command == "tables":
        return _write_tables(args)
    if args.command == "documents":
        return _write_documents(args)
    if args.command == "build":
        years = None if args.all else parse_years(args.years)  # a bad year fails before imports
        if not args.all and years is None:
            years = _settings_years()
        from analysis.book import build

        return build(
            years=years,
            profile=args.profile,
            jobs=args.jobs,
            processed_dir=args.processed_dir,
            output_dir=args.output_dir,
            force=args.force,
            wait=args.wait,
            pdf=args.pdf,
        )
    if args.command == "templates":
        from analysis.templates import describe, write_templates

        written = write_templates(args.year, args.out_dir, args.processed_dir)
        for line in describe(written, args.year, args.processed_dir):
            print(line)
        return 0
    raise AssertionError(args.command)
