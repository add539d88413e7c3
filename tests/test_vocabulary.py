"""The book's shared words and codes (`analysis.vocabulary`): flags cells and the grammar of
`Адресаты`, on hand-written cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import contract, templates
from analysis import vocabulary as v
from analysis.vocabulary import Target

# --------------------------------------------------------------------------- flags


@pytest.mark.parametrize(
    "cell, flags",
    [
        ("incomplete_window;suppressed", {"incomplete_window", "suppressed"}),
        (" suppressed ; ", {"suppressed"}),  # spaces and a trailing separator are not flags
        ("suppressed;suppressed", {"suppressed"}),
        ("", set()),
        ("  ", set()),
        (None, set()),
        (float("nan"), set()),  # an empty cell of a CSV
        (pd.NA, set()),  # an empty cell of a string column
    ],
)
def test_parse_flags(cell, flags):
    assert v.parse_flags(cell) == frozenset(flags)


def test_join_flags_sorts_drops_blanks_and_repeats():
    assert v.join_flags(["suppressed", "incomplete_window", "", "suppressed"]) == (
        "incomplete_window;suppressed"
    )
    assert v.join_flags([]) == ""
    # a cell read back gives the same flags
    assert v.parse_flags(v.join_flags({"no_data", "suppressed"})) == {"no_data", "suppressed"}


def test_has_flag_and_flag_mask():
    flags = pd.Series(["incomplete_window", "incomplete_window;suppressed", None, "suppressed"])
    assert v.has_flag("incomplete_window;suppressed", v.SUPPRESSED)
    assert not v.has_flag("no_suppressed_here", v.SUPPRESSED)  # whole flags, not substrings
    assert v.flag_mask(flags, v.SUPPRESSED).tolist() == [False, True, False, True]
    assert v.flag_mask(flags.iloc[:0], v.SUPPRESSED).tolist() == []


# Tricky cells, each with whether it carries `suppressed` worked out by hand from the grammar
# (split on «;», strip spaces, whole flags only).
TRICKY_CELLS = [
    ("", False),  # blank
    (None, False),
    (float("nan"), False),  # an empty cell of a CSV
    (pd.NA, False),
    ("suppressed_later", False),  # `suppressed` is a prefix of another flag
    ("not_suppressed", False),  # ... and a suffix of another
    ("not_suppressed;suppressed", True),  # the longer one first, then the flag itself
    (" suppressed ; ", True),  # spaces and a trailing separator around it
    ("\tsuppressed\n", True),  # any blank around it
    ("incomplete_window; suppressed", True),
    ("suppressed window", False),  # a space inside is part of the flag: another flag
    (";;", False),
    (1, False),  # not text: no flags
]


@pytest.mark.parametrize("dtype", [object, "str"])
def test_flag_mask_agrees_with_has_flag_on_tricky_cells(dtype):
    cells = [c for c, _ in TRICKY_CELLS]
    expected = [carries for _, carries in TRICKY_CELLS]
    if dtype == "str":  # a string column holds text and blanks only
        kept = [i for i, c in enumerate(cells) if isinstance(c, str) or pd.isna(c)]
        cells, expected = [cells[i] for i in kept], [expected[i] for i in kept]
    column = pd.Series(cells, dtype=dtype, index=range(10, 10 + len(cells)))  # index ignored
    assert [v.has_flag(c, v.SUPPRESSED) for c in cells] == expected
    mask = v.flag_mask(column, v.SUPPRESSED)
    assert mask.dtype == bool and mask.tolist() == expected


def test_flag_mask_repeated_cells_and_odd_flags():
    column = pd.Series(["suppressed", None, "suppressed", "no_data", None, "suppressed"])
    # rows 0, 2, 5 carry it; the blanks and `no_data` do not
    assert v.flag_mask(column, v.SUPPRESSED).tolist() == [True, False, True, False, False, True]
    # an empty flag or one with blanks around it is never carried (cells are stripped)
    assert not v.flag_mask(column, "").any()
    assert not v.flag_mask(column, " suppressed").any()
    # a categorical column and a column of unhashable cells give the same answers
    as_category = v.flag_mask(column.astype("category"), v.SUPPRESSED)
    assert as_category.tolist() == [True, False, True, False, False, True]
    odd = pd.Series([["suppressed"], "suppressed"], dtype=object)  # a list is not a flags cell
    assert v.flag_mask(odd, v.SUPPRESSED).tolist() == [False, True]


@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_add_flag_on_the_rows_asked(dtype):
    flags = pd.Series(["incomplete_window", None, "suppressed", ""], dtype=dtype)
    out = v.add_flag(flags, v.SUPPRESSED, np.array([True, True, True, False]))
    # row 0 gains the flag (sorted join), row 1 had none, row 2 has it already, row 3 untouched
    assert [v.parse_flags(c) for c in out] == [
        {"incomplete_window", "suppressed"},
        {"suppressed"},
        {"suppressed"},
        set(),
    ]
    assert out.iloc[0] == "incomplete_window;suppressed"
    assert flags.iloc[1] is None or pd.isna(flags.iloc[1])  # the input is not changed


def test_add_flag_on_a_column_with_no_flags_at_all():
    # a `flags` column read back from a CSV where no row had a flag is all-NaN float
    flags = pd.Series([np.nan, np.nan])
    out = v.add_flag(flags, v.INCOMPLETE_WINDOW, [False, True])
    assert [v.parse_flags(c) for c in out] == [set(), {"incomplete_window"}]


def test_flag_words():
    # sorted by code: incomplete_window, suppressed; an unknown flag is shown as it is
    assert v.flag_words("suppressed;incomplete_window") == "неполное окно; скрыто (малое число)"
    assert v.flag_words("no_data;mystery") == "mystery; нет данных"  # «mystery» < «no_data»
    assert v.flag_words("") is None
    assert v.flag_words(None) is None


# --------------------------------------------------------------------------- addressees


@pytest.mark.parametrize(
    "item, target",
    [
        ("все", Target(v.ALL, "все")),
        (" ВСЕ ", Target(v.ALL, "все")),  # case and spaces
        ("ШНОР", Target(v.SCHOOL_FLAG, "low_results")),
        ("шнсу", Target(v.SCHOOL_FLAG, "unfavourable")),
        ("\u00a0Шнор\u00a0", Target(v.SCHOOL_FLAG, "low_results")),  # no-break spaces
        ("район:Ленинский", Target(v.BY_DISTRICT, "Ленинский")),
        ("Район : Ленинский ", Target(v.BY_DISTRICT, "Ленинский")),  # value kept as typed, trimmed
        ("РАЙОН:Орджоникидзевский", Target(v.BY_DISTRICT, "Орджоникидзевский")),
        ("район:Заречный:старый", Target(v.BY_DISTRICT, "Заречный:старый")),  # first colon splits
        ("район:", Target(v.BY_DISTRICT, "")),  # an empty district is still a district item
        ("тип:ДОО", Target(v.BY_TYPE, "ДОО")),
        ("Тип: доо", Target(v.BY_TYPE, "доо")),
        ("ОО-1", Target(v.CODE, "ОО-1")),
        (" ГПО-1 ", Target(v.CODE, "ГПО-1")),
        ("район Ленинский", Target(v.CODE, "район Ленинский")),  # no colon: not a district item
        ("районы:Ленинский", Target(v.CODE, "районы:Ленинский")),  # another prefix: a code
    ],
)
def test_parse_target_every_kind(item, target):
    assert v.parse_target(item) == target


def test_parse_target_reads_yo_as_ye():
    # SPEC §3: ё→е, so «ВСЁ» is «все»; a district keeps its «ё» as typed (the register matches
    # it by `normalize` against the institutions' districts)
    assert v.parse_target("ВСЁ") == Target(v.ALL, "все")
    assert v.parse_target("район:Берёзовый") == Target(v.BY_DISTRICT, "Берёзовый")


@pytest.mark.parametrize(
    "cell, items",
    [
        ("ОО-1;ГПО-1", ["ОО-1", "ГПО-1"]),
        (" ОО-1 ; ; ГПО-1 ;", ["ОО-1", "ГПО-1"]),  # blank items are dropped
        ("", []),
        (None, []),
        (float("nan"), []),
        (pd.NA, []),
    ],
)
def test_split_targets(cell, items):
    assert v.split_targets(cell) == items


def test_parse_targets_and_targets_all():
    assert v.parse_targets("ШНОР; район:Ленинский") == [
        Target(v.SCHOOL_FLAG, "low_results"),
        Target(v.BY_DISTRICT, "Ленинский"),
    ]
    assert v.targets_all("Все")
    assert v.targets_all("ОО-1;все")  # ingest forbids it; the reader still sees «все»
    assert not v.targets_all("ОО-1;ШНОР")
    assert not v.targets_all(None)


@pytest.mark.parametrize(
    "kind, value, text",
    [
        (v.ALL, "все", "все"),
        (v.SCHOOL_FLAG, "low_results", "ШНОР"),
        (v.SCHOOL_FLAG, "unfavourable", "ШНСУ"),
        (v.BY_DISTRICT, "Ленинский", "район:Ленинский"),
        (v.BY_TYPE, "ДОО", "тип:ДОО"),
        (v.CODE, "ОО-1", "ОО-1"),
    ],
)
def test_target_text_is_read_back_as_the_same_target(kind, value, text):
    assert v.target_text(kind, value) == text
    assert v.parse_target(text) == Target(kind, value)


def test_targets_words_for_a_reader():
    assert v.targets_words("все") == "все учреждения и объединения"
    assert v.targets_words("район:Ленинский;ШНОР") == "район Ленинский; ШНОР"
    assert v.targets_words("тип:ДОО;ГПО-1") == "тип ДОО; ГПО-1"
    assert v.targets_words("") == "не указаны"
    assert v.targets_words(None) == "не указаны"


def test_targets_words_shows_six_codes_then_the_rest_as_a_count():
    codes = ";".join(f"ОО-{i}" for i in range(1, 10))  # 9 codes: 6 shown, «и ещё 3»
    assert v.targets_words(codes) == "ОО-1, ОО-2, ОО-3, ОО-4, ОО-5, ОО-6 и ещё 3"
    six = ";".join(f"ОО-{i}" for i in range(1, 7))  # exactly 6: no «и ещё»
    assert v.targets_words(six) == "ОО-1, ОО-2, ОО-3, ОО-4, ОО-5, ОО-6"
    # words first, then the codes: district, the codes after it
    mixed = "ОО-1;район:Ленинский;" + ";".join(f"ГПО-{i}" for i in range(1, 8))
    assert v.targets_words(mixed) == (
        "район Ленинский; ОО-1, ГПО-1, ГПО-2, ГПО-3, ГПО-4, ГПО-5 и ещё 2"
    )


def test_the_templates_state_the_grammar_ingest_checks():
    column = contract.SHEETS["measures"].column("targets")
    # the Centre's type is a valid addressee (ingest accepts тип:ДПО), so the forms say so too
    assert templates.column_help(column) == (
        "«все» или через «;»: коды ОУ, коды объединений, район:<название>, "
        "тип:<ОО|ДОО|УДО|ДПО>, ШНОР, ШНСУ"
    )
    assert v.TARGET_HINT == "ожидается " + templates.column_help(column)


def test_flag_mask_of_repeated_and_missing_cells():
    # the mask is worked out once per distinct cell, then spread back to every row in order
    flags = pd.Series(["suppressed", "", np.nan, "suppressed", "no_data;suppressed", "", None])
    assert v.flag_mask(flags, v.SUPPRESSED).tolist() == [
        True,
        False,
        False,
        True,
        True,
        False,
        False,
    ]
    assert v.flag_mask(pd.Series([np.nan, np.nan]), v.NO_DATA).tolist() == [False, False]
    assert v.flag_mask(["no_data", "x"], v.NO_DATA).tolist() == [True, False]  # a plain list too
