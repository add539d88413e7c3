"""The register of management decisions (`measures.xlsx › Меры`, SPEC §2 stage 05, §3).

Data in, data out: the register comes in as a frame (or through the year's `YearData`); the page
(`analysis.pages.measures`) turns what this module finds into tables, sentences and figures.

Public API::

    load_measures(data, year=None) -> DataFrame | None   # through the one reader (`YearData`)
    year_register(frame, year) -> DataFrame | None       # a `Меры` table with its ``year`` column
    resolve_targets(targets, institutions, associations=None) -> (inst_ids, assoc_ids)
    institution_mask(targets, institutions) -> bool array   # also drives the demo's effects
    base_institutions(assoc_ids, associations) -> inst_ids
    by_mechanism(measures) -> DataFrame          # mechanism × status counts, every mechanism
    by_muko_system(measures) -> DataFrame        # ПК mechanism × other МУКО system it serves
    muko_gaps(matrix) -> dict                    # the empty cells of that matrix, by mechanism
    status_summary(measures) -> DataFrame        # status, count, share
    correspondence(measures, problems, recommendations, institutions, associations=None)
        -> Correspondence                        # the checks both ways (frames)
    unanswered_by_indicator(frame) -> DataFrame  # problems/recommendations without a measure
    unit_cover(level, unit_id, institutions, associations) -> (inst_ids, assoc_ids) | None
    unit_covers(institutions, associations) -> cover_of(level, unit_id)  # each unit once

Target resolution (the grammar of `Адресаты` is `analysis.vocabulary`'s): `все` covers every
institution of the year except the Centre (type ДПО) and every association; `район:<d>` /
`тип:<t>` the institutions of that district / type; `ШНОР` / `ШНСУ` the institutions so flagged;
an inst_id itself; an assoc_id itself. Districts and types are matched by the SPEC rule
(`analysis.text.normalize`). The demo city applies the effects of its measures through
`institution_mask`, so there is one implementation.

Correspondence (a problem or recommendation «has a measure»): some measure of the year links its
indicator (for a recommendation, also: lists its rule id) and *touches* its unit — the measure's
resolved institutions or associations meet the unit's (a district: its institutions; the city:
all; an association: itself). Problems of the Centre (level ``centre``) and of levels this module
does not know are matched by the indicator alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import contract
from analysis.catalogue import indicator_ids as catalogue_ids
from analysis.reader import YearData
from analysis.text import normalize
from analysis.vocabulary import (
    ALL,
    ASSOCIATION,
    BY_DISTRICT,
    BY_TYPE,
    CENTRE_TYPE,
    CITY,
    CODE,
    DISTRICT,
    INST_TYPE,
    INSTITUTION,
    SCHOOL_FLAG,
    Target,
    parse_target,
    parse_targets,
    split_targets,
    targets_all,
)

_SHEET = contract.SHEETS["measures"]
MECHANISMS: tuple[str, ...] = _SHEET.column("mechanism").choices  # contract order
STATUSES: tuple[str, ...] = _SHEET.column("status").choices
# The other quality-management (МУКО) systems a measure may serve (`Механизмы МУКО`), in order.
MUKO_SYSTEMS: tuple[str, ...] = _SHEET.column("muko_systems").choices
# The seed's first slide sets the ПК mechanisms against the МУКО systems they serve; mentoring
# is not on it, so its row joins the matrix only when the register has a measure of it.
MENTORING = "наставничество"
COLUMNS: tuple[str, ...] = tuple(c.name for c in _SHEET.columns)  # of an empty register
# of the institutions of a year whose `Учреждения` did not arrive (SPEC §3: not an error)
INSTITUTION_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in contract.SHEETS["institutions"].columns
)


def load_measures(data: YearData, year: int | None = None) -> pd.DataFrame | None:
    """The register of ``year`` (default: the reader's report year) with a ``year`` column, or
    None when `Меры` did not arrive that year."""
    year = data.year if year is None else int(year)
    return year_register(data.table_of("measures", year), year)


def year_register(frame: pd.DataFrame | None, year: int) -> pd.DataFrame | None:
    """A `Меры` table as the stages use it: a copy with a ``year`` column; None stays None."""
    if frame is None:
        return None
    return frame.assign(year=int(year)).reset_index(drop=True)


def split_ids(cell: object) -> list[str]:
    """The ids of a `;`-list cell of the register (`Показатели`, `Рекомендации`): the list
    syntax of `Адресаты`, so one splitter serves them all."""
    return split_targets(cell)


def _covers(target: Target, institutions: pd.DataFrame) -> np.ndarray:
    """Boolean mask over ``institutions``: the rows one parsed `Адресаты` item covers."""
    if target.kind == ALL:
        return (institutions["inst_type"] != CENTRE_TYPE).to_numpy()
    if target.kind == SCHOOL_FLAG:
        return institutions[target.value].fillna(False).astype(bool).to_numpy()
    if target.kind in (BY_DISTRICT, BY_TYPE):
        column = "district" if target.kind == BY_DISTRICT else "inst_type"
        values = institutions[column].astype(str).map(normalize)
        return (values == normalize(target.value)).to_numpy()
    return (institutions["inst_id"].astype(str) == target.value).to_numpy()


def institution_mask(targets: object, institutions: pd.DataFrame) -> np.ndarray:
    """Boolean mask over ``institutions``: the rows a targets cell covers (`все` included)."""
    mask = np.zeros(len(institutions), dtype=bool)
    codes = []  # a cell may list dozens of codes: matched in one pass
    for target in parse_targets(targets):
        if target.kind == CODE:
            codes.append(target.value)
        else:
            mask |= _covers(target, institutions)
    if codes:
        mask |= institutions["inst_id"].astype(str).isin(codes).to_numpy(dtype=bool)
    return mask


def resolve_targets(
    targets: object, institutions: pd.DataFrame | None, associations: pd.DataFrame | None = None
) -> tuple[list[str], list[str]]:
    """The inst_ids and assoc_ids a targets cell covers (sorted; unknown codes cover nothing;
    no institution without the year's `Учреждения`)."""
    institutions = _or_no_institutions(institutions)
    inst_ids = sorted(institutions.loc[institution_mask(targets, institutions), "inst_id"])
    if associations is None or not len(associations):
        return [str(i) for i in inst_ids], []
    codes = set(associations["assoc_id"].astype(str))
    if targets_all(targets):
        assoc_ids = sorted(codes)
    else:
        assoc_ids = sorted(
            {t.value for t in parse_targets(targets) if t.kind == CODE and t.value in codes}
        )
    return [str(i) for i in inst_ids], assoc_ids


def base_institutions(assoc_ids: list[str], associations: pd.DataFrame | None) -> list[str]:
    """The base institutions (`Код ОУ базы`) of associations."""
    if associations is None or not assoc_ids:
        return []
    rows = associations[associations["assoc_id"].isin(assoc_ids)]
    return sorted(set(rows["inst_id"].dropna().astype(str)))


def by_mechanism(measures: pd.DataFrame | None) -> pd.DataFrame:
    """Counts per mechanism (every mechanism of the contract, in its order) and status."""
    frame = or_empty(measures)
    table = pd.crosstab(frame["mechanism"], frame["status"]) if len(frame) else pd.DataFrame()
    table = table.reindex(index=list(MECHANISMS), columns=list(STATUSES), fill_value=0)
    table = table.fillna(0).astype("int64")
    table.insert(0, "total", table.sum(axis=1))
    table.index.name = "mechanism"
    return table.reset_index()


def muko_rows(measures: pd.DataFrame) -> list[str]:
    """The ПК mechanisms of the matrix (contract order): every one but mentoring, which only
    when the register has a measure of it."""
    present = set(measures["mechanism"]) if len(measures) else set()
    return [m for m in MECHANISMS if m != MENTORING or m in present]


def serves(cell: object) -> list[str]:
    """The МУКО systems of a `Механизмы МУКО` cell, by the contract's spelling (the SPEC's
    matching rule), in the contract's order; unknown words are left out."""
    wanted = {normalize(s) for s in split_targets(cell)}
    return [s for s in MUKO_SYSTEMS if normalize(s) in wanted]


def by_muko_system(measures: pd.DataFrame | None) -> pd.DataFrame:
    """Measures of the register per ПК mechanism (rows, `muko_rows`) and the other МУКО system
    they serve (a column per system of `MUKO_SYSTEMS`; a measure serving two counts in both).

    Columns: mechanism, one per system, ``total`` (measures of the mechanism) and ``unmarked``
    (of them, measures whose `Механизмы МУКО` names no system).
    """
    frame = or_empty(measures)
    cells = frame["muko_systems"] if "muko_systems" in frame.columns else [None] * len(frame)
    rows = {m: dict.fromkeys((*MUKO_SYSTEMS, "total", "unmarked"), 0) for m in muko_rows(frame)}
    for mechanism, cell in zip(frame["mechanism"], cells):
        if mechanism not in rows:
            continue
        systems = serves(cell)
        rows[mechanism]["total"] += 1
        rows[mechanism]["unmarked"] += not systems
        for system in systems:
            rows[mechanism][system] += 1
    out = pd.DataFrame.from_dict(rows, orient="index", dtype="int64")
    out.index.name = "mechanism"
    return out.reset_index()


def muko_gaps(matrix: pd.DataFrame) -> dict[str, list[str]]:
    """The empty cells of `by_muko_system`: mechanism → the МУКО systems no measure of it serves
    (mechanisms without an empty cell left out)."""
    return {
        r["mechanism"]: [s for s in MUKO_SYSTEMS if int(r[s]) == 0]
        for r in matrix.to_dict("records")
        if any(int(r[s]) == 0 for s in MUKO_SYSTEMS)
    }


def status_summary(measures: pd.DataFrame | None) -> pd.DataFrame:
    """Status, count and share (%) of the register's measures; every status listed."""
    frame = or_empty(measures)
    counts = frame["status"].value_counts().reindex(list(STATUSES), fill_value=0).astype("int64")
    total = int(counts.sum())
    share = counts * 100.0 / total if total else counts * np.nan
    return pd.DataFrame(
        {"status": list(STATUSES), "count": counts.to_numpy(), "share": share.to_numpy(dtype=float)}
    )


def _or_no_institutions(institutions: pd.DataFrame | None) -> pd.DataFrame:
    return pd.DataFrame(columns=list(INSTITUTION_COLUMNS)) if institutions is None else institutions


def or_empty(measures: pd.DataFrame | None) -> pd.DataFrame:
    """The register, or a register with the contract's columns and no rows."""
    return pd.DataFrame(columns=list(COLUMNS)) if measures is None else measures


@dataclass
class Correspondence:
    """The checks of stage 05, both ways (each a frame; empty when nothing is wrong)."""

    problems_without_measure: pd.DataFrame
    recommendations_without_measure: pd.DataFrame
    measures_without_problem: pd.DataFrame
    measures_without_indicator: pd.DataFrame
    measures_without_addressee: pd.DataFrame
    answered: pd.DataFrame  # measure_id × the problems/recommendations it answers (long)


@dataclass(frozen=True)
class _Reach:
    """What one measure covers."""

    measure_id: str
    indicators: frozenset[str]
    rules: frozenset[str]
    insts: frozenset[str]
    assocs: frozenset[str]


def _reaches(
    measures: pd.DataFrame, institutions: pd.DataFrame, associations: pd.DataFrame | None
) -> list[_Reach]:
    out = []
    resolved: dict[str, tuple[list[str], list[str]]] = {}  # measures often share a targets cell
    for row in measures.itertuples(index=False):
        if isinstance(row.targets, str):
            if row.targets not in resolved:
                resolved[row.targets] = resolve_targets(row.targets, institutions, associations)
            insts, assocs = resolved[row.targets]
        else:
            insts, assocs = resolve_targets(row.targets, institutions, associations)
        out.append(
            _Reach(
                str(row.measure_id),
                frozenset(split_ids(row.indicator_ids)),
                frozenset(split_ids(getattr(row, "recommendation_ids", None))),
                frozenset(insts),
                frozenset(assocs),
            )
        )
    return out


# The institutions and associations a unit stands for (None: match by the indicator alone).
Cover = tuple[frozenset[str], frozenset[str]] | None


def unit_cover(
    level: str, unit_id: str, institutions: pd.DataFrame, associations: pd.DataFrame | None
) -> Cover:
    """The institutions and associations a unit of a level stands for (None: match by indicator
    alone — the Centre, or a level this module does not know)."""
    insts = institutions
    if level == CITY:
        return (
            frozenset(insts.loc[insts["inst_type"] != CENTRE_TYPE, "inst_id"].astype(str)),
            frozenset([] if associations is None else associations["assoc_id"].astype(str)),
        )
    if level == DISTRICT:
        return frozenset(
            insts.loc[insts["district"] == unit_id, "inst_id"].astype(str)
        ), frozenset()
    if level == INST_TYPE:
        return frozenset(
            insts.loc[insts["inst_type"] == unit_id, "inst_id"].astype(str)
        ), frozenset()
    if level == INSTITUTION:
        return frozenset([str(unit_id)]), frozenset()
    if level == ASSOCIATION:
        return frozenset(), frozenset([str(unit_id)])
    if parse_target(str(unit_id)).kind == SCHOOL_FLAG:  # a school group (ШНОР / ШНСУ) as a unit
        ids, _ = resolve_targets(str(unit_id), institutions)
        return frozenset(ids), frozenset()
    return None


def unit_covers(
    institutions: pd.DataFrame, associations: pd.DataFrame | None
) -> Callable[[object, object], Cover]:
    """`unit_cover` of a (level, unit_id) pair, worked out once per unit: the many problems
    and recommendations of a year stand on a few hundred units. Lives as long as the caller
    keeps the function (one check)."""
    known: dict[tuple[str, str], Cover] = {}

    def cover(level: object, unit_id: object) -> Cover:
        key = (str(level), str(unit_id))
        if key not in known:
            known[key] = unit_cover(key[0], key[1], institutions, associations)
        return known[key]

    return cover


class _Links:
    """The measures (positions in the register) that link an indicator or a rule id."""

    def __init__(self, reaches: list[_Reach]) -> None:
        self.reaches = reaches
        self.by_indicator: dict[str, list[int]] = {}
        self.by_rule: dict[str, list[int]] = {}
        for pos, r in enumerate(reaches):
            for indicator in r.indicators:
                self.by_indicator.setdefault(indicator, []).append(pos)
            for rule in r.rules:
                self.by_rule.setdefault(rule, []).append(pos)

    def linked(self, indicator: object, rule: object) -> list[_Reach]:
        """The measures that list ``indicator`` or ``rule`` (register order)."""
        found = set(self.by_indicator.get(indicator, ())) if isinstance(indicator, str) else set()
        if isinstance(rule, str):
            found.update(self.by_rule.get(rule, ()))
        return [self.reaches[pos] for pos in sorted(found)]


def _answering(links: _Links, indicator: object, rule: object, cover: Cover) -> list[str]:
    """The measures that answer one problem or recommendation."""
    return [
        r.measure_id
        for r in links.linked(indicator, rule)
        if cover is None or (r.insts & cover[0]) or (r.assocs & cover[1])
    ]


def _match(
    frame: pd.DataFrame | None,
    links: _Links,
    cover_of: Callable[[object, object], Cover],
    kind: str,
) -> tuple[pd.DataFrame, list[dict]]:
    """Rows of ``frame`` no measure answers, and the (measure, row) pairs that answer."""
    if frame is None or not len(frame):
        return (pd.DataFrame() if frame is None else frame.iloc[:0].copy()), []
    lonely, pairs = [], []
    for pos, row in enumerate(frame.itertuples(index=False)):
        cover = cover_of(row.level, row.unit_id)
        found = _answering(
            links, getattr(row, "indicator_id", None), getattr(row, "rule_id", None), cover
        )
        if not found:
            lonely.append(pos)
        pairs += [
            {
                "measure_id": m,
                "kind": kind,
                "row": pos,
                "level": row.level,
                "unit_id": row.unit_id,
                "indicator_id": getattr(row, "indicator_id", None),
            }
            for m in found
        ]
    return frame.iloc[lonely].reset_index(drop=True), pairs


def correspondence(
    measures: pd.DataFrame | None,
    problems: pd.DataFrame | None,
    recommendations: pd.DataFrame | None,
    institutions: pd.DataFrame | None,
    associations: pd.DataFrame | None = None,
    indicator_ids: frozenset[str] | None = None,
) -> Correspondence:
    """Check the register against the problems and recommendations of the year, both ways.

    ``problems`` (`analysis.problems.find_problems`) and ``recommendations``
    (`analysis.recommendations.recommend`) need ``level``, ``unit_id`` and ``indicator_id``
    (recommendations also ``rule_id``); either may be None, and so may the year's institutions
    (then no measure reaches an institution). ``indicator_ids`` (default: the catalogue) tells
    a known indicator from an unknown one.
    """
    institutions = _or_no_institutions(institutions)
    known = catalogue_ids() if indicator_ids is None else indicator_ids
    frame = or_empty(measures).reset_index(drop=True)
    reaches = _reaches(frame, institutions, associations)
    links, cover_of = _Links(reaches), unit_covers(institutions, associations)
    lonely_p, pairs_p = _match(problems, links, cover_of, "problem")
    lonely_r, pairs_r = _match(recommendations, links, cover_of, "recommendation")
    answered = pd.DataFrame(
        pairs_p + pairs_r, columns=["measure_id", "kind", "row", "level", "unit_id", "indicator_id"]
    )
    useful = set(answered["measure_id"])
    return Correspondence(
        problems_without_measure=lonely_p,
        recommendations_without_measure=lonely_r,
        measures_without_problem=_rows(frame, [r.measure_id not in useful for r in reaches]),
        measures_without_indicator=_rows(frame, [r.indicators.isdisjoint(known) for r in reaches]),
        measures_without_addressee=_rows(frame, [not (r.insts or r.assocs) for r in reaches]),
        answered=answered,
    )


def _rows(frame: pd.DataFrame, keep: list[bool]) -> pd.DataFrame:
    return frame[np.array(keep, dtype=bool)].reset_index(drop=True)


def unanswered_by_indicator(frame: pd.DataFrame | None) -> pd.DataFrame:
    """Problems (or recommendations) without a measure, counted per indicator and level."""
    if frame is None or not len(frame):
        return pd.DataFrame(columns=["indicator_id", "level", "count"])
    ids = frame["indicator_id"].fillna("").astype(str)
    counts = frame.assign(indicator_id=ids).groupby(["indicator_id", "level"]).size()
    return (
        counts.rename("count")
        .reset_index()
        .sort_values(["count", "indicator_id"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


# SPEC §5 `measures.csv`: the register's columns (contract order), then what the
# correspondence check found for each measure
FINDING_COLUMNS = (
    "problems_answered",  # problems of the year the measure answers
    "recommendations_answered",  # recommendations of the year it answers
    "without_problem",  # true: it answers no problem and no recommendation
    "without_indicator",  # true: none of its indicators is in the catalogue
    "without_addressee",  # true: its addressees resolve to no institution or association
)
TIDY_COLUMNS: tuple[str, ...] = (*COLUMNS, *FINDING_COLUMNS)
DATE_COLUMNS = ("date", "deadline")


def tidy(measures: pd.DataFrame | None, check: Correspondence) -> pd.DataFrame:
    """``measures.csv`` (SPEC §5): the register of the year (`TIDY_COLUMNS`, dates as
    ``ГГГГ-ММ-ДД``) with the findings of `check` (`correspondence` of the same register), in
    the page's order: mechanism (contract order), date, measure_id."""
    frame = or_empty(measures).reset_index(drop=True)
    out = frame.reindex(columns=list(COLUMNS)).astype(object)
    for column in DATE_COLUMNS:
        out[column] = [_iso_date(d) for d in frame.get(column, pd.Series(index=frame.index))]
    ids = frame["measure_id"].astype(str)
    answered = check.answered.assign(measure_id=check.answered["measure_id"].astype(str))
    for column, kind in (
        ("problems_answered", "problem"),
        ("recommendations_answered", "recommendation"),
    ):
        counts = answered[answered["kind"] == kind].groupby("measure_id").size()
        out[column] = pd.array(ids.map(counts).fillna(0).astype(int), dtype="Int64")
    for column, found in (
        ("without_problem", check.measures_without_problem),
        ("without_indicator", check.measures_without_indicator),
        ("without_addressee", check.measures_without_addressee),
    ):
        out[column] = ids.isin(set(found["measure_id"].astype(str)) if len(found) else set())
    out["measure_id"] = ids
    rank = {m: i for i, m in enumerate(MECHANISMS)}
    keys = pd.DataFrame(
        {"r": frame["mechanism"].map(rank).to_numpy(), "d": out["date"], "m": ids.to_numpy()}
    )
    index = keys.sort_values(["r", "d", "m"], kind="stable").index
    return out.loc[index, list(TIDY_COLUMNS)].reset_index(drop=True)


def _iso_date(value: object) -> str:
    """A date of the register as ``ГГГГ-ММ-ДД`` (empty when there is none)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")
