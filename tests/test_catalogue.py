"""The indicator catalogue: every pinned id declared with a full passport."""

from __future__ import annotations

import pytest

from analysis import catalogue, contract
from analysis.catalogue import (
    CATALOGUE,
    GROUPS,
    LEVELS,
    MUKO_AREAS,
    PINNED_IDS,
    SOURCE_DOCS,
    Attr,
    Has,
    indicator_ids,
)

# SPEC §5 pins these ids; the issue adds the plan-report indicators, the institution attributes
# of the effectiveness monitoring and the Centre's % of plan.
PLAN_REPORT_IDS = (
    "gpo_participants",
    "gpo_under_35_share",
    "gpo_products",
    "gpo_new_practices",
    "gpo_young_school",
    "gpo_internships",
    "gpo_competitors",
    "gpo_events",
    "gpo_mentoring_pairs",
)
INSTITUTION_IDS = (
    "inst_resource_centre",
    "inst_innovation",
    "inst_network_agreements",
    "inst_competitions",
    "inst_competition_prizes",
    "events_hosted",
)


def test_every_pinned_and_issue_id_is_declared():
    for indicator_id in (
        *PINNED_IDS,
        *PLAN_REPORT_IDS,
        *INSTITUTION_IDS,
        "centre_person_hours_pct",
        "centre_events_pct",
        "centre_products_pct",
    ):
        assert indicator_id in CATALOGUE, indicator_id
    assert indicator_ids() == frozenset(CATALOGUE)
    # ingest checks План against the catalogue: the Centre's plan ids must be there
    assert set(contract.CENTRE_PLAN_INDICATORS) <= indicator_ids()


@pytest.mark.parametrize("ind", CATALOGUE.values(), ids=list(CATALOGUE))
def test_passport_is_complete(ind):
    assert ind.name and ind.numerator_text and ind.method and ind.frequency
    assert ind.unit in ("%", "чел.", "ед.", "чел.-ч")
    assert set(ind.levels) <= set(LEVELS) and ind.levels
    assert ind.source_doc in SOURCE_DOCS
    assert ind.group in GROUPS
    assert ind.muko is None or ind.muko in MUKO_AREAS
    assert ind.direction in ("higher", "lower")
    assert set(ind.sources) <= {f.stem for f in contract.FORMS} and ind.sources
    if ind.unit == "%":
        assert ind.denominator_text and ind.denominator_code
    assert ind.formula  # code text for the passport
    # every table the declaration reads exists in the contract
    assert set(ind.tables()) <= set(contract.SHEETS)


def test_pinned_levels_follow_spec():
    # staff indicators: city, district, inst_type, institution, association
    staff_levels = ("city", "district", "inst_type", "institution", "association")
    for indicator_id in (
        "pk_modern_3y",
        "category_high",
        "deficit_addressed",
        "burnout_high",
        "competition_prizes",
    ):
        assert CATALOGUE[indicator_id].levels == staff_levels
    assert CATALOGUE["events_hosted"].levels == ("city", "institution")
    assert CATALOGUE["report_completeness"].levels == ("city",)
    for indicator_id in ("centre_person_hours", "centre_events", "centre_products"):
        assert CATALOGUE[indicator_id].levels == ("centre",)
    assert CATALOGUE["gpo_participants"].levels == ("city", "association")


def test_declarations_carry_the_pinned_definitions():
    pk = CATALOGUE["pk_modern_3y"]
    assert pk.numerator == Has(
        "courses", where=(Attr("kind", "==", "ПК"), Attr("modern", "==", True)), years=(-2, 0)
    )
    assert CATALOGUE["deficit_addressed"].population[0].years == (-1, -1)
    assert CATALOGUE["burnout_high"].direction == "lower"
    assert CATALOGUE["deficit_share"].direction == "lower"
    assert CATALOGUE["young_mentored"].numerator.key == "mentee_id"
    assert CATALOGUE["pk_modern_3y"].sources == ("institutions", "staff", "courses", "associations")


def test_muko_matrix_has_every_area_covered():
    covered = {ind.muko for ind in CATALOGUE.values()} - {None}
    assert covered == set(MUKO_AREAS)


def test_get_and_passport_records():
    assert catalogue.get("pk_modern_3y").unit == "%"
    with pytest.raises(KeyError):
        catalogue.get("no_such_indicator")
    records = catalogue.passport()
    assert [r["indicator_id"] for r in records] == list(CATALOGUE)
    assert {"formula", "source_doc", "method", "frequency", "goal"} <= set(records[0])


def test_bad_declaration_is_refused():
    with pytest.raises(ValueError):
        Attr("age", "~", 3)
