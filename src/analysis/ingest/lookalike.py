"""Characters a school secretary cannot see: invisible ones and Latin/Cyrillic look-alikes.

A value refused for «ОО» that prints as «OO» tells nobody anything. Messages therefore show
invisible characters by name («P001⟨невидимый символ U+200B⟩»), say which letters are from the
other alphabet («латинская буква O»), and name the allowed value the input resembles once both
are folded (look-alikes mapped to one alphabet, invisible characters removed, case ignored).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable

# Letters that look the same in both alphabets (upper and lower case as typed).
_LATIN = "AaBCcEeHKkMOoPpTXxy"
_CYRILLIC = "АаВСсЕеНКкМОоРрТХху"
_TO_CYRILLIC = str.maketrans(_LATIN, _CYRILLIC)
_LATIN_SET = frozenset(_LATIN)
_CYRILLIC_SET = frozenset(_CYRILLIC)
_KEEP = "\t\n\r"  # control characters a cell may legitimately hold (line breaks)


def _invisible_class() -> re.Pattern[str]:
    """Format (Cf), control (Cc) and unassigned private-use characters of the BMP, and tags."""
    chars = [
        chr(code)
        for code in range(0x10000)
        if unicodedata.category(chr(code)) in ("Cf", "Cc", "Co") and chr(code) not in _KEEP
    ]
    body = "".join(re.escape(c) for c in chars)
    wide = "\U000e0000-\U000e007f" if sys.maxunicode > 0xFFFF else ""
    return re.compile(f"[{body}{wide}]")


INVISIBLE = _invisible_class()


def has_invisible(text: str) -> bool:
    return INVISIBLE.search(text) is not None


def reveal(text: str) -> str:
    """Invisible characters written out: «P001⟨невидимый символ U+200B⟩»."""
    if text.isascii() and text.isprintable():
        return text
    return INVISIBLE.sub(lambda m: f"⟨невидимый символ U+{ord(m.group()):04X}⟩", text)


def fold(text: str) -> str:
    """The key two values share when they only differ by look-alikes, invisibles or case."""
    bare = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(bare.translate(_TO_CYRILLIC).casefold().replace("ё", "е").split())


def _letters(chars: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(chars))


def explain(value: str, allowed: str | None = None) -> str:
    """Why `value` may look right but is not: foreign look-alike letters (measured against the
    alphabet of `allowed`, or mixed alphabets in `value` itself) and invisible characters.
    '' when there is nothing of the kind."""
    parts = []
    invisible = INVISIBLE.findall(value)
    if invisible:
        codes = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(invisible))
        word = "невидимый символ" if len(set(invisible)) == 1 else "невидимые символы"
        parts.append(f"{word} {codes} — удалите")
    target = allowed if allowed is not None else value
    has_cyrillic = any("а" <= c.lower() <= "я" or c in "ёЁ" for c in target)
    has_latin = any("a" <= c.lower() <= "z" for c in target)
    if allowed is not None:
        if has_cyrillic and not has_latin:
            latin = [c for c in value if c in _LATIN_SET]
            if latin:
                parts.append(f"{_plural_letters('латинск', latin)}: наберите кириллицей")
        elif has_latin and not has_cyrillic:
            cyrillic = [c for c in value if c in _CYRILLIC_SET]
            if cyrillic:
                parts.append(f"{_plural_letters('кириллическ', cyrillic)}: наберите латиницей")
    elif has_cyrillic and has_latin:  # one value in two alphabets: name the odd letters
        latin = [c for c in value if "a" <= c.lower() <= "z"]
        cyrillic = [c for c in value if "а" <= c.lower() <= "я"]
        odd, word = (latin, "латинск") if len(latin) <= len(cyrillic) else (cyrillic, "кириллическ")
        parts.append(f"{_plural_letters(word, odd)} среди букв другого алфавита")
    return "; ".join(parts)


def _plural_letters(stem: str, letters: list[str]) -> str:
    unique = list(dict.fromkeys(letters))
    if len(unique) == 1:
        return f"{stem}ая буква {unique[0]}"
    return f"{stem}ие буквы {_letters(unique)}"


def resembling(value: str, candidates: Iterable[str]) -> str | None:
    """The candidate `value` resembles (same `fold`) though it is not equal to it, or None."""
    key = fold(value)
    for candidate in candidates:
        if fold(candidate) == key and candidate != value:
            return candidate
    return None


def hint(value: object, candidates: Iterable[str]) -> str:
    """«: похоже на «ОО» — латинские буквы O, O: наберите кириллицей», or '' (for messages)."""
    if not isinstance(value, str):
        return ""
    match = resembling(value, candidates)
    why = explain(value, match)
    if match is None:
        return f" ({why})" if why else ""
    return f"; похоже на «{match}»" + (f" — {why}" if why else "")
