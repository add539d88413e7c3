"""Validating ingest: raw workbooks → typed processed tables (SPEC §3, §4).

`run_ingest` reads every workbook of every year, checks it against `analysis.contract`, prints
every problem (errors, then warnings) as `file › sheet › строка N › column: value — what is
wrong`, writes the same list to `validation.html` / `validation.xlsx`, and only when there is no
error publishes the tables through `analysis.processed.publish` (atomic). The raw folder is only
read.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path

from analysis import contract, paths, processed
from analysis.catalogue import indicator_ids
from analysis.errors import UserError
from analysis.ingest import workbooks
from analysis.ingest.checks import Catalogues, check_year
from analysis.ingest.problems import ERROR, WARNING, Place, Problems
from analysis.ingest.reader import SheetData, read_form
from analysis.ingest.report import write_report

RECOMMENDATIONS_FILE = "recommendations.yaml"  # rule ids that `Меры` may cite (SPEC §3)
REPORT_SUBDIR = "validation"  # SPEC §4: output/validation by default
PUBLIC_SUBDIR = "public"  # SPEC §6: output/public is the public release

YearTables = dict[int, dict[str, SheetData]]


def run_ingest(
    raw_dir: Path,
    processed_dir: Path,
    report_dir: Path | None = None,
    *,
    params_dir: Path | None = None,
) -> int:
    """Validate the raw folder and, when it has no errors, replace the processed folder.

    Returns the exit status: 1 on any error (nothing under `processed_dir` changes), else 0.
    ``report_dir`` defaults to `validation/` of the project's output folder (resolved from the
    package, never from the working directory; `ANALYSIS_OUTPUT_DIR` overrides it, as for the
    notebooks). ``params_dir`` (default: the project's params/) is where recommendations.yaml
    is looked for.
    """
    raw_dir, processed_dir = Path(raw_dir), Path(processed_dir)
    report_dir = Path(report_dir) if report_dir is not None else default_report_dir()
    _refuse_writing_into(raw_dir, processed_dir, report_dir)
    _refuse_public(report_dir)
    problems = Problems()
    with _without_cyclic_gc():
        tables = collect(raw_dir, problems, Path(params_dir) if params_dir else paths.PARAMS)
    ordered = problems.ordered()
    page = write_report(report_dir, ordered, raw_dir)
    if problems.has_errors:
        for problem in ordered:
            print(problem.line())
        print(
            f"Ошибок: {problems.count(ERROR)}, предупреждений: {problems.count(WARNING)}. "
            f"Обработанные данные не изменены ({processed_dir})."
        )
        print(f"Отчёт о проверке: {page}")
        return 1
    processed.publish(
        processed_dir,
        {
            year: {table: data.frame() for table, data in year_tables.items()}
            for year, year_tables in tables.items()
        },
        # hook (issue 11): the manifest records per year whether it is the demo city
        manifest_extra=processed.raw_sources(raw_dir, tables),
    )
    for line in summary(tables):
        print(line)
    for problem in ordered:
        print(problem.line())
    print(
        f"Ошибок нет, предупреждений: {problems.count(WARNING)}. "
        f"Обработанные данные записаны: {processed_dir}"
    )
    print(f"Отчёт о проверке: {page}")
    return 0


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Reading creates millions of small objects (a place per row, values per cell) and no
    reference cycles worth collecting: Python's cycle collector would rescan them over and over
    (a quarter of the time of a sheet with 10⁶ rows). Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def default_report_dir() -> Path:
    """`<output>/validation`: beside, never inside, the public release (SPEC §4)."""
    return paths.default_output_dir() / REPORT_SUBDIR


def _refuse_public(report_dir: Path) -> None:
    """The report quotes cells (person codes): it must never land in the public release."""
    target = report_dir.resolve()
    for output in {paths.OUTPUT, paths.default_output_dir()}:
        public = (output / PUBLIC_SUBDIR).resolve()
        if target == public or target.is_relative_to(public):
            raise UserError(
                f"папка отчёта {report_dir} находится внутри публичной папки {public}: "
                "отчёт о проверке содержит коды работников и не публикуется — выберите "
                "другую папку (по умолчанию output/validation)"
            )


def _refuse_writing_into(raw_dir: Path, *targets: Path) -> None:
    """Ingest never writes the raw folder: refuse output folders placed inside it."""
    raw = raw_dir.resolve()
    for target in targets:
        if target.resolve() == raw or target.resolve().is_relative_to(raw):
            raise UserError(
                f"папка {target} находится внутри папки исходных данных {raw_dir}: "
                "исходные данные не изменяются, выберите другую папку"
            )


def collect(raw_dir: Path, problems: Problems, params_dir: Path) -> YearTables:
    """Read and check every year; problems go to `problems`, parsed tables are returned."""
    if not raw_dir.is_dir():
        problems.error(Place(file=str(raw_dir)), "папка исходных данных не найдена")
        return {}
    found = workbooks.discover(raw_dir, problems)
    if not found:
        problems.error(
            Place(file=str(raw_dir)),
            "нет ни одной папки года: формы ожидаются как <год>/<форма>.xlsx, "
            "например 2023/staff.xlsx",
        )
        return {}
    catalogues = Catalogues(indicator_ids(), recommendation_ids(params_dir, problems))
    result: YearTables = {}
    for year, forms in sorted(found.items()):
        year_tables: dict[str, SheetData] = {}
        for rank, form in enumerate(contract.FORMS):
            sources = forms.get(form.stem)
            if not sources:
                problems.warning(
                    Place(file=str(year), year=year, form_rank=rank),
                    f"нет формы «{form.title}» ({form.stem}.xlsx или папка "
                    f"{form.stem}/): показатели по ней будут «нет данных»",
                )
                continue
            year_tables.update(read_form(form, sources, year, problems))
        check_year(year_tables, year, catalogues, problems)
        result[year] = year_tables
    return result


def recommendation_ids(params_dir: Path, problems: Problems) -> frozenset[str] | None:
    """Rule ids of params/recommendations.yaml (`analysis.recommendations.rule_ids`); None
    when the file is absent or unreadable (then `Меры › Рекомендации` is not checked)."""
    path = params_dir / RECOMMENDATIONS_FILE
    if not path.exists():
        return None
    from analysis.params.recommendations import rule_ids  # deferred: only when the file exists

    try:
        return rule_ids(params_dir)
    except UserError:
        problems.warning(
            Place(file=str(path)),
            "не удалось прочитать список правил — проверка кодов рекомендаций в «Меры» пропущена",
        )
        return None


def summary(tables: YearTables) -> list[str]:
    """One line per year: forms read and rows per form."""
    lines = []
    for year, year_tables in sorted(tables.items()):
        rows: dict[str, int] = {}
        for table, data in year_tables.items():
            stem = contract.TABLE_FORM[table]
            rows[stem] = rows.get(stem, 0) + len(data)
        detail = ", ".join(f"{stem} {n}" for stem, n in rows.items())
        lines.append(
            f"{year}: форм {len(rows)} из {len(contract.FORMS)}, строк "
            f"{sum(rows.values())}" + (f" ({detail})" if detail else "")
        )
    return lines
