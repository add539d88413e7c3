"""Professional associations: the register (ГПО with ШМП/ПТГ inside, standalone ШМП/ПТГ, РЦ with
their ОП), their members each year and their plan-reports (some missing every year)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis.demo import city, streams

# ГПО at scale 1, in the order they are created (a tiny city gets the first ones): name,
# principle, audience kind, institution type of the audience, subject (SUBJECTS) or "".
GPO = (
    ("ГПО учителей математики", "предметный", "subject", "ОО", "математика"),
    ("ГПО воспитателей ДОО", "должностной", "teachers", "ДОО", ""),
    (
        "ГПО учителей русского языка и литературы",
        "предметный",
        "subject",
        "ОО",
        "русский язык и литература",
    ),
    ("ГПО руководителей ОО", "должностной", "heads", "ОО", ""),
    ("ГПО педагогов дополнительного образования", "должностной", "teachers", "УДО", ""),
    ("ГПО учителей начальных классов", "предметный", "subject", "ОО", "начальные классы"),
    ("ГПО заместителей руководителей ДОО", "должностной", "heads", "ДОО", ""),
    ("ГПО учителей иностранного языка", "предметный", "subject", "ОО", "иностранный язык"),
    (
        "ГПО учителей истории и обществознания",
        "предметный",
        "subject",
        "ОО",
        "история и обществознание",
    ),
    ("ГПО музыкальных руководителей ДОО", "должностной", "teachers", "ДОО", ""),
    ("ГПО заместителей директоров по УВР", "должностной", "heads", "ОО", ""),
    ("ГПО учителей физики", "предметный", "subject", "ОО", "физика"),
    ("ГПО учителей информатики", "предметный", "subject", "ОО", "информатика"),
    ("ГПО учителей химии", "предметный", "subject", "ОО", "химия"),
    ("ГПО учителей биологии", "предметный", "subject", "ОО", "биология"),
    ("ГПО учителей географии", "предметный", "subject", "ОО", "география"),
    ("ГПО учителей физической культуры", "предметный", "subject", "ОО", "физическая культура"),
    ("ГПО учителей технологии", "предметный", "subject", "ОО", "технология"),
    ("ГПО инструкторов по физической культуре ДОО", "должностной", "teachers", "ДОО", ""),
    ("ГПО руководителей УДО", "должностной", "heads", "УДО", ""),
    ("ГПО учителей музыки", "предметный", "subject", "ОО", "музыка"),
    (
        "ГПО учителей изобразительного искусства",
        "предметный",
        "subject",
        "ОО",
        "изобразительное искусство",
    ),
    ("ГПО учителей-логопедов ДОО", "должностной", "teachers", "ДОО", ""),
    ("ГПО педагогов-организаторов УДО", "должностной", "teachers", "УДО", ""),
    ("ГПО заместителей директоров по ВР", "должностной", "heads", "ОО", ""),
)
PTG_THEMES = (
    "Функциональная грамотность",
    "Цифровая образовательная среда",
    "Инклюзивное образование",
    "Проектная деятельность",
    "Ранняя профориентация",
    "Читательская грамотность",
    "Формирующее оценивание",
    "Одарённые дети",
)
RC_THEMES = (
    "Цифровая школа",
    "Инженерное образование",
    "Инклюзия",
    "Патриотическое воспитание",
    "Одарённые дети",
    "Здоровьесбережение",
)
YOUNG_TYPES = ("ОО", "ДОО", "ОО", "УДО")  # audiences of successive ШМП
PTG_TYPES = ("ОО", "ДОО", "УДО")

# Associations of each type at scale 1 (~25 ГПО, SPEC §7 and the brief of issue 2).
COUNTS = {"ГПО": 25, "ШМП": 9, "ПТГ": 12, "РЦ": 6, "ОП": 10}
NESTED_SHARE = 2 / 3  # share of ШМП/ПТГ that sit inside a ГПО
MEMBER_RATE = 0.30  # base share of staff in a ГПО/ПТГ in the first year
MEMBER_TREND = 0.20  # log-odds added per year
YOUNG_SCHOOL_RATE = 0.55  # young teachers in a ШМП
NETWORK_RATE = 0.07  # staff also in a РЦ/ОП network
MISSING_REPORT = 0.10  # base chance that a plan-report is missing


def _count(assoc_type: str, scale: float) -> int:
    return max(2 if assoc_type == "ГПО" else 1, round(COUNTS[assoc_type] * scale))


def _pick(rng: np.random.Generator, insts: pd.DataFrame, inst_type: str | None) -> int:
    """A random base institution (of a type), never the Centre."""
    types = insts["inst_type"].to_numpy()
    pool = np.flatnonzero(types == inst_type) if inst_type else np.flatnonzero(types != "ДПО")
    return int(rng.choice(pool))


def register(seed: int, insts: pd.DataFrame, scale: float) -> pd.DataFrame:
    """The register `Реестр` (static over the years) with internal audience columns.

    Internal columns: ``kind`` (subject/teachers/heads/young/ptg/open), ``aud_type``, ``aud_subj``
    (index in SUBJECTS or -1), ``base`` (row of ``insts``), ``reliability`` (latent: low values
    miss plan-reports).
    """
    rng = streams.stream(seed, streams.ASSOCIATIONS)
    rows: list[dict] = []

    def add(
        assoc_type: str,
        name: str,
        parent: str | None,
        base: int,
        principle: str | None,
        kind: str,
        aud_type: str,
        subj: str,
    ) -> None:
        rows.append(
            {
                "assoc_type": assoc_type,
                "name": name,
                "parent_id": parent,
                "base": base,
                "principle": principle,
                "kind": kind,
                "aud_type": aud_type,
                "aud_subj": city.SUBJECTS.index(subj) if subj else -1,
            }
        )

    n_gpo = _count("ГПО", scale)
    for k in range(n_gpo):
        name, principle, kind, aud_type, subj = GPO[k % len(GPO)]
        if k >= len(GPO):
            name = f"{name} (группа {k // len(GPO) + 1})"
        add("ГПО", name, None, _pick(rng, insts, aud_type), principle, kind, aud_type, subj)
    gpo_ids = _ids("ГПО", n_gpo)
    gpo_types = [r["aud_type"] for r in rows]
    for assoc_type, themes_types in (("ШМП", YOUNG_TYPES), ("ПТГ", PTG_TYPES)):
        n = _count(assoc_type, scale)
        nested = round(n * NESTED_SHARE)
        for k in range(n):
            aud_type = themes_types[k % len(themes_types)]
            parent = None
            if k < nested:
                same = [i for i, t in enumerate(gpo_types) if t == aud_type] or list(range(n_gpo))
                parent = int(rng.choice(same))
            base = rows[parent]["base"] if parent is not None else _pick(rng, insts, aud_type)
            if assoc_type == "ШМП":
                name = f"Школа молодого педагога ({aud_type}) № {k + 1}"
                kind = "young"
            else:
                name = f"ПТГ «{PTG_THEMES[k % len(PTG_THEMES)]}» ({aud_type})"
                kind = "ptg"
            add(
                assoc_type,
                name,
                gpo_ids[parent] if parent is not None else None,
                base,
                None,
                kind,
                aud_type,
                "",
            )
    n_rc = _count("РЦ", scale)
    rc_ids = _ids("РЦ", n_rc)
    for k in range(n_rc):
        add(
            "РЦ",
            f"Ресурсный центр «{RC_THEMES[k % len(RC_THEMES)]}»",
            None,
            _pick(rng, insts, None),
            None,
            "open",
            "",
            "",
        )
    for k in range(_count("ОП", scale)):
        parent = k % n_rc
        add(
            "ОП",
            f"Опорная площадка РЦ «{RC_THEMES[parent % len(RC_THEMES)]}» № {k + 1}",
            rc_ids[parent],
            _pick(rng, insts, None),
            None,
            "open",
            "",
            "",
        )
    reg = pd.DataFrame(rows)
    reg.insert(0, "assoc_id", _numbered(reg["assoc_type"].tolist()))
    reg["inst_id"] = insts["inst_id"].to_numpy()[reg["base"].to_numpy()]
    reg["reliability"] = rng.normal(0, 1, size=len(reg))
    return reg


def _ids(prefix: str, n: int) -> list[str]:
    width = max(2, len(str(n)))
    return [f"{prefix}-{k:0{width}d}" for k in range(1, n + 1)]


def _numbered(types: list[str]) -> list[str]:
    """ГПО-01, ГПО-02, …, ШМП-01, … in register order."""
    out, seen = [], {}
    totals = {t: types.count(t) for t in types}
    for t in types:
        seen[t] = seen.get(t, 0) + 1
        out.append(_ids(t, totals[t])[seen[t] - 1])
    return out


def mark_bases(insts: pd.DataFrame, reg: pd.DataFrame) -> pd.DataFrame:
    """Institutions hosting a РЦ are resource centres; those hosting an ОП are support sites."""
    insts = insts.copy()
    insts["resource_centre"] = insts["inst_id"].isin(reg.loc[reg["assoc_type"] == "РЦ", "inst_id"])
    insts["support_site"] = insts["inst_id"].isin(reg.loc[reg["assoc_type"] == "ОП", "inst_id"])
    return insts


def _candidates(reg: pd.DataFrame) -> dict[tuple, np.ndarray]:
    """Associations open to each audience key, with fallbacks so that no key is left without."""
    kind, aud_type, subj = (reg[c].to_numpy() for c in ("kind", "aud_type", "aud_subj"))
    gpo = reg["assoc_type"].to_numpy() == "ГПО"
    everything = np.arange(len(reg))
    open_ = np.flatnonzero(kind == "open")
    out: dict[tuple, np.ndarray] = {}
    for t in ("ОО", "ДОО", "УДО", "ДПО"):
        ptg = np.flatnonzero((kind == "ptg") & (aud_type == t))
        teachers = np.flatnonzero(gpo & (kind == "teachers") & (aud_type == t))
        for s in range(-1, len(city.SUBJECTS)):
            by_subject = np.flatnonzero(gpo & (kind == "subject") & (subj == s))
            out[("teacher", t, s)] = _first_nonempty(by_subject, teachers, ptg, open_, everything)
        heads = np.flatnonzero(gpo & (kind == "heads") & (aud_type == t))
        any_heads = np.flatnonzero(gpo & (kind == "heads"))
        out[("head", t, -1)] = _first_nonempty(heads, any_heads, open_, everything)
        young = np.flatnonzero((kind == "young") & (aud_type == t))
        out[("young", t, -1)] = _first_nonempty(young, np.flatnonzero(kind == "young"))
    out[("open", "", -1)] = _first_nonempty(open_, everything)
    return out


def _first_nonempty(*arrays: np.ndarray) -> np.ndarray:
    return next((a for a in arrays if len(a)), np.array([], dtype=np.int64))


def _choose(cands: dict[tuple, np.ndarray], keys: list[tuple], u: np.ndarray) -> np.ndarray:
    """For each person (key, uniform u), the candidate association at position ⌊u·n⌋."""
    out = np.full(len(keys), -1, dtype=np.int64)
    key_arr = pd.Series(keys, dtype=object)
    for key, idx in key_arr.groupby(key_arr, sort=True).groups.items():
        pool = cands.get(key, np.array([], dtype=np.int64))
        if len(pool):
            rows = np.asarray(idx)
            out[rows] = pool[(u[rows] * len(pool)).astype(np.int64)]
    return out


def members(
    rng: np.random.Generator,
    year: int,
    first: int,
    staff: pd.DataFrame,
    reg: pd.DataFrame,
    lift: Callable[[np.ndarray], np.ndarray] | None = None,
) -> pd.DataFrame:
    """`Участники` of a year as (assoc row, person) plus two deliberately repeated pairs.

    ``staff`` holds the non-Centre staff with columns person, pos, subj, exp, activity, uchoice,
    itype, lag, low. ``lift`` maps "is a member" to the people a measure brings in this year.
    Choices use the person's persistent uniform, so membership is stable across years.
    """
    cands = _candidates(reg)
    pos, itype = staff["pos"].to_numpy(), staff["itype"].to_numpy()
    subj, u = staff["subj"].to_numpy(), staff["uchoice"].to_numpy()
    x = (
        streams.logit(MEMBER_RATE)
        + MEMBER_TREND * (year - first)
        + 0.9 * staff["activity"]
        - 0.6 * staff["lag"]
        - 0.4 * staff["low"]
    ).to_numpy()
    primary = rng.random(len(staff)) < streams.sigmoid(x)
    keys = [
        ("teacher", t, s) if p == city.TEACHER else ("head", t, -1)
        for p, t, s in zip(pos.tolist(), itype.tolist(), subj.tolist())
    ]
    chosen = _choose(cands, keys, u)
    young = (pos == city.TEACHER) & (staff["exp"].to_numpy() < 3)
    in_young = young & (rng.random(len(staff)) < YOUNG_SCHOOL_RATE)
    young_pick = _choose(cands, [("young", t, -1) for t in itype.tolist()], (u * 7.31) % 1)
    in_net = rng.random(len(staff)) < NETWORK_RATE
    net_pick = _choose(cands, [("open", "", -1)] * len(staff), (u * 13.7) % 1)
    if lift is not None:
        primary = primary | lift(primary | in_young | in_net)
    person = staff["person"].to_numpy()
    parts = [(chosen, primary), (young_pick, in_young), (net_pick, in_net)]
    assoc = np.concatenate([a[m] for a, m in parts])
    who = np.concatenate([person[m] for _, m in parts])
    pairs = pd.DataFrame({"assoc": assoc, "person": who})
    pairs = pairs[pairs["assoc"] >= 0].drop_duplicates()
    pairs = pairs.sort_values(["assoc", "person"], ignore_index=True)
    if len(pairs) >= 2:  # a couple of repeated pairs: ingest warns about them
        pairs = pd.concat([pairs, pairs.iloc[rng.choice(len(pairs), 2, replace=False)]])
        pairs = pairs.sort_values(["assoc", "person"], ignore_index=True, kind="stable")
    return pairs


def plan_reports(
    rng: np.random.Generator,
    year: int,
    first: int,
    reg: pd.DataFrame,
    insts: pd.DataFrame,
    pairs: pd.DataFrame,
    ages: pd.Series,
    competitors: np.ndarray,
    mentees: np.ndarray,
) -> pd.DataFrame:
    """`Планы-отчёты`: counts roughly consistent with the members; some reports missing.

    ``ages`` maps person → age; ``competitors`` and ``mentees`` are person ids of the year.
    """
    n = len(reg)
    unique = pairs.drop_duplicates()
    size = np.bincount(unique["assoc"], minlength=n)
    young = np.bincount(
        unique["assoc"], weights=(ages.reindex(unique["person"]).to_numpy() < 35), minlength=n
    )
    comp = np.bincount(unique["assoc"], weights=np.isin(unique["person"], competitors), minlength=n)
    ment = np.bincount(unique["assoc"], weights=np.isin(unique["person"], mentees), minlength=n)
    participants = np.maximum(size + rng.integers(-2, 3, size=n), 0)
    under_35 = np.clip(np.rint(young) + rng.integers(-1, 2, size=n), 0, participants)
    atype = reg["assoc_type"].to_numpy()
    has_young = atype == "ШМП"
    has_young |= reg["assoc_id"].isin(reg.loc[has_young, "parent_id"]).to_numpy()
    network = np.isin(atype, ["РЦ", "ОП"])
    trend = year - first
    pairs_col = np.where(has_young, np.rint(ment).astype(np.int64), -1)
    report = pd.DataFrame(
        {
            "assoc_id": reg["assoc_id"],
            "participants": participants.astype(np.int64),
            "participants_under_35": under_35.astype(np.int64),
            "products": rng.poisson(1.2 + 0.15 * trend + network * 1.5, size=n),
            "new_practices": rng.poisson(1.0 + 0.1 * trend + network * 1.0, size=n),
            "young_school": has_young,
            "internships": rng.poisson(np.where(network, 3.0, 0.5)),
            "competitors": np.maximum(np.rint(comp) + rng.integers(-1, 2, size=n), 0).astype(
                np.int64
            ),
            "events": rng.poisson(np.where(network, 6.0, 3.0)),
            "mentoring_pairs": pd.array(np.where(pairs_col >= 0, pairs_col, 0), dtype="Int64"),
        }
    )
    report.loc[pairs_col < 0, "mentoring_pairs"] = pd.NA
    lag = insts["district"].to_numpy()[reg["base"].to_numpy()] == city.LAGGING_DISTRICT
    x = (
        streams.logit(MISSING_REPORT)
        + 1.0 * lag
        - 1.0 * reg["reliability"].to_numpy()
        - 0.15 * trend
    )
    missing = rng.random(n) < streams.sigmoid(x)
    if missing.all():
        missing[int(rng.integers(n))] = False
    return report[~missing].reset_index(drop=True)
