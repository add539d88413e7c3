"""The evaluation of the system of methodological work by the seed's four criteria (stage 03).

Each criterion is judged from the processed data where data exists (events by target group,
professional communities and their coverage, diagnostics coverage, the bank of methodological
products); otherwise the qualitative statement and status of `params/methodology.yaml` stand
(read by `analysis.params.methodology`). No number is ever invented: a finding is the counts in
the data, put into words by `analysis.pages.monitoring`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from analysis import contract
from analysis.monitoring import as_number

STATUSES = ("в наличии", "частично", "отсутствует")  # params/methodology.yaml: status
# The specific target groups of `Мероприятия` (SPEC §3); «все» is not a group of its own.
TARGET_GROUPS = tuple(
    g for g in contract.SHEETS["events"].column("target_group").choices if g != "все"
)
BY_DATA = "data"  # the status comes from the year's data
BY_STATEMENT = "statement"  # the status is management's, from params/methodology.yaml
COLUMNS = ["id", "title", "status", "basis", "statement", "facts"]


@dataclass(frozen=True)
class Criterion:
    """One criterion with management's statement and status."""

    id: str
    title: str
    evidence: str
    statement: str
    status: str
    min_share: float = 50.0


class Finding(NamedTuple):
    """What the data says on a criterion: its status and the counts behind it."""

    status: str
    facts: dict[str, object]


def _city_row(tidy: pd.DataFrame | None, indicator_id: str) -> pd.Series | None:
    """The city row of an indicator in the tidy table, or None."""
    if tidy is None:
        return None
    hit = tidy[(tidy["indicator_id"] == indicator_id) & (tidy["level"] == "city")]
    return hit.iloc[0] if len(hit) else None


def _number(row: pd.Series | None, column: str) -> float | None:
    """A number of a tidy row; None when the row or the value is missing."""
    value = math.nan if row is None else as_number(row[column])
    return None if math.isnan(value) else value


def target_groups(events: pd.DataFrame | None) -> Finding | None:
    """Events of the year by target group: events, participations, groups covered and not."""
    if events is None:
        return None
    groups = set(events["target_group"])
    covered = [g for g in TARGET_GROUPS if g in groups]
    missing = [g for g in TARGET_GROUPS if g not in groups]
    status = "в наличии" if not missing else ("частично" if covered else "отсутствует")
    return Finding(
        status,
        {
            "events": len(events),
            "participations": events["participants"].sum(),
            "covered": covered,
            "missing": missing,
            "groups": len(TARGET_GROUPS),
        },
    )


def communities(
    associations: pd.DataFrame | None, tidy: pd.DataFrame | None, min_share: float
) -> Finding | None:
    """The register of associations by type and the share of teachers in them."""
    if associations is None:
        return None
    if associations.empty:
        return Finding("отсутствует", {"associations": 0, "by_type": [], "coverage": None})
    counts = associations.groupby("assoc_type").size()
    by_type = [
        (t, int(counts[t]))
        for t in contract.SHEETS["associations"].column("assoc_type").choices
        if t in counts.index
    ]
    share = _number(_city_row(tidy, "informal_coverage"), "value")
    status = "частично" if share is None or share < min_share else "в наличии"
    return Finding(
        status, {"associations": len(associations), "by_type": by_type, "coverage": share}
    )


def motivation_practices(tidy: pd.DataFrame | None, min_share: float) -> Finding | None:
    """Diagnostics coverage among teachers: deficits, and burnout where it was tested."""
    deficit = _city_row(tidy, "deficit_diagnosed")
    diagnosed = _number(deficit, "value")
    if diagnosed is None:
        return None
    teachers = _number(deficit, "denominator")
    tested = _number(_city_row(tidy, "burnout_high"), "denominator")
    burnout = tested / teachers * 100 if tested is not None and teachers else None
    best = max(diagnosed, burnout or 0.0)
    status = "в наличии" if best >= min_share else ("частично" if best > 0 else "отсутствует")
    return Finding(status, {"deficits": diagnosed, "burnout": burnout})


def products_bank(
    products: pd.DataFrame | None, associations: pd.DataFrame | None
) -> Finding | None:
    """The methodological products of the year by author: the Centre, associations, institutions."""
    if products is None:
        return None
    if products.empty:
        return Finding(
            "отсутствует", {"products": 0, "centre": 0, "associations": 0, "institutions": 0}
        )
    assoc_ids = set() if associations is None else set(associations["assoc_id"].astype(str))
    author = products["author"].astype(str)
    by_centre = int((author == contract.CENTRE).sum())
    by_assoc = int(author.isin(assoc_ids).sum())
    return Finding(
        "в наличии",
        {
            "products": len(products),
            "centre": by_centre,
            "associations": by_assoc,
            "institutions": len(products) - by_centre - by_assoc,
        },
    )


def evaluate(
    criteria: list[Criterion], data: Mapping[str, pd.DataFrame | None], tidy: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per criterion: id, title, status, basis (`BY_DATA` or `BY_STATEMENT`),
    statement, facts (the `Finding`'s counts; None where the statement stands).

    ``data`` maps processed table names (events, associations, products) to frames or None.
    """
    judges = {
        "target_groups": lambda c: target_groups(data.get("events")),
        "communities": lambda c: communities(data.get("associations"), tidy, c.min_share),
        "motivation_practices": lambda c: motivation_practices(tidy, c.min_share),
        "products_bank": lambda c: products_bank(data.get("products"), data.get("associations")),
    }
    rows = []
    for c in criteria:
        found = judges[c.id](c) if c.id in judges else None
        rows.append(
            {
                "id": c.id,
                "title": c.title,
                "status": found.status if found else c.status,
                "basis": BY_DATA if found else BY_STATEMENT,
                "statement": c.statement,
                "facts": found.facts if found else None,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
