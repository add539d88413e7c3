"""Where the page of an institution or association lives, from its id alone.

`output/<profile>/<year>/units/<file>.html`, and the year's index of units
`output/<profile>/<year>/units.html`. The file name is a pure function of the unit id, so a
stage page can link a unit without knowing the other units: a plain code (letters, digits,
«-», «_», Cyrillic included, as the demo city's «ОО-001») is its own name; anything else (a
slash, a space, a dot, a very long id, a Windows device name) becomes «_» and a hash of the
id, which no plain code can be (a plain code starts with a letter or digit).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

UNITS_DIR = "units"  # beside the year's stage pages
UNITS_INDEX = "units.html"  # the year's index of units, beside the stage pages
PLAIN = re.compile(r"[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё_-]{0,63}")
RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
HASH_DIGITS = 16


def unit_file(unit_id: object) -> str:
    """The unit's page file name: «ОО-001.html», or «_<hash>.html» for an id that is no plain
    code."""
    text = str(unit_id)
    if PLAIN.fullmatch(text) and text.casefold() not in RESERVED:
        return f"{text}.html"
    return "_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_DIGITS] + ".html"


def unit_href(unit_id: object, base: str = "") -> str:
    """The link to the unit's page from a page of the year's folder (a stage page), or from
    elsewhere with `base` («../» from another unit's page, «2023/» from the front page).
    Percent-encoded, so the href is plain ASCII whatever the id."""
    return base + quote(f"{UNITS_DIR}/{unit_file(unit_id)}")
