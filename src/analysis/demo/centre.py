"""The Centre's form: its plan (municipal assignment), the city's methodological events and the
bank of methodological products."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.contract import CENTRE, SHEETS
from analysis.demo import city, streams

EVENTS, PRODUCTS = 160, 45  # events and products a year at scale 1
FORMATS = ("семинар", "конференция", "мастер-класс", "вебинар", "конкурс", "курсы", "другое")
FORMAT_P = np.array([0.35, 0.06, 0.25, 0.15, 0.06, 0.05, 0.08])
FORMAT_PARTICIPANTS = np.array([35, 150, 25, 70, 40, 30, 30])
GROUPS = SHEETS["events"].column("target_group").choices  # the contract's, in its order
GROUP_P = np.array([0.14, 0.10, 0.12, 0.28, 0.16, 0.08, 0.12])
THEMES = (
    "Функциональная грамотность",
    "Обновлённые ФГОС",
    "Наставничество",
    "Цифровая образовательная среда",
    "Инклюзивное образование",
    "Воспитание",
    "Профориентация",
    "Подготовка к ГИА",
    "Формирующее оценивание",
    "Одарённые дети",
)
PRODUCT_TYPES = (
    "методические рекомендации",
    "сборник материалов",
    "программа",
    "видеоурок",
    "кейс",
    "дидактические материалы",
)


def _organizers(
    rng: np.random.Generator,
    n: int,
    insts: pd.DataFrame,
    reg: pd.DataFrame,
    p_centre: float,
    p_inst: float,
) -> np.ndarray:
    """«Центр», an inst_id (resource centres, support sites and innovators more often, the
    lagging district less) or an assoc_id."""
    city_insts = insts[insts["inst_type"] != "ДПО"]
    w = (
        1.0
        + 3.0 * city_insts["resource_centre"].to_numpy()
        + 2.0 * city_insts["support_site"].to_numpy()
        + 2.0 * (city_insts["innovation"] != "нет").to_numpy()
    )
    w *= np.where(city_insts["district"] == city.LAGGING_DISTRICT, 0.6, 1.0)
    inst_pick = rng.choice(city_insts["inst_id"].to_numpy(), size=n, p=w / w.sum())
    assoc_pick = rng.choice(reg["assoc_id"].to_numpy(), size=n)
    u = rng.random(n)
    return np.where(u < p_centre, CENTRE, np.where(u < p_centre + p_inst, inst_pick, assoc_pick))


def events(
    rng: np.random.Generator,
    year: int,
    first: int,
    insts: pd.DataFrame,
    reg: pd.DataFrame,
    scale: float,
) -> pd.DataFrame:
    """`Мероприятия` of the year (the Centre's, institutions' and associations')."""
    n = max(6, round(EVENTS * scale * (1 + 0.04 * (year - first))))
    fmt = rng.choice(len(FORMATS), size=n, p=FORMAT_P)
    theme = np.array(THEMES, dtype=object)[rng.integers(0, len(THEMES), size=n)]
    title = [f"{FORMATS[f].capitalize()} «{t}»" for f, t in zip(fmt, theme)]
    width = max(3, len(str(n)))
    return pd.DataFrame(
        {
            "event_id": [f"ММ-{year}-{k:0{width}d}" for k in range(1, n + 1)],
            "date": np.sort(streams.random_dates(rng, year, n)).astype("datetime64[ms]"),
            "title": title,
            "format": np.array(FORMATS, dtype=object)[fmt],
            "organizer": _organizers(rng, n, insts, reg, 0.45, 0.35),
            "target_group": np.array(GROUPS, dtype=object)[
                rng.choice(len(GROUPS), size=n, p=GROUP_P)
            ],
            "participants": (rng.poisson(FORMAT_PARTICIPANTS[fmt]) + 5).astype(np.int64),
        }
    )


def products(
    rng: np.random.Generator, year: int, insts: pd.DataFrame, reg: pd.DataFrame, scale: float
) -> pd.DataFrame:
    """`Методические продукты` of the year."""
    n = max(3, round(PRODUCTS * scale))
    kind = np.array(PRODUCT_TYPES, dtype=object)[rng.integers(0, len(PRODUCT_TYPES), size=n)]
    theme = np.array(THEMES, dtype=object)[rng.integers(0, len(THEMES), size=n)]
    width = max(3, len(str(n)))
    return pd.DataFrame(
        {
            "product_id": [f"МП-{year}-{k:0{width}d}" for k in range(1, n + 1)],
            "title": [f"{k.capitalize()} «{t}»" for k, t in zip(kind, theme)],
            "product_type": kind,
            "author": _organizers(rng, n, insts, reg, 0.5, 0.15),
        }
    )


def plan(
    rng: np.random.Generator, courses: pd.DataFrame, events_: pd.DataFrame, products_: pd.DataFrame
) -> pd.DataFrame:
    """`План`: the municipal assignment, set near what the Centre then does (±10 %)."""
    centre_pk = (courses["provider"] == CENTRE) & (courses["kind"] == "ПК")
    facts = {
        "centre_person_hours": float(courses.loc[centre_pk, "hours"].sum()),
        "centre_events": float((events_["organizer"] == CENTRE).sum()),
        "centre_products": float((products_["author"] == CENTRE).sum()),
    }
    factor = rng.uniform(0.9, 1.1, size=3)
    planned = [
        max(1.0, float(np.round(v * f, -2 if k == "centre_person_hours" else 0)))
        for (k, v), f in zip(facts.items(), factor)
    ]
    return pd.DataFrame({"indicator_id": list(facts), "plan": planned})
