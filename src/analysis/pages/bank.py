"""Page 08 «Банк методических продуктов и практик»: what the city's teachers made and tried
in the year, for the public (the seed's fourth criterion of methodological work: «наличие банка
данных и информирование общественности об инновационной, исследовательской и проектной работе»).

Every table, sentence and profile decision of `notebooks/08_bank.ipynb`; the numbers come from
the domain module `analysis.practice_bank`. The page is about products, institutions and
associations, never about people: it shows no person code, and no column the contract declares
non-public (`contract.private_columns`) in the public profile, where the codes of products and
authors are left out too. The one count of people — participants of resource centres from other
institutions — is read from the year's indicator table as the profile may show it
(`rc_external_participants`, suppressed in the public one like every other count of people).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from analysis import context, fmt, practice_bank, tables
from analysis.context import Context
from analysis.contract import private_columns
from analysis.vocabulary import INST_TYPE_NAMES, SUPPRESSED, has_flag

RC_PEOPLE = "rc_external_participants"  # the indicator of the РЦ's participants from elsewhere
YES = "да"
# the bank's figures of a year (practice_bank.year_counts) as the dynamics table names them
DYNAMICS_ROWS = {
    "products": "Методические продукты, всего",
    "products_0": "в том числе Центра",
    "products_1": "в том числе учреждений",
    "products_2": "в том числе объединений",
    "innovation": "Учреждения со статусом РИП или ФИП",
    "resource_centres": "Ресурсные центры (РЦ)",
    "support_sites": "Опорные площадки РЦ",
    "ptg": "Проблемно-творческие группы (ПТГ)",
    "cards": "Информационные карты ПТГ",
    "results": "Результаты, представленные ПТГ за год",
}


@dataclass(frozen=True)
class Bank:
    """What page 08 reads of a year."""

    year: int
    public: bool
    products: pd.DataFrame  # practice_bank.products
    products_arrived: bool
    innovators: pd.DataFrame  # practice_bank.innovators
    statuses: dict[str, int | None]  # practice_bank.status_counts
    resource_centres: pd.DataFrame  # practice_bank.resource_centres
    rc_people: dict[str, str]  # assoc_id → participants from elsewhere, as the profile shows
    ptg: pd.DataFrame  # practice_bank.ptg_cards
    cards_arrived: bool
    dynamics: pd.DataFrame  # one column per year of the window


def load(ctx: Context) -> Bank:
    """The year's bank, and its figures over the window's years."""
    data = ctx.data
    institutions, associations = data.table("institutions"), data.table("associations")
    items = practice_bank.products(data.table("products"), institutions, associations)
    ptg = practice_bank.ptg_cards(associations, data.table("assoc_cards"), institutions)
    shown = context.for_reader(ctx, context.indicator_table(ctx))
    return Bank(
        ctx.year,
        ctx.public,
        _for_reader(ctx, items, "products"),
        data.table("products") is not None,
        practice_bank.innovators(institutions),
        practice_bank.status_counts(institutions),
        practice_bank.resource_centres(associations, data.table("plan_reports"), institutions),
        rc_people(shown),
        _for_reader(ctx, ptg, "assoc_cards"),
        data.table("assoc_cards") is not None,
        dynamics(ctx),
    )


def _for_reader(ctx: Context, frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The frame without the columns the contract declares non-public, in the public profile."""
    if not ctx.public:
        return frame
    return frame.drop(columns=[c for c in private_columns(table) if c in frame.columns])


def rc_people(shown: pd.DataFrame) -> dict[str, str]:
    """assoc_id → the РЦ's participants from other institutions, formatted («*» if hidden)."""
    rows = shown[shown["indicator_id"].eq(RC_PEOPLE) & shown["level"].eq("association")]
    out = {}
    for unit, value, flags in zip(
        rows["unit_id"], rows["value"], rows.get("flags", [""] * len(rows))
    ):
        out[str(unit)] = fmt.SUPPRESSED if has_flag(flags, SUPPRESSED) else fmt.integer(value)
    return out


def dynamics(ctx: Context) -> pd.DataFrame:
    """The bank's figures of each year of the window (rows: DYNAMICS_ROWS; «—»: no form)."""
    data, columns = ctx.data, {}
    for year in ctx.window_years:
        institutions = data.table_of("institutions", year)
        associations = data.table_of("associations", year)
        raw = data.table_of("products", year)
        counts = practice_bank.year_counts(
            practice_bank.products(raw, institutions, associations),
            institutions,
            associations,
            data.table_of("assoc_cards", year),
            raw is not None,
        )
        columns[str(year)] = [fmt.integer(counts[key]) for key in DYNAMICS_ROWS]
    return pd.DataFrame({"Показатель": list(DYNAMICS_ROWS.values()), **columns})


# --------------------------------------------------------------------------- «Данные»


def summary(bank: Bank) -> HTML:
    """What the bank of the year holds, in a few sentences."""
    return tables.say(summary_sentences(bank))


def summary_sentences(bank: Bank) -> list[str]:
    out = []
    if bank.products_arrived:
        out.append(
            f"В банке {bank.year} года "
            + fmt.count(
                len(bank.products),
                "методический продукт",
                "методических продукта",
                "методических продуктов",
            )
            + " Центра, учреждений и профессиональных объединений."
        )
    else:
        out.append(
            f"Лист «Методические продукты» формы centre.xlsx за {bank.year} год не поступил."
        )
    if bank.statuses["РИП"] is not None:
        s = bank.statuses
        out.append(
            f"Инновационная инфраструктура: РИП — {s['РИП']}, ФИП — {s['ФИП']}, ресурсных "
            f"центров — {s['resource_centre']}, опорных площадок — {s['support_site']} "
            "(по реестру учреждений)."
        )
    if bank.public:
        out.append(
            "Банк открыт для всех: в нём нет сведений о людях — только продукты, учреждения, "
            "объединения и их темы; число участников из других учреждений показано по правилам "
            "публичной версии («*» — скрыто)."
        )
    return out


# --------------------------------------------------------------------------- products


def products_by_type(bank: Bank) -> Styler | HTML:
    """Products by type and kind of author."""
    if bank.products.empty:
        return tables.say(f"Методических продуктов {bank.year} года в банке нет.")
    counts = practice_bank.by_type(bank.products)
    kinds = {
        practice_bank.AUTHOR_CENTRE: "Центр",
        practice_bank.AUTHOR_INSTITUTION: "Учреждения",
        practice_bank.AUTHOR_ASSOCIATION: "Объединения",
    }
    show = pd.DataFrame({"Вид продукта": counts["product_type"].to_numpy()})
    for kind, header in kinds.items():
        show[header] = [fmt.integer(v) for v in counts[kind]]
    show["Всего"] = [fmt.integer(v) for v in counts["total"]]
    return tables.styled(
        show,
        f"Методические продукты {bank.year} года по видам и авторам",
        right=[*kinds.values(), "Всего"],
    )


def products_by_author(bank: Bank) -> Styler | None:
    """How many products each author (the Centre, an institution, an association) gave."""
    if bank.products.empty:
        return None
    counts = practice_bank.by_author(bank.products)
    show = pd.DataFrame(
        {
            "Автор": counts["author_name"].to_numpy(),
            "Кто автор": counts["author_kind"].to_numpy(),
            "Продуктов": [fmt.integer(v) for v in counts["count"]],
        }
    )
    return tables.styled(
        show, f"Авторы методических продуктов {bank.year} года", right=["Продуктов"]
    )


def products_list(bank: Bank) -> Styler | None:
    """Every product of the year: title, type, author (with codes in the internal profile)."""
    if bank.products.empty:
        return None
    headers = {"title": "Название", "product_type": "Вид", "author_name": "Автор"}
    headers["author_kind"] = "Кто автор"
    if not bank.public:  # codes for analysts who look a product up in the forms
        headers = {"product_id": "Код продукта", **headers, "author": "Код автора"}
    return tables.styled(
        _pick(bank.products, headers), f"Каталог методических продуктов {bank.year} года"
    )


def _pick(frame: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    """The frame's columns under their Russian headers, in order; a column the public profile
    dropped (`_for_reader`) is simply not there. Empty cells stay empty."""
    return pd.DataFrame(
        {
            header: ["" if fmt.is_missing(v) else v for v in frame[name]]
            for name, header in headers.items()
            if name in frame.columns
        },
        index=range(len(frame)),
    )


# --------------------------------------------------------------------------- innovation


def innovators_table(bank: Bank) -> Styler | HTML:
    """Institutions with РИП/ФИП status, resource centres and support sites."""
    frame = bank.innovators
    if frame.empty:
        return tables.say(
            "Учреждений с инновационным статусом, ресурсных центров и опорных "
            "площадок в реестре года нет."
        )
    show = pd.DataFrame(
        {
            "Учреждение": frame["name"].to_numpy(),
            "Район": frame["district"].to_numpy(),
            "Тип": [INST_TYPE_NAMES.get(t, t) for t in frame["inst_type"]],
            "Инновационный статус": [
                "" if v == practice_bank.INNOVATION_NONE else v for v in frame["innovation"]
            ],
            "Ресурсный центр": [YES if v else "" for v in frame["resource_centre"]],
            "Опорная площадка": [YES if v else "" for v in frame["support_site"]],
        }
    )
    return tables.styled(show, f"Инновационная инфраструктура {bank.year} года")


def resource_centres_table(bank: Bank) -> Styler | HTML:
    """The РЦ of the register: base, support sites, events for the city, outside participants."""
    frame = bank.resource_centres
    if frame.empty:
        return tables.say("Ресурсных центров в реестре объединений года нет.")
    people = "Участники из других учреждений"
    show = pd.DataFrame(
        {
            "Ресурсный центр": frame["name"].to_numpy(),
            "Базовое учреждение": frame["base"].to_numpy(),
            "Опорных площадок в реестре": [fmt.integer(v) for v in frame["sites_registered"]],
            "Опорных площадок по плану-отчёту": [fmt.integer(v) for v in frame["support_sites"]],
            "Мероприятий для педагогов города": [fmt.integer(v) for v in frame["city_events"]],
            people: [bank.rc_people.get(a, fmt.DASH) for a in frame["assoc_id"]],
        }
    )
    numbers = list(show.columns[2:])
    silent = frame.loc[~frame["reported"].astype(bool), "name"].tolist()
    note = (
        ("план-отчёт за год не сдали: " + fmt.join_ru([f"«{n}»" for n in silent]))
        if silent
        else None
    )
    return tables.styled(show, "Ресурсные центры и их опорные площадки", right=numbers, note=note)


# --------------------------------------------------------------------------- ПТГ


PTG_HEADERS = {  # the card's columns as the topics table names them, in order
    "name": "Группа (ПТГ)",
    "base": "Базовое учреждение",
    "topic": "Тема",
    "years": "Годы работы над темой",
    "status": "Статус",
    "results": "Представлено результатов за год",
    "result_forms": "Формы представления результатов",
}
PTG_DETAILS = {"problem": "Проблема", "goal": "Цель", "planned_results": "Планируемые результаты"}


def ptg_table(bank: Bank) -> Styler | HTML:
    """The ПТГ with a card: topic, years, status, results of the year and their forms."""
    cards = bank.ptg[bank.ptg["has_card"]]
    if cards.empty:
        return tables.say(ptg_sentence(bank))
    cards = cards.assign(
        years=[
            fmt.years_range(int(a), int(b)) for a, b in zip(cards["start_year"], cards["end_year"])
        ],
        results=[fmt.integer(v) for v in cards["results_presented"]],
    )
    return tables.styled(
        _pick(cards, PTG_HEADERS),
        f"Темы и результаты ПТГ {bank.year} года",
        right=[PTG_HEADERS["results"]],
    )


def ptg_details(bank: Bank) -> Styler | None:
    """The problem, goal and planned results of each card (what the group works towards)."""
    cards = bank.ptg[bank.ptg["has_card"]]
    if cards.empty or not set(PTG_DETAILS) & set(cards.columns):
        return None
    return tables.styled(
        _pick(cards, {"name": PTG_HEADERS["name"], **PTG_DETAILS}),
        "Проблема, цель и планируемые результаты ПТГ",
    )


def ptg_sentence(bank: Bank) -> str:
    """How many ПТГ have a card, and which have none."""
    if bank.ptg.empty:
        return "Проблемно-творческих групп в реестре объединений года нет."
    if not bank.cards_arrived:
        return (
            f"Лист «Информационные карты» формы associations.xlsx за {bank.year} год не "
            "поступил: темы и результаты ПТГ неизвестны."
        )
    without = bank.ptg.loc[~bank.ptg["has_card"], "name"].tolist()
    text = f"Информационная карта есть у {int(bank.ptg['has_card'].sum())} из {len(bank.ptg)} ПТГ."
    if without:
        text += " Без карты: " + fmt.join_ru([f"«{n}»" for n in without]) + "."
    return text


# --------------------------------------------------------------------------- dynamics, conclusions


def dynamics_table(bank: Bank) -> Styler:
    return tables.styled(
        bank.dynamics, "Банк по годам", right=[c for c in bank.dynamics.columns[1:]]
    )


def conclusions(bank: Bank) -> HTML:
    return tables.say(conclusion_sentences(bank))


def conclusion_sentences(bank: Bank) -> list[str]:
    """Closing bullets: what the bank holds, who authors it, what the ПТГ presented."""
    out = list(summary_sentences(bank)[:1])
    items = bank.products
    if len(items):
        by_kind = items["author_kind"].value_counts()
        top = by_kind.idxmax()
        out.append(
            f"Больше всего продуктов — у авторов вида «{top}» ({fmt.integer(by_kind.max())} из "
            f"{fmt.integer(len(items))}); самый частый вид продукта — "
            f"«{items['product_type'].value_counts().sort_index().idxmax()}»."
        )
    out.append(ptg_sentence(bank))
    cards = bank.ptg[bank.ptg["has_card"]]
    if len(cards):
        presented = pd.to_numeric(cards["results_presented"]).sum()
        out.append(
            f"ПТГ представили педагогам города результатов за год: {fmt.integer(presented)}."
        )
    return out
