"""Book settings from `params/book.yaml`, with the defaults SPEC names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import paths
from analysis.errors import UserError

DEFAULT_SUPPRESSION_THRESHOLD = 5  # SPEC §6: "below the suppression threshold (default 5)"
DEFAULT_WINDOW = 3  # SPEC §2: years shown in dynamics
# Problem analysis (stage 04): how much worse counts as a problem, and how problems are ranked.
DEFAULT_SEVERITY_KIND = {"below_target": 1.0, "worsening": 1.0, "outlier": 0.5,
                         "lagging_group": 1.0}
DEFAULT_SEVERITY_LEVEL = {"city": 3.0, "centre": 3.0, "district": 2.0, "inst_type": 2.0,
                          "school_group": 2.0, "institution": 1.0, "association": 1.0}


@dataclass(frozen=True)
class BookSettings:
    years: tuple[int, ...] = ()
    window: int = DEFAULT_WINDOW
    suppression_threshold: int = DEFAULT_SUPPRESSION_THRESHOLD
    outlier_z: float = 3.5
    near_target_pp: float = 5.0
    key_indicators: tuple[str, ...] = field(default_factory=tuple)
    worsening_pp: float = 3.0
    lagging_pp: float = 5.0
    problem_min_people: int = 5
    severity_kind: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_KIND))
    severity_level: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_LEVEL))


def load_book_settings(params_dir: Path | None = None) -> BookSettings:
    """Read `book.yaml`; a missing file gives the defaults, a malformed one a Russian error."""
    path = Path(params_dir or paths.PARAMS) / "book.yaml"
    if not path.exists():
        return BookSettings()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        thresholds = raw.get("thresholds") or {}
        return BookSettings(
            years=tuple(int(y) for y in raw.get("years") or ()),
            window=int(raw.get("window", DEFAULT_WINDOW)),
            suppression_threshold=int(
                raw.get("suppression_threshold", DEFAULT_SUPPRESSION_THRESHOLD)
            ),
            outlier_z=float(thresholds.get("outlier_z", 3.5)),
            near_target_pp=float(thresholds.get("near_target_pp", 5.0)),
            key_indicators=tuple(raw.get("key_indicators") or ()),
            worsening_pp=float(thresholds.get("worsening_pp", 3.0)),
            lagging_pp=float(thresholds.get("lagging_pp", 5.0)),
            problem_min_people=int(thresholds.get("problem_min_people", 5)),
            severity_kind={**DEFAULT_SEVERITY_KIND, **_weights(thresholds, "severity_kind")},
            severity_level={**DEFAULT_SEVERITY_LEVEL, **_weights(thresholds, "severity_level")},
        )
    except (yaml.YAMLError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(f"{path.name}: настройки книги не прочитаны — {exc}") from None


def _weights(thresholds: dict, key: str) -> dict[str, float]:
    """A mapping of severity weights (name → number) from the thresholds section."""
    return {str(k): float(v) for k, v in (thresholds.get(key) or {}).items()}
