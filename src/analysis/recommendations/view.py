"""Recommendations and person lists for the reader: tables, collapsed blocks and sentences."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from analysis import disclosure, fmt, tables
from analysis.recommendations.rules import Rule

# Addressees in the order of the report: institutions, associations, the Centre, the department.
ADDRESSEE_ORDER = ("руководителю ОУ", "руководителю ГПО", "Центру", "управлению образования")
LIST_TITLES = {
    "lapsed_pk": "Работники, у которых истёк трёхлетний срок ПК (нет курса ПК за {years})",
    "young_without_mentor": "Молодые педагоги (стаж менее 3 лет) без наставника в {year} году",
    "deficit_no_course": "Работники с дефицитами по диагностике {prev_year} года без курса ПК "
                         "в {year} году",
    "heads_no_management": "Руководители и заместители без обучения по управлению за {years}",
}
LIST_SHORT = {"lapsed_pk": "Истёк срок ПК", "young_without_mentor": "Молодые без наставника",
              "deficit_no_course": "Дефицит без курса",
              "heads_no_management": "Руководители без обучения по управлению"}
HEADERS = {"person_id": "Код работника", "inst_name": "Учреждение", "position": "Должность",
           "experience_years": "Стаж, лет", "last_pk_year": "Последний курс ПК, год",
           "deficit_areas": "Области дефицитов"}
MAX_ROWS = 200  # rows of a person list shown in the page; the rest is counted, not listed


def heading(addressee: str) -> str:
    """«руководителю ОУ» → «Руководителю ОУ» (abbreviations keep their capitals)."""
    return addressee[:1].upper() + addressee[1:]


def institutions_sentence(recs: pd.DataFrame, n: int = 5) -> str:
    """«Рекомендации получают 144 учреждения; больше всего — …»."""
    part = recs[recs["level"] == "institution"]
    if part.empty:
        return "Рекомендаций отдельным учреждениям нет."
    counts = part.groupby("unit_name").size().sort_values(ascending=False, kind="stable")
    top = [f"{u} ({c})" for u, c in counts.head(n).items()]
    return (f"Рекомендации получают "
            f"{fmt.count(len(counts), 'учреждение', 'учреждения', 'учреждений')}; больше всего "
            f"рекомендаций (в скобках — число): {fmt.join_ru(top)}.")


def addressees(recs: pd.DataFrame) -> list[str]:
    """The addressees present, in the report's order (unknown ones after, alphabetically)."""
    present = set(recs["addressee"])
    known = [a for a in ADDRESSEE_ORDER if a in present]
    return known + sorted(present - set(known))


def rule_summary(recs: pd.DataFrame, rules: Sequence[Rule]) -> pd.DataFrame:
    """Per rule (in file order): addressee, units concerned, people concerned (Σ N)."""
    rows = []
    for rule in rules:
        part = recs[recs["rule_id"] == rule.id]
        people = part["count"].sum() if rule.count and rule.count not in (
            "missing_plan_report",) and len(part) else pd.NA
        rows.append({"rule_id": rule.id, "title": rule.title, "addressee": rule.addressee,
                     "units": len(part), "people": people})
    out = pd.DataFrame(rows, columns=["rule_id", "title", "addressee", "units", "people"])
    out["people"] = pd.array(out["people"], dtype="Int64")
    return out


def rule_summary_table(summary: pd.DataFrame, threshold: int | None = None,
                       recs: pd.DataFrame | None = None,
                       public: pd.DataFrame | None = None) -> Styler:
    """The rules with how many units and people each concerns; with `threshold` (public
    profile) counts of people below it are shown as «*» (with secondary suppression), and so is
    a rule's total whenever one of the cells it sums is hidden in `public`, the year's public
    table: a rule that fires at one school would otherwise publish that school's hidden count
    (e.g. how many of its staff lack a course). Without `public` no total can be checked."""
    people = summary["people"].astype("Float64")
    shown = [fmt.integer(x) if not pd.isna(x) else fmt.DASH for x in people]
    if threshold is not None:
        mask = disclosure.suppress_counts(summary.assign(people=people.astype(float)),
                                          ["people"], threshold)
        hidden = _totals_over_hidden_cells(summary, recs, public)
        shown = [disclosure.mask_display(s, m or h)
                 for s, m, h in zip(shown, mask["people"], hidden)]
    show = pd.DataFrame({
        "Рекомендация": summary["title"].to_numpy(),
        "Кому": summary["addressee"].to_numpy(),
        "Адресатов": [fmt.integer(x) for x in summary["units"]],
        "Человек": shown,
    })
    return tables.styled(show, "Правила рекомендаций: сколько адресатов и человек касается каждое",
                         right=["Адресатов", "Человек"])


def _totals_over_hidden_cells(summary: pd.DataFrame, recs: pd.DataFrame | None,
                              public: pd.DataFrame | None) -> list[bool]:
    """Per rule of `summary`: does its people total sum a cell that `public` does not show?"""
    if recs is None or public is None:
        return [not pd.isna(x) for x in summary["people"]]  # nothing to check against: hide
    visible = _visible_cells(public)
    over_hidden = {
        rule_id
        for rule_id, level, unit_id, indicator_id in zip(
            recs["rule_id"], recs["level"], recs["unit_id"].astype(str), recs["indicator_id"])
        if not _quotes_visible(level, unit_id, indicator_id, visible)
    }
    return [r in over_hidden for r in summary["rule_id"]]


def texts(recs: pd.DataFrame, addressee: str) -> list[str]:
    """The full texts addressed to one addressee."""
    return list(recs.loc[recs["addressee"] == addressee, "text"])


def institution_matrix(recs: pd.DataFrame, rules: Sequence[Rule]) -> Styler | None:
    """Institutions × rules addressed to them: N (or «да» for a rule without a count)."""
    part = recs[recs["level"] == "institution"]
    if part.empty:
        return None
    titles = {r.id: r.title for r in rules}
    ids = [r.id for r in rules if r.id in set(part["rule_id"])]
    cell = part.assign(cell=[fmt.integer(c) if not pd.isna(c) else "да" for c in part["count"]])
    wide = cell.pivot_table(index="unit_name", columns="rule_id", values="cell",
                            aggfunc="first").reindex(columns=ids)
    order = part.groupby("unit_name").size().sort_values(ascending=False, kind="stable")
    wide = wide.reindex(order.index).fillna("")
    wide.columns = [titles[i] for i in wide.columns]
    show = wide.reset_index(names="Учреждение")
    show.insert(1, "Всего", [fmt.integer(order[u]) for u in show["Учреждение"]])
    return tables.styled(show, "Рекомендации учреждениям: сколько работников касается каждая "
                               "(«да» — рекомендация без числа)", right=list(show.columns[1:]))


def institution_texts(recs: pd.DataFrame) -> Styler | None:
    """Every recommendation to an institution, as text, institution by institution."""
    part = recs[recs["level"] == "institution"].sort_values(["unit_name", "rule_id"],
                                                            kind="stable")
    if part.empty:
        return None
    show = pd.DataFrame({"Учреждение": part["unit_name"].to_numpy(),
                         "Рекомендация": part["text"].to_numpy()})
    return tables.styled(show, "Тексты рекомендаций учреждениям")


def collapsed(content: Styler | str, summary: str) -> object:
    """A block the reader opens with a click (HTML <details>: no script needed)."""
    from IPython.display import HTML

    body = content.to_html() if isinstance(content, Styler) else str(content)
    return HTML(f"<details><summary>{html.escape(summary)}</summary>\n{body}\n</details>")


def list_counts(lists: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Institutions × person lists: how many persons of each list work there."""
    frames = []
    for key, frame in lists.items():
        if len(frame):
            frames.append(frame.groupby("inst_name").size().rename(LIST_SHORT.get(key, key)))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, axis=1).fillna(0).astype(int)
    out = out.loc[out.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    return out


def list_counts_table(counts: pd.DataFrame) -> Styler:
    show = counts.map(fmt.integer).reset_index(names="Учреждение")
    return tables.styled(show, "Поимённые списки: число работников по учреждениям",
                         right=list(show.columns[1:]))


def list_title(key: str, year: int) -> str:
    return LIST_TITLES.get(key, key).format(years=fmt.years_range(year - 2, year), year=year,
                                            prev_year=year - 1)


def person_table(frame: pd.DataFrame, caption: str, max_rows: int = MAX_ROWS) -> Styler:
    """A person list with Russian headers (the first `max_rows` rows)."""
    cols = [c for c in HEADERS if c in frame.columns]
    show = frame[cols].head(max_rows).rename(columns=HEADERS)
    if "Стаж, лет" in show:
        show["Стаж, лет"] = [fmt.number(x, 0) for x in show["Стаж, лет"]]
    if "Последний курс ПК, год" in show:
        show["Последний курс ПК, год"] = [fmt.DASH if pd.isna(x) else str(int(x))
                                          for x in show["Последний курс ПК, год"]]
    if len(frame) > max_rows:
        caption += f" (первые {max_rows} из {len(frame)})"
    return tables.styled(show, caption)


def list_sentences(lists: Mapping[str, pd.DataFrame], year: int) -> list[str]:
    """«Истёк срок ПК: 271 работник в 28 учреждениях.» per list."""
    out = []
    for key, frame in lists.items():
        reason = str(frame.attrs.get("withheld", ""))  # lists.WITHHELD: not drawn up, and why
        if reason:
            out.append(f"{list_title(key, year)}: {reason}")
            continue
        n, n_inst = len(frame), frame["inst_id"].nunique() if len(frame) else 0
        out.append(f"{list_title(key, year)}: "
                   f"{fmt.count(n, 'человек', 'человека', 'человек')}"
                   + (f" в {fmt.count(n_inst, 'учреждении', 'учреждениях', 'учреждениях')}."
                      if n else "."))
    return out


def conclusions(recs: pd.DataFrame, summary: pd.DataFrame, year: int,
                threshold: int | None = None, public: pd.DataFrame | None = None) -> list[str]:
    """The closing bullets on the recommendations of the year (and the rules that could not
    apply because their person list is withheld: `engine.withheld_rules`); with `threshold`
    (public profile) a rule's people total is left out where the summary table hides it."""
    withheld = [f"Правило «{t}» не применялось: {reason}"
                for t, reason in _withheld_titles(recs, summary)]
    if recs.empty:
        return [f"В {year} году ни одно правило рекомендаций не сработало.", *withheld]
    out = [f"В {year} году сформировано "
           f"{fmt.count(len(recs), 'адресная рекомендация', 'адресные рекомендации', 'адресных рекомендаций')}"
           ": " + ", ".join(f"{a} — {int((recs['addressee'] == a).sum())}"
                            for a in addressees(recs)) + "."]
    hidden = pd.Series(False, index=summary.index)
    if threshold is not None:
        hidden = disclosure.suppress_counts(summary.assign(people=summary["people"].astype(float)),
                                            ["people"], threshold)["people"]
        hidden = hidden | pd.Series(_totals_over_hidden_cells(summary, recs, public),
                                    index=summary.index)
    for i, row in zip(summary.index, summary.itertuples(index=False)):
        people = row.people
        if row.units == 0 or pd.isna(people) or hidden[i]:
            continue
        out.append(f"{row.title}: {fmt.count(int(row.units), 'адресат', 'адресата', 'адресатов')}, "
                   f"{fmt.count(int(people), 'человек', 'человека', 'человек')}.")
    return out + withheld


def _withheld_titles(recs: pd.DataFrame, summary: pd.DataFrame) -> list[tuple[str, str]]:
    """(rule title, reason) of the rules whose person list was withheld."""
    reasons = recs.attrs.get("withheld") or {}
    titles = dict(zip(summary["rule_id"], summary["title"])) if {
        "rule_id", "title"} <= set(summary.columns) else {}
    return [(titles.get(rule_id, rule_id), reason) for rule_id, reason in reasons.items()]


PUBLIC_LEVELS = ("city", "centre", "category", "district", "inst_type")  # no single institution


def public_texts(recs: pd.DataFrame, threshold: int, shown: pd.DataFrame | None = None
                 ) -> list[str]:
    """Texts the public profile may show: to the city, the Centre, categories, districts and
    types only, where N (when there is one) is at least the suppression threshold, and where
    every cell the text quotes is visible in `shown` — the year's public table
    (`context.for_reader`): a type or district hidden there as a partner is hidden here too
    (its value, gap or N would give the cell away). Without `shown` nothing can be checked,
    so nothing is shown."""
    if shown is None:
        return []
    part = recs[recs["level"].isin(PUBLIC_LEVELS)]
    visible = _visible_cells(shown)
    ok = [(pd.isna(c) or c >= threshold) and _quotes_visible(lv, u, i, visible)
          for c, lv, u, i in zip(part["count"], part["level"], part["unit_id"].astype(str),
                                 part["indicator_id"])]
    return list(part.loc[ok, "text"])


def _visible_cells(shown: pd.DataFrame) -> set[tuple[str, str, str]]:
    """(level, unit_id, indicator_id) of the cells the public table shows with a value."""
    flags = shown["flags"].astype("string").fillna("") if "flags" in shown.columns else None
    keep = shown["value"].notna()
    if flags is not None:
        keep &= ~flags.str.split(disclosure.FLAG_SEPARATOR).map(
            lambda f: disclosure.SUPPRESSED_FLAG in f).astype(bool)
    part = shown[keep]
    return set(zip(part["level"], part["unit_id"].astype(str), part["indicator_id"]))


def _quotes_visible(level: str, unit_id: str, indicator_id: str,
                    visible: set[tuple[str, str, str]]) -> bool:
    """A text quotes its unit's cell (a category's is the city's) and the city's value."""
    own = ("city", "city") if level == "category" else (level, unit_id)
    return ((*own, indicator_id) in visible) and (("city", "city", indicator_id) in visible)
