"""What every stage notebook does right after its parameters cell: resolve the defaults.

The parameters cell holds literals only (papermill replaces them); this turns the `None`s into
the latest year of the processed data and the package's default folders, checks the values and
says in Russian what is wrong, so Run All in JupyterLab works on defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from analysis import paths, processed
from analysis.errors import UserError
from analysis.params.book import load_book_settings
from analysis.reader import YearData
from analysis.settings import BookSettings
from analysis.vocabulary import PROFILES


@dataclass(frozen=True)
class Context:
    """The resolved parameters of one notebook run."""

    year: int
    processed_dir: Path
    output_dir: Path
    profile: str
    window: int
    settings: BookSettings
    data_years: tuple[int, ...]

    @property
    def public(self) -> bool:
        return self.profile == "public"

    @property
    def cache_dir(self) -> Path:
        """Where the indicator table of a year is cached once for all notebooks of the year."""
        return self.output_dir / ".cache"

    @cached_property
    def data(self) -> YearData:
        """The one reader of the run's processed tables (each read once)."""
        return YearData(self.processed_dir, self.year)

    @cached_property
    def results_key(self) -> str:
        """The book's fingerprint of a page of the run's year (code, params/, data up to the
        year) with the window: the key of the year's cached shared results. Worked out once a
        run — it hashes the library and the processed data, and a page asks for it often."""
        from analysis.book import plan  # lazy: the build's planner is not a notebook's import

        data = plan.data_digests(self.processed_dir, plan.read_manifest(self.processed_dir))
        return plan.fingerprint(
            plan.library_digest(),
            plan.params_digest(),
            plan.readable_data(data, self.year),
            self.year,
            self.window,
        )

    @property
    def window_years(self) -> list[int]:
        """The years shown in dynamics: up to `window` years ending with the report year."""
        return [y for y in self.data_years if self.year - self.window < y <= self.year]


def resolve(
    year: int | None = None,
    processed_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    profile: str = "internal",
    window: int | None = None,
) -> Context:
    """Fill in the defaults of a notebook's parameters and check them; ``window`` None is the
    book's (`params/book.yaml`, which the build passes to every notebook)."""
    pdir = Path(processed_dir) if processed_dir else paths.default_processed_dir()
    odir = Path(output_dir) if output_dir else paths.default_output_dir()
    if profile not in PROFILES:
        raise UserError(f"Неизвестный профиль «{profile}»: допустимы «public» и «internal».")
    data_years = tuple(processed.years(pdir))
    if not data_years:
        raise UserError(
            f"В папке {pdir} нет обработанных данных: сначала выполните "
            "«python -m analysis ingest» (или «make data»)."
        )
    year = int(year) if year is not None else data_years[-1]
    if year not in data_years:
        listed = ", ".join(str(y) for y in data_years)
        raise UserError(f"За {year} год обработанных данных нет; есть годы: {listed}.")
    settings = load_book_settings()
    window = settings.window if window is None else window
    if int(window) < 1:
        raise UserError(f"Окно динамики должно быть не меньше 1 года, задано {window}.")
    return Context(year, pdir, odir, profile, int(window), settings, data_years)


def indicator_table(ctx: Context):
    """The tidy indicator table of the report year, computed once per year and cached."""
    from analysis import indicators  # lazy: the engine pulls the whole catalogue

    return indicators.compute_year(ctx.processed_dir, ctx.year, cache_dir=ctx.cache_dir)


def indicator_history(ctx: Context, current):
    """The tidy tables of the window's years (the report year's is `current`), stacked."""
    import pandas as pd

    from analysis import indicators

    frames = [
        current
        if y == ctx.year
        else indicators.compute_year(ctx.processed_dir, y, cache_dir=ctx.cache_dir)
        for y in ctx.window_years
    ]
    return pd.concat(frames, ignore_index=True)


def for_reader(ctx: Context, tidy, institutions=None):
    """The tidy table as the profile may show it: small values suppressed in the public one,
    each year as the build decided it (with the rows of the school groups the pages print).
    `institutions` is not needed any more (each year's own are read)."""
    if not ctx.public:
        return tidy
    from analysis.disclosure.cache import public_table

    return public_table(
        tidy,
        ctx.processed_dir,
        ctx.settings.suppression_threshold,
        ctx.cache_dir,
        school_groups=True,
    )
