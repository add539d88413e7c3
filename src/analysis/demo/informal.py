"""Informal ПК of the demo city beyond membership: ПТГ information cards, the resource-centre
columns of `Планы-отчёты`, and the МУКО mechanisms each measure serves (SPEC §3).

Structure to find: every fourth ПТГ never files a card; a ПТГ works on a topic for two or three
years (its card is «в работе», then «завершена» in the last year, and a new topic starts); one
ПТГ in five suspends its work for a year; the first РЦ's опорные площадки grow by one a year.
Draws come from their own stream (`streams.INFORMAL`), so the rest of the city is unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import contract
from analysis.demo import networks, streams

NO_CARD_EVERY = 4  # the ПТГ at positions 3, 7, 11, … never file a card
SUSPENDED_EVERY, SUSPENDED_AT = 5, 2  # the ПТГ at positions 2, 7, … pause in the third year
# Successive topics of a ПТГ within its theme (the seed: a group works on one problem at a time).
ASPECTS = (
    "диагностика и оценка",
    "методические приёмы на уроке",
    "сетевые практики",
    "сопровождение молодых педагогов",
)
RESULT_FORMS = ("семинар для педагогов города", "публикация в сборнике", "мастер-класс", None)

# The other МУКО mechanisms each measure title serves (the seed's first slide); measures
# addressed to ШНОР or ШНСУ serve «ШНОР/ШНСУ» too. Titles absent here serve none (a gap).
MUKO_BY_TITLE: dict[str, tuple[str, ...]] = {
    "Организация курсов повышения квалификации по реализации обновлённых ФГОС": (
        "качество подготовки обучающихся",
    ),
    "Обучение руководящих кадров по программам управления качеством образования": (
        "эффективность руководителей",
    ),
    "Адресные программы повышения квалификации по итогам диагностики дефицитов": (
        "качество подготовки обучающихся",
    ),
    "Вовлечение педагогов в муниципальные конкурсы профессионального мастерства": ("таланты",),
    "Методическое сопровождение аттестации педагогов на квалификационные категории": (
        "качество подготовки обучающихся",
    ),
    "Городские методические мероприятия на базе ресурсных центров": (
        "таланты",
        "профориентация",
    ),
    "Организация муниципального этапа конкурса «Учитель года»": ("таланты",),
    "План-график повышения квалификации руководящих кадров": ("эффективность руководителей",),
    "Сетевые проекты ресурсных центров для ШНОР и ШНСУ": ("ШНОР/ШНСУ",),
    "Конкурс методических разработок городских профессиональных объединений": ("таланты",),
    "Адресная методическая помощь ШНОР по итогам мониторинга": (
        "ШНОР/ШНСУ",
        "качество подготовки обучающихся",
    ),
}
FLAG_SYSTEM = "ШНОР/ШНСУ"
FLAG_TARGETS = ("ШНОР", "ШНСУ")


def _cycle(position: int) -> int:
    """Years a ПТГ spends on one topic: 2 or 3."""
    return 2 + position % 2


def card_row(position: int, assoc_id: str, theme: str, year: int, first: int) -> dict | None:
    """The card of the ПТГ at ``position`` for ``year`` (None: this ПТГ files no card)."""
    if position % NO_CARD_EVERY == NO_CARD_EVERY - 1:
        return None
    length = _cycle(position)
    origin = first - position % length  # topics start staggered, some before the first year
    topic_number = (year - origin) // length
    start = origin + topic_number * length
    end = start + length - 1
    aspect = ASPECTS[(position + topic_number) % len(ASPECTS)]
    if position % SUSPENDED_EVERY == SUSPENDED_AT and year == first + 2:
        status = contract.CARD_SUSPENDED
    elif year == end:
        status = contract.CARD_DONE
    else:
        status = contract.CARD_ACTIVE
    return {
        "assoc_id": assoc_id,
        "topic": f"{theme}: {aspect}",
        "problem": f"Недостаточное владение педагогами практиками по теме «{theme.lower()}» "
        f"({aspect})",
        "goal": f"Разработать и апробировать практики по теме «{theme.lower()}» ({aspect})",
        "start_year": start,
        "end_year": end,
        "planned_results": "методические рекомендации; сборник разработок уроков",
        "result_forms": RESULT_FORMS[(position + topic_number) % len(RESULT_FORMS)],
        "status": status,
        "year_in_topic": year - start,
    }


def cards(seed: int, year: int, first: int, reg: pd.DataFrame) -> pd.DataFrame:
    """`Информационные карты` of a year: one row per ПТГ that files a card."""
    rng = streams.stream(seed, streams.INFORMAL, year)
    ptg = reg.index[reg["assoc_type"].to_numpy() == contract.PTG]
    rows = []
    for position, row in enumerate(ptg):
        theme = networks.PTG_THEMES[position % len(networks.PTG_THEMES)]
        card = card_row(position, reg.at[row, "assoc_id"], theme, year, first)
        if card is not None:
            rows.append(card)
    frame = pd.DataFrame(rows, columns=[*_card_columns(), "year_in_topic"])
    # Results grow over a topic; a suspended group presents nothing that year.
    later = frame["year_in_topic"].to_numpy(dtype=float)
    presented = rng.poisson(1.0 + 1.0 * later, size=len(frame))
    presented[frame["status"].to_numpy() == contract.CARD_SUSPENDED] = 0
    frame["results_presented"] = presented.astype(np.int64)
    return frame[_card_columns()]


def _card_columns() -> list[str]:
    return [c.name for c in contract.SHEETS["assoc_cards"].columns]


def with_rc_columns(
    seed: int, year: int, first: int, reg: pd.DataFrame, reports: pd.DataFrame
) -> pd.DataFrame:
    """`Планы-отчёты` with the РЦ columns filled for resource centres (empty for others)."""
    rng = streams.stream(seed, streams.INFORMAL, 10_000 + year)  # apart from the cards' draws
    reports = reports.copy()
    kind = reports["assoc_id"].map(dict(zip(reg["assoc_id"], reg["assoc_type"])))
    rc_ids = reg.loc[reg["assoc_type"] == contract.RC, "assoc_id"].tolist()
    sites = reg.loc[reg["assoc_type"] == "ОП", "parent_id"].value_counts()
    trend = year - first
    is_rc = (kind == contract.RC).to_numpy()
    ids = reports["assoc_id"].to_numpy()
    support = np.zeros(len(reports), dtype=np.int64)
    for i in np.flatnonzero(is_rc):
        rank = rc_ids.index(ids[i])
        growth = trend if rank == 0 else (trend // 2) * (rank % 2)  # the first РЦ grows yearly
        support[i] = int(sites.get(ids[i], 0)) + growth
    events = rng.poisson(4.0 + 0.5 * trend, size=len(reports))
    external = np.array([rng.binomial(25 * e, 0.6) if e else 0 for e in events], dtype=np.int64)
    for name, values in (
        ("support_sites", support),
        ("city_events", events),
        ("external_participants", external),
    ):
        reports[name] = pd.array(np.where(is_rc, values, 0), dtype="Int64")
        reports.loc[~is_rc, name] = pd.NA
    return reports


def muko_systems(measures: pd.DataFrame) -> list[str | None]:
    """`Механизмы МУКО` of each measure: by its title, plus «ШНОР/ШНСУ» when it targets them."""
    out: list[str | None] = []
    for title, targets in zip(measures["title"], measures["targets"]):
        systems = list(MUKO_BY_TITLE.get(title, ()))
        flagged = any(t.strip() in FLAG_TARGETS for t in str(targets).split(";"))
        if flagged and FLAG_SYSTEM not in systems:
            systems.append(FLAG_SYSTEM)
        ordered = [s for s in contract.MUKO_SYSTEMS if s in systems]
        out.append(";".join(ordered) or None)
    return out
