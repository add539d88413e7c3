"""Matching of headers, sheet names and enumerated values as SPEC §3 asks.

Users type headers with stray spaces, line breaks, capitals and «ё»; every comparison goes through
`normalize` so that «Код  ОУ », «код оу» and «Код\nОУ» are the same header.
"""

from __future__ import annotations

import re

_WHITESPACE = re.compile(r"\s+")  # \s covers line breaks and the non-breaking space in str regexes


def normalize(text: object) -> str:
    """Collapse whitespace to one space, trim, case-fold and map ё→е."""
    s = _WHITESPACE.sub(" ", str(text)).strip().casefold()
    return s.replace("ё", "е")
