"""The register of management decisions (`measures.xlsx › Меры`, SPEC §2 stage 05, §3).

Public API::

    load_measures(processed_dir, year) -> DataFrame | None
    split_list(text) -> list[str]
    resolve_targets(targets, institutions, associations=None) -> (inst_ids, assoc_ids)
    by_mechanism(measures) -> DataFrame          # mechanism × status counts, every mechanism
    status_summary(measures) -> DataFrame        # status, count, share
    correspondence(measures, problems, recommendations, institutions, associations=None)
        -> Correspondence                        # the checks both ways (frames)
    institution_mask(targets, institutions) -> bool array   # also drives the demo's effects
    # for the notebook: register_sentences, register_table, mechanism_table, mechanism_figure,
    # correspondence_sentences, unanswered_by_indicator, unanswered_table, measures_list_table

Target resolution (SPEC §3 `Адресаты`): `все` covers every institution of the year except the
Centre (type ДПО) and every association; `район:<d>` / `тип:<t>` the institutions of that
district / type; `ШНОР` / `ШНСУ` the institutions so flagged; an inst_id itself; an assoc_id
itself. Items are matched by the SPEC rule (`analysis.text.normalize`). The demo city applies
the effects of its measures through `institution_mask`, so there is one implementation.

Correspondence (a problem or recommendation «has a measure»): some measure of the year links its
indicator (for a recommendation, also: lists its rule id) and *touches* its unit — the measure's
resolved institutions or associations meet the unit's (a district: its institutions; the city:
all; an association: itself). Problems of the Centre (level ``centre``) and of levels this module
does not know are matched by the indicator alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import contract, processed
from analysis.text import normalize

ALL = "все"  # SPEC §3: the measure addresses everyone
DISTRICT, TYPE = "район", "тип"  # prefixes of `район:<d>` and `тип:<t>`
FLAGS = {"шнор": "low_results", "шнсу": "unfavourable"}  # ШНОР / ШНСУ → institutions' column
CENTRE_TYPE = "ДПО"  # the Centre's type: never a target of «все»
SEPARATOR = ";"
_SHEET = contract.SHEETS["measures"]
MECHANISMS: tuple[str, ...] = next(c for c in _SHEET.columns if c.name == "mechanism").choices
STATUSES: tuple[str, ...] = next(c for c in _SHEET.columns if c.name == "status").choices


def load_measures(processed_dir: Path | str, year: int) -> pd.DataFrame | None:
    """The register of ``year`` with a ``year`` column, or None when `Меры` did not arrive."""
    frame = processed.read_table(Path(processed_dir), year, "measures")
    if frame is None:
        return None
    frame = frame.copy()
    frame["year"] = int(year)
    return frame.reset_index(drop=True)


def split_list(text: object) -> list[str]:
    """The items of a `;`-list cell (blank items dropped); [] for an empty cell."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    return [item.strip() for item in str(text).split(SEPARATOR) if item.strip()]


def is_all(targets: object) -> bool:
    """True when the targets cell is `все`."""
    return any(normalize(item) == ALL for item in split_list(targets))


def institution_mask(targets: str, institutions: pd.DataFrame) -> np.ndarray:
    """Boolean mask over ``institutions``: the rows a targets cell covers (`все` included)."""
    mask = np.zeros(len(institutions), dtype=bool)
    inst_ids = institutions["inst_id"].astype(str)
    districts = institutions["district"].astype(str).map(normalize)
    types = institutions["inst_type"].astype(str).map(normalize)
    for item in split_list(targets):
        key = normalize(item)
        prefix, colon, rest = key.partition(":")
        if key == ALL:
            mask |= (institutions["inst_type"] != CENTRE_TYPE).to_numpy()
        elif key in FLAGS:
            mask |= institutions[FLAGS[key]].fillna(False).astype(bool).to_numpy()
        elif colon and prefix.strip() == DISTRICT:
            mask |= (districts == rest.strip()).to_numpy()
        elif colon and prefix.strip() == TYPE:
            mask |= (types == rest.strip()).to_numpy()
        else:
            mask |= (inst_ids == item).to_numpy()
    return mask


def resolve_targets(
    targets: str, institutions: pd.DataFrame, associations: pd.DataFrame | None = None
) -> tuple[list[str], list[str]]:
    """The inst_ids and assoc_ids a targets cell covers (sorted; unknown codes cover nothing)."""
    inst_ids = sorted(institutions.loc[institution_mask(targets, institutions), "inst_id"])
    if associations is None or not len(associations):
        return [str(i) for i in inst_ids], []
    codes = set(associations["assoc_id"].astype(str))
    if is_all(targets):
        assoc_ids = sorted(codes)
    else:
        assoc_ids = sorted({item for item in split_list(targets) if item in codes})
    return [str(i) for i in inst_ids], assoc_ids


def base_institutions(assoc_ids: list[str], associations: pd.DataFrame | None) -> list[str]:
    """The base institutions (`Код ОУ базы`) of associations."""
    if associations is None or not assoc_ids:
        return []
    rows = associations[associations["assoc_id"].isin(assoc_ids)]
    return sorted(set(rows["inst_id"].dropna().astype(str)))


def by_mechanism(measures: pd.DataFrame | None) -> pd.DataFrame:
    """Counts per mechanism (every mechanism of the contract, in its order) and status."""
    frame = _or_empty(measures)
    table = pd.crosstab(frame["mechanism"], frame["status"]) if len(frame) else pd.DataFrame()
    table = table.reindex(index=list(MECHANISMS), columns=list(STATUSES), fill_value=0)
    table = table.fillna(0).astype("int64")
    table.insert(0, "total", table.sum(axis=1))
    table.index.name = "mechanism"
    return table.reset_index()


def status_summary(measures: pd.DataFrame | None) -> pd.DataFrame:
    """Status, count and share (%) of the register's measures; every status listed."""
    frame = _or_empty(measures)
    counts = frame["status"].value_counts().reindex(list(STATUSES), fill_value=0).astype("int64")
    total = int(counts.sum())
    share = counts * 100.0 / total if total else counts * np.nan
    return pd.DataFrame({"status": list(STATUSES), "count": counts.to_numpy(),
                         "share": share.to_numpy(dtype=float)})


def _or_empty(measures: pd.DataFrame | None) -> pd.DataFrame:
    return processed.empty_table("measures") if measures is None else measures


@dataclass
class Correspondence:
    """The checks of stage 05, both ways (each a frame; empty when nothing is wrong)."""

    problems_without_measure: pd.DataFrame
    recommendations_without_measure: pd.DataFrame
    measures_without_problem: pd.DataFrame
    measures_without_indicator: pd.DataFrame
    measures_without_addressee: pd.DataFrame
    answered: pd.DataFrame  # measure_id × the problems/recommendations it answers (long)


@dataclass(frozen=True)
class _Reach:
    """What one measure covers."""

    measure_id: str
    indicators: frozenset[str]
    rules: frozenset[str]
    insts: frozenset[str]
    assocs: frozenset[str]


def _reaches(measures: pd.DataFrame, institutions: pd.DataFrame,
             associations: pd.DataFrame | None) -> list[_Reach]:
    out = []
    for row in measures.itertuples(index=False):
        insts, assocs = resolve_targets(row.targets, institutions, associations)
        out.append(_Reach(str(row.measure_id), frozenset(split_list(row.indicator_ids)),
                          frozenset(split_list(getattr(row, "recommendation_ids", None))),
                          frozenset(insts), frozenset(assocs)))
    return out


def unit_cover(level: str, unit_id: str, institutions: pd.DataFrame,
               associations: pd.DataFrame | None) -> tuple[frozenset[str], frozenset[str]] | None:
    """The institutions and associations a unit of a level stands for (None: match by indicator
    alone — the Centre, or a level this module does not know)."""
    insts = institutions
    if level == "city":
        return (frozenset(insts.loc[insts["inst_type"] != CENTRE_TYPE, "inst_id"].astype(str)),
                frozenset([] if associations is None else associations["assoc_id"].astype(str)))
    if level == "district":
        return frozenset(insts.loc[insts["district"] == unit_id, "inst_id"].astype(str)), frozenset()
    if level == "inst_type":
        return frozenset(insts.loc[insts["inst_type"] == unit_id, "inst_id"].astype(str)), frozenset()
    if level == "institution":
        return frozenset([str(unit_id)]), frozenset()
    if level == "association":
        return frozenset(), frozenset([str(unit_id)])
    if normalize(str(unit_id)) in FLAGS:  # a school group (ШНОР / ШНСУ) as a unit
        ids, _ = resolve_targets(str(unit_id), institutions)
        return frozenset(ids), frozenset()
    return None


def _answering(reaches: list[_Reach], indicator: object, rule: object,
               cover: tuple[frozenset[str], frozenset[str]] | None) -> list[str]:
    """The measures that answer one problem or recommendation."""
    found = []
    for r in reaches:
        linked = (isinstance(indicator, str) and indicator in r.indicators) or (
            isinstance(rule, str) and rule in r.rules)
        if not linked:
            continue
        if cover is None or (r.insts & cover[0]) or (r.assocs & cover[1]):
            found.append(r.measure_id)
    return found


def _match(frame: pd.DataFrame | None, reaches: list[_Reach], institutions: pd.DataFrame,
           associations: pd.DataFrame | None, kind: str) -> tuple[pd.DataFrame, list[dict]]:
    """Rows of ``frame`` no measure answers, and the (measure, row) pairs that answer."""
    if frame is None or not len(frame):
        return (pd.DataFrame() if frame is None else frame.iloc[:0].copy()), []
    lonely, pairs = [], []
    for pos, row in enumerate(frame.itertuples(index=False)):
        cover = unit_cover(str(row.level), str(row.unit_id), institutions, associations)
        found = _answering(reaches, getattr(row, "indicator_id", None),
                           getattr(row, "rule_id", None), cover)
        if not found:
            lonely.append(pos)
        pairs += [{"measure_id": m, "kind": kind, "row": pos, "level": row.level,
                   "unit_id": row.unit_id, "indicator_id": getattr(row, "indicator_id", None)}
                  for m in found]
    return frame.iloc[lonely].reset_index(drop=True), pairs


def correspondence(
    measures: pd.DataFrame | None,
    problems: pd.DataFrame | None,
    recommendations: pd.DataFrame | None,
    institutions: pd.DataFrame,
    associations: pd.DataFrame | None = None,
    indicator_ids: frozenset[str] | None = None,
) -> Correspondence:
    """Check the register against the problems and recommendations of the year, both ways.

    ``problems`` (`analysis.problems.find_problems`) and ``recommendations``
    (`analysis.recommendations.recommend`) need ``level``, ``unit_id`` and ``indicator_id``
    (recommendations also ``rule_id``); either may be None. ``indicator_ids`` (default: the
    catalogue) tells a known indicator from an unknown one.
    """
    if indicator_ids is None:
        from analysis.catalogue import indicator_ids as catalogue_ids

        indicator_ids = catalogue_ids()
    frame = _or_empty(measures).reset_index(drop=True)
    reaches = _reaches(frame, institutions, associations)
    lonely_p, pairs_p = _match(problems, reaches, institutions, associations, "problem")
    lonely_r, pairs_r = _match(recommendations, reaches, institutions, associations,
                               "recommendation")
    answered = pd.DataFrame(pairs_p + pairs_r, columns=["measure_id", "kind", "row", "level",
                                                        "unit_id", "indicator_id"])
    no_indicator = [not any(i in indicator_ids for i in r.indicators) for r in reaches]
    no_addressee = [not (r.insts or r.assocs) for r in reaches]
    useful = set(answered["measure_id"])
    no_problem = [r.measure_id not in useful for r in reaches]
    return Correspondence(
        problems_without_measure=lonely_p,
        recommendations_without_measure=lonely_r,
        measures_without_problem=frame[np.array(no_problem, dtype=bool)].reset_index(drop=True),
        measures_without_indicator=frame[np.array(no_indicator, dtype=bool)].reset_index(
            drop=True),
        measures_without_addressee=frame[np.array(no_addressee, dtype=bool)].reset_index(
            drop=True),
        answered=answered,
    )


# --- for the reader (stage 05) -------------------------------------------------------------

MAX_CODES = 6  # codes listed in a table cell before «и ещё N»
STATUS_COLOURS = {"выполнено": "#3a9a5b", "запланировано": "#b9c4cc", "не выполнено": "#d1495b"}


def targets_text(targets: object, institutions: pd.DataFrame | None = None) -> str:
    """The addressees as a reader reads them: «все учреждения», «район Ленинский», codes."""
    items = split_list(targets)
    if not items:
        return "не указаны"
    if is_all(targets):
        return "все учреждения и объединения"
    words, codes = [], []
    for item in items:
        key = normalize(item)
        prefix, colon, rest = item.partition(":")
        if colon and normalize(prefix) == DISTRICT:
            words.append(f"район {rest.strip()}")
        elif colon and normalize(prefix) == TYPE:
            words.append(f"тип {rest.strip()}")
        elif key in FLAGS:
            words.append(item.strip())
        else:
            codes.append(item)
    if codes:
        shown = ", ".join(codes[:MAX_CODES])
        more = len(codes) - MAX_CODES
        words.append(shown + (f" и ещё {more}" if more > 0 else ""))
    return "; ".join(words)


def indicators_text(indicator_ids: object) -> str:
    """Indicator names of a measure (ids not in the catalogue are shown as they are)."""
    from analysis.catalogue import CATALOGUE

    ids = split_list(indicator_ids)
    return "; ".join(CATALOGUE[i].name if i in CATALOGUE else i for i in ids) or "не указаны"


# free-text columns of `Меры` that may carry a person's name (SPEC §3, §6: never public)
PRIVATE_COLUMNS = ("Ответственный",)


def register_table(measures: pd.DataFrame | None, caption: str | None = None,
                   public: bool = False):
    """The register of the year, grouped by mechanism (contract order), Russian headers; the
    public profile drops `PRIVATE_COLUMNS`."""
    from analysis import fmt, tables

    frame = _or_empty(measures)
    rank = {m: i for i, m in enumerate(MECHANISMS)}
    frame = frame.assign(_r=frame["mechanism"].map(rank)).sort_values(
        ["_r", "date", "measure_id"], kind="stable")
    show = pd.DataFrame({
        "Механизм": frame["mechanism"].to_numpy(),
        "Код": frame["measure_id"].to_numpy(),
        "Дата": [fmt.date(d) for d in frame["date"]],
        "Содержание": frame["title"].to_numpy(),
        "Документ": frame["document"].to_numpy(),
        "Адресаты": [targets_text(t) for t in frame["targets"]],
        "Показатели": [indicators_text(i) for i in frame["indicator_ids"]],
        "Ответственный": frame["responsible"].to_numpy(),
        "Срок": [fmt.date(d) for d in frame["deadline"]],
        "Статус": frame["status"].to_numpy(),
    })
    if public:
        show = show.drop(columns=list(PRIVATE_COLUMNS))
    return tables.styled(show, caption)


def mechanism_table(counts: pd.DataFrame):
    """`by_mechanism` with Russian headers."""
    from analysis import fmt, tables

    show = pd.DataFrame({"Механизм": counts["mechanism"].to_numpy(),
                         "Всего мер": [fmt.integer(x) for x in counts["total"]]})
    for status in STATUSES:
        show[status.capitalize()] = [fmt.integer(x) for x in counts[status]]
    return tables.styled(show, "Меры по механизмам и статусу исполнения",
                         right=list(show.columns[1:]))


def mechanism_figure(counts: pd.DataFrame, title: str):
    """Horizontal stacked bars: measures per mechanism, coloured by status."""
    import matplotlib.pyplot as plt

    from analysis import plots

    plots.setup()
    fig, ax = plt.subplots(figsize=(plots.WIDTH, 0.45 * len(counts) + 1.4))
    ypos = np.arange(len(counts))[::-1]
    left = np.zeros(len(counts))
    for status in STATUSES:
        vals = counts[status].to_numpy(dtype=float)
        ax.barh(ypos, vals, left=left, color=STATUS_COLOURS[status], height=0.65, label=status)
        left += vals
    for y, total in zip(ypos, counts["total"]):
        ax.text(float(total) + 0.1, y, str(int(total)), va="center", fontsize=8)
    ax.set_yticks(ypos, list(counts["mechanism"]))
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(float(counts["total"].max()), 1.0) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("число мер")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    return fig


def register_sentences(measures: pd.DataFrame | None, year: int) -> list[str]:
    """What the register of the year says, in a few sentences."""
    from analysis import fmt

    frame = _or_empty(measures)
    if not len(frame):
        return [f"В реестре {year} года мер нет."]
    counts = by_mechanism(frame)
    used = counts[counts["total"] > 0].sort_values("total", ascending=False, kind="stable")
    unused = list(counts.loc[counts["total"] == 0, "mechanism"])
    status = status_summary(frame).set_index("status")["count"]
    out = [
        f"В {year} году принято "
        + fmt.count(len(frame), "управленческое решение", "управленческих решения",
                    "управленческих решений") + ": "
        + ", ".join(f"{m} — {fmt.integer(n)}" for m, n in zip(used["mechanism"], used["total"]))
        + ".",
        "Статус исполнения: " + ", ".join(f"{s} — {fmt.integer(status[s])}" for s in STATUSES)
        + ".",
    ]
    everyone = int(frame["targets"].map(is_all).sum())
    if everyone:
        out.append(f"Адресовано всем учреждениям: {fmt.integer(everyone)} из "
                   f"{fmt.integer(len(frame))}; остальные меры адресные.")
    if unused:
        out.append("Механизмы без мер в этом году: " + fmt.join_ru(unused) + ".")
    return out


def correspondence_sentences(check: Correspondence, has_problems: bool,
                             has_recommendations: bool) -> list[str]:
    """The correspondence checks in sentences (what is missing on each side)."""
    from analysis import fmt

    out = []
    if has_problems:
        n = len(check.problems_without_measure)
        out.append("У всех найденных проблем есть мера." if n == 0 else
                   f"Без меры остаются {fmt.count(n, 'проблема', 'проблемы', 'проблем')} анализа.")
    if has_recommendations:
        n = len(check.recommendations_without_measure)
        out.append("Все адресные рекомендации подкреплены мерами." if n == 0 else
                   f"Без меры остаются {fmt.count(n, 'рекомендация', 'рекомендации', 'рекомендаций')}.")
    if has_problems or has_recommendations:
        n = len(check.measures_without_problem)
        out.append("Каждая мера отвечает на найденную проблему или рекомендацию." if n == 0 else
                   f"{fmt.count(n, 'мера не отвечает', 'меры не отвечают', 'мер не отвечают')} "
                   "ни на одну найденную проблему или рекомендацию этого года.")
    n = len(check.measures_without_indicator)
    out.append("У каждой меры указаны показатели каталога." if n == 0 else
               f"У {fmt.count(n, 'меры', 'мер', 'мер')} не указан ни один показатель каталога.")
    n = len(check.measures_without_addressee)
    out.append("У каждой меры есть адресаты." if n == 0 else
               f"У {fmt.count(n, 'меры', 'мер', 'мер')} адресаты не найдены среди учреждений и "
               "объединений года.")
    return out


def unanswered_by_indicator(frame: pd.DataFrame) -> pd.DataFrame:
    """Problems (or recommendations) without a measure, counted per indicator and level."""
    if frame is None or not len(frame):
        return pd.DataFrame(columns=["indicator_id", "level", "count"])
    ids = frame["indicator_id"].fillna("").astype(str)
    counts = frame.assign(indicator_id=ids).groupby(["indicator_id", "level"]).size()
    return counts.rename("count").reset_index().sort_values(
        ["count", "indicator_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def unanswered_table(counts: pd.DataFrame, caption: str):
    """`unanswered_by_indicator` with Russian headers."""
    from analysis import fmt, tables
    from analysis.catalogue import CATALOGUE
    from analysis.vocabulary import LEVEL_NAMES

    levels = {**LEVEL_NAMES, "school_group": "группа школ", "category": "категория работников"}
    show = pd.DataFrame({
        "Показатель": [CATALOGUE[i].name if i in CATALOGUE else (i or "—")
                       for i in counts["indicator_id"]],
        "Уровень": [levels.get(lv, lv) for lv in counts["level"]],
        "Без меры": [fmt.integer(x) for x in counts["count"]],
    })
    return tables.styled(show, caption, right=["Без меры"])


def measures_list_table(frame: pd.DataFrame, caption: str):
    """A short list of measures (code, content, addressees, indicators) for the checks."""
    from analysis import tables

    show = pd.DataFrame({
        "Код": frame["measure_id"].to_numpy(),
        "Содержание": frame["title"].to_numpy(),
        "Адресаты": [targets_text(t) for t in frame["targets"]],
        "Показатели": [indicators_text(i) for i in frame["indicator_ids"]],
    })
    return tables.styled(show, caption)
