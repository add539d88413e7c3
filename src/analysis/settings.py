"""Book settings from `params/book.yaml`, with the defaults SPEC names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import paths
from analysis.errors import UserError

DEFAULT_SUPPRESSION_THRESHOLD = 5  # SPEC §6: "below the suppression threshold (default 5)"
DEFAULT_WINDOW = 3  # SPEC §2: years shown in dynamics


@dataclass(frozen=True)
class BookSettings:
    years: tuple[int, ...] = ()
    window: int = DEFAULT_WINDOW
    suppression_threshold: int = DEFAULT_SUPPRESSION_THRESHOLD
    outlier_z: float = 3.5
    near_target_pp: float = 5.0
    key_indicators: tuple[str, ...] = field(default_factory=tuple)


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
        )
    except (yaml.YAMLError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(f"{path.name}: настройки книги не прочитаны — {exc}") from None
