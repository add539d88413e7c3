"""The city: institutions, and the staff over the years (ageing, turnover, moves, categories).

Staff are simulated as integer arrays, one row per person and year; codes become the contract's
Russian values only when the tables of a year are assembled (`tables.py`). Everything is
vectorised: the loop runs over years and institution types, never over people.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.demo import streams

DISTRICTS = ("Ленинский", "Орджоникидзевский", "Правобережный")
LAGGING_DISTRICT = "Правобережный"  # the district that lags: fewer courses and competitions
CENTRE_ID = "ЦПКИМР"
CENTRE_NAME = "МУ ДПО «ЦПКИМР»"

# Institutions per type at scale 1 (a city of ~150 institutions, SPEC §7).
TYPE_COUNTS = {"ОО": 60, "ДОО": 70, "УДО": 19}
# Staff per institution: mean, sd, min, max (≈6 000 staff at scale 1).
STAFF_SIZE = {"ОО": (60, 18, 15, 130), "ДОО": (25, 7, 8, 50), "УДО": (30, 10, 8, 70)}
# Deputies per institution (low, high inclusive).
DEPUTIES = {"ОО": (2, 4), "ДОО": (1, 2), "УДО": (1, 3), "ДПО": (1, 2)}
CENTRE_STAFF = 25  # methodists and managers of the Centre at scale 1

POSITIONS = ("руководитель", "заместитель руководителя", "педагог")
HEAD, DEPUTY, TEACHER = 0, 1, 2
CATEGORIES = ("нет", "соответствие", "первая", "высшая")
CATEGORY_SHARES = (0.15, 0.25, 0.30, 0.30)  # нет / соответствие / первая / высшая
SUBJECTS = (
    "начальные классы",
    "русский язык и литература",
    "математика",
    "иностранный язык",
    "история и обществознание",
    "физика",
    "информатика",
    "химия",
    "биология",
    "география",
    "физическая культура",
    "технология",
    "музыка",
    "изобразительное искусство",
)
SUBJECT_WEIGHTS = np.array([18, 16, 15, 10, 7, 4, 4, 3, 4, 3, 7, 4, 2, 3], dtype=float)

YOUNG_SHARE = 0.12  # teachers hired young in the last three years (experience < 3)
LEAVE_RATE = 0.065  # base yearly leaving rate of teachers under 60 (≈8 % overall with the old)
MOVE_RATE = 0.03  # teachers moving to another institution of the same type each year
UPGRADE = (0.25, 0.10, 0.07)  # yearly chance: нет→соответствие, соответствие→первая, первая→высшая


@dataclass
class Population:
    """The staff of one year as parallel integer/float arrays (one element per person)."""

    frame: pd.DataFrame  # person, inst, pos, subj, birth, exp, cat, activity, phase, uchoice
    leavers: pd.DataFrame  # people who left since the previous year (same columns)


def _ids(prefix: str, n: int, width: int) -> list[str]:
    width = max(width, len(str(n)))
    return [f"{prefix}-{k:0{width}d}" for k in range(1, n + 1)]


def _type_counts(scale: float) -> dict[str, int]:
    return {t: max(1, round(n * scale)) for t, n in TYPE_COUNTS.items()}


def _names(inst_type: str, n: int, rng: np.random.Generator) -> list[str]:
    if inst_type == "ОО":
        kinds = rng.choice(
            ["МОУ «СОШ № {}»", "МОУ «Гимназия № {}»", "МОУ «Лицей № {}»", "МОУ «СОШ УИОП № {}»"],
            size=n,
            p=[0.7, 0.12, 0.1, 0.08],
        )
    elif inst_type == "ДОО":
        kinds = rng.choice(["МДОУ «Д/с № {}»", "МДОУ «ЦРР — д/с № {}»"], size=n, p=[0.85, 0.15])
    else:
        kinds = rng.choice(
            ["МУ ДО «ЦДТ № {}»", "МУ ДО «ДДТ № {}»", "МУ ДО «СШ № {}»"], size=n, p=[0.4, 0.3, 0.3]
        )
    return [k.format(i) for i, k in enumerate(kinds, start=1)]


def institutions(seed: int, scale: float) -> pd.DataFrame:
    """The institutions of the city (contract columns of `Учреждения`, static over the years).

    ``resource_centre`` and ``support_site`` are set later from the register of associations
    (the bases of РЦ and ОП); ``network_agreements`` holds the first year's count.
    """
    rng = streams.stream(seed, streams.INSTITUTIONS)
    parts = []
    for inst_type, n in _type_counts(scale).items():
        width = 2 if inst_type == "УДО" else 3
        # Round-robin over a shuffled order spreads every type over the districts (≥ 2 districts
        # even in a tiny city) with near-equal counts.
        district = np.array(DISTRICTS)[(np.arange(n) + rng.integers(3)) % 3]
        parts.append(
            pd.DataFrame(
                {
                    "inst_id": _ids(inst_type, n, width),
                    "name": _names(inst_type, n, rng),
                    "inst_type": inst_type,
                    "district": rng.permutation(district),
                }
            )
        )
    parts.append(
        pd.DataFrame(
            {
                "inst_id": [CENTRE_ID],
                "name": [CENTRE_NAME],
                "inst_type": ["ДПО"],
                "district": [DISTRICTS[0]],
            }
        )
    )
    insts = pd.concat(parts, ignore_index=True)
    n = len(insts)
    school = (insts["inst_type"] == "ОО").to_numpy()
    lag = (insts["district"] == LAGGING_DISTRICT).to_numpy()
    insts["low_results"] = _flag_schools(rng, school, np.where(lag, 0.18, 0.05))
    insts["unfavourable"] = _flag_schools(rng, school, np.where(lag, 0.15, 0.05))
    innovation = rng.choice(["нет", "РИП", "ФИП"], size=n, p=[0.85, 0.11, 0.04])
    innovation[insts["low_results"].to_numpy()] = "нет"
    insts["innovation"] = innovation
    insts["resource_centre"] = False
    insts["support_site"] = False
    insts["network_agreements"] = rng.poisson(np.where(lag, 1.0, 2.0)).astype("int64")
    centre = (insts["inst_type"] == "ДПО").to_numpy()
    insts.loc[centre, "innovation"] = "нет"
    insts.loc[centre, "network_agreements"] = 12
    return insts


def _flag_schools(rng: np.random.Generator, school: np.ndarray, p: np.ndarray) -> np.ndarray:
    """ШНОР/ШНСУ flags: schools only, at least one when the city has two schools or more."""
    flag = school & (rng.random(len(school)) < p)
    if not flag.any() and school.sum() >= 2:
        flag[rng.choice(np.flatnonzero(school))] = True
    return flag


def _ages(rng: np.random.Generator, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ages 22–70 skewed older (teachers' mean ≈ 46), with the young cohort of the last three
    years' hiring; heads older still. Returns (age, is a recent young hire)."""
    n = len(pos)
    recent = (pos == TEACHER) & (rng.random(n) < YOUNG_SHARE)
    teacher_age = np.where(
        recent, rng.integers(22, 30, size=n), 25 + 45 * rng.beta(2.2, 1.9, size=n)
    )
    head_age = 33 + 35 * rng.beta(2.5, 2.0, size=n)
    return np.rint(np.where(pos == TEACHER, teacher_age, head_age)).astype(np.int64), recent


def _experience(
    rng: np.random.Generator, age: np.ndarray, pos: np.ndarray, recent: np.ndarray
) -> np.ndarray:
    """Experience consistent with age: started at 22–24, minus career breaks."""
    gap = rng.integers(0, 3, size=len(age)) + np.floor(rng.exponential(2.0, size=len(age)))
    exp = np.clip(age - 22 - gap, 0, None)
    exp = np.where(recent, np.minimum(exp, rng.integers(0, 3, size=len(age))), exp)
    exp = np.where(pos == TEACHER, exp, np.maximum(exp, 10))
    return np.minimum(exp, age - 18).astype(float)


def _categories(rng: np.random.Generator, exp: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Categories by experience, cut at quantiles so the shares are CATEGORY_SHARES."""
    latent = exp / 12 + rng.normal(0, 0.9, size=len(exp)) - 0.5 * low
    cuts = np.quantile(latent, np.cumsum(CATEGORY_SHARES)[:-1])
    cat = np.searchsorted(cuts, latent)
    return np.where(exp < 2, 0, cat).astype(np.int64)


def _persons(
    rng: np.random.Generator,
    pos: np.ndarray,
    inst_type: np.ndarray,
    age: np.ndarray,
    exp: np.ndarray,
    cat: np.ndarray,
    birth_year0: int,
) -> pd.DataFrame:
    """Columns of new people (ids are assigned by the caller)."""
    n = len(pos)
    subj = np.where(
        (pos == TEACHER) & (inst_type == "ОО"),
        rng.choice(len(SUBJECTS), size=n, p=SUBJECT_WEIGHTS / SUBJECT_WEIGHTS.sum()),
        -1,
    )
    return pd.DataFrame(
        {
            "pos": pos.astype(np.int64),
            "subj": subj.astype(np.int64),
            "birth": (birth_year0 - age).astype(np.int64),
            "exp": exp,
            "cat": cat,
            "activity": rng.normal(0, 1, size=n),
            "phase": rng.integers(0, 3, size=n),
            "uchoice": rng.random(n),
        }
    )


def initial_staff(
    rng: np.random.Generator, insts: pd.DataFrame, year: int, scale: float
) -> pd.DataFrame:
    """The staff of the first year: 1 head and 1–4 deputies per institution, the rest teachers."""
    types = insts["inst_type"].to_numpy()
    sizes = np.empty(len(insts), dtype=np.int64)
    for inst_type, (mean, sd, lo, hi) in STAFF_SIZE.items():
        mask = types == inst_type
        sizes[mask] = np.clip(np.rint(rng.normal(mean, sd, mask.sum())), lo, hi)
    sizes[types == "ДПО"] = int(np.clip(round(CENTRE_STAFF * scale**0.3), 8, 80))
    deputies = np.empty(len(insts), dtype=np.int64)
    for inst_type, (lo, hi) in DEPUTIES.items():
        mask = types == inst_type
        deputies[mask] = rng.integers(lo, hi + 1, size=mask.sum())
    inst = np.repeat(np.arange(len(insts)), sizes)
    rank = np.arange(len(inst)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    pos = np.where(rank == 0, HEAD, np.where(rank <= deputies[inst], DEPUTY, TEACHER))
    age, recent = _ages(rng, pos)
    exp = _experience(rng, age, pos, recent)
    low = insts["low_results"].to_numpy()[inst]
    cat = _categories(rng, exp, low)
    frame = _persons(rng, pos, types[inst], age, exp, cat, year)
    frame.insert(0, "inst", inst)
    frame.insert(0, "person", rng.permutation(len(frame)).astype(np.int64) + 1)
    return frame


def _newcomers(
    rng: np.random.Generator, slots: pd.DataFrame, types: np.ndarray, year: int, first_id: int
) -> pd.DataFrame:
    """People who take the slots of leavers: mostly young teachers; managers are experienced."""
    n = len(slots)
    pos = slots["pos"].to_numpy()
    young = rng.random(n) < 0.55
    age = np.where(young, rng.integers(22, 30, size=n), rng.integers(30, 52, size=n))
    age = np.where(pos == TEACHER, age, rng.integers(38, 56, size=n))
    first_job = rng.choice(3, size=n, p=[0.7, 0.2, 0.1])  # young hires: mostly graduates
    exp = np.where(
        young,
        np.minimum(first_job, age - 22),
        np.clip(age - 24 - rng.integers(0, 6, size=n), 3, None),
    ).astype(float)
    exp = np.where(pos == TEACHER, exp, np.clip(age - 25, 12, None)).astype(float)
    cat = np.where(exp < 2, 0, rng.choice(4, size=n, p=[0.1, 0.4, 0.3, 0.2]))
    cat = np.where(pos == TEACHER, cat, 3)
    frame = _persons(rng, pos, types[slots["inst"].to_numpy()], age, exp, cat, year)
    # A school teacher replacing a leaver teaches the leaver's subject.
    frame["subj"] = np.where(slots["subj"].to_numpy() >= 0, slots["subj"].to_numpy(), -1)
    frame.insert(0, "inst", slots["inst"].to_numpy())
    frame.insert(0, "person", np.arange(first_id, first_id + n, dtype=np.int64))
    return frame


def _leaving(rng: np.random.Generator, staff: pd.DataFrame, year: int) -> np.ndarray:
    """Who leaves before ``year``: more of the old, few managers (≈8 % overall)."""
    age = year - staff["birth"].to_numpy()
    p = np.where(age >= 65, 0.25, np.where(age >= 60, 0.10, LEAVE_RATE))
    p = np.where(staff["pos"].to_numpy() == TEACHER, p, p * 0.5)
    p = np.where(age >= 76, 1.0, p)  # nobody stays past the contract's age bound
    return rng.random(len(staff)) < p


def _move(rng: np.random.Generator, staff: pd.DataFrame, types: np.ndarray) -> np.ndarray:
    """New institution of each person: ~3 % of teachers change place within their type.

    The movers' institutions are rotated among themselves, so every institution keeps its size.
    """
    inst = staff["inst"].to_numpy().copy()
    teacher = staff["pos"].to_numpy() == TEACHER
    movers = teacher & (rng.random(len(staff)) < MOVE_RATE) & (types[inst] != "ДПО")
    for inst_type in ("ОО", "ДОО", "УДО"):
        idx = rng.permutation(np.flatnonzero(movers & (types[inst] == inst_type)))
        if len(idx) > 1:
            inst[idx] = np.roll(inst[idx], 1)
    return inst


def _upgrade(
    rng: np.random.Generator, cat: np.ndarray, exp: np.ndarray, low: np.ndarray
) -> np.ndarray:
    """Yearly category upgrades (slower in ШНОР)."""
    p = np.select([cat == 0, cat == 1, cat == 2], list(UPGRADE), 0.0)
    p = np.where((cat == 0) & (exp < 2), 0.0, p) * np.where(low, 0.5, 1.0)
    return np.where(rng.random(len(cat)) < p, cat + 1, cat)


# A hook the measures use: (year, staff) → mask of teachers whose category a measure raised.
CategoryBoost = Callable[[int, pd.DataFrame], np.ndarray]


def simulate_staff(
    seed: int,
    insts: pd.DataFrame,
    years: list[int],
    scale: float,
    category_boost: CategoryBoost | None = None,
) -> dict[int, Population]:
    """The staff of every year, from the first year's city through turnover, moves and ageing."""
    rng = streams.stream(seed, streams.STAFF)
    types = insts["inst_type"].to_numpy()
    low = insts["low_results"].to_numpy()
    staff = initial_staff(rng, insts, years[0], scale)
    next_id = int(staff["person"].max()) + 1
    staff = staff.sort_values(["inst", "pos", "person"], ignore_index=True)
    out = {years[0]: Population(staff, staff.iloc[:0])}
    for before, year in itertools.pairwise(years):
        leave = _leaving(rng, staff, year)
        leavers = staff[leave]
        stay = staff[~leave].copy()
        stay["exp"] = np.minimum(stay["exp"].to_numpy() + (year - before), 70)
        stay["inst"] = _move(rng, stay, types)
        stay["cat"] = _upgrade(
            rng, stay["cat"].to_numpy(), stay["exp"].to_numpy(), low[stay["inst"].to_numpy()]
        )
        new = _newcomers(rng, leavers, types, year, next_id)
        next_id += len(new)
        staff = pd.concat([stay, new], ignore_index=True)
        if category_boost is not None:
            raised = category_boost(year, staff)
            staff.loc[raised, "cat"] = 2
        staff = staff.sort_values(["inst", "pos", "person"], ignore_index=True)
        out[year] = Population(staff, leavers)
    return out
