"""The book's settings (SPEC §3: `params/book.yaml`), with their defaults declared once, here.

`analysis.params.book.load_book_settings` reads the file and overrides only what it gives; no
other place writes a default of these settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BookSettings:
    # which years `build` renders without --years; () = every year of the processed data
    years: tuple[int, ...] = ()
    window: int = 3  # SPEC §2: years shown in dynamics (never the definition of a _3y indicator)
    suppression_threshold: int = 5  # SPEC §6: "below the suppression threshold (default 5)"
    outlier_z: float = 3.5  # robust z-score (median / MAD) above which a value is an outlier
    near_target_pp: float = 5.0  # scorecard: within this many p. p. below target is «близко»
    key_indicators: tuple[str, ...] = ()  # the front page's figures (city level)
    # Problem analysis (stage 04): how much worse counts as a problem, and how problems rank.
    worsening_pp: float = 3.0
    lagging_pp: float = 5.0
    problem_min_people: int = 5
    severity_kind: dict[str, float] = field(
        default_factory=lambda: {
            "below_target": 1.0,
            "worsening": 1.0,
            "outlier": 0.5,
            "lagging_group": 1.0,
        }
    )
    severity_level: dict[str, float] = field(
        default_factory=lambda: {
            "city": 3.0,
            "centre": 3.0,
            "district": 2.0,
            "inst_type": 2.0,
            "school_group": 2.0,
            "institution": 1.0,
            "association": 1.0,
        }
    )


def load_book_settings(params_dir: Path | None = None) -> BookSettings:
    """`analysis.params.book.load_book_settings`, under its old name for the callers not moved
    yet (the build runner, disclosure, problems); new code imports it from there."""
    from analysis.params.book import load_book_settings as load  # not at the top: a circle

    return load(params_dir)
