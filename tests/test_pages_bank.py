"""Page 08 «Банк методических продуктов и практик» and its domain module `practice_bank`, on a
tiny hand-made city (worked by hand below), in both profiles.

2023: schools s1 (Север, РИП, resource centre), s2 (Юг, support site), s3 (Юг), the Centre c1;
associations G1 (ГПО, base s1), T1 (ПТГ «Оценивание», card), T2 (ПТГ «Проекты», no card), R1
(РЦ «Цифра», base s1: plan-report with 2 support sites, 4 events for the city, 3 participants
from other institutions), O1 (ОП in R1). Products M1 (Центр, «памятка»), M2 (s2, «сборник
материалов»), M3 (T1, «методические рекомендации»), M4 (G1, «сборник материалов»).
2022: the same registers, one product (Центр) and no cards sheet.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import context, contract, practice_bank
from analysis.pages import bank as page
from analysis.processed import publish

YEAR = 2023
PERSON_IDS = [f"PX{n:04d}" for n in range(1, 13)]


def _institutions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "inst_id": ["s1", "s2", "s3", "c1"],
            "name": ["Школа № 1", "Школа № 2", "Школа № 3", "Центр"],
            "inst_type": ["ОО", "ОО", "ОО", "ДПО"],
            "district": ["Север", "Юг", "Юг", "Север"],
            "low_results": [False] * 4,
            "unfavourable": [False] * 4,
            "innovation": ["РИП", "нет", "нет", "нет"],
            "resource_centre": [True, False, False, False],
            "support_site": [False, True, False, False],
            "network_agreements": [0] * 4,
        }
    )


def _associations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "assoc_id": ["G1", "T1", "T2", "R1", "O1"],
            "assoc_type": ["ГПО", "ПТГ", "ПТГ", "РЦ", "ОП"],
            "name": ["ГПО математиков", "Оценивание", "Проекты", "Цифра", "Цифра № 1"],
            "parent_id": [None, "G1", None, None, "R1"],
            "inst_id": ["s1", "s1", "s3", "s1", "s2"],
        }
    )


def _reports() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "assoc_id": ["G1", "R1"],
            "participants": [12, 10],
            "participants_under_35": [3, 2],
            "products": [1, 0],
            "new_practices": [1, 1],
            "young_school": [False, False],
            "internships": [0, 0],
            "competitors": [2, 0],
            "events": [3, 4],
            "support_sites": [None, 2],
            "city_events": [None, 4],
            "external_participants": [None, 3],
        }
    )


def _card() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "assoc_id": ["T1"],
            "topic": ["Формирующее оценивание"],
            "problem": ["Мало приёмов оценивания"],
            "goal": ["Собрать приёмы"],
            "start_year": [2022],
            "end_year": [2024],
            "planned_results": ["сборник приёмов"],
            "result_forms": ["мастер-класс"],
            "results_presented": [2],
            "status": ["в работе"],
        }
    )


def _products(year: int) -> pd.DataFrame:
    if year == 2022:
        return pd.DataFrame(
            {
                "product_id": ["M0"],
                "title": ["Памятка"],
                "product_type": ["памятка"],
                "author": ["Центр"],
            }
        )
    return pd.DataFrame(
        {
            "product_id": ["M1", "M2", "M3", "M4"],
            "title": [
                "Памятка <b>молодому</b> педагогу",
                "Сборник школы",
                "Рекомендации",
                "Сборник",
            ],
            "product_type": [
                "памятка",
                "сборник материалов",
                "методические рекомендации",
                "сборник материалов",
            ],
            "author": ["Центр", "s2", "T1", "G1"],
        }
    )


def _year(year: int) -> dict[str, pd.DataFrame]:
    staff = pd.DataFrame(
        {
            "person_id": PERSON_IDS,
            "inst_id": ["s1"] * 6 + ["s2"] * 3 + ["s3"] * 3,
            "position": ["педагог"] * 12,
            "birth_year": [1980] * 12,
            "experience_years": [10.0] * 12,
            "category": ["первая"] * 12,
        }
    )
    members = pd.DataFrame({"assoc_id": ["T1", "R1"], "person_id": PERSON_IDS[:2]})
    tables = {
        "institutions": _institutions(),
        "staff": staff,
        "associations": _associations(),
        "plan_reports": _reports(),
        "members": members,
        "products": _products(year),
    }
    if year == YEAR:
        tables["assoc_cards"] = _card()
    return tables


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    root = tmp_path_factory.mktemp("bank")
    publish(root / "processed", {2022: _year(2022), YEAR: _year(YEAR)})
    return root


@pytest.fixture(scope="module", params=["internal", "public"])
def bank(city, request) -> page.Bank:
    ctx = context.resolve(YEAR, city / "processed", city / "out", request.param)
    return page.load(ctx)


def html(shown) -> str:
    return shown.to_html() if hasattr(shown, "to_html") else shown.data


# --------------------------------------------------------------------------- the domain


def test_products_resolve_their_authors_and_are_counted_by_type():
    items = practice_bank.products(_products(YEAR), _institutions(), _associations())
    # the Centre first, then institutions, then associations by name («ГПО…» before «ПТГ…»)
    assert items["product_id"].tolist() == ["M1", "M2", "M4", "M3"]
    assert items["author_name"].tolist() == [
        "МУ ДПО «ЦПКИМР»",
        "Школа № 2",
        "ГПО «ГПО математиков»",
        "ПТГ «Оценивание»",
    ]
    counts = practice_bank.by_type(items)
    # сборник: s2 + G1 = 2; рекомендации: T1; памятка: Центр — most first, then by name
    assert counts.values.tolist() == [
        ["сборник материалов", 0, 1, 1, 2],
        ["методические рекомендации", 0, 0, 1, 1],
        ["памятка", 1, 0, 0, 1],
    ]


def test_products_per_author_most_first():
    items = pd.DataFrame(
        {
            "author_kind": ["Центр", "учреждение", "объединение", "учреждение"],
            "author_name": ["МУ ДПО «ЦПКИМР»", "Школа № 2", "ГПО «А»", "Школа № 2"],
        }
    )
    # Школа № 2 twice; the others once each, in the products' order
    assert practice_bank.by_author(items).values.tolist() == [
        ["учреждение", "Школа № 2", 2],
        ["Центр", "МУ ДПО «ЦПКИМР»", 1],
        ["объединение", "ГПО «А»", 1],
    ]


def test_innovation_statuses_and_resource_centres():
    assert practice_bank.innovators(_institutions())["inst_id"].tolist() == ["s1", "s2"]
    assert practice_bank.status_counts(_institutions()) == {
        "РИП": 1,
        "ФИП": 0,
        "resource_centre": 1,
        "support_site": 1,
    }
    rc = practice_bank.resource_centres(_associations(), _reports(), _institutions())
    assert rc.values.tolist() == [["R1", "Цифра", "Школа № 1", 1, True, 2, 4]]
    alone = practice_bank.resource_centres(_associations(), _reports().iloc[:1], None)
    assert alone.values.tolist() == [["R1", "Цифра", "s1", 1, False, None, None]]


def test_every_ptg_is_listed_with_or_without_its_card():
    ptg = practice_bank.ptg_cards(_associations(), _card(), _institutions())
    assert ptg[["assoc_id", "has_card"]].values.tolist() == [["T1", True], ["T2", False]]
    assert ptg.iloc[0][["topic", "results_presented"]].tolist() == ["Формирующее оценивание", 2]
    assert ptg.iloc[1][["topic", "results_presented"]].isna().all()  # no card: empty


def test_year_counts_say_no_data_for_a_form_that_did_not_arrive():
    items = practice_bank.products(_products(2022), _institutions(), _associations())
    counts = practice_bank.year_counts(items, _institutions(), _associations(), None, True)
    assert counts == {
        "products": 1,
        "products_0": 1,
        "products_1": 0,
        "products_2": 0,
        "innovation": 1,
        "resource_centres": 1,
        "support_sites": 1,
        "ptg": 2,
        "cards": None,
        "results": None,
    }


# --------------------------------------------------------------------------- the page


def test_page_tables_in_both_profiles(bank):
    by_type = html(page.products_by_type(bank))
    assert "сборник материалов" in by_type
    ptg = html(page.ptg_table(bank))
    assert "Формирующее оценивание" in ptg and "2022–2024" in ptg
    assert page.ptg_sentence(bank) == (
        "Информационная карта есть у 1 из 2 ПТГ. Без карты: «Проекты»."
    )
    dynamics = bank.dynamics.set_index("Показатель")
    assert dynamics.loc["Методические продукты, всего"].tolist() == ["1", "4"]
    assert dynamics.loc["Информационные карты ПТГ"].tolist() == ["—", "1"]  # no sheet in 2022
    assert dynamics.loc["Результаты, представленные ПТГ за год"].tolist() == ["—", "2"]


def test_text_from_the_forms_is_escaped(bank):
    listing = html(page.products_list(bank))
    assert "Памятка &lt;b&gt;молодому&lt;/b&gt; педагогу" in listing and "<b>" not in listing


def test_public_bank_shows_no_person_data_and_hides_small_counts_of_people(bank):
    shown = "".join(
        html(x)
        for x in (
            page.summary(bank),
            page.products_by_type(bank),
            page.products_list(bank),
            page.products_by_author(bank),
            page.innovators_table(bank),
            page.resource_centres_table(bank),
            page.ptg_table(bank),
            page.ptg_details(bank),
            page.dynamics_table(bank),
            page.conclusions(bank),
        )
    )
    assert not [p for p in PERSON_IDS if p in shown]
    rc = page.resource_centres_table(bank).data
    people = rc["Участники из других учреждений"].tolist()
    if bank.public:  # 3 participants from elsewhere: fewer than 5 people → «*»
        assert people == ["*"]
        assert "Код продукта" not in shown and "Код автора" not in shown
        assert "нет сведений о людях" in shown
    else:
        assert people == ["3"]
        assert "Код продукта" in shown


def test_a_column_the_contract_declares_non_public_never_reaches_the_public_page(city, monkeypatch):
    assert contract.private_columns("measures") == ("responsible",)
    monkeypatch.setattr(page, "private_columns", lambda table: ("title", "problem", "goal"))
    public = page.load(context.resolve(YEAR, city / "processed", city / "out", "public"))
    listing, details = html(page.products_list(public)), html(page.ptg_details(public))
    assert "Памятка" not in listing and "Сборник школы" not in listing
    assert "Название" not in listing and "Вид" in listing
    assert "Мало приёмов" not in details and "сборник приёмов" in details
    internal = page.load(context.resolve(YEAR, city / "processed", city / "out", "internal"))
    assert "Сборник школы" in html(page.products_list(internal))
