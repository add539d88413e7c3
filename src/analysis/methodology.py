"""The evaluation of the system of methodological work by the seed's four criteria (stage 03).

Each criterion is judged from the processed data where data exists (events by target group,
professional communities and their coverage, diagnostics coverage, the bank of methodological
products); otherwise the qualitative statement and status of `params/methodology.yaml` stand.
No number is ever invented: a finding is a sentence built from counts in the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from pandas.io.formats.style import Styler

from analysis import contract, fmt, paths, tables
from analysis.errors import UserError

STATUSES = ("в наличии", "частично", "отсутствует")
STATUS_BANDS = {"в наличии": "meets", "частично": "near", "отсутствует": "below"}
# The specific target groups of `Мероприятия` (SPEC §3); «все» is not a group of its own.
TARGET_GROUPS = tuple(
    g for g in contract.SHEETS["events"].column("target_group").choices if g != "все"
)
BY_DATA = "по данным"
BY_STATEMENT = "экспертная оценка (params/methodology.yaml)"


@dataclass(frozen=True)
class Criterion:
    """One criterion with management's statement and status."""

    id: str
    title: str
    evidence: str
    statement: str
    status: str
    min_share: float = 50.0


def load_criteria(params_dir: Path | None = None) -> list[Criterion]:
    """Read `methodology.yaml`; a wrong status or a missing field is a Russian error."""
    path = Path(params_dir or paths.PARAMS) / "methodology.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"{path.name}: критерии методической работы не прочитаны — {exc}") from None
    out = []
    for i, item in enumerate(raw.get("criteria") or [], start=1):
        try:
            crit = Criterion(
                id=str(item["id"]), title=" ".join(str(item["title"]).split()),
                evidence=" ".join(str(item.get("evidence", "")).split()),
                statement=" ".join(str(item["statement"]).split()), status=str(item["status"]),
                min_share=float(item.get("min_share", 50)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(f"{path.name} › критерий {i}: нет или неверно поле {exc}") from None
        if crit.status not in STATUSES:
            raise UserError(f"{path.name} › критерий {i} › status: «{crit.status}» — допустимо: "
                            + ", ".join(STATUSES))
        out.append(crit)
    return out


def _city(tidy: pd.DataFrame | None, indicator_id: str) -> pd.Series | None:
    """The city row of an indicator in the tidy table, or None."""
    if tidy is None:
        return None
    hit = tidy[(tidy["indicator_id"] == indicator_id) & (tidy["level"] == "city")]
    return hit.iloc[0] if len(hit) else None


def _num(x: object) -> float | None:
    return None if fmt.is_missing(x) else float(x)  # type: ignore[arg-type]


def target_groups(events: pd.DataFrame | None) -> tuple[str, str] | None:
    """(finding, status) from the events of the year by target group."""
    if events is None:
        return None
    per = events.groupby("target_group")["participants"].agg(["size", "sum"])
    covered = [g for g in TARGET_GROUPS if g in per.index]
    missing = [g for g in TARGET_GROUPS if g not in per.index]
    text = (f"Проведено {fmt.count(len(events), 'мероприятие', 'мероприятия', 'мероприятий')} "
            f"({fmt.integer(events['participants'].sum())} участий); охвачены "
            f"{len(covered)} из {len(TARGET_GROUPS)} целевых групп")
    text += f"; без мероприятий: {fmt.join_ru(missing)}." if missing else "."
    status = "в наличии" if not missing else ("частично" if covered else "отсутствует")
    return text, status


def communities(associations: pd.DataFrame | None, tidy: pd.DataFrame | None,
                min_share: float) -> tuple[str, str] | None:
    """(finding, status) from the register of associations and the informal coverage."""
    if associations is None:
        return None
    if associations.empty:
        return "Объединений в реестре нет.", "отсутствует"
    counts = associations.groupby("assoc_type").size()
    parts = [f"{t} — {fmt.integer(counts[t])}" for t in
             contract.SHEETS["associations"].column("assoc_type").choices if t in counts.index]
    text = (f"В реестре {fmt.count(len(associations), 'объединение', 'объединения', 'объединений')}"
            f" ({', '.join(parts)})")
    row = _city(tidy, "informal_coverage")
    share = None if row is None else _num(row["value"])
    if share is None:
        return text + "; охват педагогов неизвестен.", "частично"
    text += f"; в них участвуют {fmt.percent(share)} педагогов города."
    return text, "в наличии" if share >= min_share else "частично"


def motivation_practices(tidy: pd.DataFrame | None, min_share: float) -> tuple[str, str] | None:
    """(finding, status) from diagnostics coverage: deficits and burnout among teachers."""
    deficit, burnout = _city(tidy, "deficit_diagnosed"), _city(tidy, "burnout_high")
    diag = None if deficit is None else _num(deficit["value"])
    if diag is None:
        return None
    teachers = _num(deficit["denominator"])
    text = f"Диагностику профессиональных дефицитов прошли {fmt.percent(diag)} педагогов"
    shares = [diag]
    tested = None if burnout is None else _num(burnout["denominator"])
    if tested is not None and teachers:
        burn_share = tested / teachers * 100
        shares.append(burn_share)
        text += f", диагностику выгорания — {fmt.percent(burn_share)}"
    text += "."
    best = max(shares)
    status = "в наличии" if best >= min_share else ("частично" if best > 0 else "отсутствует")
    return text, status


def products_bank(products: pd.DataFrame | None,
                  associations: pd.DataFrame | None) -> tuple[str, str] | None:
    """(finding, status) from the register of methodological products of the year."""
    if products is None:
        return None
    if products.empty:
        return "Методических продуктов за год не зарегистрировано.", "отсутствует"
    assoc_ids = set() if associations is None else set(associations["assoc_id"].astype(str))
    author = products["author"].astype(str)
    by_centre = int((author == contract.CENTRE).sum())
    by_assoc = int(author.isin(assoc_ids).sum())
    by_inst = len(products) - by_centre - by_assoc
    text = (f"В банке {fmt.count(len(products), 'методический продукт', 'методических продукта', 'методических продуктов')}"
            f" года: Центра — {by_centre}, объединений — {by_assoc}, учреждений — {by_inst}.")
    return text, "в наличии"


def evaluate(criteria: list[Criterion], data: Mapping[str, pd.DataFrame | None],
             tidy: pd.DataFrame | None) -> pd.DataFrame:
    """One row per criterion: title, finding, status, basis, statement.

    ``data`` maps processed table names (events, associations, products) to frames or None.
    """
    rows = []
    for c in criteria:
        if c.id == "target_groups":
            found = target_groups(data.get("events"))
        elif c.id == "communities":
            found = communities(data.get("associations"), tidy, c.min_share)
        elif c.id == "motivation_practices":
            found = motivation_practices(tidy, c.min_share)
        elif c.id == "products_bank":
            found = products_bank(data.get("products"), data.get("associations"))
        else:
            found = None
        finding, status = found if found else (fmt.NO_DATA.capitalize() + ".", c.status)
        rows.append({"id": c.id, "title": c.title, "finding": finding, "status": status,
                     "basis": BY_DATA if found else BY_STATEMENT, "statement": c.statement})
    return pd.DataFrame(rows, columns=["id", "title", "finding", "status", "basis", "statement"])


def evaluation_table(ev: pd.DataFrame) -> Styler:
    """The four criteria for the reader, status cells coloured."""
    show = pd.DataFrame({
        "Критерий": ev["title"].to_numpy(),
        "Что показывают данные": ev["finding"].to_numpy(),
        "Оценка": ev["status"].to_numpy(),
        "Основание оценки": ev["basis"].to_numpy(),
        "Характеристика": ev["statement"].to_numpy(),
    })
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Оценка"] = [STATUS_BANDS.get(s, "") for s in ev["status"]]
    return tables.styled(show, "Оценка системы методической работы", bands=bands)


def evaluation_summary(ev: pd.DataFrame) -> str:
    """«По данным оценены 3 критерия из 4; в наличии — 2, частично — 2, отсутствует — 0.»"""
    counts = ev["status"].value_counts()
    by_data = int((ev["basis"] == BY_DATA).sum())
    parts = ", ".join(f"{s} — {int(counts.get(s, 0))}" for s in STATUSES)
    return (f"По данным года оценено {by_data} из {fmt.count(len(ev), 'критерия', 'критериев', 'критериев')}"
            f", остальные — по экспертной оценке. Итог: {parts}.")
