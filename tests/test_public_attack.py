"""The attack on the public release, as a test: an integer program over the published CSV.

A small demo city is built in the public profile (the real build, tiny stand-in notebooks:
the CSV, workbooks and front page are written by the year step whatever the notebooks are).
The attacker reads `indicators.csv` of a year and knows, in the worst case, every group size
(the denominators of the internal table) and the registry of institutions (district, type,
ШНОР/ШНСУ). The relations are written here from the definitions, independently of
`analysis.disclosure.relations`: sums over the hierarchy (they cross), the pooled school
groups the 03 page prints when visible, subsets between indicators and chained denominators.
For every hidden numerator (or count) the attacker minimises and maximises it over integers
(`scipy.optimize.milp`); it is pinned when both ends meet. None may be.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from book_helpers import BETA, write_notebooks
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis.book import build
from analysis.processed import read_table

YEARS = [2022, 2023]
SUBSETS = [
    ("pk_modern_3y", "pk_pp_3y"),
    ("heads_management_3y", "pk_pp_3y"),
    ("age_under_30", "age_under_35"),
    ("competition_municipal", "competition_any"),
    ("deficit_share", "deficit_diagnosed"),
]
CHAINS = [("deficit_share", "deficit_diagnosed"), ("gpo_under_35_share", "gpo_participants")]
PERSON_LEVELS = ("district", "inst_type", "institution", "association")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from analysis.demo import generate

    root = tmp_path_factory.mktemp("attack")
    generate(root / "processed", YEARS, 3, 0.06, "parquet")
    notebooks = write_notebooks(root / "notebooks", {"01_beta": BETA})
    code = build(
        years=YEARS,
        profile="public",
        jobs=1,
        processed_dir=root / "processed",
        notebooks_dir=notebooks,
        output_dir=root / "out",
    )
    assert code == 0
    return root


def published(city, year: int) -> pd.DataFrame:
    text = (city / "out" / "public" / str(year) / "indicators.csv").read_text(encoding="utf-8")
    return pd.read_csv(
        io.StringIO(text),
        dtype={"unit_id": str, "flags": str},
        keep_default_na=False,
        na_values=[""],
    )


def truth(city, year: int) -> pd.DataFrame:
    from analysis.indicators import compute_year

    return compute_year(city / "processed", year)


@pytest.mark.parametrize("year", YEARS)
def test_no_hidden_value_is_pinned_down(city, year):
    public = published(city, year)
    full = truth(city, year)
    assert list(public[["indicator_id", "level", "unit_id"]].itertuples(index=False)) == list(
        full[["indicator_id", "level", "unit_id"]].astype(str).itertuples(index=False)
    )
    hidden = public["flags"].fillna("").str.contains("suppressed").to_numpy()
    assert hidden.any()  # a city this small has many small cells
    # SPEC §5: a hidden row has empty numerator, denominator and value
    assert public.loc[hidden, ["numerator", "denominator", "value"]].isna().all().all()
    printed = printed_school_groups(city, year)
    assert printed  # the 03 page prints pooled figures of ШНОР / ШНСУ / the other schools
    pinned = attack(public, full, read_table(city / "processed", year, "institutions"), printed)
    assert pinned == []


def test_the_attack_finds_what_cell_by_cell_suppression_leaks(city):
    # the same year with only the primary rule (a share over < 5 people, a count of people
    # < 5 hidden, nothing else): the attacker must pin some of those cells down, or the test
    # above would prove nothing
    full = truth(city, YEARS[-1])
    den = pd.to_numeric(full["denominator"], errors="coerce")
    small = (full["unit"].eq("%") & (den < 5)) | (full["unit"].eq("чел.") & (full["value"] < 5))
    naive = full.astype({"numerator": float, "denominator": float, "value": float}).copy()
    naive.loc[small, ["numerator", "denominator", "value"]] = np.nan
    naive["flags"] = np.where(small, "suppressed", "")
    schools = {
        (i, g) for i in full["indicator_id"].unique() for g in ("ШНОР", "ШНСУ", "остальные школы")
    }
    institutions = read_table(city / "processed", YEARS[-1], "institutions")
    assert attack(naive, full, institutions, schools)


def printed_school_groups(city, year: int) -> set[tuple[str, str]]:
    """(indicator, group) figures the 03 page prints: the visible `school_group` rows of the
    public table every page reads (the build's cached decision)."""
    (path,) = (city / "out" / ".cache").glob(f"public-{year}-*.parquet")
    table = pd.read_parquet(path)
    rows = table[table["level"].eq("school_group")]
    visible = ~rows["flags"].fillna("").str.contains("suppressed")
    return set(zip(rows.loc[visible, "indicator_id"], rows.loc[visible, "unit_id"]))


def attack(
    public: pd.DataFrame,
    full: pd.DataFrame,
    institutions: pd.DataFrame,
    printed: set[tuple[str, str]],
) -> list:
    """Hidden cells whose integer min and max over the published relations coincide."""
    share = full["unit"].eq("%").to_numpy()
    den = pd.to_numeric(full["denominator"], errors="coerce").to_numpy(float)  # worst case: known
    true_q = np.where(share, full["numerator"], full["value"]).astype(float)
    shown_q = np.where(share, public["numerator"], public["value"]).astype(float)
    flagged = public["flags"].fillna("").str.contains("suppressed").to_numpy()
    hidden = flagged & ~np.isnan(true_q) & ~(share & (den == 0))
    at = {
        key: k
        for k, key in enumerate(
            zip(full["indicator_id"], full["level"], full["unit_id"].astype(str))
        )
    }
    var = {k: j for j, k in enumerate(np.flatnonzero(hidden))}
    rows, rhs_eq, ub_rows, rhs_ub = [], [], [], []

    def add(terms: list[tuple[int, float]], rhs_true: float, equality: bool) -> None:
        values = [true_q[k] for k, _ in terms]
        if any(np.isnan(v) for v in values):
            return
        total = sum(c * v for (_, c), v in zip(terms, values))
        if (equality and abs(total - rhs_true) > 1e-6) or (not equality and total > rhs_true):
            return  # does not hold in the data: useless to an attacker
        line, known = np.zeros(len(var)), 0.0
        for k, c in terms:
            if k in var:
                line[var[k]] += c
            else:
                known += c * shown_q[k] if not np.isnan(shown_q[k]) else c * true_q[k]
        if line.any():
            (rows if equality else ub_rows).append(line)
            (rhs_eq if equality else rhs_ub).append(rhs_true - known)

    place = {str(r.inst_id): r for r in institutions.itertuples(index=False)}
    for ind in full["indicator_id"].unique():
        city_row = at.get((ind, "city", "city"))
        units = full[full["indicator_id"] == ind]
        for level in PERSON_LEVELS:
            kids = [at[(ind, level, str(u))] for u in units.loc[units["level"] == level, "unit_id"]]
            if city_row is not None and kids:
                add([(city_row, 1.0)] + [(k, -1.0) for k in kids], 0.0, True)
        inst = [str(u) for u in units.loc[units["level"] == "institution", "unit_id"]]
        for level, attr in (("district", "district"), ("inst_type", "inst_type")):
            for parent in {str(getattr(place[u], attr)) for u in inst}:
                top = at.get((ind, level, parent))
                kids = [
                    at[(ind, "institution", u)]
                    for u in inst
                    if str(getattr(place[u], attr)) == parent
                ]
                if top is not None:
                    add([(top, 1.0)] + [(k, -1.0) for k in kids], 0.0, True)
        schools = [u for u in inst if place[u].inst_type == "ОО"]
        groups = {
            "ШНОР": [u for u in schools if place[u].low_results],
            "ШНСУ": [u for u in schools if place[u].unfavourable],
            "остальные школы": [
                u for u in schools if not place[u].low_results and not place[u].unfavourable
            ],
        }
        for label, members in groups.items():  # the pooled figures the 03 page prints
            kids = [at[(ind, "institution", u)] for u in members]
            if kids and (ind, label) in printed:
                add([(k, 1.0) for k in kids], float(np.nansum(true_q[kids])), True)
    for small, large in SUBSETS:
        for (ind, level, unit), k in at.items():
            if ind == small and (large, level, unit) in at:
                add([(k, 1.0), (at[(large, level, unit)], -1.0)], 0.0, False)
    upper = np.where(share, den, np.inf)
    for s_id, c_id in CHAINS:  # the share's denominator is the count's numerator
        for (ind, level, unit), k in at.items():
            link = at.get((c_id, level, unit))
            chained = ind == s_id and link is not None and abs(den[k] - true_q[link]) < 1e-9
            if chained and link in var:
                upper[k] = np.inf
                add([(k, 1.0), (link, -1.0)], 0.0, False)
                if not flagged[k]:  # a visible share prints its denominator
                    add([(link, 1.0)], true_q[link], True)
    return _pinned(var, rows, rhs_eq, ub_rows, rhs_ub, upper, true_q, full)


def _pinned(var, rows, rhs_eq, ub_rows, rhs_ub, upper, true_q, full) -> list:
    n = len(var)
    cons = []
    if rows:
        cons.append(LinearConstraint(np.array(rows), rhs_eq, rhs_eq))
    if ub_rows:
        cons.append(LinearConstraint(np.array(ub_rows), -np.inf, rhs_ub))
    order = list(var)
    high = np.array([min(upper[k], true_q[k] + 1000.0) for k in order])
    bounds = Bounds(np.zeros(n), high)
    out = []
    for k, j in var.items():
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[j] = sign
            res = milp(c, constraints=cons, bounds=bounds, integrality=np.ones(n))
            assert res.status == 0, res.message  # the truth is feasible
            ends.append(res.x[j])
        if abs(ends[0] - ends[1]) < 0.5:
            out.append(
                (
                    full["indicator_id"].iloc[k],
                    full["level"].iloc[k],
                    str(full["unit_id"].iloc[k]),
                    true_q[k],
                )
            )
    return out
