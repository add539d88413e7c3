"""Page 06, «Анализ эффективности принятых мер»: verdicts on the measures of y−3 … y−1, the
measures of y waiting for next year, and three years of decisions against indicator dynamics.

`load` builds the inputs of the pure `analysis.effectiveness` from the notebook's context (the
year reader `ctx.data`, each year's indicator table through the cache, the thresholds of
`params/effectiveness.yaml`) and takes the page's profile decisions: in the public profile a
group value, DiD or reason number that could give away a cell the public indicator table hides
is masked (`for_public`, against `context.for_reader`), and small groups are not drawn. The
`show_*` functions give the notebook one displayable per section: the table of verdicts first,
the event-study figure, then the method and the long explanation. `public_tidy` is the public
profile's ``effectiveness.csv`` (the internal one is `analysis.effectiveness.tidy`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import HTML, Image, display
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pandas.io.formats.style import Styler

from analysis import context, disclosure, effectiveness, fmt, indicators, plots, register, tables
from analysis.catalogue import CATALOGUE
from analysis.context import Context
from analysis.effectiveness import (
    EFFECTIVE,
    LOOKBACK,
    NO_DATA,
    NO_EFFECT,
    VERDICTS,
    Thresholds,
    judged,
    measure_verdicts,
    pending,
)
from analysis.inference import ALPHA
from analysis.params.effectiveness import load_thresholds
from analysis.vocabulary import SUPPRESSED, flag_mask, targets_all, targets_words
from analysis.year_results import cached_frame

VERDICT_BANDS = {EFFECTIVE: "meets", NO_EFFECT: "below", NO_DATA: "none"}  # table colours
NOTHING_DRAWN = "Мер с рассчитанной разностью разностей нет."
NOTHING_JUDGED = "Оценённых мер нет."


@dataclass(frozen=True)
class EffectivenessPage:
    """What page 06 shows, as the profile may show it."""

    year: int
    thresholds: Thresholds
    evaluated: pd.DataFrame  # effectiveness.evaluate, masked by `for_public` in the public profile
    dynamics: pd.DataFrame  # effectiveness.dynamics over the window, on the profile's table
    window_years: tuple[int, ...]  # the years of the dynamics
    threshold: int | None = None  # the suppression threshold in the public profile


def indicator_tables(
    ctx: Context, current: pd.DataFrame | None = None
) -> Callable[[int], pd.DataFrame]:
    """year → its tidy indicator table, each computed (or read from the cache) once;
    `current`: the report year's, when the caller holds it."""
    memo: dict[int, pd.DataFrame] = {} if current is None else {ctx.year: current}

    def of(year: int) -> pd.DataFrame:
        if year not in memo:
            memo[year] = (
                context.indicator_table(ctx)
                if year == ctx.year
                else indicators.compute_year(ctx.processed_dir, year, cache_dir=ctx.cache_dir)
            )
        return memo[year]

    return of


def load(ctx: Context) -> EffectivenessPage:
    """The evaluation and the three-year dynamics of the context's year, for its profile."""
    thresholds = load_thresholds()
    tables_of = indicator_tables(ctx)
    evaluated = evaluation(ctx, tables_of, thresholds)
    if ctx.public:  # no group value, DiD or reason number may give a hidden cell away
        years = [y for y in effectiveness.compared_years(evaluated) if y in ctx.data_years]
        compared = compared_tables(years, tables_of)
        evaluated = for_public(evaluated, context.for_reader(ctx, compared))
    history = context.for_reader(ctx, context.indicator_history(ctx, tables_of(ctx.year)))
    dyn = effectiveness.dynamics(history, evaluated, ctx.window_years)
    threshold = ctx.settings.suppression_threshold if ctx.public else None
    return EffectivenessPage(
        ctx.year, thresholds, evaluated, dyn, tuple(ctx.window_years), threshold
    )


def tidy_for(
    ctx: Context,
    tables_of: Callable[[int], pd.DataFrame] | None = None,
    shown: Callable[[int], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """``effectiveness.csv`` of the context's year as its profile may show it (SPEC §5): the
    build (or ``python -m analysis tables``) writes this to ``output/<profile>/<year>/``.
    A caller writing several tables of the year passes the years' indicator tables
    (``tables_of``, `indicator_tables`) and the same as the profile shows them (``shown``,
    `shown_tables`), so that each is read once."""
    tables_of = indicator_tables(ctx) if tables_of is None else tables_of
    evaluated = evaluation(ctx, tables_of, load_thresholds())
    if not ctx.public:
        return effectiveness.tidy(evaluated)
    shown = shown_tables(ctx, tables_of) if shown is None else shown
    years = [y for y in effectiveness.compared_years(evaluated) if y in ctx.data_years]
    compared = (
        pd.concat([shown(y) for y in years], ignore_index=True)
        if years
        else context.for_reader(ctx, compared_tables(years, tables_of))
    )
    return public_tidy(evaluated, compared, ctx.settings.suppression_threshold)


def shown_tables(
    ctx: Context, tables_of: Callable[[int], pd.DataFrame] | None = None
) -> Callable[[int], pd.DataFrame]:
    """year → its indicator table as the profile shows it (`context.for_reader`), each read
    once. Stacked in year order, they are the profile's table of those years stacked (the
    public decision is made year by year)."""
    tables_of = indicator_tables(ctx) if tables_of is None else tables_of
    memo: dict[int, pd.DataFrame] = {}

    def of(year: int) -> pd.DataFrame:
        if year not in memo:
            memo[year] = context.for_reader(ctx, tables_of(year))
        return memo[year]

    return of


def year_evaluation(ctx: Context) -> pd.DataFrame:
    """The year's evaluation (cached): what the build computes once, before pages 06 and 07
    and the workbooks read it."""
    return evaluation(ctx, indicator_tables(ctx), load_thresholds())


def evaluation(
    ctx: Context, tables_of: Callable[[int], pd.DataFrame], thresholds: Thresholds
) -> pd.DataFrame:
    """`effectiveness.evaluate` of the context's year, computed once a year for the page and
    the build's effectiveness.csv (`year_results.cached_frame`)."""
    name = "evaluation-pooled" if ctx.public else "evaluation"
    return cached_frame(
        ctx,
        name,
        lambda: effectiveness.evaluate(ctx.data, tables_of, thresholds, pooled=ctx.public),
    )


def compared_tables(years: list[int], tables_of: Callable[[int], pd.DataFrame]) -> pd.DataFrame:
    """The tidy tables of the compared years, stacked (for `context.for_reader`)."""
    frames = [tables_of(y) for y in years]
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["year", "indicator_id", "level", "unit_id", "value", "flags"])
    )


# --- the notebook's sections ------------------------------------------------------------------


def show_method(page: EffectivenessPage) -> HTML:
    return tables.say(method_sentences(page.thresholds, page.year))


def show_summary(page: EffectivenessPage) -> HTML:
    """One sentence: how many measures were judged and with which verdicts."""
    return tables.say(verdict_sentences(page.evaluated, page.year)[:1])


def show_verdicts(page: EffectivenessPage) -> HTML:
    """The long explanation: one sentence per judged measure (after the tables)."""
    return tables.say(verdict_sentences(page.evaluated, page.year)[1:] or [NOTHING_JUDGED])


def show_verdict_table(page: EffectivenessPage) -> Styler:
    return verdict_table(page.evaluated, page.threshold, page.thresholds.alpha)


def show_detail_table(page: EffectivenessPage) -> Styler:
    return detail_table(page.evaluated, page.threshold)


def show_event_study(page: EffectivenessPage) -> Image | HTML:
    """Targets against the others from t−2 to t+2 (small groups not drawn publicly)."""
    hidden = small_groups(page.evaluated, page.threshold) if page.threshold is not None else None
    figure = event_figure(page.evaluated, hidden=hidden)
    return plots.show(figure) if figure is not None else tables.say(NOTHING_DRAWN)


def show_pending(page: EffectivenessPage) -> Styler:
    return pending_table(page.evaluated)


def show_dynamics(page: EffectivenessPage) -> Image | None:
    """The three-year table (displayed), then the city's values against targets."""
    display(dynamics_table(page.dynamics, list(page.window_years)))
    return (
        plots.show(plots.small_multiples(dynamics_panels(page.dynamics)))
        if len(page.dynamics)
        else None
    )


def show_conclusions(page: EffectivenessPage) -> HTML:
    return tables.say(conclusions(page.evaluated, page.year))


# --- the public profile: no group value that could reveal a hidden cell ---------------------
#
# A group's value is the mean of its units' own values, a new published relation the disclosure
# audit never saw: a measure aimed at one school prints that school's value, a mean over hidden
# and visible schools gives the hidden one away, a DiD with three of its terms gives the fourth.
# So a group value of year y is shown only when every unit it averages is visible in y's public
# table (their mean is then public anyway); a measure for everyone shows the city's (Centre's)
# own cell, compared with public targets. Otherwise the value is «*», and so are the DiD, its
# interval and p-value, the group's people and the numbers of the reason.

HIDDEN_COLUMNS: dict[str, str] = {
    c: f"hidden_{c}"
    for c in ("target_before", "target_after", "comparison_before", "comparison_after", "did")
}
# the inference goes with what it is computed from: the DiD of t−1 → t+1, the effect at t+2
# (t−1 → t+2) and the pre-trend (t−2 → t−1)
HIDDEN_WITH: dict[str, list[str]] = {
    "hidden_did": list(effectiveness.INFERENCE),
    "hidden_t2": list(effectiveness.LATER),
    "hidden_pretrend": list(effectiveness.PRETREND),
}
HIDDEN_NOTE = (
    "«*» у значения группы — по нему вместе с опубликованными данными можно было бы "
    "восстановить значение, скрытое в таблице показателей этого года"
)
HIDDEN_REASONS = {
    EFFECTIVE: "адресаты улучшили показатель больше остальных сверх порога, и это не объясняется "
    "случайностью (значения групп в публичной версии скрыты: в них входят скрытые ячейки)",
    NO_EFFECT: "разница с остальными ниже порога, в пределах случайных колебаний или адресаты и "
    "остальные менялись по-разному ещё до меры (значения групп в публичной версии скрыты: в них "
    "входят скрытые ячейки)",
}


def for_public(evaluated: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """`evaluated` (made with ``pooled=True``) as the public profile may show it.

    A group's value is a mean of its units' own values, so it is shown only when every unit it
    averages is visible in ``shown`` (the public tables of the years, `context.for_reader`) —
    a mean over a hidden school and visible ones gives the hidden one away, even when the group
    is a whole district whose own (pooled) cell is public. A measure for everyone shows the
    city's (Centre's) own cell. A hidden group value hides the DiD and its inference (se,
    interval, p); a hidden year of the event study hides the pre-trend or the t+2 effect it
    enters; the group's people go too, and a reason quoting numbers becomes `HIDDEN_REASONS`.
    """
    out = evaluated.copy()
    cells = _PublicCells(shown)
    # row by row into plain lists, set as columns at the end (a cell set through .loc costs
    # a millisecond)
    hidden = {
        column: [False] * len(out)
        for column in [*HIDDEN_COLUMNS.values(), "hidden_t2", "hidden_pretrend"]
    }
    for n, r in enumerate(out.itertuples(index=False)):
        if r.pending or r.level is None or pd.isna(r.level):
            continue
        for group in ("target", "comparison"):
            units = getattr(r, f"{group}_units")
            for when, year in (("before", r.before_year), ("after", r.after_year)):
                if not cells.group_visible(int(year), r.level, r.indicator_id, units):
                    hidden[HIDDEN_COLUMNS[f"{group}_{when}"]][n] = True
        hidden_years = {
            int(e["year"])
            for e in _events_of(r)
            if not all(
                cells.group_visible(int(e["year"]), r.level, r.indicator_id, e[f"{g}_units"])
                for g in ("target", "comparison")
            )
        }
        t = int(r.measure_year)
        hidden["hidden_pretrend"][n] = bool(hidden_years & {t - 2, t - 1})
        hidden["hidden_t2"][n] = bool(hidden_years & {t - 1, t + 2})
    for column, values in hidden.items():
        out[column] = pd.Series(values, index=out.index, dtype=bool)
    flags = out[list(HIDDEN_COLUMNS.values())[:4]]
    out[HIDDEN_COLUMNS["did"]] = flags.any(axis=1)
    for column, flag in HIDDEN_COLUMNS.items():
        out.loc[out[flag], column] = math.nan
    for group in ("target", "comparison"):
        gone = out[HIDDEN_COLUMNS[f"{group}_before"]] | out[HIDDEN_COLUMNS[f"{group}_after"]]
        out.loc[gone, f"n_{group}_people"] = math.nan
    return _hide_inference(out)


def _events_of(r) -> tuple:
    """A row's event-study records (none for rows made without them)."""
    events = getattr(r, "event_study", ())
    return events if isinstance(events, tuple) else ()


def _hide_inference(out: pd.DataFrame) -> pd.DataFrame:
    """Blank the inference of every hidden comparison, and the reasons that quote numbers."""
    for flag, columns in HIDDEN_WITH.items():
        for column in columns:
            if column in out.columns:
                out.loc[out[flag], column] = math.nan
    anything = out[["hidden_did", "hidden_t2", "hidden_pretrend"]].any(axis=1)
    quoted = anything & out["verdict"].isin(list(HIDDEN_REASONS))
    out.loc[quoted, "reason"] = out.loc[quoted, "verdict"].map(HIDDEN_REASONS)
    return out


def public_tidy(evaluated: pd.DataFrame, shown: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """``effectiveness.csv`` of the public profile (SPEC §5): `effectiveness.tidy` of the
    evaluation (made with ``pooled=True``) masked as the public page masks it — by `for_public`
    against ``shown`` (the public tables of `effectiveness.compared_years`) and by the
    suppression ``threshold`` on the groups' people (a small group hides its DiD)."""
    public = for_public(evaluated, shown)
    small = _small_people(public, threshold)
    public["hidden_did"] |= small.any(axis=1).to_numpy()
    public.loc[public["hidden_did"], "did"] = math.nan
    return effectiveness.tidy(_hide_inference(public))


def _small_people(rows: pd.DataFrame, threshold: int | None) -> pd.DataFrame:
    """Which groups count fewer people than the public threshold (all False without one)."""
    people = rows[["n_target_people", "n_comparison_people"]]
    if threshold is None:
        return people.isna() & False
    return disclosure.suppress_counts(people, people.columns, threshold, secondary=False)


class _PublicCells:
    """Which cells of the public tables show a value."""

    def __init__(self, shown: pd.DataFrame) -> None:
        hidden = (
            flag_mask(shown["flags"], SUPPRESSED)
            if "flags" in shown.columns
            else np.zeros(len(shown), dtype=bool)
        )
        keys = zip(  # plain lists: iterating a pandas text column costs ~10× more
            shown["year"].astype(int).tolist(),
            shown["level"].tolist(),
            shown["unit_id"].astype(str).tolist(),
            shown["indicator_id"].tolist(),
        )
        has_value = shown["value"].notna().tolist()
        self.visible = {k for k, v, h in zip(keys, has_value, hidden.tolist()) if v and not h}

    def group_visible(self, year: int, level: str, indicator_id: str, units: tuple) -> bool:
        if level in ("city", "centre"):  # a measure for everyone: its own cell (units = level)
            return all((year, lv, lv, indicator_id) in self.visible for lv in units)
        return all((year, level, str(u), indicator_id) in self.visible for u in units)


def _value(x: float, indicator_id: str) -> str:
    unit = CATALOGUE[indicator_id].unit if indicator_id in CATALOGUE else ""
    if unit != "%" and not fmt.is_missing(x):
        return fmt.number(x, 1)
    return fmt.value(x, unit, with_unit=False)


def _effect(d: float, indicator_id: str) -> str:
    unit = CATALOGUE[indicator_id].unit if indicator_id in CATALOGUE else ""
    return fmt.pp(d) if unit == "%" else fmt.signed(d)


def _interval(low: float, high: float, indicator_id: str) -> str:
    if fmt.is_missing(low) or fmt.is_missing(high):
        return fmt.DASH
    return f"от {_effect(low, indicator_id)} до {_effect(high, indicator_id)}"


def _pretrend(r, hidden: bool, alpha: float) -> str:
    """The pre-trend cell: alike / apart (with the DiD and p) / not checked, and why."""
    if not r.causal:
        return "не проверяется: мера для всех, сравнение с целью (не причинная оценка)"
    if fmt.is_missing(r.did):
        return fmt.DASH
    if hidden:
        return disclosure.mask_display("", True)
    if fmt.is_missing(r.pretrend_p):
        return "не проверен (нет сопоставимых данных за t−2)"
    words = "расходились" if r.pretrend_p < alpha else "различие не выявлено"
    return (
        f"{words} ({_effect(r.pretrend_did, r.indicator_id)}, {effectiveness.p_text(r.pretrend_p)})"
    )


def verdict_table(
    evaluated: pd.DataFrame, threshold: int | None = None, alpha: float = ALPHA
) -> Styler:
    """The table of verdicts, first on the page: every judged (measure, indicator) with the
    measure's title, the effect a year after with its 95 % interval and p-value, the pre-trend
    check, the effect two years after, the verdict and its reason. ``threshold`` (public
    profile): a DiD over a group of fewer people is «*»."""
    rows = judged(evaluated)
    small = _small_people(rows, threshold)
    flags = _hidden_flags(rows)
    gone = small.any(axis=1).to_numpy() | flags["did"].to_numpy()
    t2_gone = gone | flags["t2"].to_numpy()
    pre_gone = gone | flags["pretrend"].to_numpy()
    mask = disclosure.mask_display
    later = [
        fmt.DASH
        if fmt.is_missing(main) or not c
        else f"нет данных за {int(y) + 2} год"
        if fmt.is_missing(d)
        else mask(f"{_effect(d, i)}, {effectiveness.p_text(p)}", h)
        for main, d, p, i, h, c, y in zip(
            rows["did"],
            rows["did_t2"],
            rows["p_value_t2"],
            rows["indicator_id"],
            t2_gone,
            rows["causal"],
            rows["measure_year"],
        )
    ]
    show = pd.DataFrame(
        {
            "Мера": [f"{m} ({y})" for m, y in zip(rows["measure_id"], rows["measure_year"])],
            "Содержание": rows["title"].to_numpy(),
            "Показатель": [
                CATALOGUE[i].name if i in CATALOGUE else i for i in rows["indicator_id"]
            ],
            "Адресаты": [targets_words(t) for t in rows["targets"]],
            "Эффект через год": [
                mask(_effect(d, i), h) for d, i, h in zip(rows["did"], rows["indicator_id"], gone)
            ],
            "95 % интервал": [
                mask(_interval(lo, hi, i), h)
                for lo, hi, i, h in zip(rows["ci_low"], rows["ci_high"], rows["indicator_id"], gone)
            ],
            "p": [
                mask(effectiveness.p_text(p), h) if not fmt.is_missing(p) else fmt.DASH
                for p, h in zip(rows["p_value"], gone)
            ],
            "Тренд до меры (t−2 → t−1)": [
                _pretrend(r, h, alpha) for r, h in zip(rows.itertuples(index=False), pre_gone)
            ],
            "Эффект через 2 года": later,
            "Вывод": rows["verdict"].to_numpy(),
            "Обоснование": _reasons(rows, gone),
        }
    )
    bands = pd.DataFrame("", index=show.index, columns=show.columns)
    bands["Вывод"] = rows["verdict"].map(VERDICT_BANDS).fillna("").to_numpy()
    note = HIDDEN_NOTE if flags.to_numpy().any() else None
    return tables.styled(
        show,
        "Выводы по мерам: эффект через год (разность разностей по учреждениям), его 95 % "
        "интервал и p, проверка тренда до меры и эффект через два года",
        bands=bands,
        note=note,
        right=["Эффект через год", "p"],
    )


def _reasons(rows: pd.DataFrame, hidden: np.ndarray) -> list[str]:
    """The reasons, with the numbers of a hidden DiD (a small group's) taken out."""
    return [
        HIDDEN_REASONS.get(v, r) if h else r
        for v, r, h in zip(rows["verdict"], rows["reason"], hidden)
    ]


def _hidden_flags(rows: pd.DataFrame) -> pd.DataFrame:
    """What `for_public` hid: the main DiD, the t+2 effect, the pre-trend (all False internally)."""
    return pd.DataFrame(
        {
            name: (
                rows[f].astype(bool).to_numpy()
                if f in rows.columns
                else np.zeros(len(rows), dtype=bool)
            )
            for name, f in (
                ("did", "hidden_did"),
                ("t2", "hidden_t2"),
                ("pretrend", "hidden_pretrend"),
            )
        },
        index=rows.index,
    )


def detail_table(evaluated: pd.DataFrame, threshold: int | None = None) -> Styler:
    """Every judged (measure, indicator) in detail: the unit means of targets and comparison in
    the year before and after, DiD, counts and verdict. ``threshold`` (public profile): groups
    of fewer people are shown as «*»."""
    rows = judged(evaluated)
    hidden = _small_people(rows, threshold)
    cells_hidden = _hidden_cells(rows)
    for group in ("target", "comparison"):  # a group hidden by `for_public` hides its people
        hidden[f"n_{group}_people"] |= (
            cells_hidden[f"{group}_before"] | cells_hidden[f"{group}_after"]
        )
    name = [CATALOGUE[i].name if i in CATALOGUE else i for i in rows["indicator_id"]]

    def cell(col: str, group: str) -> list[str]:
        return [
            disclosure.mask_display(_value(v, i), h or c)
            for v, i, h, c in zip(
                rows[col], rows["indicator_id"], hidden[f"n_{group}_people"], cells_hidden[col]
            )
        ]

    did = [
        fmt.pp(d) if CATALOGUE.get(i) and CATALOGUE[i].unit == "%" else fmt.signed(d)
        for d, i in zip(rows["did"], rows["indicator_id"])
    ]
    show = pd.DataFrame(
        {
            "Мера": [f"{m} ({y})" for m, y in zip(rows["measure_id"], rows["measure_year"])],
            "Показатель": name,
            "Адресаты": [targets_words(t) for t in rows["targets"]],
            "Годы": [f"{b} → {a}" for b, a in zip(rows["before_year"], rows["after_year"])],
            "Адресаты: до": cell("target_before", "target"),
            "Адресаты: после": cell("target_after", "target"),
            "Сравнение: до": cell("comparison_before", "comparison"),
            "Сравнение: после": cell("comparison_after", "comparison"),
            "Разность разностей": [
                disclosure.mask_display(d, h1 or h2 or h3)
                for d, h1, h2, h3 in zip(
                    did,
                    hidden["n_target_people"],
                    hidden["n_comparison_people"],
                    cells_hidden["did"],
                )
            ],
            "Учреждений (адр. / ср.)": [
                f"{fmt.integer(a)} / {fmt.integer(b)}"
                for a, b in zip(rows["n_target_units"], rows["n_comparison_units"])
            ],
            "Человек (адр. / ср.)": [
                f"{disclosure.mask_display(fmt.integer(a), ha)} / "
                f"{disclosure.mask_display(fmt.integer(b), hb)}"
                for a, b, ha, hb in zip(
                    rows["n_target_people"],
                    rows["n_comparison_people"],
                    hidden["n_target_people"],
                    hidden["n_comparison_people"],
                )
            ],
            "Вывод": rows["verdict"].to_numpy(),
            "Обоснование": _reasons(
                rows, (hidden["n_target_people"] | hidden["n_comparison_people"]).to_numpy()
            ),
        }
    )
    bands = pd.DataFrame("", index=show.index, columns=show.columns)
    bands["Вывод"] = rows["verdict"].map(VERDICT_BANDS).fillna("").to_numpy()
    note = HIDDEN_NOTE if cells_hidden.to_numpy().any() else None
    return tables.styled(
        show,
        "Подробно: средние по учреждениям у адресатов и у остальных, год до и год после меры",
        bands=bands,
        note=note,
        right=[c for c in show.columns if c.startswith(("Адресаты:", "Сравн", "Разность"))],
    )


def _hidden_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """Which values `for_public` hid (all False for the internal profile's evaluation)."""
    return pd.DataFrame(
        {
            c: (
                rows[f].astype(bool).to_numpy()
                if f in rows.columns
                else np.zeros(len(rows), dtype=bool)
            )
            for c, f in HIDDEN_COLUMNS.items()
        },
        index=rows.index,
    )


def verdict_sentences(evaluated: pd.DataFrame, year: int) -> list[str]:
    """One sentence per judged measure, and a summary first."""
    rows = judged(evaluated)
    per = measure_verdicts(rows)
    if not len(per):
        span = fmt.years_range(year - LOOKBACK, year - 1)
        return [f"Мер {span} годов, которые можно оценить, в реестрах нет."]
    counts = per["verdict"].value_counts()
    span = fmt.years_range(int(per["measure_year"].min()), int(per["measure_year"].max()))
    out = [
        f"Оценены меры {span} годов ({fmt.integer(len(per))}): "
        + ", ".join(f"{v} — {fmt.integer(counts.get(v, 0))}" for v in VERDICTS)
        + "."
    ]
    for r in per.itertuples(index=False):
        part = rows[rows["measure_id"] == r.measure_id]
        best = part[part["verdict"] == r.verdict].iloc[0]
        ind = (
            CATALOGUE[best["indicator_id"]].name
            if best["indicator_id"] in CATALOGUE
            else best["indicator_id"]
        )
        reason = str(best["reason"])
        out.append(
            f"{r.measure_id} «{r.title}» ({targets_words(r.targets)}): "
            f"{r.verdict} — {ind.lower()[:1] + ind[1:]}: {reason}"
            + ("" if reason.endswith(".") else ".")  # a reason may end in «ед.»
        )
    return out


def indicator_names(indicator_ids: object) -> str:
    """The names of a measure's indicators (ids not in the catalogue as they are)."""
    ids = register.split_ids(indicator_ids)
    return "; ".join(CATALOGUE[i].name if i in CATALOGUE else i for i in ids) or "не указаны"


def pending_table(evaluated: pd.DataFrame) -> Styler:
    """The measures of the report year: to be judged next year."""
    per = pending(evaluated)
    show = pd.DataFrame(
        {
            "Мера": per["measure_id"].to_numpy(),
            "Содержание": per["title"].to_numpy(),
            "Механизм": per["mechanism"].to_numpy(),
            "Адресаты": [targets_words(t) for t in per["targets"]],
            "Показатели": [indicator_names(i) for i in per["indicators"]],
            "Будет оценена": [f"по данным {int(y) + 1} года" for y in per["measure_year"]],
        }
    )
    return tables.styled(show, "Меры отчётного года: будут оценены в следующем году")


def _event_points(r) -> tuple[list[int], list[float], list[float]]:
    """Years and the groups' unit means of a row's event study (t−2 … t+2); the row's own
    before/after means when it has no event study."""
    events = list(_events_of(r))
    if not events:
        return (
            [int(r.before_year), int(r.after_year)],
            [r.target_before, r.target_after],
            [r.comparison_before, r.comparison_after],
        )
    return (
        [int(e["year"]) for e in events],
        [e["target_mean"] for e in events],
        [e["comparison_mean"] for e in events],
    )


EVENT_TITLE_SIZE = 8.5  # points: a panel's title, two or more lines with its DiD
EVENT_TITLE_WIDTH = 38  # characters a title line wraps at (smaller letters than `plots` panels)


def event_figure(
    evaluated: pd.DataFrame, ncols: int = 3, hidden: set | None = None
) -> Figure | None:
    """Small multiples of the event study: targets vs the others, the mean of the units' own
    values from t−2 to t+2 (the years in the data), the measure's year marked; one panel per
    judged addressed (measure, indicator) with a DiD (measures for everyone have no
    comparison); None when there is nothing to draw. ``hidden`` holds (measure_id,
    indicator_id) pairs not to draw (public profile, small groups); rows where `for_public`
    masked anything are never drawn."""
    rows = judged(evaluated)
    rows = rows[
        rows["did"].notna()
        & rows["level"].isin(["institution", "association"])
        & ~_hidden_cells(rows).any(axis=1)
        & ~_hidden_flags(rows).any(axis=1)
    ]
    if hidden:
        rows = rows[
            [(m, i) not in hidden for m, i in zip(rows["measure_id"], rows["indicator_id"])]
        ]
    if not len(rows):
        return None
    points = [_event_points(r) for r in rows.itertuples(index=False)]
    units = [CATALOGUE[i].unit for i in rows["indicator_id"]]
    titles = [
        plots.wrap(f"{r.measure_id}: {CATALOGUE[r.indicator_id].name}", EVENT_TITLE_WIDTH)
        + "\nDiD "
        + (fmt.pp(r.did) if unit == "%" else fmt.signed(r.did))
        for r, unit in zip(rows.itertuples(index=False), units)
    ]
    fig, axes = plots.panel_grid(titles, ncols, EVENT_TITLE_SIZE, _event_label_width(points, units))
    for ax, r, (xs, targets, others), unit in zip(
        axes, rows.itertuples(index=False), points, units
    ):
        colour = plots.BAND_COLOURS["meets"] if r.verdict == EFFECTIVE else plots.BLUE
        ax.axvspan(r.measure_year - 0.5, r.measure_year + 0.5, color=plots.GREY, alpha=0.12)
        ax.plot(xs, targets, marker="o", linewidth=2, color=colour)
        ax.plot(xs, others, marker="o", linewidth=1.5, color=plots.GREY)
        ax.set_xticks(xs, [str(x) for x in xs], fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        ax.yaxis.set_major_locator(plots.value_locator(unit))
        ax.yaxis.set_major_formatter(plots.axis_formatter(unit))
    handles = [
        Line2D([0], [0], color=plots.BLUE, marker="o", label="адресаты меры"),
        Line2D(
            [0],
            [0],
            color=plots.BAND_COLOURS["meets"],
            marker="o",
            label="адресаты (мера эффективна)",
        ),
        Line2D([0], [0], color=plots.GREY, marker="o", label="остальные"),
        Patch(color=plots.GREY, alpha=0.12, label="год меры"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, bbox_to_anchor=(0.5, 0))
    return fig


def _event_label_width(points: list[tuple[list, list, list]], units: list[str]) -> float:
    """Inches for the widest value label of the event panels: the largest value, rounded up
    a little as the axis' top tick may be."""
    widest = 0.0
    for (_, targets, others), unit in zip(points, units):
        values = pd.to_numeric(pd.Series([*targets, *others]), errors="coerce").abs()
        top = float(values.max()) * 1.1 if values.notna().any() else 0.0
        widest = max(widest, plots.text_width(plots.axis_formatter(unit)(top, None), 8))
    return widest


def small_groups(evaluated: pd.DataFrame, threshold: int) -> set[tuple[str, str]]:
    """(measure, indicator) pairs whose targets or comparison count fewer than ``threshold``
    people (hidden from the public profile's chart)."""
    rows = judged(evaluated)
    small = (rows["n_target_people"] < threshold) | (rows["n_comparison_people"] < threshold)
    return set(zip(rows.loc[small, "measure_id"], rows.loc[small, "indicator_id"]))


def dynamics_table(dyn: pd.DataFrame, years: list[int]) -> Styler:
    """The three-year table: per indicator, each year's value (target) and measures."""
    short = {EFFECTIVE: "эффективна", NO_EFFECT: "эффект не выявлен", NO_DATA: "нет оценки"}
    rows, bands = [], []
    for indicator_id, part in dyn.groupby("indicator_id", sort=False):
        ind = CATALOGUE[indicator_id]
        row, band = {"Показатель": ind.name}, {"Показатель": ""}
        for y in years:
            cell = part[part["year"] == y]
            if not len(cell):
                row[f"{y}: значение (цель)"], row[f"{y}: меры"] = fmt.DASH, ""
                continue
            c = cell.iloc[0]
            target = "" if fmt.is_missing(c["target"]) else f" ({fmt.value(c['target'], ind.unit)})"
            short_window = bool(c.get("incomplete", False))  # † and no verdict: understated
            row[f"{y}: значение (цель)"] = (
                fmt.marked(fmt.value(c["value"], ind.unit), short_window) + target
            )
            pairs = zip(register.split_ids(c["measures"]), register.split_ids(c["verdicts"]))
            row[f"{y}: меры"] = "; ".join(f"{m} — {short.get(v, v)}" for m, v in pairs)
            meets = c["meets_target"]
            band[f"{y}: значение (цель)"] = (
                ""
                if short_window or meets is pd.NA or fmt.is_missing(meets)
                else "meets"
                if bool(meets)
                else "below"
            )
        rows.append(row)
        bands.append(band)
    show = pd.DataFrame(rows)
    # every cell a band ("" for none), so no column is left empty (float) to fill with text
    bands_frame = pd.DataFrame(
        [[band.get(c, "") for c in show.columns] for band in bands],
        columns=show.columns,
        dtype=object,
    )
    return tables.styled(
        show,
        "Управленческие решения и динамика показателей за три года",
        bands=bands_frame,
        note=tables.incomplete_note(show),
    )


def dynamics_panels(dyn: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Panels for `plots.small_multiples`: each indicator's city values and targets."""
    out = []
    for indicator_id, part in dyn.groupby("indicator_id", sort=False):
        ind = CATALOGUE[indicator_id]
        marks = sorted({int(y) for y, m in zip(part["year"], part["measures"]) if m})
        title = ind.name + (f" (меры: {', '.join(map(str, marks))})" if marks else "")
        out.append((title, ind.unit, part[["year", "value", "target"]]))
    return out


def conclusions(evaluated: pd.DataFrame, year: int) -> list[str]:
    """The closing bullets of stage 06."""
    per = measure_verdicts(judged(evaluated))
    out = []
    if len(per):
        eff = per[per["verdict"] == EFFECTIVE]
        out.append(
            f"Признаны эффективными: {fmt.integer(len(eff))} из "
            f"{fmt.count(len(per), 'оценённой меры', 'оценённых мер', 'оценённых мер')}"
            + (" (" + ", ".join(eff["measure_id"]) + ")" if len(eff) else "")
            + "."
        )
        none = per[per["verdict"] == NO_EFFECT]
        if len(none):
            out.append(
                "Эффект не выявлен у мер "
                + ", ".join(none["measure_id"])
                + ": их стоит пересмотреть или изменить адресатов."
            )
        short = per[per["verdict"] == NO_DATA]
        if len(short):
            out.append(
                f"Недостаточно данных для оценки {fmt.count(len(short), 'меры', 'мер', 'мер')}"
                " (нет года до или после меры, показатель не рассчитан или группы малы)."
            )
    waiting = pending(evaluated)
    if len(waiting):
        verb = fmt.plural(len(waiting), "будет оценена", "будут оценены", "будут оценены")
        out.append(
            f"{fmt.count(len(waiting), 'мера', 'меры', 'мер')} {year} года {verb} "
            f"по данным {year + 1} года."
        )
    everyone = per[per["targets"].map(targets_all)] if len(per) else per
    if len(everyone):
        out.append(
            "Меры, адресованные всем, сравниваются только с целевыми значениями города: "
            "группы сравнения у них нет, и их эффект не отделить от общего тренда."
        )
    return out or [f"Мер для оценки в {year} году нет."]


def method_sentences(thresholds: Thresholds, year: int) -> list[str]:
    """How the verdicts are reached, for the reader (thresholds of params/effectiveness.yaml)."""
    t = thresholds
    share = f"{t.min_did_relative * 100:g}\u00a0%"
    alpha = f"{t.alpha:g}".replace(".", ",")
    method = (
        f"Оцениваются меры {year - LOOKBACK}–{year - 1} годов. Мера года t сравнивается по "
        "каждому своему показателю в году до меры (t−1) и в году после неё (t+1): у "
        "адресатов меры и у остальных учреждений города (без Центра) — «разность "
        "разностей»: насколько в среднем изменились учреждения-адресаты сверх того, как "
        "изменились остальные. Единица сравнения — учреждение, а не отдельный педагог: "
        "коллектив школы меняется как целое."
    )
    effective = (
        f"«{EFFECTIVE}» — адресаты улучшили показатель не меньше чем на "
        f"{t.min_did_pp:g} п. п. больше остальных (для количественных показателей — на "
        f"{share} от исходного уровня), разница не объясняется случайностью (вероятность "
        f"получить её при случайном выборе адресатов p < {alpha}) и до меры (с t−2 по t−1) "
        "адресаты и остальные не расходились."
    )
    later = (
        "Для каждой меры показан и эффект через два года (t+2), когда эти данные уже есть, и "
        "95 % интервал эффекта — диапазон, в котором он лежит с учётом различий между "
        "учреждениями."
    )
    no_data = (
        f"«{NO_DATA}» — нет года до или после меры, показатель не рассчитан, меньше "
        f"{t.min_units} учреждений или меньше {t.min_people} человек в одной из групп."
    )
    everyone = (
        "Меры, адресованные всем, сравниваются с целевыми значениями города: насколько "
        "сократился разрыв с целью. Группы сравнения у них нет, поэтому это не оценка "
        "причинного эффекта."
    )
    return [method, effective, later, no_data, everyone]
