"""`params/methodology.yaml`: management's statement and status of each criterion of the
methodological-work system (SPEC §2), read into `methodology.Criterion`s."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import UserError
from analysis.methodology import STATUSES, Criterion
from analysis.params import params_path, read_yaml

FILE = "methodology.yaml"
WHAT = "критерии методической работы"


def load_criteria(params_dir: Path | None = None) -> list[Criterion]:
    """The criteria of the file; a missing file, a missing field or a wrong status is a
    Russian error naming the criterion."""
    raw = read_yaml(FILE, WHAT, params_dir)
    if raw is None and not params_path(FILE, params_dir).exists():
        raise UserError(f"{FILE}: {WHAT} не прочитаны — файла нет в папке параметров.")
    if raw is not None and not isinstance(raw, dict):
        raise UserError(f"{FILE}: {WHAT} не прочитаны — ожидается раздел «criteria».")
    return [_criterion(i, item) for i, item in enumerate((raw or {}).get("criteria") or [], 1)]


def _criterion(number: int, item: object) -> Criterion:
    """One item of `criteria`, checked."""
    try:
        crit = Criterion(
            id=str(item["id"]),
            title=" ".join(str(item["title"]).split()),  # type: ignore[index]
            evidence=" ".join(str(item.get("evidence", "")).split()),  # type: ignore[union-attr]
            statement=" ".join(str(item["statement"]).split()),  # type: ignore[index]
            status=str(item["status"]),  # type: ignore[index]
            min_share=float(item.get("min_share", 50)),  # type: ignore[union-attr]
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(f"{FILE} › критерий {number}: нет или неверно поле {exc}") from None
    if crit.status not in STATUSES:
        raise UserError(
            f"{FILE} › критерий {number} › status: «{crit.status}» — допустимо: "
            + ", ".join(STATUSES)
        )
    return crit
