"""The indicator catalogue (SPEC §5). Initial list of the pinned ids; the indicator issue turns
every entry into a full declaration read by the engine."""

from __future__ import annotations

PINNED_IDS: tuple[str, ...] = (
    "pk_modern_3y", "pk_pp_3y", "heads_management_3y", "competition_municipal",
    "competition_any", "competition_prizes", "category_high", "age_under_30", "age_under_35",
    "experience_under_10", "informal_coverage", "young_mentored", "deficit_diagnosed",
    "deficit_share", "deficit_addressed", "burnout_high", "events_hosted",
    "centre_person_hours", "centre_events", "centre_products", "report_completeness",
)


def indicator_ids() -> frozenset[str]:
    """Every id of the catalogue (ingest checks `Меры` and `План` against it)."""
    return frozenset(PINNED_IDS)
