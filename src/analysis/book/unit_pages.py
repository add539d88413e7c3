"""A page for every institution and association of a year, and the year's index of them.

`output/<profile>/<year>/units/<file>.html` (`analysis.unit_links`) and
`output/<profile>/<year>/units.html`, rendered from Jinja2 templates (no notebook: fast). Each
unit's page shows its indicators against its district, its type and the city, its targets and
status, the trend over the book's years up to the year (inline SVG), its problems and the
recommendations addressed to it.

What a profile may show is decided where the pages of the stages decide it, and read from there:
the indicator tables as the profile shows them (public: suppressed cells are «*», a hidden year
is a gap in a trend), the year's `problems.csv` and `recommendations.csv` as the build wrote them
for the profile (public: only what page 04 publishes — no recommendation to a single unit).
Person lists behind a recommendation are internal only. Every table is grouped once per year,
then each unit's part is looked up (not filtered once per unit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import fmt
from analysis.book.site import delta_text
from analysis.catalogue import CATALOGUE, PERCENT, PERSON_LISTS
from analysis.exports.recommendations import LIST_NAMES
from analysis.front_page import known_number
from analysis.html_templates import render
from analysis.monitoring import judged_band
from analysis.palette import BAND_LABELS, CELL_COLOURS
from analysis.problems import KIND_NAMES
from analysis.sparkline import Sparkline, sparkline
from analysis.unit_links import UNITS_DIR, UNITS_INDEX, unit_file, unit_href
from analysis.vocabulary import (
    INCOMPLETE_WINDOW,
    INST_TYPE_NAMES,
    PROFILE_NAMES,
    SUPPRESSED,
    flag_mask,
    has_flag,
)

INSTITUTION, ASSOCIATION = "institution", "association"
PUBLIC_REC_NOTE = (
    "В публичной версии рекомендации отдельным учреждениям и объединениям не приводятся; "
    "ниже — опубликованные рекомендации его району и типу учреждений."
)


@dataclass(frozen=True)
class YearInputs:
    """What the unit pages of one year read, as the profile shows it."""

    year: int
    profile: str
    tables: Mapping[int, pd.DataFrame]  # indicator tables of the trend's years, as shown
    institutions: pd.DataFrame | None
    associations: pd.DataFrame | None
    problems: pd.DataFrame  # problems.csv of the year, as written for the profile
    recommendations: pd.DataFrame  # recommendations.csv of the year, as written
    near_pp: float
    person_lists: Mapping[str, pd.DataFrame] = field(default_factory=dict)  # internal only
    rule_lists: Mapping[str, str] = field(default_factory=dict)  # rule id → its person list


@dataclass(frozen=True)
class Unit:
    level: str
    unit_id: str
    name: str
    kind: str  # the institution's type or the association's type
    district: str  # "" for an association whose base institution is unknown
    inst_type: str
    marks: str  # ШНОР, ШНСУ
    base_name: str  # an association's base institution

    @property
    def file(self) -> str:
        return unit_file(self.unit_id)


@dataclass(frozen=True)
class Row:
    name: str  # the catalogue's short label
    full_name: str
    value: str
    target: str
    band: str
    band_label: str
    colour: str
    district: str
    inst_type: str
    city: str
    change: str
    spark: Sparkline | None


# --- the whole year --------------------------------------------------------------------------


def year_pages(inputs: YearInputs) -> dict[str, str]:
    """Every page of the year: relative path (from the year's folder) → HTML without the nav
    bar (added by the build, as on the stage pages); the index always (it says when the year
    has no unit: the build takes its absence for pages never written)."""
    units = list_units(inputs.institutions, inputs.associations)
    values = Values(inputs.tables, inputs.year)
    problems = _grouped(inputs.problems, ["level", "unit"])
    recs = _grouped(inputs.recommendations, ["level", "unit_id"])
    people = _people_by_institution(inputs.person_lists) if inputs.profile != "public" else {}
    public = inputs.profile == "public"
    out: dict[str, str] = {}
    summaries = []
    for unit in units:
        rows = [
            indicator_row(values, unit, ind, inputs.near_pp)
            for ind in values.indicators(unit.level, unit.unit_id)
        ]
        own_problems = problem_rows(problems.get((unit.level, unit.unit_id)))
        own_recs = rec_rows(unit, recs, inputs, people, public)
        lists = [] if public else person_rows(people.get(unit.unit_id, {}))
        out[f"{UNITS_DIR}/{unit.file}"] = render(
            "unit.html.j2",
            unit=unit,
            year=inputs.year,
            profile_name=PROFILE_NAMES.get(inputs.profile, inputs.profile),
            level_name="Учреждение" if unit.level == INSTITUTION else "Объединение",
            kind_name=INST_TYPE_NAMES.get(unit.kind, unit.kind),
            rows=rows,
            footnote=fmt.INCOMPLETE_NOTE
            if any(fmt.INCOMPLETE_MARK in r.value for r in rows)
            else "",
            problems=own_problems,
            recs=own_recs,
            public=public,
            public_note=PUBLIC_REC_NOTE if public else "",
            lists=lists,
        )
        summaries.append(
            {
                "unit": unit,
                "href": unit_href(unit.unit_id),
                "below": sum(r.band == "below" for r in rows),
                "meets": sum(r.band == "meets" for r in rows),
                "problems": len(own_problems),
                "recs": None if public else len(own_recs),
            }
        )
    out[UNITS_INDEX] = index_page(summaries, inputs)
    return out


def index_page(summaries: list[dict], inputs: YearInputs) -> str:
    """The year's index of units: institutions by district, then type; associations by type."""
    by_district: dict[str, list[dict]] = defaultdict(list)
    by_assoc_type: dict[str, list[dict]] = defaultdict(list)
    for s in summaries:
        u = s["unit"]
        if u.level == INSTITUTION:
            by_district[u.district or "район не указан"].append(s)
        else:
            by_assoc_type[u.kind].append(s)
    order = {t: i for i, t in enumerate(INST_TYPE_NAMES)}
    return render(
        "units.html.j2",
        year=inputs.year,
        profile_name=PROFILE_NAMES.get(inputs.profile, inputs.profile),
        public=inputs.profile == "public",
        districts=[
            (
                district,
                sorted(
                    items,
                    key=lambda s: (
                        order.get(s["unit"].kind, 99),
                        s["unit"].name,
                        s["unit"].unit_id,
                    ),
                ),
            )
            for district, items in sorted(by_district.items())
        ],
        associations=[
            (kind, sorted(items, key=lambda s: (s["unit"].name, s["unit"].unit_id)))
            for kind, items in sorted(by_assoc_type.items())
        ],
        type_names=INST_TYPE_NAMES,
    )


# --- the units ---------------------------------------------------------------------------------


def list_units(institutions: pd.DataFrame | None, associations: pd.DataFrame | None) -> list[Unit]:
    """Every institution of `Учреждения` and association of `Реестр` of the year."""
    out = []
    places: dict[str, tuple[str, str, str]] = {}
    if institutions is not None:
        for r in institutions.to_dict("records"):
            inst = str(r["inst_id"])
            marks = [
                m
                for m, col in (("ШНОР", "low_results"), ("ШНСУ", "unfavourable"))
                if r.get(col) is True
            ]
            places[inst] = (
                str(r.get("district") or ""),
                str(r.get("inst_type") or ""),
                str(r.get("name") or inst),
            )
            out.append(
                Unit(
                    INSTITUTION,
                    inst,
                    places[inst][2],
                    places[inst][1],
                    places[inst][0],
                    places[inst][1],
                    ", ".join(marks),
                    "",
                )
            )
    if associations is not None:
        for r in associations.to_dict("records"):
            assoc = str(r["assoc_id"])
            district, inst_type, base = places.get(str(r.get("inst_id")), ("", "", ""))
            out.append(
                Unit(
                    ASSOCIATION,
                    assoc,
                    str(r.get("name") or assoc),
                    str(r.get("assoc_type") or ""),
                    district,
                    inst_type,
                    "",
                    base,
                )
            )
    return out


# --- the indicators ----------------------------------------------------------------------------


class Values:
    """The indicator tables of the trend's years, indexed once: (year, level, unit, indicator)
    → (value or None, target, flags); and the texts of the year's pages, each distinct one
    written once (held for this year's pages only)."""

    def __init__(self, tables: Mapping[int, pd.DataFrame], year: int) -> None:
        self.year = year
        self.years = sorted(y for y in tables if y <= year)
        self.cells: dict[tuple, tuple[float | None, float | None, str]] = {}
        self.by_unit: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._texts: dict[tuple, str] = {}  # a comparator's text, shared by many units
        self._values: dict[tuple, str] = {}  # (value, unit) → its text: values repeat
        self._changes: dict[tuple, str] = {}  # (change, unit) → its text
        self._order = {ind: i for i, ind in enumerate(CATALOGUE)}
        for y in self.years:
            t = tables[y]
            blank = [""] * len(t)
            hidden = flag_mask(t["flags"], SUPPRESSED) if "flags" in t.columns else None
            for level, unit, ind, value, target, flag, secret in zip(
                t["level"].astype(str).tolist(),
                t["unit_id"].astype(str).tolist(),
                t["indicator_id"].astype(str).tolist(),
                _known_numbers(t["value"]),
                _known_numbers(t["target"]) if "target" in t.columns else [None] * len(t),
                t["flags"].tolist() if "flags" in t.columns else blank,
                hidden.tolist() if hidden is not None else [False] * len(t),
                strict=True,
            ):
                flag = flag if isinstance(flag, str) else ""
                self.cells[(y, level, unit, ind)] = (None if secret else value, target, flag)
                if y == year and level in (INSTITUTION, ASSOCIATION):
                    self.by_unit[(level, unit)].append(ind)

    def indicators(self, level: str, unit: str) -> list[str]:
        """The unit's indicators of the year, in catalogue order."""
        order = self._order
        return sorted(self.by_unit.get((level, unit), []), key=lambda i: (order.get(i, 10**6), i))

    def get(self, year: int, level: str, unit: str, ind: str):
        return self.cells.get((year, level, unit, ind))

    def value(self, value: float | None, unit: str) -> str:
        """`fmt.value` of a value in its unit (each distinct pair worked out once)."""
        key = (value, unit)
        text = self._values.get(key)
        if text is None:
            text = self._values[key] = fmt.value(value, unit)
        return text

    def change(self, delta: float, unit: str) -> str:
        """`delta_text` of a change in its unit (each distinct pair worked out once)."""
        key = (delta, unit)
        text = self._changes.get(key)
        if text is None:
            text = self._changes[key] = delta_text(delta, unit)
        return text

    def cell_text(self, cell, unit: str) -> str:
        """A cell as a page shows it: «—» when absent, «*» when hidden, else its value
        (marked when its window is incomplete)."""
        if cell is None:
            return fmt.DASH
        value, _, flags = cell
        if has_flag(flags, SUPPRESSED):
            return fmt.SUPPRESSED
        return fmt.marked(self.value(value, unit), has_flag(flags, INCOMPLETE_WINDOW))

    def text(self, level: str, unit: str, ind: str, unit_of: str) -> str:
        """The report year's cell as a page shows it (worked out once: a district's, type's
        or the city's value is shown on the page of each of their units)."""
        key = (level, unit, ind)
        if key not in self._texts:
            self._texts[key] = self.cell_text(self.get(self.year, level, unit, ind), unit_of)
        return self._texts[key]


def _known_numbers(column: pd.Series) -> list[float | None]:
    """`known_number` of every cell of a column (a numeric column in one go, not cell by cell)."""
    if column.dtype.kind not in "fiu":
        return [known_number(v) for v in column.tolist()]
    numbers = column.to_numpy(dtype=float, na_value=np.nan)
    known: list[float | None] = numbers.tolist()
    for i in np.flatnonzero(np.isnan(numbers)).tolist():
        known[i] = None
    return known


def indicator_row(values: Values, unit: Unit, ind: str, near_pp: float) -> Row:
    """One indicator of a unit: value, target, status, comparators, change, trend."""
    meta = CATALOGUE.get(ind)
    unit_of = str(meta.unit) if meta is not None else ""
    direction = str(meta.direction) if meta is not None else ""
    y, level, unit_id, cells = values.year, unit.level, unit.unit_id, values.cells
    cell = cells[(y, level, unit_id, ind)]
    value, target, flags = cell
    band = judged_band(value, target, direction, unit_of, near_pp, flags) if meta else "none"
    association = level == ASSOCIATION  # its members are no district's population
    comparators = {
        "district": values.text("district", unit.district, ind, unit_of)
        if unit.district and not association
        else fmt.DASH,
        "inst_type": values.text("inst_type", unit.inst_type, ind, unit_of)
        if unit.inst_type and not association
        else fmt.DASH,
        "city": values.text("city", "city", ind, unit_of),
    }
    points = []
    for year in values.years:
        known = cells.get((year, level, unit_id, ind))
        points.append((year, None if known is None else known[0]))
    name = str(meta.name) if meta is not None else ind
    text = values.value
    title = f"{name}: " + "; ".join([f"{yy} — {text(v, unit_of)}" for yy, v in points])
    previous = cells.get((y - 1, level, unit_id, ind))
    return Row(
        meta.label if meta is not None else ind,
        name,
        values.cell_text(cell, unit_of),
        values.value(target, unit_of),
        band,
        BAND_LABELS.get(band, "") if band != "none" else "",
        CELL_COLOURS.get(band, ""),
        comparators["district"],
        comparators["inst_type"],
        comparators["city"],
        _change_text(cell, previous, unit_of, values),
        sparkline(points, title, target, band),
    )


def _change_text(cell, previous, unit: str, values: Values) -> str:
    """The change on last year; «*» when either value is hidden (it would give it away)."""
    if previous is None:
        return fmt.DASH
    if has_flag(cell[2], SUPPRESSED) or has_flag(previous[2], SUPPRESSED):
        return fmt.SUPPRESSED
    if cell[0] is None or previous[0] is None:
        return fmt.DASH
    if has_flag(cell[2], INCOMPLETE_WINDOW) or has_flag(previous[2], INCOMPLETE_WINDOW):
        return fmt.DASH
    return values.change(cell[0] - previous[0], unit)


# --- problems, recommendations, people ---------------------------------------------------------


def _grouped(frame: pd.DataFrame | None, keys: list[str]) -> dict[tuple, list[dict]]:
    """The frame's rows as records, split once by `keys` (as text), in the frame's order."""
    if frame is None or not len(frame) or any(k not in frame.columns for k in keys):
        return {}
    out: dict[tuple, list[dict]] = defaultdict(list)
    for record in frame.to_dict("records"):
        out[tuple(str(record[k]) for k in keys)].append(record)
    return out


def problem_rows(part: list[dict] | None) -> list[dict]:
    """The unit's problems (rank order, as records): indicator, kind, value, target or
    reference, gap."""
    if part is None:
        return []
    rows = []
    for r in part:
        meta = CATALOGUE.get(str(r["indicator_id"]))
        unit = str(meta.unit) if meta is not None else ""
        gap = known_number(r.get("gap"))
        rows.append(
            {
                "indicator": str(meta.name) if meta is not None else str(r["indicator_id"]),
                "kind": KIND_NAMES.get(str(r["kind"]), str(r["kind"])),
                "value": fmt.value(known_number(r.get("value")), unit),
                "target": fmt.value(known_number(r.get("target")), unit),
                "gap": fmt.DASH
                if gap is None
                else (
                    fmt.number(gap) + fmt.NBSP + "п." + fmt.NBSP + "п."
                    if unit == PERCENT
                    else fmt.value(gap, unit)
                ),
            }
        )
    return rows


def rec_rows(
    unit: Unit,
    recs: Mapping[tuple, list[dict]],
    inputs: YearInputs,
    people: Mapping[str, Mapping[str, list[dict]]],
    public: bool,
) -> list[dict]:
    """The recommendations addressed to the unit (internal: with the people behind each);
    public: those the public profile publishes for its district and its type."""
    if public:
        keys = [("district", unit.district), ("inst_type", unit.inst_type)]
    else:
        keys = [(unit.level, unit.unit_id)]
    rows = []
    for key in keys:
        part = recs.get(key)
        if part is None:
            continue
        for r in part:
            n = known_number(r.get("n"))
            behind: list[dict] = []
            list_id = inputs.rule_lists.get(str(r["rule_id"]))
            if not public and list_id:
                behind = people.get(unit.unit_id, {}).get(list_id, [])
            rows.append(
                {
                    "rule": str(r["rule_id"]),
                    "text": str(r["text"]),
                    "n": fmt.integer(n) if n is not None else fmt.DASH,
                    "list": LIST_NAMES.get(list_id, list_id or ""),
                    "people": behind,
                }
            )
    return rows


def _people_by_institution(
    lists: Mapping[str, pd.DataFrame],
) -> dict[str, dict[str, list[dict]]]:
    """inst_id → list id → its people there, as table rows (each list sorted, formatted and
    split once: not one small frame per institution)."""
    out: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    for key, frame in lists.items():
        if key not in PERSON_LISTS or frame is None or not len(frame):
            continue
        if "inst_id" not in frame.columns:
            continue
        ordered = frame.sort_values("person_id", kind="stable")  # stable: ties keep their order
        for inst, row in zip(ordered["inst_id"].astype(str).tolist(), _people_rows(ordered)):
            out[inst].setdefault(key, []).append(row)
    return out


def _people_rows(frame: pd.DataFrame) -> list[dict]:
    """The frame's people as table rows: code, position, experience (whole years)."""
    n = len(frame)
    positions = frame["position"].tolist() if "position" in frame.columns else [None] * n
    years = (
        frame["experience_years"].tolist() if "experience_years" in frame.columns else [None] * n
    )
    return [
        {
            "person_id": str(person),
            "position": str(position or ""),
            "experience": fmt.number(known_number(experience), 0),
        }
        for person, position, experience in zip(
            frame["person_id"].tolist(), positions, years, strict=True
        )
    ]


def person_rows(lists: Mapping[str, list[dict]]) -> list[tuple[str, list[dict]]]:
    """(list name, its people at the unit) of every person list (internal only)."""
    return [(LIST_NAMES.get(key, key), lists[key]) for key in PERSON_LISTS if key in lists]


# --- reading a year (the build's process, after the year's workbooks and CSVs are written) ----


def read_csv(path: Path) -> pd.DataFrame | None:
    """A decision table the build wrote (ids and texts kept as text), None when absent."""
    if not path.exists():
        return None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("value", "target", "gap", "trend", "n", "measure_year"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column].replace("", None), errors="coerce")
    return frame


def year_inputs(
    processed_dir: Path,
    output_dir: Path,
    folder: Path,
    year: int,
    profile: str,
    tables: Mapping[int, pd.DataFrame],
    tidy: pd.DataFrame,
    near_pp: float,
) -> YearInputs:
    """What the unit pages of `year` read: `tables` (the shown indicator tables of the trend's
    years), the year's registers, its decision tables as written into `folder`, and (internal)
    the person lists of its shared results."""
    from analysis.book import yearly
    from analysis.params.recommendations import load_rules
    from analysis.processed import read_table

    people: Mapping[str, pd.DataFrame] = {}
    rule_lists: dict[str, str] = {}
    if profile != "public":
        people = yearly.shared_results(tidy, processed_dir, year, output_dir).person_lists
        rule_lists = {r.id: r.count for r in load_rules() if r.count in PERSON_LISTS}
    empty = pd.DataFrame(columns=["level", "unit", "unit_id"])
    return YearInputs(
        year,
        profile,
        tables,
        read_table(processed_dir, year, "institutions"),
        read_table(processed_dir, year, "associations"),
        read_csv(folder / "problems.csv") if (folder / "problems.csv").exists() else empty,
        read_csv(folder / "recommendations.csv")
        if (folder / "recommendations.csv").exists()
        else empty,
        near_pp,
        people,
        rule_lists,
    )
