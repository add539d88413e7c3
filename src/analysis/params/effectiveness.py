"""`params/effectiveness.yaml`: what counts as an effect of a measure (stage 06).

Every key is a field of `analysis.effectiveness.Thresholds`; a missing file gives the defaults,
an unknown key or an impossible value a Russian error naming the file. The old ``min_z`` (a
number of binomial standard errors) is refused with a message saying what to write instead:
the test behind it changed (institutions, not people, are the units), so translating the old
number silently would keep a setting whose meaning is gone.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from analysis.effectiveness import Thresholds
from analysis.errors import UserError
from analysis.params import read_yaml

THRESHOLDS_FILE = "effectiveness.yaml"
WHAT = "пороги оценки эффективности"
# settings that were replaced, and what to write instead
RETIRED = {
    "min_z": "параметр min_z больше не используется: случайность разницы теперь проверяется "
    "перестановочным тестом по учреждениям — вместо «min_z: 2.0» напишите «alpha: 0.05» "
    "(уровень значимости)",
}


def load_thresholds(params_dir: Path | None = None) -> Thresholds:
    """The declared thresholds; defaults when the file is absent, a Russian error when broken."""
    raw = read_yaml(THRESHOLDS_FILE, WHAT, params_dir) or {}
    try:
        if not isinstance(raw, dict):
            raise TypeError("ожидается список «параметр: значение»")
        retired = [RETIRED[k] for k in raw if k in RETIRED]
        if retired:
            raise ValueError("; ".join(retired))
        types = {f.name: type(f.default) for f in fields(Thresholds)}
        unknown = sorted(set(raw) - set(types))
        if unknown:
            raise ValueError(f"неизвестные параметры: {', '.join(map(str, unknown))}")
        out = Thresholds(**{k: types[k](v) for k, v in raw.items()})
    except (TypeError, ValueError) as exc:
        raise UserError(f"{THRESHOLDS_FILE}: {WHAT} не прочитаны — {exc}") from None
    if out.min_units < 1 or out.min_people < 0 or out.min_did_pp < 0:
        raise UserError(
            f"{THRESHOLDS_FILE}: пороги не могут быть отрицательными (а min_units — меньше 1)"
        )
    if not 0 < out.alpha < 1:
        raise UserError(
            f"{THRESHOLDS_FILE}: alpha — уровень значимости, число между 0 и 1 "
            f"(обычно 0.05), а не {out.alpha:g}"
        )
    return out
