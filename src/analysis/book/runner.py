"""One build: decide what to redo, do it, write the pages, the front page and the record."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis import ingest_status
from analysis.book import plan
from analysis.files import write_text_atomic
from analysis.machine_errors import MachineError, machine_error

INDEX = "index.html"
CSV_NAME = "indicators.csv"
XLSX_NAME = "indicators.xlsx"  # analysis.exports.INDICATORS_NAME (not imported: openpyxl)
# analysis.decision_tables.NAMES (not imported: it pulls the page modules)
DECISION_TABLES = ("problems.csv", "recommendations.csv", "measures.csv", "effectiveness.csv")
SUMMARY_NAME = "recommendations_summary.xlsx"  # analysis.exports.SUMMARY_NAME (openpyxl)
UNITS_INDEX = "units.html"  # analysis.unit_links.UNITS_INDEX: the year's index of unit pages
UNITS_DIR = "units"  # analysis.unit_links.UNITS_DIR: the unit pages beside the stage pages
YEAR_DIR = re.compile(r"\d{4}")  # <output>/<profile>/<year>/
VALIDATION_DIR = "validation"  # the ingest report folder beside the profiles (SPEC §4 default)
CACHE_DIR = ".cache"  # analysis.book.yearly.CACHE_DIR (not imported: pandas)
PROFILE_FILE = "build-profile.json"  # under CACHE_DIR: where the last build's time went
SECONDS_FILE = "page-seconds.json"  # under CACHE_DIR: each page's and task's last duration
# what the pool's tasks import, loaded once in the forkserver rather than in every worker
# (the tasks' module and the tidy tables' writer with the page modules it pulls: ~4 s of CPU
# a worker otherwise)
TASK_PRELOAD = (
    "pandas",
    "pyarrow.parquet",
    "scipy.optimize",
    "scipy.sparse.csgraph",  # the disclosure audit's components (~0.2 s a worker)
    "analysis.book.yearly",
    "analysis.decision_tables",
)
TOP_CELLS = 5  # the slowest cells of a page kept in the profile


@dataclass
class Failure:
    year: int
    what: str  # the notebook file, or indicators.csv
    message: str

    def line(self) -> str:
        return f"  {self.year} › {self.what} › {self.message}"


@dataclass
class Summary:
    profile: str
    executed: int = 0
    cached: int = 0
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. the cost of protection per year

    @property
    def failed(self) -> int:
        return len(self.failures)

    def text(self, seconds: float) -> str:
        head = (
            f"Книга ({self.profile}): выполнено {self.executed}, из кэша {self.cached}, "
            f"с ошибкой {self.failed}; {seconds:.1f} с".replace(".", ",")
        )
        head = "\n".join([head, *self.notes])
        if not self.failures:
            return head
        lines = [head, "Не собраны (прежние страницы сохранены):"]
        lines += [f.line() for f in sorted(self.failures, key=lambda f: (f.year, f.what))]
        return "\n".join(lines)


@dataclass
class Build:
    """One build of one profile.

    Modules that pull in pandas, papermill or nbconvert (`yearly`, `schedule`, `execute`,
    `render`, `site`, the settings) are imported inside the methods that need them: an
    unchanged rebuild imports none of them and stays well under a second.
    """

    stages: list[plan.Stage]
    years: list[int]
    profile: str
    jobs: int
    processed_dir: Path
    output_dir: Path
    notebooks_dir: Path
    manifest: dict
    force: bool = False

    def __post_init__(self) -> None:
        self.root = self.output_dir / self.profile
        self.state_path = self.root / plan.STATE_FILE
        self.state = plan.load_state(self.state_path)
        self.summary = Summary(self.profile)
        self.new_pages: dict[str, str] = {}  # key → rendered HTML without the nav bar
        self.failed_keys: set[str] = set()
        self._renderer = None
        self._staff_ids: dict[int, object] = {}  # year → render.PersonIds
        self._settings = None
        self._tables: dict[int, tuple] = {}  # year → (tidy, shown) held by this build
        self.new_units: dict[int, dict[str, str]] = {}  # year → unit pages without the nav bar
        self.profile_record: dict[str, dict] = {}  # key → seconds of its parts (`make bench`)

    # --- the steps ---------------------------------------------------------------------------

    def run(self) -> Summary:
        self._retire_absent_years()
        # `common`: what every page depends on (a change in any re-runs the whole book)
        common = {
            "library": plan.library_digest(),
            "params": plan.params_digest(),
            "profile": self.profile,
        }
        data = plan.data_digests(self.processed_dir, self.manifest)
        from analysis.params.book import load_book_settings

        parameters = {
            "processed_dir": str(self.processed_dir),
            "output_dir": str(self.output_dir),
            "profile": self.profile,
            "window": load_book_settings().window,  # params/book.yaml, over the cell's literal
        }
        pages = plan.plan_pages(self.stages, self.years, common, data, parameters)
        todo = [p for p in pages if self._stale(p)]
        self.summary.cached = len(pages) - len(todo)
        year_fps = {y: plan.fingerprint(common, plan.readable_data(data, y)) for y in self.years}
        todo_years = {p.year for p in todo}
        table_years = [
            y for y in self.years if y in todo_years or self._table_stale(y, year_fps[y])
        ]
        if table_years:
            with self._pool(todo) as pool:  # workers start their kernels meanwhile
                # imported here, not at the top: an unchanged rebuild must not pay for it;
                # and after the pool's start: its forkserver imports its own modules meanwhile
                from analysis.book.schedule import YearWork

                _say(
                    f"Показатели, таблицы и выгрузки {_years_text(table_years)} — в пуле "
                    "процессов вместе с тетрадями…"
                )
                YearWork(self, pool, todo, table_years, year_fps).run()
        self._write_site()
        plan.save_state(self.state_path, self.state)
        self._save_profile()
        return self.summary

    def _retire_absent_years(self) -> None:
        """Remove the pages, tables and records of years no longer in the processed data (or
        loaded only as history): the book shows exactly the data it was built from (demo years
        replaced by real ones)."""
        present = set(plan.book_years(self.manifest)) | set(self.years)
        gone = sorted(
            {
                int(p.name)
                for p in self.root.glob("[0-9][0-9][0-9][0-9]")
                if p.is_dir() and YEAR_DIR.fullmatch(p.name)
            }
            | {int(k.split("/", 1)[0]) for k in self.state["pages"]}
            | {int(y) for y in self.state["years"]}
        )
        gone = [y for y in gone if y not in present]
        for year in gone:
            shutil.rmtree(self.root / str(year), ignore_errors=True)
        self.state["pages"] = {
            k: v for k, v in self.state["pages"].items() if int(k.split("/", 1)[0]) in present
        }
        self.state["years"] = {y: v for y, v in self.state["years"].items() if int(y) in present}
        if gone:
            _say(
                "Удалены страницы лет, которых больше нет в книге (их нет в обработанных "
                f"данных или загружены только курсы прошлых лет): {', '.join(map(str, gone))}"
            )

    def _stale(self, page: plan.Page) -> bool:
        known = self.state["pages"].get(page.key, {})
        html = self.root / f"{page.key}.html"
        return self.force or known.get("fingerprint") != page.fingerprint or not html.exists()

    def _table_stale(self, year: int, fp: str) -> bool:
        known = self.state["years"].get(str(year), {})
        folder = self.root / str(year)
        names = (CSV_NAME, XLSX_NAME, *DECISION_TABLES, UNITS_INDEX)
        products = all((folder / name).exists() for name in names)
        return self.force or known.get("fingerprint") != fp or not products

    def _pool(self, todo: list[plan.Page]):
        """The started worker pool: warm kernels for the stale pages, or (no page to execute:
        only tables to write) this process itself."""
        from analysis.book.execute import PagePool

        if not todo:
            from analysis.book.schedule import InlinePool

            return InlinePool()
        notebooks = sorted({str(p.stage.path) for p in todo})
        work = len(todo) + 3 * len(self.years)  # pages, and each year's three tasks at most
        return PagePool(
            min(self.jobs, work), notebooks, str(self.notebooks_dir), preload=TASK_PRELOAD
        )

    def table_step(self, year: int, year_fp: str) -> tuple | None:
        """In this process, in year order: the year's table as the profile shows it, its CSV
        and key figures; (tidy, shown, figures), or None when it failed (reported)."""
        from analysis import front_page
        from analysis.book import yearly
        from analysis.catalogue import CATALOGUE

        try:
            tidy = yearly.compute(self.processed_dir, year, self.output_dir)
            shown = yearly.for_profile(
                tidy, self.processed_dir, year, self.profile, self.threshold, self.output_dir
            )
            if self.profile == "public":
                self.summary.notes.append(yearly.protection_line(tidy, shown, year, self.threshold))
            yearly.write_csv(shown, self.root / str(year) / CSV_NAME)
            figures = yearly.key_figures(shown, self.settings.key_indicators)
            front = front_page.key_rows(
                shown, self.settings.key_indicators, CATALOGUE, self.settings.near_target_pp
            )
        except Exception as exc:  # noqa: BLE001 — reported with the year, the build goes on
            _stop_on_machine_error(exc, self.root / str(year))
            self.summary.failures.append(Failure(year, CSV_NAME, _describe(exc)))
            return None
        # until exports: the fingerprint, and the counts of the decision tables
        self.state["years"][str(year)] = {"fingerprint": "", "figures": figures, "front": front}
        self._tables[year] = (tidy, shown)
        return tidy, shown, figures

    def exports_done(self, year: int, outcome, year_fp: str) -> None:
        """Record the year's workbooks: done (its fingerprint), or failed (tried again next
        build); a full disk stops the build."""
        machine = outcome.machine_error()
        if machine is not None:
            raise machine
        entry = self.state["years"].setdefault(str(year), {"figures": []})
        if outcome.error:
            self.summary.failures.append(Failure(year, XLSX_NAME, outcome.error))
            entry["fingerprint"] = ""  # the next build tries the workbooks again
        elif self._unit_step(year, entry):
            entry["fingerprint"] = year_fp
        else:
            entry["fingerprint"] = ""  # the next build tries the unit pages again

    def _unit_step(self, year: int, entry: dict) -> bool:
        """In this process (idle while the pool works): the counts of the year's decision
        tables for the front page, and the pages of its units (kept until the site is
        written); False when they failed (reported, the previous pages stay)."""
        from analysis import front_page
        from analysis.book import unit_pages

        folder = self.root / str(year)
        try:
            entry["counts"] = front_page.decision_counts(
                unit_pages.read_csv(folder / "problems.csv"),
                unit_pages.read_csv(folder / "measures.csv"),
                unit_pages.read_csv(folder / "effectiveness.csv"),
                year,
            )
            tidy = self._tables[year][0] if year in self._tables else self._tidy(year)
            trend = {y: self._shown(y) for y in self._trend_years(year)}
            inputs = unit_pages.year_inputs(
                self.processed_dir,
                self.output_dir,
                folder,
                year,
                self.profile,
                trend,
                tidy,
                self.settings.near_target_pp,
            )
            built = unit_pages.year_pages(inputs)
            if self.profile == "public":  # the same safety net as the stage pages'
                self._no_person_ids(year, built)
            self.new_units[year] = built
        except Exception as exc:  # noqa: BLE001 — reported with the year, the build goes on
            _stop_on_machine_error(exc, folder)
            self.summary.failures.append(Failure(year, UNITS_INDEX, _describe(exc)))
            return False
        return True

    def _no_person_ids(self, year: int, built: dict[str, str]) -> None:
        """Refuse public unit pages that show a person code (none is ever put there)."""
        from analysis.book.render import person_ids_in

        ids = self._ids_up_to(year)
        leaked = sorted({pid for page in built.values() for pid in person_ids_in(page, ids)})
        if leaked:
            shown = ", ".join(leaked[:3]) + (" …" if len(leaked) > 3 else "")
            raise ValueError(
                f"на страницах учреждений есть коды работников ({shown}) — в публичной "
                "версии их быть не должно; страницы не записаны"
            )

    def _trend_years(self, year: int) -> list[int]:
        """The book's years up to `year`: the years a unit page's trend shows."""
        return [y for y in plan.book_years(self.manifest) if y <= year]

    def _tidy(self, year: int):
        from analysis.book import yearly

        return yearly.compute(self.processed_dir, year, self.output_dir)

    def _shown(self, year: int):
        """The year's indicator table as the profile shows it (held, or from the cache)."""
        if year not in self._tables:
            from analysis.book import yearly

            tidy = self._tidy(year)
            shown = yearly.for_profile(
                tidy, self.processed_dir, year, self.profile, self.threshold, self.output_dir
            )
            self._tables[year] = (tidy, shown)
        return self._tables[year][1]

    @property
    def settings(self):
        if self._settings is None:
            from analysis.settings import load_book_settings

            self._settings = load_book_settings()
        return self._settings

    @property
    def threshold(self) -> int:
        return self.settings.suppression_threshold

    def page_done(self, page: plan.Page, outcome) -> None:
        """A page came back from the pool: keep it, or name where it failed."""
        if outcome.notebook is None:
            where = f"ячейка {outcome.cell}" if outcome.cell else "запуск"
            if outcome.cell_source:
                where += f" («{outcome.cell_source[:60]}»)"
            self._fail(page, f"{where}: {outcome.error}")
            return
        self.profile_record[page.key] = {
            "execute": round(outcome.seconds, 2),
            "cells": cell_seconds(outcome.notebook),
        }
        start = time.perf_counter()
        self._accept(page, outcome.notebook)
        self.profile_record[page.key]["render"] = round(time.perf_counter() - start, 3)

    def _save_profile(self) -> None:
        """Where the pages' and tasks' time went in this build (`.cache/build-profile.json`,
        read by `make bench`); nothing when nothing ran."""
        if not self.profile_record:
            return
        path = self.output_dir / CACHE_DIR / PROFILE_FILE
        with contextlib.suppress(OSError):  # a measurement, not a product of the build
            write_text_atomic(
                path,
                json.dumps(self.profile_record, sort_keys=True, ensure_ascii=False, indent=0)
                + "\n",
            )

    def _accept(self, page: plan.Page, nb: dict) -> None:
        """Normalise, render, check and keep a successfully executed page."""
        from analysis.book import render

        if self._renderer is None:
            self._renderer = render.Renderer(self.profile)
        nb = render.normalise(nb)
        try:
            html = self._renderer.render(nb, page.stage.title)
        except Exception as exc:  # noqa: BLE001 — a broken output must not stop the book
            self._fail(page, f"HTML не собран: {_describe(exc)}")
            return
        if self.profile == "public":
            leaked = render.person_ids_in(html, self._ids_up_to(page.year))
            if leaked:
                shown = ", ".join(leaked[:3]) + (" …" if len(leaked) > 3 else "")
                self._fail(
                    page,
                    f"на странице есть коды работников ({shown}) — в публичной "
                    "версии их быть не должно; страница не записана",
                )
                return
        executed = self.root / f"{page.key}.ipynb"
        if self.profile == "internal":  # SPEC §6: the executed notebook only in the internal one
            write_text_atomic(executed, _ipynb_text(nb))
        else:  # code and local paths: never in the public folder (nor left from older builds)
            executed.unlink(missing_ok=True)
        self.new_pages[page.key] = html
        self.state["pages"][page.key] = {
            "fingerprint": page.fingerprint,
            "inputs": page.inputs,
            "title": page.stage.title,
        }
        self.summary.executed += 1

    def _fail(self, page: plan.Page, message: str) -> None:
        self.summary.failures.append(Failure(page.year, page.stage.path.name, message))
        self.failed_keys.add(page.key)

    def _ids_up_to(self, year: int):
        """person_ids of `Кадры` of every processed year up to `year` (what the page can read),
        as a `render.PersonIds` check."""
        from analysis.book.render import PersonIds
        from analysis.book.yearly import staff_ids

        if year not in self._staff_ids:
            readable = [int(y) for y in self.manifest.get("years", {}) if int(y) <= year]
            self._staff_ids[year] = PersonIds(staff_ids(self.processed_dir, readable))
        return self._staff_ids[year]

    # --- the book around the pages -----------------------------------------------------------

    def _site_pages(self) -> list[tuple[int, str, str]]:
        """Every page of the book that exists, built now or kept from earlier builds:
        (year, stem, title)."""
        titles = {s.stem: s.title for s in self.stages}
        out = []
        for key, entry in self.state["pages"].items():
            year, stem = key.split("/", 1)
            if stem in titles and (key in self.new_pages or (self.root / f"{key}.html").exists()):
                out.append((int(year), stem, titles.get(stem) or entry.get("title", stem)))
        return sorted(out)

    def _write_site(self) -> None:
        """The nav bar on every page (rewritten where the book's shape changed), the unit
        pages and the index."""
        entries = self._site_pages()
        demo = plan.demo_years(self.manifest)
        unit_years = frozenset(
            y
            for y in {e[0] for e in entries}
            if y in self.new_units or (self.root / str(y) / UNITS_INDEX).exists()
        )
        shape = plan.fingerprint(
            [[y, stem, title, y in demo] for y, stem, title in entries],
            sorted(unit_years),
            self.profile,
        )
        reshaped = shape != self.state.get("site")
        summaries = {
            int(y): {k: entry.get(k) for k in ("figures", "front", "counts")}
            for y, entry in self.state["years"].items()
        }
        downloads = self._downloads({e[0] for e in entries})
        status = self._ingest_status()
        index_inputs = plan.fingerprint(shape, summaries, status, downloads)
        index_path = self.root / INDEX
        if (
            not self.new_pages
            and not self.new_units
            and not reshaped
            and index_path.exists()
            and self.state.get("index") == index_inputs
        ):
            return  # no page, nav bar or front-page figure changed: nothing to write
        # imported only when something is written: the site's vocabulary pulls in pandas,
        # which an unchanged rebuild must not pay for
        from analysis.book.site import SitePage, book_notices, index_html, nav_html, with_nav

        pages = [SitePage(y, stem, title) for y, stem, title in entries]
        for p in pages:
            key = f"{p.year}/{p.stem}"
            if key in self.new_pages:
                page_html = self.new_pages[key]
            elif reshaped and key not in self.failed_keys:  # a failed page stays as it was
                page_html = (self.root / p.href).read_text(encoding="utf-8")
            else:
                continue
            nav = nav_html(
                pages, p.year, p.stem, self.profile, demo=p.year in demo, units=p.year in unit_years
            )
            updated = with_nav(page_html, nav)
            if key in self.new_pages or updated != page_html:
                write_text_atomic(self.root / p.href, updated)
        for year in sorted(unit_years):
            if year in self.new_units or reshaped:
                self._write_units(year, pages, year in demo, nav_html, with_nav)
        notices = book_notices(sorted({p.year for p in pages}), demo, status, self.profile)
        index = index_html(
            pages,
            summaries,
            self.profile,
            demo_years=demo,
            notices=notices,
            downloads=downloads,
            unit_years=unit_years,
        )
        if not index_path.exists() or index_path.read_text(encoding="utf-8") != index:
            write_text_atomic(index_path, index)
        self.state["site"] = shape
        self.state["index"] = index_inputs

    def _write_units(self, year: int, pages: list, demo: bool, nav_html, with_nav) -> None:
        """The year's unit pages with their nav bar: the new ones written (and the pages of
        units no longer in the year removed), or the existing ones re-navigated. A file is
        replaced only when its text changed."""
        folder = self.root / str(year)
        new = self.new_units.get(year)
        names = (
            sorted(new)
            if new is not None
            else [UNITS_INDEX]
            + sorted(f"{UNITS_DIR}/{p.name}" for p in (folder / UNITS_DIR).glob("*.html"))
        )
        for name in names:
            path = folder / name
            old = path.read_text(encoding="utf-8") if path.exists() else None
            body = new[name] if new is not None else old
            if body is None:
                continue
            base = "../" if "/" in name else ""
            stem = UNITS_INDEX.removesuffix(".html")
            updated = with_nav(
                body, nav_html(pages, year, stem, self.profile, demo=demo, units=True, base=base)
            )
            if updated != old:
                write_text_atomic(path, updated)
        if new is not None:  # units that left the year: their pages go too
            keep = {n.split("/", 1)[1] for n in new if "/" in n}
            for path in (folder / UNITS_DIR).glob("*.html"):
                if path.name not in keep:
                    path.unlink()

    def _downloads(self, years: set[int]) -> dict[int, list[str]]:
        """The year's downloadable tables that exist (the front page links only those)."""
        names = (XLSX_NAME, CSV_NAME, SUMMARY_NAME, *DECISION_TABLES)
        return {y: [n for n in names if (self.root / str(y) / n).is_file()] for y in sorted(years)}

    def _ingest_status(self) -> dict:
        """The last ingest's outcome for the front page's warnings (a rejected ingest), with
        no local absolute path on a public page."""
        status = ingest_status.load(self.output_dir / VALIDATION_DIR)
        if status.get("report"):
            report = Path(str(status["report"]))
            try:
                shown = report.relative_to(self.output_dir.parent).as_posix()
            except ValueError:
                shown = report.as_posix() if self.profile == "internal" else report.name
            status = {**status, "report": shown}
        return status


def _say(text: str) -> None:
    """A progress line of a long step (stderr, like the progress bar of the pages)."""
    print(text, file=sys.stderr, flush=True)


def _years_text(years: list[int]) -> str:
    """«2023 года», «2019–2023 годов» (consecutive), «2019, 2021 годов»."""
    if len(years) == 1:
        return f"{years[0]} года"
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]} годов"
    return ", ".join(map(str, years)) + " годов"


def cell_seconds(nb: dict) -> list[list]:
    """The slowest code cells of an executed notebook: [number, first line, seconds] (papermill
    times every cell; the injected parameters cell is not counted in the numbers)."""
    timed, number = [], 0
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        if "injected-parameters" in meta.get("tags", []):
            continue
        number += 1
        duration = (meta.get("papermill") or {}).get("duration")
        if cell.get("cell_type") == "code" and isinstance(duration, (int, float)):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            first = next((line.strip() for line in source.splitlines() if line.strip()), "")
            timed.append([number, first[:80], round(float(duration), 2)])
    return sorted(timed, key=lambda t: -t[2])[:TOP_CELLS]


def _ipynb_text(nb: dict) -> str:
    """The executed notebook as stored by Jupyter (indent 1, sorted keys), deterministic."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _stop_on_machine_error(exc: Exception, folder: Path) -> None:
    """A full disk or a denied folder is not one year's failure: it stops the whole build with
    one line (`MachineError`); the pool's workers are stopped on the way out."""
    if isinstance(exc, MachineError):
        raise exc
    # a missing file here is one the year reads (processed data), not the folder it writes
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
        mapped = machine_error(exc, folder)
        if mapped is not None:
            raise mapped from exc


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
