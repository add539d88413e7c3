"""Targeted recommendations as workbooks a head of an institution or department can open.

Internal profile: `<year>/recommendations/<inst_id>.xlsx` for every institution — its indicators
against targets beside the district and city values, and its recommendations — plus
`<year>/recommendations_summary.xlsx`: counts per rule × district and rule × institution type,
every recommendation, and which file belongs to which institution. Public profile: only the
summary's counts, small cells shown as «*» (`analysis.disclosure.suppress_counts`), no list,
no person ids, no per-institution files.

The recommendations frame (`analysis.recommendations.recommend`, the year's shared results of
`analysis.year_results`) has the columns
`rule_id, level, unit_id, unit_name, addressee, indicator_id, value, target, count, text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from analysis.catalogue import CATALOGUE, PERCENT
from analysis.disclosure import MASK, suppress_counts
from analysis.exports.indicators import column_values, indicator_name, yes_no
from analysis.exports.sheets import COUNT_FORMAT, add_sheet, new_workbook, save
from analysis.exports.sheets import value_format as sheets_value_format
from analysis.recommendations.engine import COLUMNS as REC_COLUMNS  # the frame it writes
from analysis.vocabulary import LEVEL_NAMES, flag_words

SUMMARY_NAME = "recommendations_summary.xlsx"  # in the year folder, ASCII-safe
FOLDER = "recommendations"  # the per-institution workbooks (internal profile only)
OTHER = "Другие адресаты"  # the city, the Centre, a type in the district sheet and so on
TOTAL = "Всего"
LABELS = ("Правило", "Название", "Показатели")  # the text columns of a count table
UNSAFE = re.compile(r'[/\\:*?"<>|\s]+')  # characters no file system takes (and spaces)
RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}  # Windows device names

SHEET_INDICATORS, SHEET_RECS, SHEET_ABOUT = "Показатели", "Рекомендации", "Сведения"
SHEET_BY_DISTRICT, SHEET_BY_TYPE = "По районам", "По типам учреждений"
SHEET_ALL, SHEET_FILES, SHEET_PEOPLE = "Все рекомендации", "Файлы", "Работники"
# person lists (catalogue.PERSON_LISTS) → how the sheet «Работники» names them
LIST_NAMES: dict[str, str] = {
    "lapsed_pk": "Истёк трёхлетний срок ПК",
    "young_without_mentor": "Молодой педагог без наставника",
    "deficit_no_course": "Дефицит прошлого года без курса ПК",
    "heads_no_management": "Руководитель без обучения по управлению",
}
PEOPLE_HEADERS = ("Список", "Код работника", "Должность", "Стаж, лет")
INST_INDICATOR_HEADERS = (
    "Показатель",
    "Код показателя",
    "Единица",
    "Числитель",
    "Знаменатель",
    "Значение",
    "Цель",
    "Цель достигнута",
    "По району",
    "По городу",
    "Отметки",
)
INST_REC_HEADERS = (
    "Правило",
    "Адресат",
    "Показатель",
    "Код показателя",
    "Значение",
    "Цель",
    "N",
    "Рекомендация",
)
ALL_REC_HEADERS = (
    "Правило",
    "Уровень",
    "Код",
    "Наименование",
    "Район",
    "Тип учреждения",
    "Адресат",
    "Показатель",
    "Код показателя",
    "Значение",
    "Цель",
    "N",
    "Рекомендация",
    "Файл",
)
REC_WRAP = ("Показатель", "Рекомендация")  # long texts: wrapped
NO_RECS = "Рекомендаций нет: показатели учреждения не требуют адресных мер."


def write_recommendation_workbooks(
    recs: pd.DataFrame,
    folder: Path,
    profile: str,
    tidy: pd.DataFrame | None = None,
    institutions: pd.DataFrame | None = None,
    associations: pd.DataFrame | None = None,
    year: int | None = None,
    catalogue: Mapping = CATALOGUE,
    threshold: int | None = None,
    rule_titles: Mapping[str, str] | None = None,
    person_lists: Mapping[str, pd.DataFrame] | None = None,
) -> list[Path]:
    """Write the year's recommendation workbooks into `folder` (the year's output folder).

    `rule_titles` (rule id → title of `params/recommendations.yaml`) names the rules in the
    summary; `person_lists` (list name → persons with `person_id, inst_id, position,
    experience_years`) adds each institution's staff behind its recommendations to its
    workbook — internal profile only, never read in public. Returns the paths written. In the internal profile, workbooks of institutions that are no
    longer in the data are removed, so the folder always matches the year's institutions.
    """
    folder = Path(folder)
    year = int(year if year is not None else _year(tidy))
    recs = placed(recs, institutions, associations)
    if profile == "public":
        return [
            write_summary(
                recs,
                folder / SUMMARY_NAME,
                year,
                catalogue,
                public=True,
                threshold=threshold,
                rule_titles=rule_titles,
            )
        ]
    names = file_names(institution_ids(institutions, tidy, recs))
    parts = _InstitutionParts(recs, tidy, institutions, person_lists)
    written = []
    for inst, name in names.items():
        own_recs, own_tidy, own_institutions, own_people = parts.of(inst)
        written.append(
            write_institution(
                inst,
                folder / FOLDER / name,
                own_recs,
                own_tidy,
                own_institutions,
                year,
                catalogue,
                own_people,
            )
        )
    _remove_stale(folder / FOLDER, set(names.values()))
    written.append(
        write_summary(
            recs,
            folder / SUMMARY_NAME,
            year,
            catalogue,
            public=False,
            files=names,
            institutions=institutions,
            rule_titles=rule_titles,
        )
    )
    return written


class _InstitutionParts:
    """The frames `write_institution` reads, split by institution once: each workbook then
    filters its own few rows instead of the whole year's frames (hundreds of institutions).
    Rows keep their order within a part, so every workbook is the one the whole frames give."""

    def __init__(
        self,
        recs: pd.DataFrame,
        tidy: pd.DataFrame | None,
        institutions: pd.DataFrame | None,
        person_lists: Mapping[str, pd.DataFrame] | None,
    ) -> None:
        self.recs = _Split(recs[recs["level"].eq("institution")], "unit_id")
        self.tidy = tidy
        if tidy is not None and len(tidy):
            self.own_rows = _Split(tidy[tidy["level"].eq("institution")], "unit_id")
            self.district_rows = _Split(tidy[tidy["level"].eq("district")], "unit_id")
            self.city_rows = tidy[tidy["level"].eq("city")]
        self.institutions = None if institutions is None else _Split(institutions, "inst_id")
        self.people = None
        if person_lists is not None:
            self.people = {
                key: _Split(frame, "inst_id")
                if frame is not None and len(frame) and "inst_id" in frame.columns
                else _Split(frame)
                for key, frame in person_lists.items()
            }

    def of(self, inst: str) -> tuple:
        """(recs, tidy, institutions, person_lists) of one institution, as `write_institution`
        takes them."""
        institutions = None if self.institutions is None else self.institutions[inst]
        tidy = self.tidy
        if tidy is not None and len(tidy):
            district = _about(inst, institutions)[1]
            parts = [self.own_rows[inst], self.city_rows, self.district_rows[str(district)]]
            tidy = pd.concat(parts)
        people = None
        if self.people is not None:
            people = {key: split[inst] for key, split in self.people.items()}
        return self.recs[inst], tidy, institutions, people


class _Split:
    """A frame's rows by the text of one column's value; an empty frame (same columns) for a
    value that has none; the frame itself when it cannot be split (None, no such column)."""

    def __init__(self, frame: pd.DataFrame | None, column: str | None = None) -> None:
        self.frame = frame
        self.parts: dict[str, pd.DataFrame] | None = None
        if frame is not None and column is not None:
            keys = frame[column].astype(str)
            self.parts = {str(k): part for k, part in frame.groupby(keys, sort=False)}
            self.empty = frame.iloc[:0]

    def __getitem__(self, key: str) -> pd.DataFrame | None:
        if self.parts is None:
            return self.frame
        return self.parts.get(key, self.empty)


# --- where a recommendation belongs ------------------------------------------------------------


def placed(
    recs: pd.DataFrame, institutions: pd.DataFrame | None, associations: pd.DataFrame | None
) -> pd.DataFrame:
    """The recommendations with `district` and `inst_type` of their addressee.

    An institution is placed by `Учреждения`; an association by its base institution; a
    district or a type by itself; what has no district (or type) is «Другие адресаты».
    """
    missing = [c for c in REC_COLUMNS if c not in recs.columns]
    if missing:
        raise ValueError("в таблице рекомендаций нет столбцов: " + ", ".join(missing))
    where = _institution_places(institutions)
    base = {}
    if associations is not None and len(associations):
        base = {
            str(a): str(i)
            for a, i in zip(associations["assoc_id"], associations["inst_id"], strict=True)
        }
    districts, types = [], []
    for level, unit in zip(recs["level"].astype(str), recs["unit_id"].astype(str), strict=True):
        inst = (
            unit if level == "institution" else base.get(unit) if level == "association" else None
        )
        district, inst_type = where.get(inst, (None, None)) if inst else (None, None)
        if level == "district":
            district = unit
        if level == "inst_type":
            inst_type = unit
        districts.append(district or OTHER)
        types.append(inst_type or OTHER)
    return recs.assign(district=districts, inst_type=types).reset_index(drop=True)


def _institution_places(institutions: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
    if institutions is None or not len(institutions):
        return {}
    return {
        str(r.inst_id): (str(r.district), str(r.inst_type))
        for r in institutions.itertuples(index=False)
    }


# --- file names --------------------------------------------------------------------------------


def safe_name(unit_id: str) -> str:
    """A file-system-safe stem: `/\\:*?"<>|` and spaces become «_» (Cyrillic and «-» stay)."""
    stem = UNSAFE.sub("_", str(unit_id).strip()).strip("._") or "_"
    return f"_{stem}" if stem.casefold() in RESERVED else stem


def file_names(ids: Iterable[str]) -> dict[str, str]:
    """inst_id → a unique `<safe>.xlsx` (unique also where case does not count)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for unit in sorted(set(map(str, ids))):
        stem = base = safe_name(unit)
        n = 1
        while stem.casefold() in taken:
            n += 1
            stem = f"{base}_{n}"
        taken.add(stem.casefold())
        out[unit] = f"{stem}.xlsx"
    return out


def institution_ids(
    institutions: pd.DataFrame | None, tidy: pd.DataFrame | None, recs: pd.DataFrame
) -> list[str]:
    """Every institution of the year: of `Учреждения`, else of the indicator table, plus any
    institution a recommendation names."""
    ids: set[str] = set()
    if institutions is not None:
        ids |= set(institutions["inst_id"].astype(str))
    elif tidy is not None:
        ids |= set(tidy.loc[tidy["level"].eq("institution"), "unit_id"].astype(str))
    ids |= set(recs.loc[recs["level"].eq("institution"), "unit_id"].astype(str))
    return sorted(ids)


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Delete workbooks of institutions that are gone (only `.xlsx` files, only here)."""
    if folder.is_dir():
        for path in folder.glob("*.xlsx"):
            if path.name not in keep:
                path.unlink()


# --- one institution ---------------------------------------------------------------------------


def write_institution(
    inst: str,
    path: Path,
    recs: pd.DataFrame,
    tidy: pd.DataFrame | None,
    institutions: pd.DataFrame | None,
    year: int,
    catalogue: Mapping,
    person_lists: Mapping[str, pd.DataFrame] | None = None,
) -> Path:
    """The workbook of one institution: «Показатели», «Рекомендации», «Работники» (when
    person lists are given), «Сведения»."""
    name, district, inst_type = _about(inst, institutions)
    wb = new_workbook()
    headers, rows, formats = institution_indicators(inst, district, tidy, catalogue)
    add_sheet(wb, SHEET_INDICATORS, headers, rows, formats, wrap=("Показатель",))
    own = recs[recs["level"].eq("institution") & recs["unit_id"].astype(str).eq(inst)]
    rows, formats = rec_rows(own, catalogue, INST_REC_HEADERS)
    if not rows:
        rows, formats = [[None] * (len(INST_REC_HEADERS) - 1) + [NO_RECS]], None
    add_sheet(wb, SHEET_RECS, INST_REC_HEADERS, rows, formats, wrap=REC_WRAP)
    if person_lists is not None:
        add_sheet(wb, SHEET_PEOPLE, PEOPLE_HEADERS, people_rows(inst, person_lists))
    about = [
        ["Код ОУ", inst],
        ["Наименование", name],
        ["Район", district],
        ["Тип учреждения", inst_type],
        ["Год", year],
        ["Рекомендаций", len(own)],
    ]
    add_sheet(wb, SHEET_ABOUT, ["Сведение", "Значение"], about)
    return save(wb, path, year, f"{name or inst}: показатели и рекомендации за {year} год")


def people_rows(inst: str, person_lists: Mapping[str, pd.DataFrame]) -> list[list[object]]:
    """The institution's persons of every list, list by list, by person_id."""
    rows = []
    for key, frame in person_lists.items():
        if frame is None or not len(frame) or "inst_id" not in frame.columns:
            continue
        own = frame[frame["inst_id"].astype(str).eq(inst)].sort_values("person_id")
        name = LIST_NAMES.get(key, key)
        rows += [
            [name, person, position, years]
            for person, position, years in zip(
                own["person_id"].tolist(),
                column_values(own, "position"),
                column_values(own, "experience_years"),
                strict=True,
            )
        ]
    return rows


def _about(inst: str, institutions: pd.DataFrame | None) -> tuple[str | None, ...]:
    if institutions is None:
        return None, None, None
    row = institutions[institutions["inst_id"].astype(str).eq(inst)]
    if not len(row):
        return None, None, None
    first = row.iloc[0]
    return str(first["name"]), str(first["district"]), str(first["inst_type"])


def institution_indicators(
    inst: str, district: str | None, tidy: pd.DataFrame | None, catalogue: Mapping
) -> tuple[list[str], list[list[object]], list[list[str | None]]]:
    """The institution's rows of the indicator table beside its district's and the city's."""
    if tidy is None or not len(tidy):
        return list(INST_INDICATOR_HEADERS), [], []
    unit_ids = tidy["unit_id"].astype(str)
    own = tidy[tidy["level"].eq("institution") & unit_ids.eq(inst)]
    city = _values(tidy[tidy["level"].eq("city")])
    local = _values(tidy[tidy["level"].eq("district") & unit_ids.eq(str(district))])
    order = {ind: i for i, ind in enumerate(catalogue)}
    own = own.assign(
        _order=[order.get(i, len(order)) for i in own["indicator_id"].tolist()]
    ).sort_values(["_order", "indicator_id"], kind="stable")
    ids, units = own["indicator_id"].tolist(), [str(u) for u in own["unit"].tolist()]
    columns = [  # by columns: a frame's rows as dicts cost more than the whole sheet
        [indicator_name(ind, catalogue) for ind in ids],
        ids,
        units,
        *(column_values(own, name) for name in ("numerator", "denominator", "value", "target")),
        [yes_no(v) for v in column_values(own, "meets_target")],
        [local.get(ind) for ind in ids],
        [city.get(ind) for ind in ids],
        [flag_words(v) for v in column_values(own, "flags")],
    ]
    rows = [list(row) for row in zip(*columns, strict=True)]
    formats = []
    for ind, unit in zip(ids, units, strict=True):
        known = catalogue.get(ind)
        value_format = sheets_value_format(unit, getattr(known, "kind", None))
        part_format = COUNT_FORMAT if unit == PERCENT else value_format
        formats.append(
            [
                None,
                None,
                None,
                part_format,
                part_format,
                value_format,
                value_format,
                None,
                value_format,
                value_format,
                None,
            ]
        )
    return list(INST_INDICATOR_HEADERS), rows, formats


def _values(part: pd.DataFrame) -> dict[str, object]:
    """indicator_id → value of a one-unit slice of the tidy table."""
    return dict(zip(part["indicator_id"], part["value"], strict=True))


def rec_rows(
    recs: pd.DataFrame,
    catalogue: Mapping,
    headers: tuple[str, ...],
    files: Mapping[str, str] | None = None,
) -> tuple[list[list[object]], list[list[str | None]]]:
    """Rows of a recommendation list with the given headers (value formats by indicator)."""
    files = files or {}  # rows stay in the engine's order: rule by rule, as params/ lists them
    rows, formats = [], []
    for rec in recs.to_dict("records"):
        ind = rec["indicator_id"]
        known = catalogue.get(ind)
        value_format = (
            sheets_value_format(str(known.unit), getattr(known, "kind", None)) if known else None
        )
        cells = {
            "Правило": rec["rule_id"],
            "Уровень": LEVEL_NAMES.get(rec["level"], rec["level"]),
            "Код": rec["unit_id"],
            "Наименование": rec["unit_name"],
            "Район": rec.get("district"),
            "Тип учреждения": rec.get("inst_type"),
            "Адресат": rec["addressee"],
            "Показатель": indicator_name(ind, catalogue) if _present(ind) else None,
            "Код показателя": ind,
            "Значение": rec["value"],
            "Цель": rec["target"],
            "N": rec["count"],
            "Рекомендация": rec["text"],
            "Файл": files.get(str(rec["unit_id"])) if rec["level"] == "institution" else None,
        }
        number = {"Значение": value_format, "Цель": value_format, "N": COUNT_FORMAT}
        rows.append([cells[h] for h in headers])
        formats.append([number.get(h) for h in headers])
    return rows, formats


def _present(value: object) -> bool:
    return value is not None and value is not pd.NA and str(value).strip() not in ("", "nan")


# --- the summary -------------------------------------------------------------------------------


def counts(
    recs: pd.DataFrame, by: str, catalogue: Mapping, rule_titles: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Recommendations per rule (rows) × `by` (columns) and «Всего»; a zero is left empty.

    Empty, not 0, so that «no recommendation» is not taken for a small number to hide.
    """
    places = sorted(p for p in recs[by].astype(str).unique() if p != OTHER)
    if (recs[by].astype(str) == OTHER).any():
        places.append(OTHER)
    rules = list(dict.fromkeys(recs["rule_id"].astype(str)))  # the engine's (params') order
    table = pd.crosstab(recs["rule_id"].astype(str), recs[by].astype(str))
    table = table.reindex(index=rules, columns=places, fill_value=0)
    table[TOTAL] = table.sum(axis=1)
    table = table.astype("float64").where(table > 0)
    names = recs.groupby(recs["rule_id"].astype(str))["indicator_id"].agg(
        lambda ids: "; ".join(
            dict.fromkeys(indicator_name(i, catalogue) for i in ids if _present(i))
        )
    )
    table.insert(0, "Показатели", names.reindex(table.index))
    if rule_titles:
        table.insert(0, "Название", [rule_titles.get(r) for r in table.index])
    return table.rename_axis("Правило").reset_index()


def write_summary(
    recs: pd.DataFrame,
    path: Path,
    year: int,
    catalogue: Mapping,
    public: bool,
    threshold: int | None = None,
    files: Mapping[str, str] | None = None,
    institutions: pd.DataFrame | None = None,
    rule_titles: Mapping[str, str] | None = None,
) -> Path:
    """The summary workbook: counts by district and by type; internally also the full list and
    the file of each institution."""
    wb = new_workbook()
    for sheet, by in ((SHEET_BY_DISTRICT, "district"), (SHEET_BY_TYPE, "inst_type")):
        table = counts(recs, by, catalogue, rule_titles)
        number_cols = [c for c in table.columns if c not in LABELS]
        if public and len(table):
            hidden = suppress_counts(table, number_cols, threshold)
            for col in number_cols:
                table[col] = table[col].astype(object).where(~hidden[col], MASK)
        rows = table.astype(object).to_numpy().tolist()
        fmt_row = [None] * (len(table.columns) - len(number_cols)) + [COUNT_FORMAT] * len(
            number_cols
        )
        add_sheet(wb, sheet, [str(c) for c in table.columns], rows, [fmt_row] * len(rows))
    if not public:
        rows, formats = rec_rows(recs, catalogue, ALL_REC_HEADERS, files)
        add_sheet(wb, SHEET_ALL, ALL_REC_HEADERS, rows, formats, wrap=REC_WRAP)
        names = (
            {}
            if institutions is None
            else dict(zip(institutions["inst_id"].astype(str), institutions["name"], strict=True))
        )
        mapping = [[inst, names.get(inst), name] for inst, name in (files or {}).items()]
        add_sheet(
            wb,
            SHEET_FILES,
            ["Код ОУ", "Наименование", "Файл"],
            [[i, n, f"{FOLDER}/{f}"] for i, n, f in mapping],
        )
    return save(wb, path, year, f"Адресные рекомендации за {year} год: сводка")


def _year(tidy: pd.DataFrame | None) -> int:
    if tidy is None or "year" not in tidy.columns or tidy["year"].nunique() != 1:
        raise ValueError("write_recommendation_workbooks: укажите год")
    return int(tidy["year"].iloc[0])
