"""Stage 02, «Показатели и методы сбора информации»: passports, the МУКО matrix, forms received.

- the passport of every indicator of the catalogue (formula in words, unit, levels, source forms,
  source document, collection method, frequency, goal, direction);
- the seed's table «Федеральные показатели МУКО / Муниципальные показатели / «Точки роста»»,
  with the book's indicators that now cover each area and the areas left uncovered marked;
- which source forms arrived for the year and which are missing (and what that costs).

Data in, data out: the catalogue, the goal titles and the year's manifest entry come in as
arguments; the page (`analysis.pages.indicators`) turns the frames into Russian tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis import contract
from analysis.catalogue import (
    MUKO_AREAS,
    MUKO_BURNOUT,
    MUKO_COMPETITIONS,
    MUKO_DEFICITS,
    MUKO_MENTORING,
    MUKO_NETWORK,
    MUKO_SUPPORT,
    PLAN_REPORT_METHOD,
    RC_METHOD,
)
from analysis.vocabulary import CENTRE, CITY, DIRECTION_WORDS, LEVEL_NAMES

PERCENT = "%"  # SPEC §5: the unit of shares, whose formula reads «… ÷ … × 100»

# The seed's table «Федеральные показатели МУКО / Муниципальные показатели / «Точки роста» в
# практике управления», row by row: (mechanism, federal МУКО area, municipal indicators the seed
# lists for it — «—» where it lists none, the seed's «точка роста»). The areas are the
# catalogue's (`MUKO_AREAS`), which each indicator declares it covers. A growth point that
# introduces indicators declares how they are collected (`GrowthPoint.methods`, the passports'
# «Способ сбора»): the indicators of the row's area collected so realise it; one without methods
# is realised by the cycle's analysis and decisions (stages 04–05), not by indicators.
MONITORING_SYSTEM = "Система мониторинга качества ДПО педагогических работников"
METHODICAL_SYSTEM = "Система методической работы"
NONE_LISTED = "—"  # the seed lists no municipal indicator for the area


@dataclass(frozen=True)
class GrowthPoint:
    """A «точка роста» of the seed's table and how the indicators that realise it are collected
    (empty: it is a practice of analysis and decisions, not indicators)."""

    text: str
    methods: tuple[str, ...] = ()


GPO_CORRECTION = GrowthPoint("корректировка показателей планов-отчётов ГПО", (PLAN_REPORT_METHOD,))
PROBLEM_ANALYSIS = GrowthPoint("проведение проблемного анализа и принятие управленческих решений")
RC_INDICATORS = GrowthPoint("введение показателей для планов-отчетов РЦ", (RC_METHOD,))
MUKO_MATRIX: tuple[tuple[str, str, str, GrowthPoint], ...] = (
    (MONITORING_SYSTEM, MUKO_DEFICITS, NONE_LISTED, GPO_CORRECTION),
    (MONITORING_SYSTEM, MUKO_BURNOUT, NONE_LISTED, GPO_CORRECTION),
    (
        MONITORING_SYSTEM,
        MUKO_COMPETITIONS,
        (
            "целевые показатели муниципальной программы; показатели планов-отчётов ГПО; показатели "
            "эффективности деятельности руководителей и учреждений"
        ),
        PROBLEM_ANALYSIS,
    ),
    (
        METHODICAL_SYSTEM,
        MUKO_SUPPORT,
        "муниципальное задание Центра; показатели планов-отчётов ГПО",
        PROBLEM_ANALYSIS,
    ),
    (METHODICAL_SYSTEM, MUKO_MENTORING, "показатели планов-отчётов ГПО", PROBLEM_ANALYSIS),
    (
        METHODICAL_SYSTEM,
        MUKO_NETWORK,
        "показатели эффективности деятельности руководителей и учреждений",
        RC_INDICATORS,
    ),
)
assert [row[1] for row in MUKO_MATRIX] == list(MUKO_AREAS)  # the seed's rows, in its order
PASSPORT_COLUMNS = [
    "indicator_id",
    "name",
    "group",
    "formula",
    "unit",
    "levels",
    "sources",
    "source_doc",
    "method",
    "frequency",
    "goal",
    "direction",
]


def form_title(stem: str) -> str:
    """«Кадры (staff.xlsx)»: the form's title with the file the institutions fill."""
    form = contract.FORMS_BY_STEM.get(stem)
    return f"{form.title} ({stem}.xlsx)" if form else stem


def formula_words(ind: object) -> str:
    """The formula in words: a share is «числитель ÷ знаменатель × 100», a count its numerator."""
    if ind.unit == PERCENT:
        return f"{ind.numerator_text} ÷ {ind.denominator_text} × 100"
    return ind.numerator_text


def passports(catalogue: Mapping, goal_titles: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The passport of every indicator (`PASSPORT_COLUMNS`), its words read from the vocabulary.

    ``levels`` and ``direction`` are Russian words, ``sources`` the forms' titles, ``goal`` the
    goal's title (its id when the tree has no title for it, None when it has no goal).
    """
    goal_titles = goal_titles or {}
    rows = [
        {
            "indicator_id": ind.id,
            "name": ind.name,
            "group": ind.group,
            "formula": formula_words(ind),
            "unit": ind.unit,
            "levels": ", ".join(LEVEL_NAMES.get(lv, lv) for lv in ind.levels),
            "sources": ", ".join(form_title(s) for s in ind.sources),
            "source_doc": ind.source_doc,
            "method": ind.method,
            "frequency": ind.frequency,
            "goal": goal_titles.get(ind.goal, ind.goal) if ind.goal else None,
            "direction": DIRECTION_WORDS.get(ind.direction, ind.direction),
        }
        for ind in catalogue.values()
    ]
    return pd.DataFrame(rows, columns=PASSPORT_COLUMNS)


def muko_matrix(catalogue: Mapping) -> pd.DataFrame:
    """The seed's МУКО table with the indicators that cover each area (areas without any: gap)
    and those that realise its growth point (`GrowthPoint.methods`).

    Columns: mechanism, area, seed_indicators, growth_point (its text), covered_by (list of
    names), gap, growth_by (names of the indicators of the area collected by the growth point's
    methods), growth_gap (the growth point introduces indicators and none is in the catalogue;
    False for one realised by analysis and decisions).
    """
    rows = []
    for mechanism, area, seed_text, growth in MUKO_MATRIX:
        names = [ind.name for ind in catalogue.values() if ind.muko == area]
        realised = [
            ind.name
            for ind in catalogue.values()
            if ind.muko == area and getattr(ind, "method", None) in growth.methods
        ]
        rows.append(
            {
                "mechanism": mechanism,
                "area": area,
                "seed_indicators": seed_text,
                "growth_point": growth.text,
                "covered_by": names,
                "gap": not names,
                "growth_by": realised,
                "growth_gap": bool(growth.methods) and not realised,
            }
        )
    return pd.DataFrame(rows)


def forms_status(
    present: Sequence[str], rows: Mapping[str, int], catalogue: Mapping
) -> pd.DataFrame:
    """Every form of the contract: received or not, rows read, indicators left without data.

    ``present`` are the stems that arrived (manifest), ``rows`` the rows per processed table.
    Columns: stem, title, filled_by, received, rows, affected (names of indicators needing it).
    """
    arrived = set(present)
    out = []
    for form in contract.FORMS:
        got = form.stem in arrived
        n = sum(int(rows.get(s.table, 0)) for s in form.sheets) if got else 0
        affected = [] if got else [i.name for i in catalogue.values() if form.stem in i.sources]
        out.append(
            {
                "stem": form.stem,
                "title": form.title,
                "filled_by": form.filled_by,
                "received": got,
                "rows": n,
                "affected": affected,
            }
        )
    return pd.DataFrame(out)


def empty_top_indicators(tidy: pd.DataFrame) -> int:
    """How many indicators have no value at the top level (city, or the Centre) this year."""
    top = tidy[tidy["level"].isin([CITY, CENTRE])]
    return int(top["indicator_id"][pd.to_numeric(top["value"], errors="coerce").isna()].nunique())
