"""The indicator engine: every declared indicator of a year at every level it declares.

For each indicator and unit the engine keeps four sums over the unit's entities: how many are in
the population, how many of those have a known value, Σ numerator and Σ denominator. Sums roll
up exactly (institution → district, inst_type, city), so each subject's entities are visited
once per indicator, with `numpy.bincount` — no loop over units.

Rules (SPEC §5):
- share = 100 · Σ numerator / Σ denominator; a zero denominator gives no value (numerator and
  denominator stay as the two counts, 0 and 0); a mean (`catalogue.MEAN`) is the same ratio
  without the factor 100; a unit whose entities all have unknown values
  (an association without a plan-report) gives empty numerator, denominator and value;
- count = Σ numerator; empty where the unit has no entity of the population (the Centre's row of
  a staff count, an association with no staff among its members);
- a form missing for every year an indicator reads → empty values and the flag ``no_data``; a
  window with some years missing → computed from what exists, flag ``incomplete_window``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.catalogue import CATALOGUE, COUNT, MEAN, Indicator
from analysis.indicators.entities import BUILDERS, NO_DATA, Entities, Level
from analysis.indicators.measures import Evaluator
from analysis.reader import YearData

LEVEL_ORDER: tuple[str, ...] = (
    "city",
    "district",
    "inst_type",
    "institution",
    "association",
    "centre",
)
STATS = 4  # rows of a statistics block: n in population, n known, Σ numerator, Σ denominator


@dataclass
class Block:
    """Computed rows of one indicator at one level."""

    indicator: Indicator
    level: str
    units: list[str]
    numerator: np.ndarray
    denominator: np.ndarray
    value: np.ndarray
    flags: str


def _stats(
    level: Level, pop: np.ndarray, known: np.ndarray, num: np.ndarray, den: np.ndarray
) -> np.ndarray:
    """The four sums per unit of a direct level (shape STATS × units)."""
    m = len(level.units)
    pos, code = level.pos, level.code
    identity = len(pos) == len(pop) and level.source is None and level.identity
    out = np.zeros((STATS, m))
    for row, weights in enumerate((pop, known, num, den)):
        out[row] = np.bincount(code, weights=weights if identity else weights[pos], minlength=m)[:m]
    return out


def _rollup(stats: np.ndarray, level: Level) -> np.ndarray:
    """Add the source level's unit sums into this level's units (unknown codes dropped)."""
    m = len(level.units)
    ok = level.code >= 0
    out = np.zeros((STATS, m))
    for row in range(STATS):
        out[row] = np.bincount(level.code[ok], weights=stats[row][ok], minlength=m)[:m]
    return out


def _level_stats(entities: Entities, levels: tuple[str, ...], arrays) -> dict[str, np.ndarray]:
    """Sums at every wanted level, each source level computed once."""
    done: dict[str, np.ndarray] = {}

    def get(name: str) -> np.ndarray:
        if name not in done:
            level = entities.levels[name]
            done[name] = (
                _rollup(get(level.source), level) if level.source else _stats(level, *arrays)
            )
        return done[name]

    return {name: get(name) for name in levels if name in entities.levels}


def entity_values(
    ind: Indicator, entities: Entities, evaluate: Evaluator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, set[str]]:
    """Per entity: in the population (bool), numerator, denominator (NaN: unknown), and the
    flags the inputs raise — what every unit's sums and the person lists are made of."""
    n = len(entities)
    flags: set[str] = set()
    pop = np.ones(n, dtype=bool)
    num, den = np.full(n, np.nan), np.ones(n)
    if entities.missing:  # the subject's own form did not arrive: nothing to evaluate
        flags.add(NO_DATA)
    else:
        for cond in ind.population:
            values, raised = evaluate(cond)
            flags |= raised
            pop &= values > 0
        num, raised = evaluate(ind.numerator)
        flags |= raised
        if ind.kind != COUNT:
            den, raised = evaluate(ind.denominator)
            flags |= raised
    return pop, num, den, flags


@dataclass
class Counted:
    """Who a share counts: its subject's entities, and per entity whether it is in the
    denominator and in the numerator (and the flags its inputs raised)."""

    frame: pd.DataFrame  # the entities' own columns (persons: staff of y with their age)
    in_denominator: np.ndarray
    in_numerator: np.ndarray
    flags: frozenset[str]


def counted(data: YearData, indicators: list[Indicator]) -> dict[str, Counted]:
    """`Counted` of each indicator, by the code the tidy table is computed with (each subject's
    entities built once): a person list is "the denominator but not the numerator" of an
    indicator, so list and indicator count the same people by construction."""
    out: dict[str, Counted] = {}
    for subject in dict.fromkeys(ind.subject for ind in indicators):
        entities = BUILDERS[subject](data)
        evaluate = Evaluator(data, entities)
        for ind in (i for i in indicators if i.subject == subject):
            pop, num, den, flags = entity_values(ind, entities, evaluate)
            known = pop & np.isfinite(num) & np.isfinite(den)
            in_denominator = known & (np.where(known, den, 0.0) > 0)
            in_numerator = in_denominator & (np.where(known, num, 0.0) > 0)
            out[ind.id] = Counted(entities.frame, in_denominator, in_numerator, frozenset(flags))
    return out


def _indicator_blocks(ind: Indicator, entities: Entities, evaluate: Evaluator) -> list[Block]:
    pop, num, den, flags = entity_values(ind, entities, evaluate)
    known = pop & np.isfinite(num) & np.isfinite(den)
    arrays = (
        pop.astype(float),
        known.astype(float),
        np.where(known, num, 0.0),
        np.where(known, den, 0.0),
    )
    stats = _level_stats(entities, ind.levels, arrays)
    blocks = []
    for level in ind.levels:
        if level not in stats:
            continue
        level_flags = flags | entities.levels[level].flags
        blocks.append(_block(ind, level, entities.levels[level].units, stats[level], level_flags))
    return blocks


def _block(
    ind: Indicator, level: str, units: list[str], stats: np.ndarray, flags: set[str]
) -> Block:
    n_pop, n_known, s_num, s_den = stats
    unknown = (n_known == 0) & (n_pop > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if ind.kind == COUNT:
            value = np.where(n_known > 0, s_num, np.nan)
            numerator, denominator = value, np.full(len(units), np.nan)
        else:
            numerator = np.where(unknown, np.nan, s_num)
            denominator = np.where(unknown, np.nan, s_den)
            scale = 1.0 if ind.kind == MEAN else 100.0  # a mean is per entity, not in %
            value = np.where(denominator > 0, scale * numerator / denominator, np.nan)
    if NO_DATA in flags:
        numerator = denominator = value = np.full(len(units), np.nan)
    return Block(ind, level, units, numerator, denominator, value, ";".join(sorted(flags)))


def compute_raw(data: YearData, indicators: list[Indicator] | None = None) -> pd.DataFrame:
    """Values of the indicators (default: the whole catalogue) without targets.

    Rows come in the tidy order: catalogue, level (`LEVEL_ORDER`), unit_id (every level's
    units are sorted when the entities are built).
    """
    indicators = list(CATALOGUE.values()) if indicators is None else indicators
    blocks: list[Block] = []
    for subject, builder in BUILDERS.items():
        mine = [ind for ind in indicators if ind.subject == subject]
        if not mine:
            continue
        entities = builder(data)
        evaluate = Evaluator(data, entities)
        evaluate.prefetch(
            [b for ind in mine for b in (ind.numerator, ind.denominator, *ind.population)]
        )
        for ind in mine:
            blocks.extend(_indicator_blocks(ind, entities, evaluate))
    rank = {ind.id: i for i, ind in enumerate(CATALOGUE.values())}
    blocks.sort(key=lambda b: (rank.get(b.indicator.id, len(rank)), LEVEL_ORDER.index(b.level)))
    return _frame(data.year, blocks)


def _frame(year: int, blocks: list[Block]) -> pd.DataFrame:
    sizes = [len(b.units) for b in blocks]
    total = sum(sizes)

    def repeat(attr) -> np.ndarray:
        return np.repeat(np.array([attr(b) for b in blocks], dtype=object), sizes)

    def concat(name: str) -> np.ndarray:
        parts = [getattr(b, name) for b in blocks]
        return np.concatenate(parts).astype(float) if parts else np.zeros(0)

    units = [u for b in blocks for u in b.units]
    return pd.DataFrame(
        {
            "year": np.full(total, year, dtype=np.int64),
            "indicator_id": pd.array(repeat(lambda b: b.indicator.id), dtype="str"),
            "level": pd.array(repeat(lambda b: b.level), dtype="str"),
            "unit_id": pd.array(units, dtype="str"),
            "numerator": concat("numerator"),
            "denominator": concat("denominator"),
            "value": concat("value"),
            "unit": pd.array(repeat(lambda b: b.indicator.unit), dtype="str"),
            "flags": pd.array(repeat(lambda b: b.flags), dtype="str"),
            "direction": repeat(lambda b: b.indicator.direction),
        }
    )
