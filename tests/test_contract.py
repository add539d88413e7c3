"""The contract declaration matches SPEC §3 where SPEC pins names."""

from analysis import contract


def test_every_form_of_spec_is_declared_with_its_sheets():
    # SPEC §3 table, column "file" and "sheet", read by hand.
    expected = {
        "institutions": ["Учреждения"],
        "staff": ["Кадры"],
        "courses": ["ДПО"],
        "competitions": ["Конкурсы педагогов", "Конкурсы ОУ"],
        "associations": ["Реестр", "Планы-отчёты", "Информационные карты", "Участники"],
        "centre": ["План", "Мероприятия", "Методические продукты"],
        "diagnostics": ["Дефициты", "Выгорание"],
        "mentoring": ["Наставничество"],
        "measures": ["Меры"],
    }
    assert {f.stem: [s.name for s in f.sheets] for f in contract.FORMS} == expected


def test_staff_sheet_headers_and_machine_names():
    sheet = contract.SHEETS["staff"]
    assert [(c.header, c.name) for c in sheet.columns] == [
        ("Код работника", "person_id"),
        ("Код ОУ", "inst_id"),
        ("Должность", "position"),
        ("Предмет", "subject"),
        ("Год рождения", "birth_year"),
        ("Педагогический стаж", "experience_years"),
        ("Категория", "category"),
    ]
    assert sheet.column("subject").required is False
    assert sheet.column("birth_year").year_bounds == (-80, -16)


def test_machine_names_are_unique_within_each_sheet_and_tables_are_unique():
    tables = [s.table for f in contract.FORMS for s in f.sheets]
    assert len(tables) == len(set(tables)) == 16
    for sheet in contract.SHEETS.values():
        names = [c.name for c in sheet.columns]
        assert len(names) == len(set(names)), sheet.name


def test_references_point_to_declared_columns():
    special = {
        contract.REF_ORGANIZER,
        contract.REF_MEASURE_TARGET,
        contract.REF_INDICATOR,
        contract.REF_RECOMMENDATION,
    }
    for sheet in contract.SHEETS.values():
        for col in sheet.columns:
            if col.ref and col.ref not in special:
                table, name = col.ref.split(".")
                assert name in [c.name for c in contract.SHEETS[table].columns], col.ref


def test_enumerated_columns_have_choices():
    for sheet in contract.SHEETS.values():
        for col in sheet.columns:
            # a LIST may take its values from choices (Меры › Механизмы МУКО)
            enumerated = col.type == contract.ENUM or (
                col.type == contract.LIST and col.ref is None
            )
            assert enumerated == bool(col.choices), (sheet.name, col.name)


def test_only_the_cards_sheet_is_optional():
    # SPEC §3: «Информационные карты (optional sheet)»; every other sheet is required
    optional = [s.name for s in contract.SHEETS.values() if not s.required]
    assert optional == ["Информационные карты"]
