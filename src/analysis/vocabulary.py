"""The book's shared words and codes, declared once.

Levels and their Russian names, institution types and the Centre's type, the two profiles, the
flags of the indicator table and how a `flags` cell is read, the direction words, and the
grammar of the register's `Адресаты` (SPEC §3: `все` | inst_id | assoc_id | `район:<d>` |
`тип:<t>` | `ШНОР` | `ШНСУ`). Ingest, the register, the demo city and every page read these;
none of them declares its own copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.contract import INST_TYPES
from analysis.text import normalize

# --------------------------------------------------------------------------- levels

CITY, CENTRE, DISTRICT, INST_TYPE = "city", "centre", "district", "inst_type"
INSTITUTION, ASSOCIATION = "institution", "association"
SCHOOL_GROUP, CATEGORY = "school_group", "category"  # ШНОР/ШНСУ groups; categories of staff

LEVEL_NAMES: dict[str, str] = {  # singular, lower case: «район», «тип учреждения»
    CITY: "город",
    CENTRE: "Центр",
    DISTRICT: "район",
    INST_TYPE: "тип учреждения",
    INSTITUTION: "учреждение",
    ASSOCIATION: "объединение",
    SCHOOL_GROUP: "группа школ",
    CATEGORY: "категория работников",
}
LEVEL_PLURAL: dict[str, str] = {
    DISTRICT: "районы",
    INST_TYPE: "типы учреждений",
    INSTITUTION: "учреждения",
    ASSOCIATION: "объединения",
    SCHOOL_GROUP: "группы школ",
}

CENTRE_TYPE = "ДПО"  # SPEC §5: the Centre's type; its people are not "staff", never in «все»
INST_TYPE_NAMES: dict[str, str] = {
    "ОО": "школы (ОО)",
    "ДОО": "детские сады (ДОО)",
    "УДО": "доп. образование (УДО)",
    CENTRE_TYPE: "Центр (ДПО)",
}
assert set(INST_TYPE_NAMES) == set(INST_TYPES)

# --------------------------------------------------------------------------- profiles

PUBLIC, INTERNAL = "public", "internal"
PROFILES = (PUBLIC, INTERNAL)  # SPEC §2
PROFILE_NAMES = {PUBLIC: "публичная версия", INTERNAL: "внутренняя версия"}

# --------------------------------------------------------------------------- directions

HIGHER, LOWER = "higher", "lower"
DIRECTION_WORDS = {HIGHER: "выше — лучше", LOWER: "ниже — лучше"}

# --------------------------------------------------------------------------- flags

NO_DATA = "no_data"  # no year the value reads arrived
INCOMPLETE_WINDOW = "incomplete_window"  # a _3y window reaches before the first data year
SUPPRESSED = "suppressed"  # hidden in the public profile (analysis.disclosure)
FLAG_SEPARATOR = ";"
FLAG_WORDS: dict[str, str] = {
    INCOMPLETE_WINDOW: "неполное окно",
    NO_DATA: "нет данных",
    SUPPRESSED: "скрыто (малое число)",
}


def parse_flags(cell: object) -> frozenset[str]:
    """The flags of one `flags` cell (`"incomplete_window;suppressed"`); empty for a blank."""
    if not isinstance(cell, str):
        return frozenset()
    return frozenset(f.strip() for f in cell.split(FLAG_SEPARATOR) if f.strip())


def join_flags(flags: Iterable[str]) -> str:
    """A `flags` cell from a set of flags: sorted, `;`-joined, "" for none."""
    return FLAG_SEPARATOR.join(sorted({f for f in flags if f}))


def has_flag(cell: object, flag: str) -> bool:
    """True when the `flags` cell carries `flag`."""
    return flag in parse_flags(cell)


def flag_mask(flags: pd.Series, flag: str) -> np.ndarray:
    """Row by row: does the `flags` column carry `flag` (a vectorised `has_flag`)."""
    # A column holds a handful of distinct cells over thousands of rows: parse each once.
    codes, cells = pd.factorize(pd.Series(flags, dtype=object), use_na_sentinel=True)
    carries = np.array([has_flag(cell, flag) for cell in cells] + [False], dtype=bool)
    return carries[codes]  # a missing cell (code -1) takes the last entry: False


def add_flag(flags: pd.Series, flag: str, where: np.ndarray | pd.Series) -> pd.Series:
    """The `flags` column with `flag` added on the rows of `where`."""
    where = np.asarray(where, dtype=bool)
    out = flags.astype(object).where(pd.notna(flags), "").copy()
    out[where] = [join_flags(parse_flags(cell) | {flag}) for cell in out[where]]
    # a string column stays one; any other (object, or the all-NaN float of a CSV without
    # flags) becomes object: a float column cannot hold a flag
    return out.astype(flags.dtype) if isinstance(flags.dtype, pd.StringDtype) else out


def flag_words(cell: object) -> str | None:
    """`incomplete_window;suppressed` → «неполное окно; скрыто (малое число)»; None for none."""
    words = [FLAG_WORDS.get(f, f) for f in sorted(parse_flags(cell))]
    return "; ".join(words) or None


# --------------------------------------------------------------------------- addressees

TARGET_ALL = "все"  # the measure addresses every institution (but the Centre) and association
TARGET_SEPARATOR = ";"
TARGET_DISTRICT, TARGET_TYPE = "район", "тип"  # prefixes of `район:<d>` and `тип:<t>`
TARGET_SCHOOL_FLAGS = {"шнор": "low_results", "шнсу": "unfavourable"}  # → institutions' column
TARGET_HINT = (
    "ожидается «все» или через «;»: коды ОУ, коды объединений, район:<название>, "
    f"тип:<{'|'.join(INST_TYPES)}>, ШНОР, ШНСУ"
)
MAX_TARGET_CODES = 6  # codes a reader sees before «и ещё N»

# kinds of one `Адресаты` item
ALL, SCHOOL_FLAG, BY_DISTRICT, BY_TYPE, CODE = "all", "school_flag", "district", "inst_type", "code"


class Target(NamedTuple):
    """One item of an `Адресаты` cell: its kind and value (the code, district, type or the
    institutions' flag column of ШНОР/ШНСУ)."""

    kind: str
    value: str


def split_targets(cell: object) -> list[str]:
    """The items of an `Адресаты` cell (blank items dropped); [] for an empty cell."""
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return []
    return [item.strip() for item in str(cell).split(TARGET_SEPARATOR) if item.strip()]


def parse_target(item: str) -> Target:
    """What one item means: `все`, ШНОР/ШНСУ, `район:<d>`, `тип:<t>`, or a code."""
    key = normalize(item)
    prefix, colon, rest = item.partition(":")
    if key == TARGET_ALL:
        return Target(ALL, TARGET_ALL)
    if key in TARGET_SCHOOL_FLAGS:
        return Target(SCHOOL_FLAG, TARGET_SCHOOL_FLAGS[key])
    if colon and normalize(prefix) == TARGET_DISTRICT:
        return Target(BY_DISTRICT, rest.strip())
    if colon and normalize(prefix) == TARGET_TYPE:
        return Target(BY_TYPE, rest.strip())
    return Target(CODE, item.strip())


def parse_targets(cell: object) -> list[Target]:
    """Every item of an `Адресаты` cell, parsed."""
    return [parse_target(item) for item in split_targets(cell)]


def targets_all(cell: object) -> bool:
    """True when the cell says `все`."""
    return any(t.kind == ALL for t in parse_targets(cell))


def target_text(kind: str, value: str) -> str:
    """The cell text of one item (how the demo city and the templates write it)."""
    if kind == ALL:
        return TARGET_ALL
    if kind == SCHOOL_FLAG:
        return next(k.upper() for k, v in TARGET_SCHOOL_FLAGS.items() if v == value)
    if kind == BY_DISTRICT:
        return f"{TARGET_DISTRICT}:{value}"
    if kind == BY_TYPE:
        return f"{TARGET_TYPE}:{value}"
    return value


def targets_words(cell: object) -> str:
    """The addressees as a reader reads them: «все учреждения и объединения», «район
    Ленинский», «тип ДОО», «ШНОР», codes (the first few, then «и ещё N»)."""
    items = split_targets(cell)
    if not items:
        return "не указаны"
    if targets_all(cell):
        return "все учреждения и объединения"
    words, codes = [], []
    for item in items:
        target = parse_target(item)
        if target.kind == BY_DISTRICT:
            words.append(f"район {target.value}")
        elif target.kind == BY_TYPE:
            words.append(f"тип {target.value}")
        elif target.kind == SCHOOL_FLAG:
            words.append(item.strip())
        else:
            codes.append(target.value)
    if codes:
        more = len(codes) - MAX_TARGET_CODES
        words.append(", ".join(codes[:MAX_TARGET_CODES]) + (f" и ещё {more}" if more > 0 else ""))
    return "; ".join(words)
