"""Fixtures shared by several test modules (pytest loads this file first)."""

from __future__ import annotations

import pytest

DEMO_YEAR = 2023  # the year built; 2022 is there as history (previous year, measures of y−1)


@pytest.fixture(scope="session")
def public_demo_book(tmp_path_factory):
    """The public book of 2023 of a tiny demo city (scale 0.05, 2022 as history), built once
    for the session: `<root>/processed`, `<root>/out/public/…`. Tests read it and may add to
    it (book.pdf), never change what is there."""
    from analysis.book import build
    from analysis.demo import generate

    root = tmp_path_factory.mktemp("public_demo_book")
    generate(root / "processed", [2022, DEMO_YEAR], 0, 0.05, "parquet")
    code = build(
        years=[DEMO_YEAR],
        profile="public",
        jobs=2,
        processed_dir=root / "processed",
        output_dir=root / "out",
    )
    assert code == 0
    return root
