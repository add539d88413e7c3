"""What a reader of the public release knows about one year's indicator table, as linear relations.

Every relation is stated over the *protected quantity* of a row: the numerator of a share, the
value of a count. Group sizes (the denominators of shares) are taken as known to the reader —
the number of heads of a school is public knowledge — except where a denominator is itself
another indicator's numerator (`CHAINS`): then it is a protected quantity too.

Relations come from definitions, and each one is kept only where it holds in the data (a
relation that does not hold would mislead the attacker, so it protects nothing):

- sums over the hierarchy: city = Σ districts = Σ types = Σ institutions = Σ associations,
  district = Σ its institutions, type = Σ its institutions (the two cross);
- the school groups the 03 and 04 pages publish (ШНОР, ШНСУ, the other schools of type ОО):
  rows of their own here, the sum of their schools' numerators over the sum of denominators;
- subsets between indicators at the same unit (`SUBSETS`, `BELOW_DENOMINATOR`) and chains (a
  share's denominator is another indicator's numerator).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SHARE_UNIT = "%"  # shares: the numerator is protected, the denominator is a group size

# (smaller, larger): at every unit the first numerator counts a subset of the second's people
SUBSETS: tuple[tuple[str, str], ...] = (
    ("pk_modern_3y", "pk_pp_3y"),  # a modern ПК course is a course of any kind
    ("heads_management_3y", "pk_pp_3y"),  # heads ⊂ staff, a management course is a course
    ("age_under_30", "age_under_35"),
    ("competition_municipal", "competition_any"),  # teachers ⊂ staff, municipal ⊂ any level
    ("deficit_share", "deficit_diagnosed"),  # with a deficit ⊂ diagnosed
)
# (share, count): the share's denominator is the count's numerator (the same people)
CHAINS: tuple[tuple[str, str], ...] = (
    ("deficit_share", "deficit_diagnosed"),
    ("gpo_under_35_share", "gpo_participants"),
)
# (share, indicator): the share's denominator counts a subset of the indicator's numerator
BELOW_DENOMINATOR: tuple[tuple[str, str], ...] = (
    ("young_mentored", "experience_under_10"),  # experience < 3 ⊂ experience < 10
)
# the school groups of `analysis.monitoring.school_groups` (flag columns of `Учреждения`)
SCHOOL_TYPE = "ОО"
SCHOOL_FLAGS = ("low_results", "unfavourable")
SCHOOL_LABELS = ("ШНОР", "ШНСУ", "остальные школы")  # as analysis.monitoring names them
SCHOOL_LEVEL = "school_group"  # the level analysis.problems gives them
TOLERANCE = 1e-6


@dataclass
class Relation:
    """Σ coefs · q[rows] (== or ≤) rhs, true in the data."""

    rows: list[int]
    coefs: list[float]
    rhs: float
    equality: bool
    siblings: list[int] = field(default_factory=list)  # of a sum over siblings (else empty)


@dataclass(frozen=True)
class Incidence:
    """A year's relations and neighbourhoods as index arrays (compressed rows), built once a
    year so that an attacker's program is sliced out of them instead of assembled line by
    line: relation k is Σ coefs[e] · q[rows[e]] over e in spans(relation_start, [k]) (==
    rhs[k] where equality[k], else ≤); row r sits in the relations
    relations_of_row[spans(row_start, [r])] (ascending) and is tied by a chain to
    partners[spans(partner_start, [r])]; chain c ties share chain_share[c] to count
    chain_link[c]; relation k sums the siblings siblings[spans(sibling_start, [k])]."""

    relation_start: np.ndarray
    rows: np.ndarray
    coefs: np.ndarray
    rhs: np.ndarray
    equality: np.ndarray
    row_start: np.ndarray
    relations_of_row: np.ndarray
    partner_start: np.ndarray
    partners: np.ndarray
    sibling_start: np.ndarray  # relation k's siblings (empty if not a sum over siblings)
    siblings: np.ndarray
    chain_share: np.ndarray
    chain_link: np.ndarray


def spans(start: np.ndarray, which: np.ndarray) -> np.ndarray:
    """The positions start[w] … start[w + 1] − 1 of each w in `which`, concatenated in order
    (the entries of those compressed rows)."""
    which = np.asarray(which, dtype=np.intp)
    first = start[which]
    lengths = start[which + 1] - first
    ends = np.cumsum(lengths)
    return np.repeat(first - ends + lengths, lengths) + np.arange(ends[-1] if len(ends) else 0)


def _grouped(keys: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """`values` grouped by `keys` (0 … n − 1) as (start, items): key g's values, in their
    order in `values`, are items[start[g]:start[g + 1]]."""
    start = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(keys, minlength=n), out=start[1:])
    return start, values[np.argsort(keys, kind="stable")]


@dataclass
class Year:
    """One year's table as the attacker sees it: quantities, bounds and relations."""

    tidy: pd.DataFrame  # positions 0 … n−1
    truth: np.ndarray  # the protected quantity of each row (NaN: no value)
    upper: np.ndarray  # its known upper bound (the denominator; inf for counts)
    size: np.ndarray  # how big a cell is, for choosing partners (denominator or value)
    is_share: np.ndarray
    relations: list[Relation] = field(default_factory=list)
    chain_link: dict[int, int] = field(default_factory=dict)  # share row → count row

    def __post_init__(self) -> None:
        self._member_of: dict[int, list[int]] | None = None
        self._protectable: np.ndarray | None = None
        self._constant: np.ndarray | None = None
        self._plain: tuple | None = None
        self._incidence: Incidence | None = None
        # the audit's answers, per attacker's program: {program: {row: pinned}}
        self.audited: dict[tuple, dict[int, bool]] = {}
        # the attacker's programs built so far (the audit's `_LP`), per program
        self.programs: dict[tuple, object] = {}

    def relations_of(self, row: int) -> list[Relation]:
        """The relations a row appears in."""
        if self._member_of is None:
            self._member_of = {}
            for k, rel in enumerate(self.relations):
                for r in rel.rows:
                    self._member_of.setdefault(r, []).append(k)
        return [self.relations[k] for k in self._member_of.get(row, [])]

    def touching(self, rows: list[int]) -> list[Relation]:
        """The relations that involve any of `rows`, each once."""
        seen: dict[int, Relation] = {}
        for row in rows:
            for rel in self.relations_of(row):
                seen[id(rel)] = rel
        return list(seen.values())

    @property
    def incidence(self) -> Incidence:
        """The relations, rows' relations and chains as index arrays (built on first use)."""
        if self._incidence is None:
            n = len(self.truth)
            lengths = [len(r.rows) for r in self.relations]
            relation_start = np.zeros(len(lengths) + 1, dtype=np.intp)
            np.cumsum(lengths, out=relation_start[1:])
            rows = np.array([r for rel in self.relations for r in rel.rows], dtype=np.intp)
            coefs = np.array([c for rel in self.relations for c in rel.coefs], dtype=float)
            of_entry = np.repeat(np.arange(len(lengths)), lengths)
            sibling_start = np.zeros(len(lengths) + 1, dtype=np.intp)
            np.cumsum([len(r.siblings) for r in self.relations], out=sibling_start[1:])
            shares = np.array(list(self.chain_link), dtype=np.intp)
            links = np.array(list(self.chain_link.values()), dtype=np.intp)
            self._incidence = Incidence(
                relation_start,
                rows,
                coefs,
                np.array([r.rhs for r in self.relations], dtype=float),
                np.array([r.equality for r in self.relations], dtype=bool),
                *_grouped(rows, of_entry, n),
                *_grouped(np.concatenate([shares, links]), np.concatenate([links, shares]), n),
                sibling_start,
                np.array([k for rel in self.relations for k in rel.siblings], dtype=np.intp),
                shares,
                links,
            )
        return self._incidence

    @property
    def protectable(self) -> np.ndarray:
        """Rows with somebody behind them: a value, and not a share over nobody (computed on
        first use: the audit asks for it tens of thousands of times a year)."""
        if self._protectable is None:
            self._protectable = ~np.isnan(self.truth) & ~(self.is_share & (self.upper <= 0))
        return self._protectable

    @property
    def plain(self) -> tuple[list[float], list[float], list[float], list[bool]]:
        """truth, upper, size (0 for none) and is_share as Python lists: the partner search
        scores cells one at a time, where numpy's scalar access costs more than the work."""
        if self._plain is None:
            self._plain = (
                self.truth.tolist(),
                self.upper.tolist(),
                np.nan_to_num(self.size).tolist(),
                self.is_share.tolist(),
            )
        return self._plain

    @property
    def constant(self) -> np.ndarray:
        """Each row's quantity, 0 for no value: what a constant outside an attacker's program
        adds to its relations."""
        if self._constant is None:
            self._constant = np.nan_to_num(self.truth, nan=0.0)
        return self._constant


def build(tidy: pd.DataFrame, institutions: pd.DataFrame | None = None) -> Year:
    """The relations of one year's table (`tidy` of one year, any row order).

    The table gets one row per school group and indicator appended (level `school_group`,
    unit «ШНОР», «ШНСУ», «остальные школы»): the pooled figures the pages print, which can be
    hidden like any cell (two overlapping groups and the type ОО give away the schools that are
    in both groups).
    """
    tidy = tidy.reset_index(drop=True)
    members = _school_members(institutions)
    tidy = pd.concat([tidy, _school_rows(tidy, members)], ignore_index=True)
    is_share = tidy["unit"].astype("string").eq(SHARE_UNIT).fillna(False).to_numpy(bool)
    num = pd.to_numeric(tidy["numerator"], errors="coerce").to_numpy(float)
    val = pd.to_numeric(tidy["value"], errors="coerce").to_numpy(float)
    den = pd.to_numeric(tidy["denominator"], errors="coerce").to_numpy(float)
    truth = np.where(is_share, num, np.where(np.isnan(val), num, val))
    upper = np.where(is_share, np.nan_to_num(den, nan=0.0), np.inf)
    size = np.where(is_share, den, truth)
    year = Year(tidy, truth, upper, size, is_share)
    index = {
        (i, lv, str(u)): k
        for k, (i, lv, u) in enumerate(
            zip(  # lists: iterating the columns themselves costs more than the rest
                tidy["indicator_id"].tolist(),
                tidy["level"].tolist(),
                tidy["unit_id"].tolist(),
                strict=True,
            )
        )
    }
    year.relations += _hierarchy(tidy, index, institutions)
    year.relations += _school_groups(tidy, index, members)
    year.relations += _cross(tidy, index, den)
    chained = {share for share, _ in CHAINS}
    year.chain_link = {  # only where the denominator is indeed the count's numerator
        k: link
        for (share, lv, u), k in index.items()
        if share in chained
        for s, count in CHAINS
        if s == share
        and (link := index.get((count, lv, u))) is not None
        and abs(den[k] - truth[link]) < TOLERANCE
    }
    year.relations = [r for r in year.relations if _holds(r, truth)]
    year._member_of = None  # relations changed: index them again on first use
    year._incidence = None
    return year


def _holds(rel: Relation, truth: np.ndarray) -> bool:
    values = truth[rel.rows]
    if np.isnan(values).any():
        return False
    total = float(np.dot(rel.coefs, values))
    return abs(total - rel.rhs) < TOLERANCE if rel.equality else total <= rel.rhs + TOLERANCE


def _hierarchy(
    tidy: pd.DataFrame, index: dict, institutions: pd.DataFrame | None
) -> list[Relation]:
    """parent − Σ children = 0 for every parent row and its child level."""
    parent_of: dict[str, dict[str, str]] = {}
    if institutions is not None:
        for row in institutions.itertuples(index=False):
            parent_of[str(row.inst_id)] = {
                "district": str(row.district),
                "inst_type": str(row.inst_type),
            }
    children: dict[tuple[str, str, str], list[int]] = {}
    for (ind, level, unit), k in index.items():
        if level in ("district", "inst_type", "institution", "association"):
            children.setdefault((ind, "city", "city", level), []).append(k)
        if level == "institution":
            for parent_level, parent in parent_of.get(unit, {}).items():
                children.setdefault((ind, parent_level, parent, level), []).append(k)
    out = []
    for (ind, parent_level, parent, _), kids in children.items():
        top = index.get((ind, parent_level, parent))
        if top is not None and kids:
            out.append(Relation([top, *kids], [1.0] + [-1.0] * len(kids), 0.0, True, kids))
    return out


def _school_members(institutions: pd.DataFrame | None) -> dict[str, list[str]]:
    """inst_ids of each school group (`analysis.monitoring.school_groups`)."""
    if institutions is None or not set(SCHOOL_FLAGS) <= set(institutions.columns):
        return {}
    schools = institutions[institutions["inst_type"].astype(str) == SCHOOL_TYPE]
    flags = schools[list(SCHOOL_FLAGS)].fillna(False).astype(bool)
    out = {
        label: schools.loc[flags[f], "inst_id"].astype(str).tolist()
        for f, label in zip(SCHOOL_FLAGS, SCHOOL_LABELS, strict=False)
    }
    out[SCHOOL_LABELS[-1]] = schools.loc[~flags.any(axis=1), "inst_id"].astype(str).tolist()
    return out


def _school_rows(tidy: pd.DataFrame, members: dict[str, list[str]]) -> pd.DataFrame:
    """The pooled rows of the school groups: Σ numerators over Σ denominators of the schools."""
    inst = tidy[tidy["level"].eq("institution")]
    units = inst["unit_id"].astype(str)
    in_group = {label: units.isin(ids).to_numpy() for label, ids in members.items()}
    numerators = pd.to_numeric(inst["numerator"], errors="coerce")
    denominators = pd.to_numeric(inst["denominator"], errors="coerce")
    of_indicator = inst.groupby("indicator_id", sort=False).indices
    rows = []
    for ind, positions in of_indicator.items():  # first seen first; rows in table order
        first = inst.iloc[positions[0]]
        for label in members:
            got = positions[in_group[label][positions]]
            if not len(got):
                continue
            num = numerators.iloc[got].sum(min_count=1)
            den = denominators.iloc[got].sum(min_count=1)
            share = str(first["unit"]) == SHARE_UNIT
            value = (100 * num / den if share and den > 0 else np.nan) if share else num
            rows.append(
                {
                    "year": first.get("year"),
                    "indicator_id": ind,
                    "level": SCHOOL_LEVEL,
                    "unit_id": label,
                    "numerator": num,
                    "denominator": den if share else np.nan,
                    "value": value,
                    "unit": first["unit"],
                    "target": np.nan,
                    "meets_target": pd.NA,
                    "flags": "",
                }
            )
    return pd.DataFrame(rows, columns=tidy.columns) if rows else tidy.iloc[0:0]


def _school_groups(
    tidy: pd.DataFrame, index: dict, members: dict[str, list[str]]
) -> list[Relation]:
    """school group − Σ its schools = 0, per indicator."""
    out = []
    for ind in tidy.loc[tidy["level"].eq(SCHOOL_LEVEL), "indicator_id"].unique():
        for label, ids in members.items():
            top = index.get((ind, SCHOOL_LEVEL, label))
            kids = [index[(ind, "institution", u)] for u in ids if (ind, "institution", u) in index]
            if top is not None and kids:
                out.append(Relation([top, *kids], [1.0] + [-1.0] * len(kids), 0.0, True, kids))
    return out


def _cross(tidy: pd.DataFrame, index: dict, den: np.ndarray) -> list[Relation]:
    """Subsets between indicators at the same unit."""
    out = []
    named = {small for small, _ in SUBSETS} | {share for share, _ in BELOW_DENOMINATOR}
    for (ind, level, unit), k in index.items():
        if ind not in named:
            continue
        for small, large in SUBSETS:
            if ind == small and (large, level, unit) in index:
                out.append(Relation([k, index[(large, level, unit)]], [1.0, -1.0], 0.0, False))
        for share, large in BELOW_DENOMINATOR:
            if ind == share and (large, level, unit) in index and not np.isnan(den[k]):
                out.append(Relation([index[(large, level, unit)]], [-1.0], -float(den[k]), False))
    return out
