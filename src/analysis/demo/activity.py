"""What staff do in a year: courses (ДПО), competitions, mentoring and diagnostics.

Probabilities are additive on the log-odds scale: a base rate, a common upward trend per year,
the person's persistent activity, and penalties for the lagging district and for ШНОР/ШНСУ
schools. Effective measures of the previous year add their lift on top (`measures.Effects`).
Every function takes ``staff``: the year's staff with derived columns itype, lag, low, centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.contract import SHEETS
from analysis.demo import city, streams
from analysis.demo.measures import Effects

NEVER = -9999  # "no such course yet" in the course history

# Courses: base yearly take-up on the person's 3-year rhythm, its trend, and off-rhythm extras.
COURSE_RATE, COURSE_TREND, EXTRA_RATE, DEFICIT_EXTRA = 0.80, 0.12, 0.08, 0.25
MODERN_RATE, MODERN_TREND = 0.70, 0.35  # share of ПК meeting modern requirements, rising
PP_SHARE = 0.04  # professional retraining among course rows
TOPICS = SHEETS["courses"].column("topic").choices  # the contract's, in its order
TEACHER_TOPICS = np.array([0.25, 0.15, 0.22, 0.03, 0.08, 0.10, 0.12, 0.05])
HEAD_TOPICS = np.array([0.15, 0.10, 0.0, 0.65, 0.03, 0.04, 0.03, 0.0])
PROGRAMS = {
    "ФГОС": (
        "Реализация требований обновлённых ФГОС НОО, ФГОС ООО",
        "Обновлённый ФГОС СОО: содержание и механизмы реализации",
        "ФГОС ДО и ФОП ДО: проектирование образовательной деятельности",
    ),
    "ИКТ": (
        "Цифровые инструменты педагога",
        "Работа в ФГИС «Моя школа»",
        "Дистанционные образовательные технологии",
    ),
    "предметное": (
        "Методика преподавания предмета в условиях обновлённых ФГОС",
        "Подготовка обучающихся к ГИА",
        "Углублённое изучение предмета",
    ),
    "управление": (
        "Управление качеством образования в ОУ",
        "Школа современного руководителя",
        "Внутренняя система оценки качества образования",
    ),
    "инклюзия": (
        "Инклюзивное образование детей с ОВЗ",
        "Тьюторское сопровождение детей с ОВЗ",
        "Адаптированные образовательные программы",
    ),
    "воспитание": (
        "Рабочая программа воспитания",
        "Советник директора по воспитанию",
        "Профилактика деструктивного поведения",
    ),
    "функциональная грамотность": (
        "Формирование функциональной грамотности обучающихся",
        "Читательская грамотность на уроках",
        "Естественно-научная грамотность",
    ),
    "другое": (
        "Оказание первой помощи",
        "Охрана труда в образовательной организации",
        "Финансовая грамотность",
    ),
}
PROVIDERS = ("Центр", "региональная", "федеральная", "иная")
PROVIDER_P = np.array([0.55, 0.25, 0.10, 0.10])
PP_PROVIDER_P = np.array([0.0, 0.5, 0.1, 0.4])
HOURS = {
    0: ([16, 18, 24, 36, 72], [0.2, 0.15, 0.25, 0.25, 0.15]),
    1: ([36, 72, 108], [0.45, 0.4, 0.15]),
    2: ([36, 72, 144], [0.5, 0.35, 0.15]),
    3: ([16, 36, 72, 144], [0.3, 0.3, 0.3, 0.1]),
}
PP_HOURS = np.array([252, 288, 340, 520])
STUDY_FORMS = np.array(["очная", "очно-заочная", "заочная", "дистанционная"], dtype=object)

COMPETITION_RATE, COMPETITION_TREND = 0.15, 0.25  # municipal competitions of teachers
RESULTS = np.array(["участник", "лауреат", "призёр", "победитель"], dtype=object)
RESULT_P = np.array([0.60, 0.18, 0.13, 0.09])
MAIN_CONTEST = {"ОО": "Учитель года", "ДОО": "Воспитатель года", "УДО": "Сердце отдаю детям"}
INST_CONTESTS = (
    "Образовательная организация года",
    "Лучший сайт образовательной организации",
    "Лучшая программа воспитания",
    "Детский сад года",
)

MENTORING_RATE, MENTORING_TREND = 0.62, 0.25
DIAGNOSED_RATE, DIAGNOSED_TREND = 0.22, 0.06
AREAS = ("предметная", "методическая", "психолого-педагогическая", "коммуникативная", "цифровая")
AREA_OFFSET = np.array([0.0, -3.0, -2.0, 3.0, -6.0])
BURNOUT_RATE = 0.30


@dataclass
class History:
    """Per person (indexed by the person number): last course years and last year's deficits."""

    last_modern: np.ndarray
    last_mgmt: np.ndarray
    deficit: np.ndarray  # had a deficit = да in the previous year's diagnostics

    @classmethod
    def empty(cls, n_persons: int) -> History:
        return cls(
            np.full(n_persons + 1, NEVER),
            np.full(n_persons + 1, NEVER),
            np.zeros(n_persons + 1, dtype=bool),
        )


def _x(
    base: float,
    trend: float,
    year: int,
    first: int,
    staff: pd.DataFrame,
    act: float,
    lag: float,
    low: float,
) -> np.ndarray:
    """Log-odds of a behaviour for every person of ``staff``."""
    return (
        streams.logit(base)
        + trend * (year - first)
        + act * staff["activity"].to_numpy()
        - lag * staff["lag"].to_numpy()
        - low * staff["low"].to_numpy()
    )


def _course_rows(
    rng: np.random.Generator, person: np.ndarray, head: np.ndarray, modern_p: np.ndarray, year: int
) -> pd.DataFrame:
    """Course rows with realistic kind, topic, provider, hours, form, funding and end date."""
    n = len(person)
    pp = rng.random(n) < PP_SHARE
    topic = np.where(
        head,
        rng.choice(8, size=n, p=HEAD_TOPICS / HEAD_TOPICS.sum()),
        rng.choice(8, size=n, p=TEACHER_TOPICS),
    )
    provider = np.where(
        pp, rng.choice(4, size=n, p=PP_PROVIDER_P), rng.choice(4, size=n, p=PROVIDER_P)
    )
    hours = np.zeros(n)
    for code, (values, p) in HOURS.items():
        mask = provider == code
        hours[mask] = rng.choice(values, size=mask.sum(), p=p)
    hours = np.where(pp, rng.choice(PP_HOURS, size=n), hours)
    return _course_frame(
        rng,
        person,
        pp,
        topic,
        provider,
        hours,
        np.where(pp, rng.random(n) < 0.9, rng.random(n) < modern_p),
        year,
    )


def _course_frame(
    rng: np.random.Generator,
    person: np.ndarray,
    pp: np.ndarray,
    topic: np.ndarray,
    provider: np.ndarray,
    hours: np.ndarray,
    modern: np.ndarray,
    year: int,
) -> pd.DataFrame:
    n = len(person)
    titles = np.array([PROGRAMS[t] for t in TOPICS], dtype=object)
    program = titles[topic, rng.integers(0, 3, size=n)]
    program = np.where(pp, "Профессиональная переподготовка: " + program.astype(str), program)
    form = STUDY_FORMS[
        np.where(
            provider == 0,
            rng.choice([0, 1, 3], size=n, p=[0.5, 0.2, 0.3]),
            rng.choice(4, size=n, p=[0.3, 0.2, 0.2, 0.3]),
        )
    ]
    form = np.where(rng.random(n) < 0.08, None, form)
    budget = np.where(provider == 0, 0.85, np.where(provider == 3, 0.3, 0.6))
    funding = np.where(rng.random(n) < budget, "бюджет", "внебюджет").astype(object)
    funding = np.where(rng.random(n) < 0.08, None, funding)
    return pd.DataFrame(
        {
            "person": person.astype(np.int64),
            "program": program,
            "kind": np.where(pp, "ПП", "ПК").astype(object),
            "hours": hours.astype(float),
            "provider": np.array(PROVIDERS, dtype=object)[provider],
            "modern": modern.astype(bool),
            "topic": np.array(TOPICS, dtype=object)[topic],
            "study_form": form,
            "funding": funding,
            "end_date": streams.random_dates(rng, year, n).astype("datetime64[ms]"),
        }
    )


def _forced_courses(
    rng: np.random.Generator, person: np.ndarray, topic: str, year: int
) -> pd.DataFrame:
    """Modern ПК courses of the Centre that an effective measure brought about."""
    n = len(person)
    topics = {"ФГОС": [0, 6], "управление": [3], "предметное": [2, 0]}[topic]
    return _course_frame(
        rng,
        person,
        np.zeros(n, bool),
        rng.choice(topics, size=n),
        np.zeros(n, dtype=np.int64),
        rng.choice([24.0, 36.0, 72.0], size=n),
        np.ones(n, bool),
        year,
    )


def courses(
    rng: np.random.Generator,
    year: int,
    first: int,
    staff: pd.DataFrame,
    leavers: pd.DataFrame,
    hist: History,
    effects: Effects,
) -> pd.DataFrame:
    """`ДПО` of a year (person numbers), and the course history updated in place.

    Each person follows a 3-year rhythm (``phase``), with off-rhythm extras and more courses
    after a diagnosed deficit; a few people who left during the year also appear.
    """
    person = staff["person"].to_numpy()
    head = staff["pos"].to_numpy() != city.TEACHER
    n = len(staff)
    on_rhythm = (year - staff["phase"].to_numpy()) % 3 == 0
    p_take = streams.sigmoid(_x(COURSE_RATE, COURSE_TREND, year, first, staff, 0.5, 0.8, 0.5))
    extra = EXTRA_RATE + DEFICIT_EXTRA * hist.deficit[person]
    take = (on_rhythm & (rng.random(n) < p_take)) | (rng.random(n) < extra)
    second = take & (rng.random(n) < 0.15)
    who = np.concatenate([np.flatnonzero(take), np.flatnonzero(second)])
    modern_p = streams.sigmoid(_x(MODERN_RATE, MODERN_TREND, year, first, staff, 0.2, 0.6, 0.4))
    rows = [_course_rows(rng, person[who], head[who], modern_p[who], year)]
    rows += _effect_courses(year, staff, rows[0], hist, effects)
    gone = leavers[rng.random(len(leavers)) < 0.12]["person"].to_numpy()
    if len(gone):
        late = _course_rows(rng, gone, np.zeros(len(gone), bool), np.full(len(gone), 0.8), year)
        late["end_date"] = streams.random_dates(rng, year, len(gone), 1, 6).astype("datetime64[ms]")
        rows.append(late)
    out = pd.concat(rows, ignore_index=True)
    _remember(hist, out, year)
    return out


def _effect_courses(
    year: int, staff: pd.DataFrame, base: pd.DataFrame, hist: History, effects: Effects
) -> list[pd.DataFrame]:
    """Extra courses of the people reached by effective course measures of the previous year."""
    person = staff["person"].to_numpy()
    inst = staff["inst"].to_numpy()
    head = staff["pos"].to_numpy() != city.TEACHER
    pk = base["kind"].to_numpy() == "ПК"
    modern_now = np.isin(person, base.loc[pk & base["modern"].to_numpy(), "person"])
    mgmt_now = np.isin(person, base.loc[base["topic"].to_numpy() == "управление", "person"])
    pk_now = np.isin(person, base.loc[pk, "person"])
    out = []
    for group, eligible, has, topic in (
        (
            "pk",
            np.ones(len(staff), bool),
            modern_now | (hist.last_modern[person] >= year - 2),
            "ФГОС",
        ),
        ("heads", head, mgmt_now | (hist.last_mgmt[person] >= year - 2), "управление"),
        ("deficit", hist.deficit[person], pk_now, "предметное"),
    ):
        reached = effects.targeted(year, group, inst) & eligible
        add = effects.fill(year, group, reached, has)
        if add.any():
            out.append(_forced_courses(effects.rng(year, group, 1), person[add], topic, year))
    return out


def _remember(hist: History, rows: pd.DataFrame, year: int) -> None:
    person = rows["person"].to_numpy()
    pk = rows["kind"].to_numpy() == "ПК"
    hist.last_modern[person[pk & rows["modern"].to_numpy()]] = year
    hist.last_mgmt[person[rows["topic"].to_numpy() == "управление"]] = year


def competitions_staff(
    rng: np.random.Generator, year: int, first: int, staff: pd.DataFrame, effects: Effects
) -> pd.DataFrame:
    """`Конкурсы педагогов`: mostly municipal, a few regional and all-Russian."""
    n = len(staff)
    teacher = (staff["pos"].to_numpy() == city.TEACHER) & ~staff["centre"].to_numpy()
    p = streams.sigmoid(_x(COMPETITION_RATE, COMPETITION_TREND, year, first, staff, 0.8, 0.7, 0.6))
    municipal = teacher & (rng.random(n) < p)
    reached = effects.targeted(year, "comp", staff["inst"].to_numpy()) & teacher
    pushed = effects.fill(year, "comp", reached, municipal)
    act = staff["activity"].to_numpy()
    itype = staff["itype"].to_numpy()
    young = staff["exp"].to_numpy() < 5
    main = np.array([MAIN_CONTEST.get(t, "Учитель года") for t in itype], dtype=object)
    name = np.where(
        young & (rng.random(n) < 0.5),
        "Педагогический дебют",
        np.where(rng.random(n) < 0.6, main, "Методическая копилка"),
    )
    second = municipal & (rng.random(n) < 0.1)
    heads = (~teacher) & ~staff["centre"].to_numpy() & (rng.random(n) < 0.05)
    regional = teacher & (act > 1.0) & (rng.random(n) < 0.12)
    federal = teacher & (act > 1.5) & (rng.random(n) < 0.06)
    parts = [
        (municipal, name, "муниципальный", RESULT_P),
        (second, np.full(n, "Лучшая методическая разработка", object), "муниципальный", RESULT_P),
        (heads, np.full(n, "Лидер в образовании", object), "муниципальный", RESULT_P),
        (
            regional,
            np.char.add(main.astype(str), " Челябинской области").astype(object),
            "региональный",
            np.array([0.7, 0.15, 0.1, 0.05]),
        ),
        (federal, main, "всероссийский", np.array([0.8, 0.12, 0.05, 0.03])),
        (pushed, name, "муниципальный", np.array([1.0, 0, 0, 0])),  # new entrants take part
    ]
    person = staff["person"].to_numpy()
    frames = [
        pd.DataFrame(
            {
                "competition": names[m],
                "level": level,
                "person": person[m],
                "result": RESULTS[rng.choice(4, size=int(m.sum()), p=p_res)],
            }
        )
        for m, names, level, p_res in parts
    ]
    return pd.concat(frames, ignore_index=True)


def competitions_inst(
    rng: np.random.Generator, year: int, first: int, insts: pd.DataFrame
) -> pd.DataFrame:
    """`Конкурсы ОУ`: institutions' own competitions."""
    city_insts = insts[insts["inst_type"] != "ДПО"]
    n = len(city_insts)
    lag = (city_insts["district"] == city.LAGGING_DISTRICT).to_numpy()
    p = streams.sigmoid(streams.logit(0.3) + 0.15 * (year - first) - 0.7 * lag)
    take = rng.random(n) < p
    names = np.array(INST_CONTESTS, dtype=object)[rng.integers(0, 3, size=n)]
    names = np.where(
        city_insts["inst_type"].to_numpy() == "ДОО",
        np.where(rng.random(n) < 0.5, INST_CONTESTS[3], names),
        names,
    )
    regional = take & (rng.random(n) < 0.15)
    level = np.where(regional, "региональный", "муниципальный")
    return pd.DataFrame(
        {
            "competition": names[take],
            "level": level[take],
            "inst_id": city_insts["inst_id"].to_numpy()[take],
            "result": RESULTS[rng.choice(4, size=int(take.sum()), p=RESULT_P)],
        }
    )


def mentoring(
    rng: np.random.Generator, year: int, first: int, staff: pd.DataFrame, effects: Effects
) -> pd.DataFrame:
    """`Наставничество`: most young teachers (experience < 3) have a mentor at their school."""
    n = len(staff)
    exp = staff["exp"].to_numpy()
    teacher = (staff["pos"].to_numpy() == city.TEACHER) & ~staff["centre"].to_numpy()
    young = teacher & (exp < 3)
    p = streams.sigmoid(_x(MENTORING_RATE, MENTORING_TREND, year, first, staff, 0.3, 0.6, 0.4))
    mentee = young & (rng.random(n) < p)
    inst = staff["inst"].to_numpy()
    mentee |= effects.fill(
        year, "mentoring", effects.targeted(year, "mentoring", inst) & young, mentee
    )
    senior = teacher & (exp >= 10) & (staff["cat"].to_numpy() >= 2)
    if not senior.any():
        senior = teacher & (exp >= 5)
    cand = np.flatnonzero(senior)
    cand = cand[np.argsort(inst[cand], kind="stable")]
    count = np.bincount(inst[cand], minlength=inst.max() + 1)
    start = np.cumsum(count) - count
    who = np.flatnonzero(mentee)
    u = rng.random(len(who))
    local = count[inst[who]]
    pick = np.where(
        local > 0, start[inst[who]] + (u * local).astype(np.int64), (u * len(cand)).astype(np.int64)
    )
    ok = len(cand) > 0
    mentor = staff["person"].to_numpy()[cand[pick]] if ok else np.array([], dtype=np.int64)
    who = who if ok else who[:0]
    began = year - np.minimum(exp[who], 2).astype(np.int64)
    days = rng.integers(0, 61, size=len(who)).astype("timedelta64[D]")
    dates = np.array([np.datetime64(f"{y}-09-01") for y in began], dtype="datetime64[D]") + days
    return pd.DataFrame(
        {
            "mentor": mentor,
            "mentee": staff["person"].to_numpy()[who],
            "start_date": dates.astype("datetime64[ms]"),
        }
    )


def diagnostics(
    rng: np.random.Generator, year: int, staff: pd.DataFrame, hist: History
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`Дефициты` (five areas per diagnosed teacher) and `Выгорание`; updates hist.deficit."""
    from analysis.demo.measures import DIAGNOSTICS_FROM

    n = len(staff)
    teacher = (staff["pos"].to_numpy() == city.TEACHER) & ~staff["centre"].to_numpy()
    share = min(0.6, DIAGNOSED_RATE + DIAGNOSED_TREND * (year - DIAGNOSTICS_FROM))
    who = np.flatnonzero(teacher & (rng.random(n) < share))
    sub = staff.iloc[who]
    level = (
        64
        + 5 * sub["activity"].to_numpy()
        - 5 * sub["lag"].to_numpy()
        - 4 * sub["low"].to_numpy()
        - 4 * (sub["exp"].to_numpy() < 3)
    )
    scores = np.rint(
        np.clip(
            level[:, None] + AREA_OFFSET[None, :] + rng.normal(0, 11, size=(len(who), 5)), 0, 100
        )
    )
    person = sub["person"].to_numpy()
    deficits = pd.DataFrame(
        {
            "person": np.repeat(person, 5),
            "area": np.tile(np.array(AREAS, dtype=object), len(who)),
            "score": scores.ravel().astype(float),
            "deficit": scores.ravel() < 50,
        }
    )
    hist.deficit[:] = False
    hist.deficit[deficits.loc[deficits["deficit"], "person"].to_numpy()] = True
    tested = np.flatnonzero(teacher & (rng.random(n) < BURNOUT_RATE))
    b = staff.iloc[tested]
    latent = (
        rng.normal(0, 1, size=len(tested))
        + 0.4 * (year - b["birth"].to_numpy() >= 55)
        + 0.3 * b["lag"].to_numpy()
        - 0.2 * b["activity"].to_numpy()
    )
    levels = np.where(latent > 1.1, "высокий", np.where(latent > 0.0, "средний", "низкий"))
    burnout = pd.DataFrame({"person": b["person"].to_numpy(), "level": levels.astype(object)})
    return deficits, burnout


def forget_deficits(hist: History) -> None:
    """A year without diagnostics: nobody has a known deficit from it."""
    hist.deficit[:] = False
