"""The register of measures (`Меры`) and THE GROUND TRUTH of which of them work.

Every year has 8–15 measures. A few are *scheduled* measures of an effect group (courses for
pk_modern_3y, management courses for heads, courses after diagnosed deficits, municipal
competitions, associations, mentoring, attestation): a coin decides whether such a measure is
effective. An effective measure of year t raises, in year t+1 and only for the staff of the
institutions it targets, the very behaviour behind its indicators by ``LIFT`` (20 percentage
points of the targeted staff, taken from those who lack it). All other measures — fillers linked
to indicators no effect touches, and every measure addressed to `все` — are inert.

The schedule keeps verdicts clean for a difference-in-differences check (indicator in t−1 vs t+1,
targets vs the rest): a group has at most one targeted measure a year; groups whose indicator has
a 3-year window (courses) or a lasting effect recur every 2 years, so an earlier effect is
present in both years compared or in neither; one-off groups recur every 3 years.
The ground truth is never written next to the data: `ground_truth(seed, years, scale)`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.demo import city, informal, networks, streams

# One implementation of target resolution: the register's (`все` is never effective here).
from analysis.register import institution_mask as resolve
from analysis.vocabulary import (
    BY_DISTRICT,
    BY_TYPE,
    CENTRE_TYPE,
    SCHOOL_FLAG,
    TARGET_ALL,
    TARGET_SEPARATOR,
    target_text,
)

LIFT = 0.20  # share of the targeted population an effective measure adds to the behaviour
EFFECTIVE_RATE = 0.6  # chance that a scheduled measure is effective
MEASURES_PER_YEAR = (8, 15)
DIAGNOSTICS_FROM = 2020  # the first year of deficit diagnostics (2019 has no diagnostics form)
EFFECTS_STREAM = 6  # streams key of the draws that apply effects


@dataclass(frozen=True)
class Group:
    """An effect group: what an effective measure of it changes."""

    name: str
    period: int  # years between two scheduled measures of the group
    mechanism: str
    title: str
    indicators: tuple[str, ...]
    kinds: tuple[str, ...]  # target kinds: district, type, low, unfav, insts


GROUPS = (
    Group(
        "pk",
        2,
        "формальное ПК",
        "Организация курсов повышения квалификации по реализации обновлённых ФГОС",
        ("pk_modern_3y", "pk_pp_3y"),
        ("district", "type", "low", "unfav", "insts"),
    ),
    Group(
        "heads",
        2,
        "формальное ПК",
        "Обучение руководящих кадров по программам управления качеством образования",
        ("heads_management_3y",),
        ("district", "type"),
    ),
    Group(
        "deficit",
        3,
        "формальное ПК",
        "Адресные программы повышения квалификации по итогам диагностики дефицитов",
        ("deficit_addressed",),
        ("district", "type"),
    ),
    Group(
        "comp",
        3,
        "конкурсы",
        "Вовлечение педагогов в муниципальные конкурсы профессионального мастерства",
        ("competition_municipal", "competition_any"),
        ("district", "type", "low", "insts"),
    ),
    Group(
        "informal",
        3,
        "неформальное ПК",
        "Вовлечение педагогов в работу городских профессиональных объединений",
        ("informal_coverage",),
        ("district", "type", "insts"),
    ),
    Group(
        "mentoring",
        3,
        "наставничество",
        "Закрепление наставников за молодыми педагогами",
        ("young_mentored",),
        ("district", "type"),
    ),
    Group(
        "category",
        2,
        "методическая поддержка",
        "Методическое сопровождение аттестации педагогов на квалификационные категории",
        ("category_high",),
        ("district", "type", "unfav", "insts"),
    ),
)
GROUPS_BY_NAME = {g.name: g for g in GROUPS}

# Inert measures: (mechanism, title, indicators, target kinds). Targeted fillers link only
# indicators that no effect touches; fillers linking effect indicators are addressed to `все`.
FILLERS = (
    (
        "методическая поддержка",
        "Психологическое сопровождение педагогов с признаками профессионального выгорания",
        ("burnout_high",),
        ("district", "insts", "all"),
    ),
    (
        "методическая поддержка",
        ("Расширение охвата педагогов диагностикой профессиональных дефицитов"),
        ("deficit_diagnosed",),
        ("type", "district", "all"),
    ),
    (
        "сетевое взаимодействие",
        "Городские методические мероприятия на базе ресурсных центров",
        ("events_hosted",),
        ("rc",),
    ),
    (
        "неформальное ПК",
        ("Методическое сопровождение руководителей ГПО по подготовке планов-отчётов"),
        ("report_completeness",),
        ("assocs",),
    ),
    (
        "сетевое взаимодействие",
        "Заключение договоров о сетевом взаимодействии между ОУ",
        ("events_hosted",),
        ("insts",),
    ),
    (
        "формальное ПК",
        "Формирование муниципального заказа на повышение квалификации",
        ("pk_modern_3y", "pk_pp_3y"),
        ("all",),
    ),
    (
        "конкурсы",
        "Организация муниципального этапа конкурса «Учитель года»",
        ("competition_municipal", "competition_prizes"),
        ("all",),
    ),
    ("наставничество", "Городской форум наставников", ("young_mentored",), ("all",)),
    (
        "формальное ПК",
        "План-график повышения квалификации руководящих кадров",
        ("heads_management_3y",),
        ("all",),
    ),
    (
        "неформальное ПК",
        "Создание школ молодого педагога при ГПО",
        ("informal_coverage", "age_under_35"),
        ("all",),
    ),
    (
        "методическая поддержка",
        "Привлечение и закрепление молодых специалистов",
        ("age_under_35", "experience_under_10"),
        ("district", "all"),
    ),
    (
        "сетевое взаимодействие",
        "Сетевые проекты ресурсных центров для ШНОР и ШНСУ",
        ("events_hosted",),
        ("low", "unfav"),
    ),
    (
        "методическая поддержка",
        "Обновление банка методических продуктов Центра",
        ("centre_products",),
        ("all",),
    ),
    (
        "формальное ПК",
        "Выполнение муниципального задания Центра по программам ПК",
        ("centre_person_hours", "centre_events"),
        ("all",),
    ),
    (
        "конкурсы",
        "Конкурс методических разработок городских профессиональных объединений",
        ("competition_prizes",),
        ("assocs",),
    ),
    (
        "методическая поддержка",
        "Адресная методическая помощь ШНОР по итогам мониторинга",
        ("deficit_diagnosed", "burnout_high"),
        ("low",),
    ),
)
RESPONSIBLE = (
    "Управление образования",
    "МУ ДПО «ЦПКИМР»",
    "Методический отдел ЦПКИМР",
    "Отдел ДПО ЦПКИМР",
    "Руководители ОУ",
)


def _target(rng: np.random.Generator, kind: str, insts: pd.DataFrame, reg: pd.DataFrame) -> str:
    """A target string of a kind, in the contract's spelling (`analysis.vocabulary`'s grammar)."""
    city_insts = insts[insts["inst_type"] != CENTRE_TYPE]
    if kind == "low" and not insts["low_results"].any():
        kind = "district"
    if kind == "unfav" and not insts["unfavourable"].any():
        kind = "district"
    if kind == "district":
        present = [d for d in city.DISTRICTS if (city_insts["district"] == d).any()]
        lag = city.LAGGING_DISTRICT
        if lag in present and rng.random() < 0.5:
            return target_text(BY_DISTRICT, lag)
        return target_text(BY_DISTRICT, present[int(rng.integers(len(present)))])
    if kind == "type":
        types = [t for t in city.TYPE_COUNTS if (city_insts["inst_type"] == t).any()]
        return target_text(BY_TYPE, types[int(rng.integers(len(types)))])
    if kind == "low":
        return target_text(SCHOOL_FLAG, "low_results")
    if kind == "unfav":
        return target_text(SCHOOL_FLAG, "unfavourable")
    if kind == "insts":
        k = int(np.clip(round(0.06 * len(city_insts)), 2, 12))
        k = min(k, len(city_insts) - 1)
        picked = rng.choice(city_insts["inst_id"].to_numpy(), k, replace=False)
        return TARGET_SEPARATOR.join(sorted(picked))
    if kind == "rc":
        bases = insts.loc[insts["resource_centre"] | insts["support_site"], "inst_id"]
        return TARGET_SEPARATOR.join(sorted(bases.unique()))
    if kind == "assocs":
        k = int(np.clip(round(0.1 * len(reg)), 1, 8))
        picked = rng.choice(reg["assoc_id"].to_numpy(), k, replace=False)
        return TARGET_SEPARATOR.join(sorted(picked))
    return TARGET_ALL


def _schedule(rng: np.random.Generator, years: list[int]) -> dict[int, list[Group]]:
    """Which groups have a scheduled measure in which year (spread so every year has some)."""
    order = rng.permutation(len(GROUPS))
    out: dict[int, list[Group]] = {y: [] for y in years}
    for rank, g in enumerate(order):
        group = GROUPS[int(g)]
        offset = rank % group.period
        for y in years:
            if (y - years[0] - offset) % group.period:
                continue
            if group.name == "deficit" and y < DIAGNOSTICS_FROM:
                continue  # the measure answers diagnostics of its own year
            out[y].append(group)
    return out


def _judgeable(year: int, years: list[int]) -> bool:
    """A measure of ``year`` can be judged when both t−1 and t+1 are in the data."""
    return (year - 1) in years and (year + 1) in years


def register(seed: int, years: list[int], insts: pd.DataFrame, reg: pd.DataFrame) -> pd.DataFrame:
    """The register of every year: contract columns of `Меры` plus internal ``year``,
    ``group`` (None for inert fillers) and ``effective``."""
    rng = streams.stream(seed, streams.MEASURES)
    schedule = _schedule(rng, years)
    frames = [_year_measures(rng, y, years, schedule[y], insts, reg) for y in years]
    measures = pd.concat(frames, ignore_index=True)
    _force_both_verdicts(measures, years)
    last = measures["year"] == years[-1]
    measures.loc[measures["effective"], "status"] = "выполнено"
    planned = last & ~measures["effective"] & (measures["status"] == "не выполнено")
    measures.loc[planned, "status"] = "запланировано"
    measures["muko_systems"] = informal.muko_systems(measures)  # no draws: nothing else shifts
    return measures


def _year_measures(
    rng: np.random.Generator,
    year: int,
    years: list[int],
    groups: list[Group],
    insts: pd.DataFrame,
    reg: pd.DataFrame,
) -> pd.DataFrame:
    rows = []
    for group in groups:
        kind = group.kinds[int(rng.integers(len(group.kinds)))]
        rows.append(
            (
                group.mechanism,
                group.title,
                group.indicators,
                _target(rng, kind, insts, reg),
                group.name,
                bool(rng.random() < EFFECTIVE_RATE),
            )
        )
    n_total = int(rng.integers(MEASURES_PER_YEAR[0], MEASURES_PER_YEAR[1] + 1))
    n_fill = min(max(n_total - len(rows), 0), len(FILLERS))
    for f in sorted(rng.choice(len(FILLERS), n_fill, replace=False)):
        mechanism, title, indicators, kinds = FILLERS[int(f)]
        kind = kinds[int(rng.integers(len(kinds)))]
        rows.append((mechanism, title, indicators, _target(rng, kind, insts, reg), None, False))
    n = len(rows)
    # Scheduled measures are dated before October, so their effect falls in the next year.
    dates = np.sort(streams.random_dates(rng, year, n, 1, 9))
    order = rng.permutation(n)
    docs = rng.integers(100, 999, size=n)
    by_centre = rng.random(n) < 0.4
    frame = pd.DataFrame(
        {
            "measure_id": [f"УР-{year}-{k:02d}" for k in range(1, n + 1)],
            "date": dates.astype("datetime64[ms]"),
            "document": [_document(d, num, c) for d, num, c in zip(dates, docs, by_centre)],
            "title": [rows[i][1] for i in order],
            "mechanism": [rows[i][0] for i in order],
            "targets": [rows[i][3] for i in order],
            "indicator_ids": [";".join(rows[i][2]) for i in order],
            "recommendation_ids": [_rules_answered(rows[i][2]) for i in order],
            "responsible": rng.choice(RESPONSIBLE, size=n),
            "deadline": (dates + rng.integers(60, 300, size=n).astype("timedelta64[D]")).astype(
                "datetime64[ms]"
            ),
            "status": rng.choice(["выполнено", "не выполнено"], size=n, p=[0.75, 0.25]),
            "year": year,
            "group": [rows[i][4] for i in order],
            "effective": [rows[i][5] and rows[i][3] != TARGET_ALL for i in order],
        }
    )
    return frame


def _rules_answered(indicators: tuple[str, ...] | list[str]) -> str | None:
    """The recommendation rules a measure answers: those on its indicators, as a department
    would cite them in the register's «Рекомендации» column."""
    ids = [rule_id for rule_id, indicator in _rule_indicators() if indicator in indicators]
    return ";".join(ids) or None


@functools.cache
def _rule_indicators() -> tuple[tuple[str, str], ...]:
    """(rule id, indicator) of params/recommendations.yaml, read once per process."""
    from analysis.params.recommendations import load_rules  # deferred: the demo rarely needs it

    return tuple((rule.id, rule.indicator) for rule in load_rules())


def _document(day: np.datetime64, number: int, by_centre: bool) -> str:
    d = pd.Timestamp(day).strftime("%d.%m.%Y")
    if by_centre:
        return f"Приказ МУ ДПО «ЦПКИМР» от {d} №{number % 200 + 1}-ОД"
    return f"Приказ УО от {d} №УО-04/{number}"


def _force_both_verdicts(measures: pd.DataFrame, years: list[int]) -> None:
    """At least one effective and one inert scheduled measure where they can be judged."""
    judge = measures["year"].map(lambda y: _judgeable(y, years)).to_numpy()
    if not judge.any():
        judge = (measures["year"] < years[-1]).to_numpy()
    sched = judge & measures["group"].notna().to_numpy()
    sched &= (measures["targets"] != TARGET_ALL).to_numpy()
    idx = np.flatnonzero(sched)
    if len(idx) == 0:
        return
    if not measures["effective"].to_numpy()[idx].any():
        measures.loc[idx[0], "effective"] = True
    if len(idx) > 1 and measures["effective"].to_numpy()[idx].all():
        measures.loc[idx[-1], "effective"] = False


class Effects:
    """Who an effective measure of the previous year reaches in a given year."""

    def __init__(self, seed: int, measures: pd.DataFrame, insts: pd.DataFrame) -> None:
        self.seed = seed
        self.masks: dict[tuple[int, str], np.ndarray] = {}
        for row in measures[measures["effective"]].itertuples():
            key = (int(row.year) + 1, row.group)
            mask = resolve(row.targets, insts) & (insts["inst_type"] != CENTRE_TYPE).to_numpy()
            self.masks[key] = self.masks.get(key, np.zeros(len(insts), bool)) | mask

    def targeted(self, year: int, group: str, inst: np.ndarray) -> np.ndarray:
        """Mask of people (by their institution row) reached by ``group`` in ``year``."""
        mask = self.masks.get((year, group))
        if mask is None:
            return np.zeros(len(inst), dtype=bool)
        return mask[inst]

    def rng(self, year: int, group: str, part: int = 0) -> np.random.Generator:
        """The draws of one group's effect in one year (independent of everything else)."""
        key = year * 100 + GROUPS.index(GROUPS_BY_NAME[group]) * 10 + part
        return streams.stream(self.seed, EFFECTS_STREAM, key)

    def fill(self, year: int, group: str, eligible: np.ndarray, has: np.ndarray) -> np.ndarray:
        """Who gains the behaviour: LIFT of the eligible, drawn among those who lack it."""
        lacking = eligible & ~has
        if not lacking.any():
            return lacking
        p = min(1.0, LIFT * eligible.sum() / lacking.sum())
        return lacking & (self.rng(year, group).random(len(eligible)) < p)

    def category_boost(self, year: int, staff: pd.DataFrame) -> np.ndarray:
        """Teachers whose category an effective attestation measure raised to первая."""
        inst = staff["inst"].to_numpy()
        eligible = self.targeted(year, "category", inst) & (staff["pos"] == city.TEACHER)
        return self.fill(year, "category", eligible.to_numpy(), staff["cat"].to_numpy() >= 2)


def build(
    seed: int, years: list[int], scale: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Institutions (with РЦ/ОП bases marked), the register of associations, and the measures."""
    insts = city.institutions(seed, scale)
    reg = networks.register(seed, insts, scale)
    insts = networks.mark_bases(insts, reg)
    return insts, reg, register(seed, years, insts, reg)


def truth_table(seed: int = 0, years: list[int] | None = None, scale: float = 1.0) -> pd.DataFrame:
    """Every measure with its year, targets, indicators, group, ``effective`` and
    ``judgeable`` (both t−1 and t+1 are among the years)."""
    years = sorted(years or list(range(2019, 2024)))
    measures = build(seed, years, scale)[2]
    out = measures[["measure_id", "year", "targets", "indicator_ids", "group", "effective"]].copy()
    out["judgeable"] = out["year"].map(lambda y: _judgeable(y, years))
    return out


def ground_truth(
    seed: int = 0, years: list[int] | None = None, scale: float = 1.0
) -> dict[str, bool]:
    """measure_id → whether the measure really moved its indicators in its targets next year."""
    table = truth_table(seed, years, scale)
    return dict(zip(table["measure_id"], table["effective"].astype(bool)))
