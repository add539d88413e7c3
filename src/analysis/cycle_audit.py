"""The cycle audits itself (the seed's «Выводы по совершенствованию механизмов управления
качеством образования»): each of the six links of the management cycle judged from the year's
data, with a status, its evidence and what it rests on.

1. goals — concretised by mechanism: every goal or task of the year's tree has indicators, and
   every МУКО mechanism (the areas of the 02 matrix) has an indicator tied to a goal;
2. indicators — match goals and documents: every indicator has a goal in the year's tree, a
   source document and a source form;
3. monitoring — done for every indicator: the forms arrived, the associations filed their
   plan-reports, every indicator has a value at the city (Centre) level;
4. analysis — turned into recommendations: every problem found has a recommendation on its
   indicator that reaches its unit;
5. measures — match the analysis: every problem has a measure, every measure a problem, an
   indicator and an addressee (`register.correspondence`, as page 05 computes it);
6. effectiveness — compared over three years: every measure of y−3 … y−1 whose year before is
   in the data got a verdict (`effectiveness.evaluate`, as page 06 computes it).

Data in, data out: each `audit_*` takes what its stage already computed (the goal tree's
integrity, the forms' status from the manifest, the year's problems and recommendations, the
correspondence check, the evaluation) and returns a `LinkAudit`: its checks (how many items each
looked at and which fail it) and counts. The page (`analysis.pages.audit`) puts them into
Russian, decides what the public profile names and links each link to its stage's page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from analysis import goal_tree, monitoring, passports, register
from analysis.catalogue import MUKO_AREAS
from analysis.effectiveness import EFFECTIVE, NO_DATA, NO_EFFECT, judged, measure_verdicts

# The statuses of a link (the page colours them).
DONE, PARTIAL, FAILED, UNKNOWN = "выполнено", "частично", "не выполнено", "нет данных"
STATUSES: tuple[str, ...] = (DONE, PARTIAL, FAILED, UNKNOWN)

# The six links of the seed's cycle, in its order, each with the stage notebook that shows it.
GOALS, INDICATORS, MONITORING, ANALYSIS, MEASURES, EFFECTIVENESS = (
    "goals",
    "indicators",
    "monitoring",
    "analysis",
    "measures",
    "effectiveness",
)
LINKS: tuple[str, ...] = (GOALS, INDICATORS, MONITORING, ANALYSIS, MEASURES, EFFECTIVENESS)
STAGE_OF_LINK: dict[str, str] = {
    GOALS: "01_goals",
    INDICATORS: "02_indicators",
    MONITORING: "03_monitoring",
    ANALYSIS: "04_analysis",
    MEASURES: "05_measures",
    EFFECTIVENESS: "06_effectiveness",
}

# The checks, by key (the page words each one).
GOALS_WITH_INDICATORS = "goals_with_indicators"  # items: goal titles
MECHANISMS_WITH_GOALS = "mechanisms_with_goals"  # items: МУКО areas
INDICATORS_WITH_GOAL = "indicators_with_goal"  # items: indicator names
INDICATORS_WITH_SOURCES = "indicators_with_sources"  # items: indicator names
FORMS_RECEIVED = "forms_received"  # items: form titles
PLAN_REPORTS_RECEIVED = "plan_reports_received"  # items: assoc_ids
INDICATORS_WITH_VALUES = "indicators_with_values"  # items: indicator names
PROBLEMS_WITH_RECOMMENDATION = "problems_with_recommendation"  # items: indicator ids
PROBLEMS_WITH_MEASURE = "problems_with_measure"  # items: indicator ids
MEASURES_WITH_PROBLEM = "measures_with_problem"  # items: measure_ids
MEASURES_WITH_INDICATOR = "measures_with_indicator"  # items: measure_ids
MEASURES_WITH_ADDRESSEE = "measures_with_addressee"  # items: measure_ids
MEASURES_JUDGED = "measures_judged"  # items: measure_ids


@dataclass(frozen=True)
class Check:
    """One requirement of a link, judged item by item: how many items it looked at and the
    items that fail it (a label each; an indicator id may repeat, one per problem)."""

    key: str
    total: int
    failing: tuple[str, ...] = ()

    @property
    def passed(self) -> int:
        return self.total - len(self.failing)


@dataclass(frozen=True)
class LinkAudit:
    """One link of the cycle: its status, its checks and the counts that describe it."""

    link: str
    status: str
    checks: tuple[Check, ...] = ()
    facts: Mapping[str, object] = field(default_factory=dict)

    def check(self, key: str) -> Check | None:
        """The check of this key (None when the link has no such check)."""
        return next((c for c in self.checks if c.key == key), None)


def status_of(checks: Iterable[Check], empty: str = UNKNOWN) -> str:
    """Every item passes → выполнено; none does → не выполнено; some → частично; no item at all
    → ``empty`` (нет данных, unless the link says that nothing to check is fine)."""
    checks = list(checks)
    total = sum(c.total for c in checks)
    failing = sum(len(c.failing) for c in checks)
    if total == 0:
        return empty
    if failing == 0:
        return DONE
    return FAILED if failing >= total else PARTIAL


def _link(link: str, checks: list[Check], empty: str = UNKNOWN, **facts: object) -> LinkAudit:
    return LinkAudit(link, status_of(checks, empty), tuple(checks), facts)


# --- 1. goals ---------------------------------------------------------------------------------


def _without_goal(goals: object, catalogue: Mapping, year: int) -> set[str]:
    """Names of the indicators the year's tree leaves without a goal (`goal_tree.integrity`)."""
    issues = goal_tree.integrity(goals, catalogue, year)
    return set(issues.loc[issues["problem"] == goal_tree.NO_GOAL, "subject"])


def audit_goals(goals: object, catalogue: Mapping, year: int) -> LinkAudit:
    """Goals concretised by mechanism: every goal of the year's tree has indicators (the 01
    integrity check), every МУКО mechanism of the 02 matrix has an indicator tied to a goal."""
    nodes = goal_tree.nodes(goals, year)
    issues = goal_tree.integrity(goals, catalogue, year)
    bare = tuple(issues.loc[issues["problem"] == goal_tree.NO_INDICATORS, "subject"])
    orphans = _without_goal(goals, catalogue, year)
    tied = {k: ind for k, ind in catalogue.items() if ind.name not in orphans}
    matrix = passports.muko_matrix(tied)
    return _link(
        GOALS,
        [
            Check(GOALS_WITH_INDICATORS, len(nodes), bare),
            Check(MECHANISMS_WITH_GOALS, len(MUKO_AREAS), tuple(matrix.loc[matrix["gap"], "area"])),
        ],
        goals=len(nodes),
    )


# --- 2. indicators ----------------------------------------------------------------------------


def audit_indicators(goals: object, catalogue: Mapping, year: int) -> LinkAudit:
    """Indicators match goals and documents: each has a goal in the year's tree (the 01 check),
    a source document and a source form (its passport on page 02)."""
    orphans = _without_goal(goals, catalogue, year)
    names = [ind.name for ind in catalogue.values()]
    unsourced = tuple(
        ind.name for ind in catalogue.values() if not ind.sources or not str(ind.source_doc or "")
    )
    return _link(
        INDICATORS,
        [
            Check(INDICATORS_WITH_GOAL, len(names), tuple(n for n in names if n in orphans)),
            Check(INDICATORS_WITH_SOURCES, len(names), unsourced),
        ],
        indicators=len(names),
        documents=len({ind.source_doc for ind in catalogue.values() if ind.source_doc}),
    )


# --- 3. monitoring ----------------------------------------------------------------------------


def audit_monitoring(
    forms: pd.DataFrame,
    tidy: pd.DataFrame,
    catalogue: Mapping,
    associations: pd.DataFrame | None,
    plan_reports: pd.DataFrame | None,
) -> LinkAudit:
    """Monitoring done for every indicator: the forms of the contract arrived
    (`passports.forms_status`), the associations filed plan-reports
    (`monitoring.missing_plan_reports`), every indicator has a city (Centre) value
    (`monitoring.no_data_indicators`)."""
    missing_forms = tuple(passports.form_title(s) for s in forms.loc[~forms["received"], "stem"])
    checks = [Check(FORMS_RECEIVED, len(forms), missing_forms)]
    if associations is not None:
        missing = monitoring.missing_plan_reports(associations, plan_reports)
        checks.append(
            Check(PLAN_REPORTS_RECEIVED, len(associations), tuple(missing["assoc_id"].astype(str)))
        )
    empty = tuple(monitoring.no_data_indicators(tidy, catalogue))
    checks.append(Check(INDICATORS_WITH_VALUES, len(catalogue), empty))
    return _link(MONITORING, checks, rows=int(forms["rows"].sum()))


# --- 4. analysis ------------------------------------------------------------------------------


def _touch(a: register.Cover, b: register.Cover) -> bool:
    """Do two units meet (share an institution or an association)? A unit of unknown extent (a
    staff category, the Centre) meets every unit: matched by the indicator alone."""
    if a is None or b is None:
        return True
    return bool((a[0] & b[0]) or (a[1] & b[1]))


def _units(frame: pd.DataFrame) -> Iterable[tuple[object, object, object]]:
    """(level, unit_id, indicator_id) of each row (none of a frame without rows)."""
    if not len(frame):
        return ()
    return zip(*(frame[c].tolist() for c in ("level", "unit_id", "indicator_id")), strict=True)


def unaddressed_problems(
    problems: pd.DataFrame,
    recommendations: pd.DataFrame,
    institutions: pd.DataFrame | None,
    associations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The problems no recommendation of the year answers: none on the problem's indicator
    reaches its unit — the way `register.correspondence` matches a measure to a problem
    (a recommendation to a school answers the problem of its district)."""
    if not len(problems):
        return problems.iloc[:0]
    insts = (
        pd.DataFrame(columns=list(register.INSTITUTION_COLUMNS))
        if institutions is None
        else institutions
    )
    cover_of = register.unit_covers(insts, associations)
    by_indicator: dict[str, list] = {}
    for level, unit_id, indicator in _units(recommendations):
        by_indicator.setdefault(str(indicator), []).append(cover_of(level, unit_id))
    lonely = []
    for pos, (level, unit_id, indicator) in enumerate(_units(problems)):
        answers = by_indicator.get(str(indicator), [])
        unit = cover_of(level, unit_id) if answers else None
        if not any(_touch(unit, c) for c in answers):
            lonely.append(pos)
    return problems.iloc[lonely].reset_index(drop=True)


def audit_analysis(
    problems: pd.DataFrame,
    recommendations: pd.DataFrame,
    institutions: pd.DataFrame | None,
    associations: pd.DataFrame | None,
    has_values: bool,
) -> LinkAudit:
    """Analysis turned into conclusions and recommendations: every problem of the year (page 04)
    has a recommendation that answers it. No value this year → нет данных; no problem found →
    выполнено (nothing was left unanswered)."""
    if not has_values:
        return LinkAudit(ANALYSIS, UNKNOWN, (), {"problems": 0, "recommendations": 0})
    lonely = unaddressed_problems(problems, recommendations, institutions, associations)
    return _link(
        ANALYSIS,
        [
            Check(
                PROBLEMS_WITH_RECOMMENDATION,
                len(problems),
                tuple(lonely["indicator_id"].astype(str)) if len(lonely) else (),
            )
        ],
        empty=DONE,
        problems=len(problems),
        recommendations=len(recommendations),
    )


# --- 5. measures ------------------------------------------------------------------------------


def audit_measures(
    measures: pd.DataFrame | None, problems: pd.DataFrame, check: register.Correspondence
) -> LinkAudit:
    """Measures match the analysis (`check` is `register.correspondence` of the register against
    ``problems``, as page 05 computes it): every problem has a measure; every measure answers a
    problem, names an indicator of the catalogue and reaches an addressee. No register →
    нет данных."""
    if measures is None:
        return LinkAudit(MEASURES, UNKNOWN, (), {"measures": 0, "problems": len(problems)})

    def ids(frame: pd.DataFrame) -> tuple[str, ...]:
        return tuple(frame["measure_id"].astype(str)) if len(frame) else ()

    lonely = check.problems_without_measure
    n = len(measures)
    return _link(
        MEASURES,
        [
            Check(
                PROBLEMS_WITH_MEASURE,
                len(problems),
                tuple(lonely["indicator_id"].astype(str)) if len(lonely) else (),
            ),
            Check(MEASURES_WITH_PROBLEM, n, ids(check.measures_without_problem)),
            Check(MEASURES_WITH_INDICATOR, n, ids(check.measures_without_indicator)),
            Check(MEASURES_WITH_ADDRESSEE, n, ids(check.measures_without_addressee)),
        ],
        measures=n,
        problems=len(problems),
    )


# --- 6. effectiveness -------------------------------------------------------------------------


def audit_effectiveness(evaluated: pd.DataFrame, data_years: Iterable[int], year: int) -> LinkAudit:
    """Effectiveness compared over three years: every measure of y−3 … y−1 (`evaluated` is
    `effectiveness.evaluate` of the year, as page 06 computes it) got a verdict. A measure whose
    year before is not in the data cannot be compared: it is counted apart, and when no measure
    can be, the link has no data (the book's first years)."""
    available = {int(y) for y in data_years}
    verdicts = measure_verdicts(judged(evaluated))
    history = verdicts["measure_year"].map(lambda t: int(t) - 1 in available).astype(bool)
    comparable = verdicts[history]
    failing = tuple(comparable.loc[comparable["verdict"] == NO_DATA, "measure_id"].astype(str))
    counts = comparable["verdict"].value_counts()
    earlier = sorted(y for y in available if year - 3 <= y <= year - 1)
    return _link(
        EFFECTIVENESS,
        [Check(MEASURES_JUDGED, len(comparable), failing)],
        years=earlier,
        measures=len(verdicts),
        no_history=int((~history).sum()),
        effective=int(counts.get(EFFECTIVE, 0)),
        no_effect=int(counts.get(NO_EFFECT, 0)),
        no_data=int(counts.get(NO_DATA, 0)),
        pending=int(evaluated.loc[evaluated["pending"], "measure_id"].nunique())
        if len(evaluated)
        else 0,
    )
