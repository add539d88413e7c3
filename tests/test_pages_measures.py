"""Page 05 (`analysis.pages.measures`): the sentences, tables and figure of the register and its
checks, on the hand-made city and register of `test_register` (five measures М1…М5)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from test_register import ASSOCIATIONS, INSTITUTIONS, PROBLEMS, RECOMMENDATIONS, REGISTER

from analysis import register
from analysis.pages import measures as page

NB = "\u00a0"  # fmt.count puts a no-break space between a number and its noun


@pytest.fixture(scope="module")
def check() -> register.Correspondence:
    return register.correspondence(REGISTER, PROBLEMS, RECOMMENDATIONS, INSTITUTIONS, ASSOCIATIONS)


def _data(measures=REGISTER) -> page.Register:
    return page.Register(2023, measures, INSTITUTIONS, ASSOCIATIONS)


def test_register_sentences():
    assert page.register_sentences(REGISTER, 2023) == [
        # М1, М3 формальное ПК; М2, М5 конкурсы; М4 наставничество — by count, then contract order
        (
            f"В 2023 году принято 5{NB}управленческих решений: формальное ПК — 2, конкурсы — 2, "
            "наставничество — 1."
        ),
        # М3 запланировано; М1, М4, М5 выполнено; М2 не выполнено
        "Статус исполнения: запланировано — 1, выполнено — 3, не выполнено — 1.",
        "Адресовано всем учреждениям: 1 из 5; остальные меры адресные.",  # М3 «все»
        (
            "Механизмы без мер в этом году: неформальное ПК, методическая поддержка и сетевое "
            "взаимодействие."
        ),
    ]
    assert page.register_sentences(REGISTER.iloc[:0], 2023) == ["В реестре 2023 года мер нет."]


def test_summary_says_when_the_register_did_not_arrive():
    html = page.summary(_data(None)).data
    assert "Реестр мер (measures.xlsx) за 2023 год не поступил." in html


def test_register_table_groups_by_mechanism_and_hides_the_responsible_in_public():
    internal = page.register_styler(REGISTER, "Реестр").data
    # contract order of mechanisms: формальное ПК (М1, М3: same date → by code), конкурсы
    # (М2, М5), наставничество (М4)
    assert internal["Код"].tolist() == ["М1", "М3", "М2", "М5", "М4"]
    assert internal["Адресаты"].tolist() == [
        "район Ленинский",
        "все учреждения и объединения",
        "ОО-2",
        "ГПО-1",
        "ОО-9",
    ]
    assert internal["Показатели"].iloc[3] == "не указаны"  # М5 links no indicator
    assert internal["Дата"].iloc[0] == "01.03.2023" and internal["Срок"].iloc[0] == "01.12.2023"
    assert internal["Ответственный"].tolist() == ["Центр"] * 5
    public = page.register_styler(REGISTER, "Реестр", public=True).data
    assert "Ответственный" not in public.columns
    assert list(public.columns) == [c for c in internal.columns if c != "Ответственный"]


def test_indicators_text_names_known_ids_and_keeps_unknown_ones():
    # an unknown id is shown as typed; blanks between separators are dropped
    assert page.indicators_text("no_such; ;other") == "no_such; other"
    assert page.indicators_text(None) == "не указаны"
    named = page.indicators_text("pk_modern_3y")
    assert named != "pk_modern_3y" and named  # the catalogue's Russian name


def test_mechanism_table_counts_every_mechanism():
    shown = page.mechanism_table(_data()).data
    assert list(shown.columns) == [
        "Механизм",
        "Всего мер",
        "Запланировано",
        "Выполнено",
        "Не выполнено",
    ]
    assert shown["Всего мер"].tolist() == ["2", "0", "2", "0", "1", "0"]  # contract order
    assert shown.iloc[2].tolist() == ["конкурсы", "2", "0", "1", "1"]  # М5 выполнено, М2 нет


def test_mechanism_figure_has_a_bar_per_mechanism_with_its_total():
    fig = page.mechanism_figure(register.by_mechanism(REGISTER), "Меры 2023 года")
    ax = fig.axes[0]
    # the contract's first mechanism at the top (y = 5), its last at the bottom (y = 0)
    ticks = {t.get_text(): int(t.get_position()[1]) for t in ax.get_yticklabels()}
    assert ticks == {m: 5 - i for i, m in enumerate(register.MECHANISMS)}
    # totals written beside the bars, top to bottom: 2, 0, 2, 0, 1, 0
    totals = sorted(ax.texts, key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in totals] == ["2", "0", "2", "0", "1", "0"]
    assert ax.get_title(loc="left") == "Меры 2023 года"  # the house style titles on the left
    plt.close(fig)


def test_correspondence_sentences(check):
    assert page.correspondence_sentences(check, True, True) == [
        # ОО-2 pk_modern_3y, ШМП-1 informal_coverage, centre centre_events
        f"Без меры остаются 3{NB}проблемы анализа.",
        f"Без меры остаются 1{NB}рекомендация.",  # r2 (ШНОР, category_high)
        f"1{NB}мера не отвечает ни на одну найденную проблему или рекомендацию этого года.",  # М5
        f"У 1{NB}меры не указан ни один показатель каталога.",  # М5
        f"У 1{NB}меры адресаты не найдены среди учреждений и объединений года.",  # М4: ОО-9
    ]
    # without problems or recommendations only the register's own checks are said
    assert len(page.correspondence_sentences(check, False, False)) == 2


def test_correspondence_sentences_when_everything_is_answered():
    clean = register.correspondence(
        REGISTER.iloc[:3], PROBLEMS.iloc[[0, 2, 3]], None, INSTITUTIONS, ASSOCIATIONS
    )
    # ОО-1 ← М1 (Ленинский), Правобережный ← М2 (ОО-2), city heads ← М3 (все)
    assert page.correspondence_sentences(clean, True, False) == [
        "У всех найденных проблем есть мера.",
        "Каждая мера отвечает на найденную проблему или рекомендацию.",
        "У каждой меры указаны показатели каталога.",
        "У каждой меры есть адресаты.",
    ]


def test_unanswered_tables_in_russian(check):
    shown = page.unanswered_problems(check).data
    # one row each, ordered by indicator id: centre_events, informal_coverage, pk_modern_3y
    assert shown["Уровень"].tolist() == ["Центр", "объединение", "учреждение"]
    assert shown["Без меры"].tolist() == ["1", "1", "1"]
    recs = page.unanswered_recommendations(check).data
    assert recs["Уровень"].tolist() == ["группа школ"]  # r2 at level school_group
    assert page.unanswered_recommendations(check).caption.startswith("Рекомендации без мер")


def test_measure_findings_list_each_check_that_found_measures(check):
    found = page.measure_findings(check)
    # without a problem: М5; without an indicator: М5; without an addressee: М4 (ОО-9)
    assert [t.data["Код"].tolist() for t in found] == [["М5"], ["М5"], ["М4"]]
    assert [t.caption for t in found] == [
        "Меры, не отвечающие ни на одну проблему года",
        "Меры без показателей каталога",
        "Меры без адресатов",
    ]
    assert found[2].data["Адресаты"].tolist() == ["ОО-9"]


def test_conclusions_take_the_first_sentences(check):
    html = page.conclusions(_data(), check).data
    assert f"В 2023 году принято 5{NB}управленческих решений" in html
    assert "Статус исполнения" not in html  # only the first sentence of the register
    assert f"Без меры остаются 3{NB}проблемы анализа." in html
    assert "показатель каталога" not in html  # only the first three of the checks


def test_a_year_without_the_register_shows_empty_tables():
    assert page.register_styler(None, "Реестр").data.empty
    # every mechanism listed with zero measures
    assert page.mechanism_table(_data(None)).data["Всего мер"].tolist() == ["0"] * 6
    check = register.correspondence(None, PROBLEMS, None, INSTITUTIONS, ASSOCIATIONS)
    assert page.measure_findings(check) == []
    assert page.correspondence_sentences(check, True, False)[0] == (
        f"Без меры остаются 6{NB}проблем анализа."  # all six problems of the hand-made city
    )


def test_muko_sentences_name_the_gaps_by_mechanism():
    from test_register import MUKO_REGISTER

    counts = register.by_muko_system(MUKO_REGISTER)
    assert page.muko_sentences(counts) == [
        # М1, М2, М3, М5 name a system; М4 does not
        f"Другим механизмам МУКО служат 4 из 5{NB}мер года; у 1 отметки нет.",
        (
            f"Пробелы (20{NB}пустых клеток из 25) — ни одна мера года механизма ПК не служит "
            "системе: формальное ПК — таланты, профориентация, ШНОР/ШНСУ; неформальное ПК — мер "
            "этого механизма в году нет; конкурсы — эффективность руководителей, ШНОР/ШНСУ, "
            "качество подготовки обучающихся; методическая поддержка — таланты, профориентация, "
            "эффективность руководителей, ШНОР/ШНСУ, качество подготовки обучающихся; сетевое "
            "взаимодействие — таланты, профориентация, эффективность руководителей, качество "
            "подготовки обучающихся."
        ),
    ]
    shown = page.muko_table(counts).data
    assert list(shown.columns) == [
        "Механизм ПК",
        "Таланты",
        "Профориентация",
        "Эффективность руководителей",
        "ШНОР/ШНСУ",
        "Качество подготовки обучающихся",
        "Всего мер",
        "Без отметки",
    ]
    assert shown.iloc[2][["Таланты", "Профориентация"]].tolist() == ["2", "1"]  # конкурсы


def test_muko_sentences_without_register_or_marks():
    assert page.muko_sentences(register.by_muko_system(None), arrived=False) == [
        "Реестр мер не поступил: связь мер с другими механизмами МУКО не оценивается."
    ]
    # the register of test_register has no «Механизмы МУКО» column at all
    assert page.muko_sentences(register.by_muko_system(REGISTER))[0].startswith(
        "В реестре не заполнен столбец «Механизмы МУКО»"
    )
