"""Assemble the city's years into the contract's tables (processed types, machine names).

This is where person numbers become codes such as ``P000123`` and codes become the contract's
Russian values. The frames are exactly what ingest would produce from the workbooks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import contract
from analysis.demo import activity, centre, city, informal, measures, networks, streams

PERSON_PREFIX = "P"


@dataclass
class City:
    """Everything fixed before the years are generated."""

    seed: int
    years: list[int]
    scale: float
    insts: pd.DataFrame
    reg: pd.DataFrame
    measures: pd.DataFrame
    effects: measures.Effects
    staff: dict[int, city.Population]
    width: int  # digits of person codes


def build_city(seed: int, years: list[int], scale: float) -> City:
    """Institutions, associations, measures and the staff of every year."""
    insts, reg, register = measures.build(seed, years, scale)
    effects = measures.Effects(seed, register, insts)
    staff = city.simulate_staff(seed, insts, years, scale, effects.category_boost)
    top = max(int(p.frame["person"].max()) for p in staff.values())
    return City(seed, years, scale, insts, reg, register, effects, staff, max(6, len(str(top))))


def person_codes(numbers: np.ndarray | pd.Series, width: int) -> pd.Series:
    """Person numbers → codes ``P000123``."""
    digits = pd.Series(np.asarray(numbers, dtype=np.int64)).astype(str).str.zfill(width)
    return PERSON_PREFIX + digits


def _staff_view(c: City, frame: pd.DataFrame) -> pd.DataFrame:
    """The year's staff with derived columns used by the activity generators."""
    inst = frame["inst"].to_numpy()
    view = frame.copy()
    view["itype"] = c.insts["inst_type"].to_numpy()[inst]
    view["lag"] = c.insts["district"].to_numpy()[inst] == city.LAGGING_DISTRICT
    view["low"] = (c.insts["low_results"].to_numpy() | c.insts["unfavourable"].to_numpy())[inst]
    view["centre"] = view["itype"] == "ДПО"
    return view


def years_tables(c: City) -> Iterator[tuple[int, dict[str, pd.DataFrame]]]:
    """(year, {table: frame}) for every year, in order (the diagnostics form is absent before
    `measures.DIAGNOSTICS_FROM`)."""
    n_persons = max(int(p.frame["person"].max()) for p in c.staff.values())
    hist = activity.History.empty(n_persons)
    first = c.years[0]
    for year in c.years:
        rng = streams.stream(c.seed, streams.ACTIVITY, year)
        pop = c.staff[year]
        staff = _staff_view(c, pop.frame)
        work = staff[~staff["centre"]]
        out: dict[str, pd.DataFrame] = {}
        out["institutions"] = _institutions(c, year)
        out["staff"] = _staff_table(c, staff)
        courses = activity.courses(rng, year, first, staff, pop.leavers, hist, c.effects)
        out["courses"] = _with_person(c, courses, "person", "person_id")
        comp = activity.competitions_staff(rng, year, first, staff, c.effects)
        out["competitions_staff"] = _with_person(c, comp, "person", "person_id")
        out["competitions_inst"] = activity.competitions_inst(rng, year, first, c.insts)
        mentor = activity.mentoring(rng, year, first, staff, c.effects)
        reached = c.effects.targeted(year, "informal", work["inst"].to_numpy()) & (
            work["pos"].to_numpy() == city.TEACHER
        )
        pairs = networks.members(
            rng,
            year,
            first,
            work,
            c.reg,
            lambda member, year=year, reached=reached: c.effects.fill(
                year, "informal", reached, member
            ),
        )
        ages = pd.Series(year - staff["birth"].to_numpy(), index=staff["person"].to_numpy())
        reports = networks.plan_reports(
            rng,
            year,
            first,
            c.reg,
            c.insts,
            pairs,
            ages,
            comp["person"].unique(),
            mentor["mentee"].unique(),
        )
        out["associations"] = c.reg[
            [col.name for col in contract.SHEETS["associations"].columns]
        ].copy()
        out["plan_reports"] = informal.with_rc_columns(c.seed, year, first, c.reg, reports)
        out["assoc_cards"] = informal.cards(c.seed, year, first, c.reg)
        out["members"] = pd.DataFrame(
            {
                "assoc_id": c.reg["assoc_id"].to_numpy()[pairs["assoc"].to_numpy()],
                "person_id": person_codes(pairs["person"], c.width).array,
            }
        )
        events = centre.events(rng, year, first, c.insts, c.reg, c.scale)
        products = centre.products(rng, year, c.insts, c.reg, c.scale)
        out["centre_plan"] = centre.plan(rng, courses, events, products)
        out["events"] = events
        out["products"] = products
        if year >= measures.DIAGNOSTICS_FROM:
            deficits, burnout = activity.diagnostics(rng, year, staff, hist)
            out["deficits"] = _with_person(c, deficits, "person", "person_id")
            out["burnout"] = _with_person(c, burnout, "person", "person_id")
        else:
            activity.forget_deficits(hist)
        out["mentoring"] = pd.DataFrame(
            {
                "mentor_id": person_codes(mentor["mentor"], c.width).array,
                "mentee_id": person_codes(mentor["mentee"], c.width).array,
                "start_date": mentor["start_date"].to_numpy(),
            }
        )
        out["measures"] = c.measures.loc[
            c.measures["year"] == year, _columns("measures")
        ].reset_index(drop=True)
        yield year, {t: out[t][_columns(t)] for t in out}


def _columns(table: str) -> list[str]:
    return [col.name for col in contract.SHEETS[table].columns]


def _with_person(c: City, frame: pd.DataFrame, number: str, code: str) -> pd.DataFrame:
    out = frame.drop(columns=[number])
    out.insert(0, code, person_codes(frame[number], c.width).array)
    return out


def _institutions(c: City, year: int) -> pd.DataFrame:
    """`Учреждения` of a year: network agreements grow slowly; the rest is static."""
    insts = c.insts[_columns("institutions")].copy()
    rng = streams.stream(c.seed, streams.INSTITUTIONS, year)
    growth = rng.binomial(1, 0.25, size=len(insts)) * (year - c.years[0])
    insts["network_agreements"] = insts["network_agreements"].to_numpy() + growth
    return insts


def _staff_table(c: City, staff: pd.DataFrame) -> pd.DataFrame:
    subj = staff["subj"].to_numpy()
    subjects = np.array(city.SUBJECTS + ("",), dtype=object)[subj]  # -1 → the last, ""
    return pd.DataFrame(
        {
            "person_id": person_codes(staff["person"], c.width).array,
            "inst_id": c.insts["inst_id"].to_numpy()[staff["inst"].to_numpy()],
            "position": np.array(city.POSITIONS, dtype=object)[staff["pos"].to_numpy()],
            "subject": np.where(subj >= 0, subjects, None),
            "birth_year": staff["birth"].to_numpy().astype(np.int64),
            "experience_years": staff["exp"].to_numpy().astype(float),
            "category": np.array(city.CATEGORIES, dtype=object)[staff["cat"].to_numpy()],
        }
    )
