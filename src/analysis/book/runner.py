"""One build: decide what to redo, do it, write the pages, the front page and the record."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from analysis.book import plan
from analysis.book.site import SitePage, book_notices, index_html, nav_html, with_nav
from analysis.files import write_text_atomic
from analysis.machine_errors import MachineError, machine_error

INDEX = "index.html"
CSV_NAME = "indicators.csv"
XLSX_NAME = "indicators.xlsx"  # analysis.exports.INDICATORS_NAME (not imported: openpyxl)
YEAR_DIR = re.compile(r"\d{4}")  # <output>/<profile>/<year>/
VALIDATION_DIR = "validation"  # the ingest report folder beside the profiles (SPEC §4 default)


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
        self._staff_ids: dict[int, set[str]] = {}

    # --- the steps ---------------------------------------------------------------------------

    def run(self) -> Summary:
        self._retire_absent_years()
        # `common`: what every page depends on (a change in any re-runs the whole book)
        common = {"library": plan.library_digest(), "params": plan.params_digest(),
                  "profile": self.profile}
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
        table_years = [y for y in self.years if y in todo_years or self._table_stale(y, year_fps[y])]
        with self._pool(todo) as pool:  # workers start their kernels meanwhile
            if todo:
                self._warm_cache(sorted(todo_years))
                pool.submit(self._jobs(todo), self.output_dir / ".cache" / "page-seconds.json")
            if table_years:
                self._tables(table_years, year_fps)  # while the pages run
            if todo:
                self._execute(todo, pool)
        self._write_site()
        plan.save_state(self.state_path, self.state)
        return self.summary

    def _retire_absent_years(self) -> None:
        """Remove the pages, tables and records of years no longer in the processed data (or
        loaded only as history): the book shows exactly the data it was built from (demo years
        replaced by real ones)."""
        present = set(plan.book_years(self.manifest)) | set(self.years)
        gone = sorted(
            {int(p.name) for p in self.root.glob("[0-9][0-9][0-9][0-9]")
             if p.is_dir() and YEAR_DIR.fullmatch(p.name)}
            | {int(k.split("/", 1)[0]) for k in self.state["pages"]}
            | {int(y) for y in self.state["years"]}
        )
        gone = [y for y in gone if y not in present]
        for year in gone:
            shutil.rmtree(self.root / str(year), ignore_errors=True)
        self.state["pages"] = {k: v for k, v in self.state["pages"].items()
                               if int(k.split("/", 1)[0]) in present}
        self.state["years"] = {y: v for y, v in self.state["years"].items() if int(y) in present}
        if gone:
            _say("Удалены страницы лет, которых больше нет в книге (их нет в обработанных "
                 f"данных или загружены только курсы прошлых лет): {', '.join(map(str, gone))}")

    def _stale(self, page: plan.Page) -> bool:
        known = self.state["pages"].get(page.key, {})
        html = self.root / f"{page.key}.html"
        return self.force or known.get("fingerprint") != page.fingerprint or not html.exists()

    def _table_stale(self, year: int, fp: str) -> bool:
        known = self.state["years"].get(str(year), {})
        folder = self.root / str(year)
        products = (folder / CSV_NAME).exists() and (folder / XLSX_NAME).exists()
        return self.force or known.get("fingerprint") != fp or not products

    def _tables(self, years: list[int], year_fps: dict[int, str]) -> None:
        """Each year's indicator table, once: the cache for notebooks, the CSV, key figures."""
        from analysis.book import yearly
        from analysis.settings import load_book_settings

        settings = load_book_settings()
        for number, year in enumerate(years, start=1):
            _say(f"Таблицы и выгрузки {year} года ({number} из {len(years)}): показатели, "
                 "indicators.csv/.xlsx, рекомендации…")
            try:
                tidy = yearly.compute(self.processed_dir, year, self.output_dir)
                shown = yearly.for_profile(
                    tidy, self.processed_dir, year, self.profile, settings.suppression_threshold,
                    self.output_dir,
                )
                if self.profile == "public":
                    self.summary.notes.append(yearly.protection_line(
                        tidy, shown, year, settings.suppression_threshold))
                yearly.write_csv(shown, self.root / str(year) / CSV_NAME)
                figures = yearly.key_figures(shown, settings.key_indicators)
            except Exception as exc:  # noqa: BLE001 — reported with the year, the build goes on
                _stop_on_machine_error(exc, self.root / str(year))
                self.summary.failures.append(Failure(year, CSV_NAME, _describe(exc)))
                continue
            fingerprint = year_fps[year]
            try:
                yearly.write_exports(tidy, shown, self.processed_dir, year, self.profile,
                                     self.root / str(year), settings.suppression_threshold,
                                     output_dir=self.output_dir)
            except Exception as exc:  # noqa: BLE001 — the CSV, figures and pages still stand
                _stop_on_machine_error(exc, self.root / str(year))
                self.summary.failures.append(Failure(year, XLSX_NAME, _describe(exc)))
                fingerprint = ""  # the next build tries the workbooks again
            self.state["years"][str(year)] = {"fingerprint": fingerprint, "figures": figures}

    def _pool(self, todo: list[plan.Page]):
        """The started worker pool for the stale pages (nothing when none is stale)."""
        if not todo:
            return contextlib.nullcontext()
        from analysis.book.execute import PagePool

        notebooks = sorted({str(p.stage.path) for p in todo})
        return PagePool(min(self.jobs, len(todo)), notebooks, str(self.notebooks_dir))

    def _warm_cache(self, years: list[int]) -> None:
        """The indicator tables the pages read, computed once into the cache before they run."""
        from analysis.book import yearly

        for number, year in enumerate(years, start=1):
            _say(f"Расчёт показателей {year} года ({number} из {len(years)})…")
            # a failure is reported by `_tables`, which tries again
            with contextlib.suppress(Exception):
                yearly.warm(self.processed_dir, year, self.output_dir)
        if self.profile == "public":  # the decision every public page reads, made once
            from analysis.settings import load_book_settings

            threshold = load_book_settings().suppression_threshold
            data_years = {int(y) for y in self.manifest.get("years", {})}
            window = sorted({y - k for y in years for k in range(3)} & data_years)
            for year in window:
                with contextlib.suppress(Exception):
                    tidy = yearly.compute(self.processed_dir, year, self.output_dir)
                    yearly.for_profile(tidy, self.processed_dir, year, self.profile, threshold,
                                       self.output_dir)

    def _jobs(self, todo: list[plan.Page]) -> list:
        from analysis.book.execute import Job

        return [Job(p.key, str(p.stage.path), p.parameters, str(self.notebooks_dir)) for p in todo]

    def _execute(self, todo: list[plan.Page], pool) -> None:
        """Collect the submitted pages from the pool; render each as it arrives."""
        from tqdm import tqdm

        by_key = {p.key: p for p in todo}
        with tqdm(total=len(todo), desc="Тетради", unit="стр.", file=sys.stderr) as bar:
            for outcome in pool.outcomes():
                page = by_key[outcome.key]
                bar.set_postfix_str(page.key, refresh=False)
                if outcome.notebook is None:
                    where = f"ячейка {outcome.cell}" if outcome.cell else "запуск"
                    if outcome.cell_source:
                        where += f" («{outcome.cell_source[:60]}»)"
                    self._fail(page, f"{where}: {outcome.error}")
                else:
                    self._accept(page, outcome.notebook)
                bar.update(1)

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
                self._fail(page, f"на странице есть коды работников ({shown}) — в публичной "
                                 "версии их быть не должно; страница не записана")
                return
        executed = self.root / f"{page.key}.ipynb"
        if self.profile == "internal":  # SPEC §6: the executed notebook only in the internal one
            write_text_atomic(executed, _ipynb_text(nb))
        else:  # code and local paths: never in the public folder (nor left from older builds)
            executed.unlink(missing_ok=True)
        self.new_pages[page.key] = html
        self.state["pages"][page.key] = {
            "fingerprint": page.fingerprint, "inputs": page.inputs, "title": page.stage.title,
        }
        self.summary.executed += 1

    def _fail(self, page: plan.Page, message: str) -> None:
        self.summary.failures.append(Failure(page.year, page.stage.path.name, message))
        self.failed_keys.add(page.key)

    def _ids_up_to(self, year: int) -> set[str]:
        """person_ids of `Кадры` of every processed year up to `year` (what the page can read)."""
        from analysis.book.yearly import staff_ids

        if year not in self._staff_ids:
            readable = [int(y) for y in self.manifest.get("years", {}) if int(y) <= year]
            self._staff_ids[year] = staff_ids(self.processed_dir, readable)
        return self._staff_ids[year]

    # --- the book around the pages -----------------------------------------------------------

    def _site_pages(self) -> list[SitePage]:
        """Every page of the book that exists: built now or kept from earlier builds."""
        titles = {s.stem: s.title for s in self.stages}
        out = []
        for key, entry in self.state["pages"].items():
            year, stem = key.split("/", 1)
            if stem in titles and (key in self.new_pages or (self.root / f"{key}.html").exists()):
                out.append(SitePage(int(year), stem, titles.get(stem) or entry.get("title", stem)))
        return sorted(out, key=lambda p: (p.year, p.stem))

    def _write_site(self) -> None:
        """The nav bar on every page (rewritten where the book's shape changed) and the index."""
        pages = self._site_pages()
        demo = plan.demo_years(self.manifest)
        shape = plan.fingerprint([[p.year, p.stem, p.title, p.year in demo] for p in pages],
                                 self.profile)
        reshaped = shape != self.state.get("site")
        for p in pages:
            key = f"{p.year}/{p.stem}"
            if key in self.new_pages:
                page_html = self.new_pages[key]
            elif reshaped and key not in self.failed_keys:  # a failed page stays as it was
                page_html = (self.root / p.href).read_text(encoding="utf-8")
            else:
                continue
            updated = with_nav(page_html, nav_html(pages, p.year, p.stem, self.profile,
                                                   demo=p.year in demo))
            if key in self.new_pages or updated != page_html:
                write_text_atomic(self.root / p.href, updated)
        figures = {
            int(y): entry.get("figures", []) for y, entry in self.state["years"].items()
        }
        index = index_html(pages, figures, self.profile, demo_years=demo,
                           notices=self._notices(pages, demo))
        index_path = self.root / INDEX
        if not index_path.exists() or index_path.read_text(encoding="utf-8") != index:
            write_text_atomic(index_path, index)
        self.state["site"] = shape

    def _notices(self, pages: list[SitePage], demo: frozenset[int]) -> tuple:
        """The front page's warnings: a rejected ingest, demo and real years mixed."""
        from analysis import ingest_status

        status = ingest_status.load(self.output_dir / VALIDATION_DIR)
        if status.get("report"):  # no local absolute path on a public page
            report = Path(str(status["report"]))
            try:
                shown = report.relative_to(self.output_dir.parent).as_posix()
            except ValueError:
                shown = report.as_posix() if self.profile == "internal" else report.name
            status = {**status, "report": shown}
        years = sorted({p.year for p in pages})
        return book_notices(years, demo, status, self.profile)


def _say(text: str) -> None:
    """A progress line of a long step (stderr, like the progress bar of the pages)."""
    print(text, file=sys.stderr, flush=True)


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
