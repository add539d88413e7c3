"""The entities an indicator counts and how they roll up to the units of each level.

A subject's entities are rows of one frame (staff of y without the Centre's staff, institutions,
associations, or the Centre as a single entity). Each level maps entities to units:

- a *direct* level places entity positions ``pos`` in unit codes ``code`` (several rows per
  entity are allowed: a person counts in every association whose `Участники` lists them);
- a *rollup* level adds up the units of another level (institution → district, inst_type, city),
  which is exact because every statistic the engine keeps is a sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.reader import YearData

CENTRE_TYPE = "ДПО"  # SPEC §5: persons of an institution of this type are not "staff"
NO_DATA = "no_data"  # a form the indicator needs did not arrive
INCOMPLETE_WINDOW = "incomplete_window"  # an earlier year of a window is missing


@dataclass
class Level:
    """How entities (or the units of level ``source``) map to the units of a level."""

    units: list[str]
    pos: np.ndarray | None = None  # entity positions (direct level)
    code: np.ndarray | None = None  # unit code per pos (direct) or per source unit (rollup)
    source: str | None = None  # the level this one rolls up (rollup level)
    flags: set[str] = field(default_factory=set)
    identity: bool = False  # pos is 0 … n−1: weights need no gathering


@dataclass
class Entities:
    """One subject's entities of a year: own columns, ids, and the levels they count at."""

    frame: pd.DataFrame
    ids: pa.Array | None  # entity ids; None for the Centre (every row of a table is its own)
    levels: dict[str, Level]
    missing: bool = False  # the subject's own table did not arrive

    def __len__(self) -> int:
        return len(self.frame)


def as_arrow(values) -> pa.Array:
    """Ids as an Arrow string array (zero-copy for pandas' Arrow-backed ``str`` columns)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    if isinstance(values, pd.Series):
        return pa.array(values)
    return pa.array(list(values), type=pa.string())


def lookup(values, value_set) -> np.ndarray:
    """Position of each value in ``value_set`` (unique), −1 when absent or missing.

    Arrow's hash lookup: several times faster than pandas' get_indexer on string columns and
    free of the conversion to Python objects (1.2 M staff at scale 200).
    """
    value_set = as_arrow(value_set)
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    found = pc.index_in(as_arrow(values), value_set=value_set)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _codes(values: pd.Series, units: list[str]) -> np.ndarray:
    return lookup(values, units)


def _sorted_units(values: pd.Series) -> list[str]:
    return sorted(str(v) for v in values.dropna().unique())


def _institution_levels(inst: pd.DataFrame) -> dict[str, Level]:
    """district, inst_type and city as rollups of the institution level."""
    districts = _sorted_units(inst["district"])
    types = _sorted_units(inst["inst_type"])
    return {
        "district": Level(
            districts, code=_codes(inst["district"], districts), source="institution"
        ),
        "inst_type": Level(types, code=_codes(inst["inst_type"], types), source="institution"),
    }


def institutions_of(data: YearData) -> pd.DataFrame | None:
    """`Учреждения` of y, one row per inst_id, sorted by it (the tidy order of units)."""
    inst = data.table("institutions")
    if inst is None:
        return None
    inst = inst.drop_duplicates("inst_id").sort_values("inst_id", kind="stable")
    return inst.reset_index(drop=True)


def associations_of(data: YearData) -> pd.DataFrame | None:
    """`Реестр` of y, one row per assoc_id, sorted by it."""
    reg = data.table("associations")
    if reg is None:
        return None
    reg = reg.drop_duplicates("assoc_id").sort_values("assoc_id", kind="stable")
    return reg.reset_index(drop=True)


def persons(data: YearData) -> Entities:
    """Staff of y: persons of `Кадры` whose institution is not of type ДПО, with their age.

    A person counts at the institution `Кадры` of y places them (a course of an earlier year
    follows the person there). Persons whose inst_id is not in `Учреждения` count at city only.
    """
    staff = data.table("staff")
    inst = institutions_of(data)
    if staff is None:
        frame = pd.DataFrame({"person_id": pd.Series([], dtype="str")})
        return _person_entities(frame, inst, None, data, missing=True)
    staff = staff.drop_duplicates("person_id")
    inst_pos = (
        np.full(len(staff), -1)
        if inst is None
        else _codes(staff["inst_id"], inst["inst_id"].tolist())
    )
    if inst is not None:
        types = inst["inst_type"].to_numpy(dtype=object)
        is_centre = (inst_pos >= 0) & (types[np.maximum(inst_pos, 0)] == CENTRE_TYPE)
        staff, inst_pos = staff[~is_centre], inst_pos[~is_centre]
    frame = staff.reset_index(drop=True)
    frame["age"] = data.year - frame["birth_year"]
    return _person_entities(frame, inst, inst_pos, data, missing=False)


def _person_entities(
    frame: pd.DataFrame,
    inst: pd.DataFrame | None,
    inst_pos: np.ndarray | None,
    data: YearData,
    missing: bool,
) -> Entities:
    n = len(frame)
    inst_units = (
        inst["inst_id"].tolist()
        if inst is not None
        else _sorted_units(frame.get("inst_id", pd.Series()))
    )
    if inst is None and n:
        inst_pos = _codes(frame["inst_id"], inst_units)
    if inst_pos is None:
        inst_pos = np.full(n, -1)
    m = len(inst_units)
    # one bucket per institution plus one for persons whose institution is unknown
    base = Level(
        inst_units + ["?"],
        pos=np.arange(n),
        code=np.where(inst_pos >= 0, inst_pos, m),
        identity=True,
    )
    levels = {
        "_all": base,
        "institution": Level(inst_units, code=np.append(np.arange(m), -1), source="_all"),
        "city": Level(["city"], code=np.zeros(m + 1, dtype=np.int64), source="_all"),
    }
    if inst is not None:
        levels.update(_institution_levels(inst))
    levels["association"] = _membership(frame, data)
    return Entities(frame, as_arrow(frame["person_id"]), levels, missing=missing)


def _membership(frame: pd.DataFrame, data: YearData) -> Level:
    """Association level of persons: distinct (assoc_id, person_id) pairs of `Участники`."""
    reg = associations_of(data)
    units = [] if reg is None else reg["assoc_id"].tolist()
    members = data.table("members")
    if members is None or not len(frame):
        flags = {NO_DATA} if members is None else set()
        empty = np.zeros(0, dtype=np.int64)
        return Level(units, pos=empty, code=empty, flags=flags)
    pairs = members[["assoc_id", "person_id"]].drop_duplicates()
    pos = lookup(pairs["person_id"], frame["person_id"])
    code = _codes(pairs["assoc_id"], units)
    keep = (pos >= 0) & (code >= 0)
    return Level(units, pos=pos[keep], code=code[keep])


def institutions(data: YearData) -> Entities:
    """Institutions of `Учреждения` of y (including the Centre's own row)."""
    inst = institutions_of(data)
    if inst is None:
        frame = pd.DataFrame({"inst_id": pd.Series([], dtype="str")})
        levels = {
            "institution": Level([], pos=np.zeros(0, int), code=np.zeros(0, int)),
            "city": Level(["city"], pos=np.zeros(0, int), code=np.zeros(0, int)),
        }
        return Entities(frame, as_arrow(frame["inst_id"]), levels, missing=True)
    m = len(inst)
    levels = {
        "institution": Level(inst["inst_id"].tolist(), pos=np.arange(m), code=np.arange(m)),
        "city": Level(["city"], code=np.zeros(m, dtype=np.int64), source="institution"),
        **_institution_levels(inst),
    }
    return Entities(inst, as_arrow(inst["inst_id"]), levels)


def associations(data: YearData) -> Entities:
    """Associations of `Реестр` of y."""
    reg = associations_of(data)
    missing = reg is None
    if reg is None:
        reg = pd.DataFrame({"assoc_id": pd.Series([], dtype="str")})
    m = len(reg)
    levels = {
        "association": Level(reg["assoc_id"].tolist(), pos=np.arange(m), code=np.arange(m)),
        "city": Level(["city"], code=np.zeros(m, dtype=np.int64), source="association"),
    }
    return Entities(reg, as_arrow(reg["assoc_id"]), levels, missing=missing)


def centre(data: YearData) -> Entities:
    """The Centre as one entity: every row of a table filtered for it is its own."""
    one = np.zeros(1, dtype=np.int64)
    return Entities(pd.DataFrame(index=[0]), None, {"centre": Level(["centre"], pos=one, code=one)})


BUILDERS = {
    "person": persons,
    "institution": institutions,
    "association": associations,
    "centre": centre,
}
