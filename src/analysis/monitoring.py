"""Stage 03, «Мониторинг»: the year's indicators against targets, units and previous years.

Pure functions on the tidy indicator table (`analysis.indicators`) and processed tables; each
returns data (tested on hand-made tables) and, where a reader sees it, a `*_table` companion that
turns it into a styled table with Russian headers. Sentences for the reader come from
`*_sentences` functions, with the actual numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from analysis import contract, fmt, tables

LEVEL_NAMES = {
    "city": "город",
    "district": "район",
    "inst_type": "тип учреждения",
    "institution": "учреждение",
    "association": "объединение",
    "centre": "Центр",
}
LEVEL_PLURAL = {
    "district": "районы",
    "inst_type": "типы учреждений",
    "institution": "учреждения",
    "association": "объединения",
}
INST_TYPE_NAMES = {
    "ОО": "школы (ОО)",
    "ДОО": "детские сады (ДОО)",
    "УДО": "доп. образование (УДО)",
    "ДПО": "Центр (ДПО)",
}
BAND_WORDS = {
    "meets": "цель достигнута",
    "near": "цель почти достигнута",
    "below": "цель не достигнута",
}
ROBUST_Z = 0.6745  # Iglewicz–Hoaglin: 0.6745·(x − median)/MAD ~ N(0, 1) for normal data
SUPPRESSED = "suppressed"  # tidy flag set by analysis.disclosure
INCOMPLETE = "incomplete_window"  # tidy flag: a _3y window reaches before the first data year
WITHHELD = "withheld"  # frame.attrs: why a person list is not drawn up (lists.WITHHELD)
WINDOW_WITHHELD = (
    "список не составляется — курсов ДПО за часть лет трёхлетнего окна нет в загруженных "
    "данных, и отсутствие курса значило бы лишь, что эти годы не загружены"
)


# --------------------------------------------------------------------------- bands


def band(value: object, target: object, direction: str, unit: str, near_pp: float) -> str:
    """meets / near / below / none for a value against its target.

    «near» is within `near_pp` of the target on the wrong side: percentage points for shares,
    per cent of the target for counts and sums (a gap of 5 events means little against 500).
    """
    if fmt.is_missing(value) or fmt.is_missing(target):
        return "none"
    v, t = float(value), float(target)  # type: ignore[arg-type]
    gap = (t - v) if direction == "higher" else (v - t)
    if gap <= 0:
        return "meets"
    limit = near_pp if unit == fmt.PERCENT else abs(t) * near_pp / 100
    return "near" if gap <= limit else "below"


def _has_flag(flags: object, flag: str) -> bool:
    return isinstance(flags, str) and flag in flags.split(";")


def _shown(value: object, unit: str, flags: object = "", missing: str = fmt.DASH) -> str:
    """The cell text of an indicator value: «*» when suppressed, «—» when empty, marked «†»
    when its window is incomplete (see `fmt.INCOMPLETE_NOTE`)."""
    if _has_flag(flags, SUPPRESSED):
        return fmt.SUPPRESSED
    return fmt.marked(fmt.value(value, unit, missing=missing), _has_flag(flags, INCOMPLETE))


def judged_band(value: object, target: object, direction: str, unit: str, near_pp: float,
                flags: object) -> str:
    """`band`, but «none» for a value over an incomplete window: an understated value is not
    judged against its target (the CSV's meets_target stays as SPEC §5 pins it)."""
    if _has_flag(flags, INCOMPLETE):
        return "none"
    return band(value, target, direction, unit, near_pp)


def _meta(catalogue: Mapping, indicator_id: str) -> tuple[str, str, str]:
    """(name, unit, direction) of an indicator."""
    ind = catalogue[indicator_id]
    return ind.name, ind.unit, ind.direction


# --------------------------------------------------------------------------- scorecard


def scorecard(
    series: pd.DataFrame,
    catalogue: Mapping,
    year: int,
    years: Sequence[int],
    near_pp: float,
) -> pd.DataFrame:
    """Every indicator at city level (the Centre's at level centre) over `years`.

    One row per indicator in catalogue order with, per year y, ``value_y``, ``target_y``,
    ``band_y``, ``flags_y``; plus ``change`` (report year minus the previous year shown) and
    ``band`` of the report year.
    """
    top = series[series["level"].isin(["city", "centre"])]
    rows = []
    for ind_id, ind in catalogue.items():
        part = top[top["indicator_id"] == ind_id]
        if part.empty:
            continue
        row: dict[str, object] = {"indicator_id": ind_id, "name": ind.name, "unit": ind.unit,
                                  "direction": ind.direction,
                                  "group": getattr(ind, "group", "") or ""}
        for y in years:
            hit = part[part["year"] == y]
            rec = hit.iloc[0] if len(hit) else None
            val = None if rec is None else rec["value"]
            tgt = None if rec is None else rec["target"]
            row[f"value_{y}"] = np.nan if fmt.is_missing(val) else float(val)
            row[f"target_{y}"] = np.nan if fmt.is_missing(tgt) else float(tgt)
            row[f"flags_{y}"] = "" if rec is None or fmt.is_missing(rec["flags"]) else rec["flags"]
            row[f"band_{y}"] = judged_band(val, tgt, ind.direction, ind.unit, near_pp,
                                           row[f"flags_{y}"])
        prev = [y for y in years if y < year]
        row["change"] = (row[f"value_{year}"] - row[f"value_{prev[-1]}"]) if prev else np.nan
        row["band"] = row[f"band_{year}"]
        rows.append(row)
    return pd.DataFrame(rows)


def scorecard_table(card: pd.DataFrame, year: int, years: Sequence[int]) -> Styler:
    """The scorecard for the reader: values of each year coloured by their band."""
    show = pd.DataFrame({"Показатель": card["name"]})
    bands = pd.DataFrame({"Показатель": [""] * len(card)})
    for y in years:
        show[str(y)] = [_shown(v, u, f) for v, u, f in
                        zip(card[f"value_{y}"], card["unit"], card[f"flags_{y}"])]
        bands[str(y)] = card[f"band_{y}"].replace("none", "").to_numpy()
    show[f"Цель {year}"] = [fmt.value(t, u) for t, u in zip(card[f"target_{year}"], card["unit"])]
    show["За год"] = [
        (fmt.pp(c) if u == fmt.PERCENT else fmt.signed(c, 0 if c == round(c) else 1))
        if not fmt.is_missing(c) else fmt.DASH
        for c, u in zip(card["change"], card["unit"])
    ]
    show["Оценка"] = [
        NOT_JUDGED if _has_flag(f, INCOMPLETE) and not fmt.is_missing(t)
        else BAND_WORDS.get(b, "цель не установлена" if fmt.is_missing(t) else fmt.DASH)
        for b, t, f in zip(card["band"], card[f"target_{year}"], card[f"flags_{year}"])]
    bands = bands.astype(object).reindex(columns=show.columns).astype(object).fillna("")
    bands["Оценка"] = card["band"].replace("none", "").to_numpy()
    right = [str(y) for y in years] + [f"Цель {year}", "За год"]
    return tables.styled(show, f"Показатели города за {fmt.years_range(years[0], years[-1])}",
                         bands=bands, right=right, note=tables.incomplete_note(show))


NOT_JUDGED = f"не оценивается{fmt.NBSP}{fmt.INCOMPLETE_MARK}"  # a target on an incomplete window


def scorecard_summary(card: pd.DataFrame, year: int) -> str:
    """One sentence: how many indicators with a target met it this year."""
    both = card[card[f"target_{year}"].notna() & card[f"value_{year}"].notna()]
    short = both[f"flags_{year}"].map(lambda f: _has_flag(f, INCOMPLETE))
    with_target, n_short = both[~short], int(short.sum())
    n = len(with_target)
    short_text = (f" По {fmt.count(n_short, 'показателю', 'показателям', 'показателям')} "
                  "трёхлетнее окно неполное (ранних лет нет в данных): достижение цели не "
                  "оценивается." if n_short else "")
    if n == 0:
        return (f"В {year} году ни по одному показателю нет одновременно значения и цели "
                "на полном окне." if n_short else
                f"В {year} году ни по одному показателю нет одновременно значения и цели."
                ) + short_text
    counts = with_target["band"].value_counts()
    met, near, below = (int(counts.get(b, 0)) for b in ("meets", "near", "below"))
    no_value = int(card[f"value_{year}"].isna().sum())
    text = (f"В {year} году из {fmt.count(n, 'показателя', 'показателей', 'показателей')} "
            f"с целевым значением цель достигнута по {met}, близко к цели — {near}, "
            f"не достигнута — {below}.")
    if no_value:
        text += (f" По {fmt.count(no_value, 'показателю', 'показателям', 'показателям')} "
                 "значения нет (нет данных или значение скрыто).")
    return text + short_text


def scorecard_sentences(card: pd.DataFrame, year: int) -> list[str]:
    """A sentence per indicator: value, target, verdict and the change over the year."""
    out = []
    for _, r in card.iterrows():
        val, tgt, unit = r[f"value_{year}"], r[f"target_{year}"], r["unit"]
        if _has_flag(r[f"flags_{year}"], SUPPRESSED):
            out.append(f"{r['name']}: значение скрыто (слишком мало человек).")
            continue
        if fmt.is_missing(val):
            out.append(f"{r['name']}: {fmt.NO_DATA}.")
            continue
        text = f"{r['name']}{_verb(r['name'])} {fmt.value(val, unit)}"
        if _has_flag(r[f"flags_{year}"], INCOMPLETE):
            out.append(text + " — значение за неполное трёхлетнее окно (ранних лет нет в "
                              "данных), оно занижено; достижение цели не оценивается.")
            continue
        if not fmt.is_missing(tgt):
            text += f" при цели {_compact(tgt, unit)}: {BAND_WORDS[r['band']]}"
        if not fmt.is_missing(r["change"]):
            change = fmt.pp(r["change"]) if unit == fmt.PERCENT else fmt.signed(r["change"], 0)
            text += f" (за год {change})"
        out.append(text + ".")
    return out


# The verb agreeing with the head noun of an indicator's name («Доля … составила»); names
# starting with another word get a colon instead, so the sentence is never ungrammatical.
VERBS = {"доля": "составила", "удельный": "составил", "охват": "составил",
         "полнота": "составила", "количество": "составило", "число": "составило"}


def _verb(name: str) -> str:
    """«Доля … составила», «Количество … составило»; «Призовые места …:» otherwise."""
    first = (name.split() or [""])[0].lower()
    return " " + VERBS[first] if first in VERBS else ":"


def _compact(x: object, unit: str) -> str:
    """A target without a useless «,0»: 85 → «85 %», 82.5 → «82,5 %»."""
    xf = float(x)  # type: ignore[arg-type]
    text = fmt.number(xf, 0 if xf == round(xf) else 1)
    return text + fmt.NBSP + unit if unit else text


def dynamics_frame(series: pd.DataFrame, indicator_id: str, level: str = "city",
                   unit_id: str | None = None) -> pd.DataFrame:
    """year, value, target of one indicator and unit, for `plots.dynamics`."""
    part = series[(series["indicator_id"] == indicator_id) & (series["level"] == level)]
    if unit_id is not None:
        part = part[part["unit_id"] == unit_id]
    out = part[["year", "value", "target"]].copy()
    for col in ("value", "target"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out.sort_values("year").reset_index(drop=True)


# --------------------------------------------------------------------------- units compared


def unit_names(level: str, institutions: pd.DataFrame | None) -> dict[str, str]:
    """Reader-facing names of units: institution names, type names; districts as they are."""
    if level == "institution" and institutions is not None:
        return dict(zip(institutions["inst_id"].astype(str), institutions["name"].astype(str)))
    if level == "inst_type":
        return dict(INST_TYPE_NAMES)
    return {}


def compare_units(
    tidy: pd.DataFrame,
    catalogue: Mapping,
    level: str,
    near_pp: float,
    indicator_ids: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Units of a level × indicators: (values, bands, labels), indexed by the unit's name.

    Indicators are columns named by their Russian name; only indicators computed at the level.
    """
    part = tidy[tidy["level"] == level]
    ids = [i for i in (indicator_ids or catalogue) if i in set(part["indicator_id"])]
    # units with no value on any of the indicators (the Centre among types) are left out
    vals = pd.to_numeric(part["value"], errors="coerce")
    hidden = part["flags"].map(lambda f: _has_flag(f, SUPPRESSED))
    keep = part.loc[part["indicator_id"].isin(ids) & (vals.notna() | hidden), "unit_id"]
    units = sorted(keep.astype(str).unique())
    names = names or {}
    index = [names.get(u, u) for u in units]
    values = pd.DataFrame(index=index, dtype=float)
    bands = pd.DataFrame(index=index, dtype=object)
    labels = pd.DataFrame(index=index, dtype=object)
    for ind_id in ids:
        name, unit, direction = _meta(catalogue, ind_id)
        rows = part[part["indicator_id"] == ind_id]
        rows = rows.set_index(rows["unit_id"].astype(str))
        vals, bnds, labs = [], [], []
        for u in units:
            if u not in rows.index:
                vals.append(np.nan), bnds.append("none"), labs.append(fmt.DASH)
                continue
            r = rows.loc[u]
            v = pd.to_numeric(r["value"], errors="coerce")
            vals.append(v)
            bnds.append(judged_band(v, r["target"], direction, unit, near_pp, r["flags"]))
            labs.append(_shown(v, unit, r["flags"]))
        values[name], bands[name], labels[name] = vals, bnds, labs
    return values, bands, labels


def unit_shares(catalogue: Mapping, level: str = "district") -> list[str]:
    """The ids of the shares computed at a level (what the unit comparisons show)."""
    return [i for i, ind in catalogue.items() if ind.unit == fmt.PERCENT and level in ind.levels]


def compare_title(level: str) -> str:
    """«Районы: показатели в сравнении с целями»."""
    return f"{LEVEL_PLURAL.get(level, level).capitalize()}: показатели в сравнении с целями"


def compare_table(values: pd.DataFrame, bands: pd.DataFrame, labels: pd.DataFrame,
                  level: str, caption: str) -> Styler:
    """The comparison grid as a table, first column the unit."""
    head = LEVEL_NAMES[level].capitalize()
    show = labels.reset_index(names=head)
    colours = bands.replace("none", "").reset_index(names=head)
    colours[head] = ""
    return tables.styled(show, caption, bands=colours, right=list(labels.columns),
                         note=tables.incomplete_note(labels))


def spread_sentence(values: pd.DataFrame, indicator: str, unit: str, level: str) -> str:
    """«По району: от 61,0 % (Юг) до 84,2 % (Север)» — the range across units of a level."""
    col = values[indicator].dropna()
    if len(col) < 2:
        return f"{indicator}: сравнивать {LEVEL_PLURAL.get(level, level)} не по чему."
    lo, hi = col.idxmin(), col.idxmax()
    text = (f"{indicator}: от {fmt.value(col[lo], unit)} ({lo}) до {fmt.value(col[hi], unit)} "
            f"({hi}), разница {_diff(col[hi] - col[lo], unit)}")
    return _end(text)


def _end(text: str) -> str:
    """Close a sentence with one full stop (units such as «п. п.» already end with one)."""
    return text if text.endswith(".") else text + "."


def _diff(x: float, unit: str) -> str:
    return fmt.pp(x).lstrip("+") if unit == fmt.PERCENT else fmt.number(x, 0)


# --------------------------------------------------------------------------- ШНОР / ШНСУ

SCHOOL_GROUPS = (
    ("low_results", "ШНОР"),
    ("unfavourable", "ШНСУ"),
)
OTHERS = "остальные школы"


def school_groups(
    tidy: pd.DataFrame,
    institutions: pd.DataFrame,
    catalogue: Mapping,
    threshold: int | None = None,
    shown: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Shares of ШНОР, ШНСУ and the other schools (type ОО), pooled over their institutions.

    A group's share is Σ numerators / Σ denominators of its schools (not a mean of shares);
    counts are sums. With `threshold`, a share over fewer people is hidden (``suppressed``);
    with `shown` (the public table, `analysis.context.for_reader`), so is every group the
    disclosure control hid there (its level `school_group` rows).
    Columns: indicator_id, name, unit, group, numerator, denominator, value, suppressed.
    """
    schools = institutions[institutions["inst_type"] == "ОО"]
    members = {label: set(schools.loc[schools[col].astype(bool), "inst_id"].astype(str))
               for col, label in SCHOOL_GROUPS}
    flagged = set().union(*members.values())
    members[OTHERS] = set(schools["inst_id"].astype(str)) - flagged
    part = tidy[tidy["level"] == "institution"].copy()
    part["unit_id"] = part["unit_id"].astype(str)
    hidden_groups = _hidden_groups(shown)
    rows = []
    for ind_id in catalogue:
        name, unit, _ = _meta(catalogue, ind_id)
        ind_rows = part[part["indicator_id"] == ind_id]
        if ind_rows.empty:
            continue
        for label, ids in members.items():
            g = ind_rows[ind_rows["unit_id"].isin(ids)]
            num = pd.to_numeric(g["numerator"], errors="coerce").sum(min_count=1)
            if unit == fmt.PERCENT:
                den = pd.to_numeric(g["denominator"], errors="coerce").sum(min_count=1)
                val = num / den * 100 if (not pd.isna(den) and den > 0) else np.nan
            else:
                den, val = np.nan, num
            small = (threshold is not None and unit == fmt.PERCENT and not pd.isna(den)
                     and den < threshold) or (ind_id, label) in hidden_groups
            rows.append({"indicator_id": ind_id, "name": name, "unit": unit, "group": label,
                         "schools": len(ids), "numerator": num, "denominator": den,
                         "value": np.nan if small else val, "suppressed": bool(small)})
    return pd.DataFrame(rows)


def _hidden_groups(shown: pd.DataFrame | None) -> set[tuple[str, str]]:
    """(indicator_id, group) pairs the public table hides."""
    if shown is None:
        return set()
    rows = shown[shown["level"].eq("school_group")]
    flags = rows["flags"].astype("string").fillna("")
    rows = rows[flags.str.split(";").map(lambda f: SUPPRESSED in f).astype(bool)]
    return set(zip(rows["indicator_id"], rows["unit_id"].astype(str), strict=True))


def school_groups_table(groups: pd.DataFrame) -> Styler:
    """Indicators × (ШНОР, ШНСУ, остальные, ШНОР − остальные)."""
    labels = [lab for _, lab in SCHOOL_GROUPS] + [OTHERS]
    out = []
    for ind_id, g in groups.groupby("indicator_id", sort=False):
        g = g.set_index("group")
        unit = g["unit"].iloc[0]
        row = {"Показатель": g["name"].iloc[0]}
        for lab in labels:
            row[f"{lab} ({g.loc[lab, 'schools']})"] = (
                fmt.SUPPRESSED if g.loc[lab, "suppressed"] else fmt.value(g.loc[lab, "value"], unit))
        gap = g.loc["ШНОР", "value"] - g.loc[OTHERS, "value"]
        row["ШНОР − остальные"] = _gap_text(gap, unit)
        out.append(row)
    show = pd.DataFrame(out)
    return tables.styled(show, "Школы с низкими результатами (ШНОР) и в неблагоприятных "
                               "условиях (ШНСУ) в сравнении с остальными школами "
                               "(в скобках — число школ)", right=list(show.columns[1:]))


def _gap_text(gap: float, unit: str) -> str:
    if pd.isna(gap):
        return fmt.DASH
    return fmt.pp(gap) if unit == fmt.PERCENT else fmt.signed(gap, 0 if gap == round(gap) else 1)


def school_group_sentences(groups: pd.DataFrame, catalogue: Mapping, min_gap_pp: float
                           ) -> list[str]:
    """Sentences on the indicators where ШНОР or ШНСУ lag the other schools by ≥ `min_gap_pp`."""
    out = []
    for ind_id, g in groups.groupby("indicator_id", sort=False):
        g = g.set_index("group")
        unit, direction = g["unit"].iloc[0], catalogue[ind_id].direction
        if unit != fmt.PERCENT:
            continue
        other = g.loc[OTHERS, "value"]
        for lab in ("ШНОР", "ШНСУ"):
            v = g.loc[lab, "value"]
            if pd.isna(v) or pd.isna(other):
                continue
            worse = (other - v) if direction == "higher" else (v - other)
            if worse >= min_gap_pp:
                out.append(f"{g['name'].iloc[0]}: в {lab} {fmt.value(v, unit)} против "
                           f"{fmt.value(other, unit)} в остальных школах "
                           f"(хуже на {fmt.number(worse, 1)}{fmt.NBSP}п.{fmt.NBSP}п.).")
    return out


# --------------------------------------------------------------------------- rankings


def ranking(
    tidy: pd.DataFrame,
    institutions: pd.DataFrame,
    catalogue: Mapping,
    indicator_id: str,
    near_pp: float,
) -> pd.DataFrame:
    """Institutions ordered from best to worst on an indicator (by its direction).

    Units without a value (empty or suppressed) come last. Columns: place, inst_id, name,
    district, inst_type, value, denominator, target, band, flags.
    """
    _, unit, direction = _meta(catalogue, indicator_id)
    part = tidy[(tidy["level"] == "institution") & (tidy["indicator_id"] == indicator_id)].copy()
    part["unit_id"] = part["unit_id"].astype(str)
    inst = institutions.assign(inst_id=institutions["inst_id"].astype(str))
    part = part.merge(inst[["inst_id", "name", "district", "inst_type"]],
                      left_on="unit_id", right_on="inst_id", how="left")
    part["value"] = pd.to_numeric(part["value"], errors="coerce")
    part = part.sort_values(["value", "inst_id"], ascending=[direction == "lower", True],
                            na_position="last", kind="mergesort")
    part["place"] = np.arange(1, len(part) + 1)
    part.loc[part["value"].isna(), "place"] = np.nan
    part["band"] = [judged_band(v, t, direction, unit, near_pp, f)
                    for v, t, f in zip(part["value"], part["target"], part["flags"])]
    cols = ["place", "inst_id", "name", "district", "inst_type", "value", "denominator",
            "target", "band", "flags"]
    return part[cols].reset_index(drop=True)


def ranking_table(ranked: pd.DataFrame, catalogue: Mapping, indicator_id: str, n: int,
                  worst: bool = True) -> Styler:
    """The `n` lowest-ranked (or highest-ranked) institutions with a value."""
    name, unit, _ = _meta(catalogue, indicator_id)
    have = ranked[ranked["place"].notna()]
    part = have.tail(n).iloc[::-1] if worst else have.head(n)
    show = pd.DataFrame({
        "Место": [fmt.integer(p) for p in part["place"]],
        "Учреждение": part["name"].to_numpy(),
        "Район": part["district"].to_numpy(),
        "Тип": part["inst_type"].to_numpy(),
        "Значение": [_shown(v, unit, f) for v, f in zip(part["value"], part["flags"])],
        "Цель": [fmt.value(t, unit) for t in part["target"]],
    })
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Значение"] = part["band"].replace("none", "").to_numpy()
    which = "последние" if worst else "первые"
    caption = f"{name}: {which} {n} мест из {len(have)}"
    return tables.styled(show, caption, bands=bands, right=["Место", "Значение", "Цель"],
                         note=tables.incomplete_note(show["Значение"]))


# --------------------------------------------------------------------------- data quality


def outliers(tidy: pd.DataFrame, catalogue: Mapping, z: float,
             names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Institutions whose value is far from the others: |0.6745·(x − median)/MAD| > z.

    Per indicator over institutions with a value; an indicator whose MAD is 0 (at least half
    the institutions share one value) has no robust spread and gives no outliers.
    Columns: indicator_id, name, unit, inst_id, inst_name, value, median, robust_z.
    """
    part = tidy[tidy["level"] == "institution"]
    rows = []
    for ind_id in catalogue:
        g = part[part["indicator_id"] == ind_id]
        vals = pd.to_numeric(g["value"], errors="coerce")
        keep = vals.notna()
        g, vals = g[keep], vals[keep].astype(float)
        if len(vals) < 3:
            continue
        median = float(np.median(vals))
        mad = float(np.median(np.abs(vals - median)))
        if mad == 0:
            continue
        zs = ROBUST_Z * (vals - median) / mad
        for uid, v, zz in zip(g["unit_id"].astype(str), vals, zs):
            if abs(zz) > z:
                name, unit, _ = _meta(catalogue, ind_id)
                rows.append({"indicator_id": ind_id, "name": name, "unit": unit,
                             "inst_id": uid, "inst_name": (names or {}).get(uid, uid),
                             "value": v, "median": median, "robust_z": float(zz)})
    cols = ["indicator_id", "name", "unit", "inst_id", "inst_name", "value", "median", "robust_z"]
    return pd.DataFrame(rows, columns=cols)


def outliers_table(found: pd.DataFrame) -> Styler:
    """Outliers for the reader: institution, indicator, its value and the city's median."""
    show = pd.DataFrame({
        "Учреждение": found["inst_name"].to_numpy(),
        "Показатель": found["name"].to_numpy(),
        "Значение": [fmt.value(v, u) for v, u in zip(found["value"], found["unit"])],
        "Медиана по учреждениям": [fmt.value(v, u) for v, u in zip(found["median"], found["unit"])],
        "Отклонение": ["выше обычного" if zz > 0 else "ниже обычного" for zz in found["robust_z"]],
    })
    return tables.styled(show, "Необычные значения (проверьте данные учреждения)",
                         right=["Значение", "Медиана по учреждениям"])


def quality_sentences(tidy: pd.DataFrame, catalogue: Mapping, found: pd.DataFrame,
                      z: float) -> list[str]:
    """Findings on data quality: outliers, indicators without data, incomplete windows."""
    out = []
    if len(found):
        n_inst = found["inst_id"].nunique()
        out.append(f"Необычные значения: {fmt.count(len(found), 'случай', 'случая', 'случаев')} "
                   f"в {fmt.count(n_inst, 'учреждении', 'учреждениях', 'учреждениях')} — "
                   "значение далеко от типичного для учреждений города; стоит сверить данные.")
    else:
        out.append("Необычных значений у учреждений не найдено.")
    empty = no_data_indicators(tidy, catalogue)
    if empty:
        out.append("Нет данных по показателям: " + "; ".join(empty) + ".")
    short = incomplete_windows(tidy, catalogue)
    if short:
        out.append("Трёхлетнее окно неполное (нет данных за ранние годы), значения занижены: "
                   + "; ".join(short) + ".")
    return out


def incomplete_windows(tidy: pd.DataFrame, catalogue: Mapping) -> list[str]:
    """Names of the indicators whose three-year window reaches before the first data year."""
    flagged = tidy[tidy["flags"].map(lambda f: _has_flag(f, INCOMPLETE))]
    ids = set(flagged["indicator_id"])
    return [catalogue[i].name for i in catalogue if i in ids]


def no_data_indicators(tidy: pd.DataFrame, catalogue: Mapping) -> list[str]:
    """Names of the indicators without a city (or Centre) value this year."""
    top = tidy[tidy["level"].isin(["city", "centre"])]
    vals = pd.to_numeric(top["value"], errors="coerce")
    empty = set(top.loc[vals.isna() & ~top["flags"].map(lambda f: _has_flag(f, SUPPRESSED)),
                        "indicator_id"])
    return [catalogue[i].name for i in catalogue if i in empty]


def staff_anomalies(staff: pd.DataFrame, courses: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """Person-level findings to check with the institution (internal profile only).

    - experience longer than the years since `contract.MIN_WORKING_AGE` (the same rule ingest
      warns about; age = year − birth_year);
    - courses of the year whose person is on no staff list of the year (they count nowhere).
    Columns: person_id, inst_id, finding.
    """
    rows = []
    age = year - staff["birth_year"].astype(float)
    bad = staff[staff["experience_years"].astype(float) > age - contract.MIN_WORKING_AGE]
    for r in bad.itertuples(index=False):
        rows.append({"person_id": str(r.person_id), "inst_id": str(r.inst_id),
                     "finding": f"стаж {fmt.number(r.experience_years, 0)} лет при возрасте "
                                f"{year - int(r.birth_year)} лет"})
    if courses is not None and len(courses):
        known = set(staff["person_id"].astype(str))
        stray = sorted(set(courses["person_id"].astype(str)) - known)
        for pid in stray:
            rows.append({"person_id": pid, "inst_id": "",
                         "finding": "курс учтён, но работника нет в списке кадров года"})
    return pd.DataFrame(rows, columns=["person_id", "inst_id", "finding"])


def lapsed_staff(staff: pd.DataFrame, courses_by_year: Sequence[pd.DataFrame | None],
                 inst_ids: Sequence[str], kinds: Sequence[str] | None = None) -> pd.DataFrame:
    """Staff of the given institutions with no course (ПК or ПП) in the three-year window.

    `courses_by_year` holds the `ДПО` tables of y−2 … y (None for a year without the form);
    `kinds` limits the courses that count (``["ПК"]``: no ПК course, ПП does not count).
    Columns: inst_id, person_id, position, experience_years. When a year of the window has no
    `ДПО` in the data, nobody can be said to lack a course: the list is empty and says why
    (``attrs["withheld"]``, shown by `person_table`).
    """
    cols = ["inst_id", "person_id", "position", "experience_years"]
    if any(c is None for c in courses_by_year):
        out = staff[cols].iloc[0:0].reset_index(drop=True)
        out.attrs[WITHHELD] = WINDOW_WITHHELD
        return out
    trained: set[str] = set()
    for c in courses_by_year:
        if c is not None:
            if kinds is not None:
                c = c[c["kind"].isin(list(kinds))]
            trained |= set(c["person_id"].astype(str))
    part = staff[staff["inst_id"].astype(str).isin(set(map(str, inst_ids)))]
    part = part[~part["person_id"].astype(str).isin(trained)]
    return part[cols].sort_values(["inst_id", "person_id"]).reset_index(drop=True)


def lowest_institutions(tidy: pd.DataFrame, institutions: pd.DataFrame, catalogue: Mapping,
                        indicator_id: str, n: int) -> list[str]:
    """inst_ids of the `n` institutions ranked lowest (with a value) on an indicator."""
    ranked = ranking(tidy, institutions, catalogue, indicator_id, near_pp=0)
    return list(ranked.loc[ranked["place"].notna(), "inst_id"].tail(n))


def person_table(frame: pd.DataFrame, names: Mapping[str, str], caption: str) -> Styler:
    """A person-level list for the internal profile, with Russian headers."""
    headers = {"inst_id": "Учреждение", "person_id": "Код работника", "position": "Должность",
               "experience_years": "Стаж, лет", "finding": "Что проверить"}
    reason = frame.attrs.get(WITHHELD)
    if reason:
        caption = f"{caption}: {reason}"
    show = frame.rename(columns=headers)
    if "Учреждение" in show.columns:
        show["Учреждение"] = [names.get(str(i), str(i)) if i else fmt.DASH
                              for i in show["Учреждение"]]
    if "Стаж, лет" in show.columns:
        show["Стаж, лет"] = [fmt.number(x, 0) for x in show["Стаж, лет"]]
    return tables.styled(show, caption)


# --------------------------------------------------------------------------- completeness


def missing_plan_reports(associations: pd.DataFrame | None,
                         plan_reports: pd.DataFrame | None) -> pd.DataFrame:
    """Associations of the register without a plan-report this year (assoc_id, assoc_type, name)."""
    cols = ["assoc_id", "assoc_type", "name"]
    if associations is None:
        return pd.DataFrame(columns=cols)
    got = set() if plan_reports is None else set(plan_reports["assoc_id"].astype(str))
    missing = associations[~associations["assoc_id"].astype(str).isin(got)]
    return missing[cols].sort_values(["assoc_type", "assoc_id"]).reset_index(drop=True)


def completeness_by_type(associations: pd.DataFrame | None,
                         plan_reports: pd.DataFrame | None) -> pd.DataFrame:
    """Per association type: registered, reported, missing, % reported."""
    cols = ["assoc_type", "registered", "reported", "missing", "share"]
    if associations is None:
        return pd.DataFrame(columns=cols)
    got = set() if plan_reports is None else set(plan_reports["assoc_id"].astype(str))
    a = associations.assign(reported=associations["assoc_id"].astype(str).isin(got))
    out = a.groupby("assoc_type", sort=True).agg(registered=("assoc_id", "size"),
                                                  reported=("reported", "sum")).reset_index()
    out["missing"] = out["registered"] - out["reported"]
    out["share"] = out["reported"] / out["registered"] * 100
    return out[cols]


def completeness_table(by_type: pd.DataFrame) -> Styler:
    show = pd.DataFrame({
        "Тип объединения": by_type["assoc_type"].to_numpy(),
        "В реестре": [fmt.integer(x) for x in by_type["registered"]],
        "Сдали план-отчёт": [fmt.integer(x) for x in by_type["reported"]],
        "Не сдали": [fmt.integer(x) for x in by_type["missing"]],
        "Доля сдавших": [fmt.percent(x) for x in by_type["share"]],
    })
    return tables.styled(show, "Сдача планов-отчётов объединениями",
                         right=list(show.columns[1:]))


def missing_reports_table(missing: pd.DataFrame) -> Styler | None:
    """The associations that did not submit a plan-report (None when all did)."""
    if missing.empty:
        return None
    show = pd.DataFrame({"Код": missing["assoc_id"].to_numpy(),
                         "Тип": missing["assoc_type"].to_numpy(),
                         "Объединение": missing["name"].to_numpy()})
    return tables.styled(show, "Объединения, не сдавшие план-отчёт")


def completeness_sentence(by_type: pd.DataFrame, missing: pd.DataFrame) -> str:
    """«Планы-отчёты сдали 40 из 44 объединений (90,9 %); не сдали: ГПО — 2, ПТГ — 2.»"""
    if by_type.empty:
        return "Реестр объединений за год не поступил: полноту отчётности оценить нельзя."
    reg, rep = int(by_type["registered"].sum()), int(by_type["reported"].sum())
    text = (f"Планы-отчёты сдали {rep} из {fmt.count(reg, 'объединения', 'объединений', 'объединений')}"
            f" ({fmt.percent(rep / reg * 100)}).")
    if len(missing):
        parts = [f"{t} — {n}" for t, n in missing.groupby("assoc_type").size().items()]
        text += " Не сдали: " + ", ".join(parts) + "."
    else:
        text += " Отчитались все."
    return text


# --------------------------------------------------------------------------- the Centre


def centre_plan_fact(tidy: pd.DataFrame, catalogue: Mapping) -> pd.DataFrame:
    """The Centre's municipal assignment: plan (target), fact (value) and % of plan."""
    part = tidy[tidy["level"] == "centre"]
    rows = []
    for ind_id in catalogue:
        if catalogue[ind_id].unit == fmt.PERCENT:
            continue  # «% of plan» companions: the percentage is computed here from plan and fact
        r = part[part["indicator_id"] == ind_id]
        if r.empty:
            continue
        name, unit, _ = _meta(catalogue, ind_id)
        fact = pd.to_numeric(r["value"].iloc[0], errors="coerce")
        plan = pd.to_numeric(r["target"].iloc[0], errors="coerce")
        pct = fact / plan * 100 if (not pd.isna(plan) and plan > 0 and not pd.isna(fact)) else np.nan
        rows.append({"indicator_id": ind_id, "name": name, "unit": unit, "plan": plan,
                     "fact": fact, "percent": pct})
    return pd.DataFrame(rows, columns=["indicator_id", "name", "unit", "plan", "fact", "percent"])


def centre_table(pf: pd.DataFrame) -> Styler:
    show = pd.DataFrame({
        "Показатель муниципального задания": pf["name"].to_numpy(),
        "План": [fmt.value(v, u) for v, u in zip(pf["plan"], pf["unit"])],
        "Факт": [fmt.value(v, u) for v, u in zip(pf["fact"], pf["unit"])],
        "Выполнение": [fmt.percent(p) for p in pf["percent"]],
    })
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Выполнение"] = ["" if pd.isna(p) else ("meets" if p >= 100 else "below")
                           for p in pf["percent"]]
    return tables.styled(show, "Выполнение муниципального задания Центра", bands=bands,
                         right=["План", "Факт", "Выполнение"])


def centre_sentences(pf: pd.DataFrame) -> list[str]:
    out = []
    for r in pf.itertuples(index=False):
        if pd.isna(r.fact):
            out.append(f"{r.name}: {fmt.NO_DATA}.")
        elif pd.isna(r.plan):
            out.append(f"{r.name}: {fmt.value(r.fact, r.unit)}; план не задан.")
        else:
            verdict = "задание выполнено" if r.percent >= 100 else "задание не выполнено"
            out.append(f"{r.name}: {fmt.value(r.fact, r.unit)} при плане "
                       f"{fmt.value(r.plan, r.unit)} ({fmt.percent(r.percent)} плана) — {verdict}.")
    return out


# --------------------------------------------------------------------------- overview


def data_summary(institutions: pd.DataFrame | None, staff: pd.DataFrame | None,
                 associations: pd.DataFrame | None, year: int) -> str:
    """«В 2023 году в данных 150 учреждений в 3 районах, 6012 работников, 44 объединения.»"""
    parts = []
    if institutions is not None:
        n_d = institutions["district"].nunique()
        parts.append(f"{fmt.count(len(institutions), 'учреждение', 'учреждения', 'учреждений')} "
                     f"в {n_d} {fmt.plural(n_d, 'районе', 'районах', 'районах')}")
    if staff is not None:
        parts.append(fmt.count(len(staff), "работник", "работника", "работников"))
    if associations is not None:
        parts.append(fmt.count(len(associations), "объединение", "объединения", "объединений"))
    if not parts:
        return f"За {year} год нет ни реестра учреждений, ни списков кадров."
    return f"В {year} году в данных: " + ", ".join(parts) + "."


def key_panels(series: pd.DataFrame, catalogue: Mapping, ids: Sequence[str]
               ) -> list[tuple[str, str, pd.DataFrame]]:
    """(name, unit, year/value/target frame) of each key indicator at city level."""
    out = []
    for ind_id in ids:
        if ind_id in catalogue:
            frame = dynamics_frame(series, ind_id, "city")
            if len(frame):
                out.append((catalogue[ind_id].name, catalogue[ind_id].unit, frame))
    return out


def conclusions(card: pd.DataFrame, year: int, groups_lag: Sequence[str],
                completeness: str, centre: pd.DataFrame) -> list[str]:
    """The closing bullets of the stage: what a head of department should take away."""
    out = [scorecard_summary(card, year)]
    below = card[card["band"] == "below"]
    if len(below):
        out.append("Цель не достигнута: " + "; ".join(below["name"]) + ".")
    worse = card[(card["change"].notna()) & (card["unit"] == fmt.PERCENT)]
    worse = worse[np.where(worse["direction"] == "higher", worse["change"] < 0,
                           worse["change"] > 0)]
    if len(worse):
        out.append("Ухудшились за год: " + "; ".join(
            f"{n} ({fmt.pp(c)})" for n, c in zip(worse["name"], worse["change"])) + ".")
    if groups_lag:
        out.append(f"ШНОР/ШНСУ заметно отстают от остальных школ по "
                   f"{fmt.count(len(groups_lag), 'показателю', 'показателям', 'показателям')}.")
    out.append(completeness)
    if len(centre) and centre["percent"].notna().any():
        done = int((centre["percent"] >= 100).sum())
        out.append(f"Муниципальное задание Центра выполнено по {done} из "
                   f"{fmt.count(int(centre['percent'].notna().sum()), 'показателя', 'показателей', 'показателей')}.")
    return out
