"""The bank of methodological products and practices of a year (issue 14, the seed's fourth
criterion of methodological work: «банк данных и информирование общественности»).

Data in, data out: the year's `Методические продукты` with their authors resolved to the Centre,
an institution or an association; the innovation statuses of institutions (РИП/ФИП, resource
centre, support site, `Учреждения`); the resource centres of `Реестр` with their support sites
(the register's ОП and the РЦ columns of `Планы-отчёты`); the ПТГ with their information cards
(topic, years, status, results). Nothing here is about a person: products, institutions and
associations are counted, never people, except the participants of resource centres, which the
page takes from the indicator table as the profile may show it (`rc_external_participants`).
"""

from __future__ import annotations

import pandas as pd

from analysis.contract import CENTRE, PTG, RC

AUTHOR_CENTRE, AUTHOR_INSTITUTION, AUTHOR_ASSOCIATION = "Центр", "учреждение", "объединение"
AUTHOR_KINDS = (AUTHOR_CENTRE, AUTHOR_INSTITUTION, AUTHOR_ASSOCIATION)
SUPPORT_SITE_TYPE = "ОП"  # SPEC §3: an опорная площадка, in a РЦ (parent_id)
INNOVATION_NONE = "нет"
PRODUCT_COLUMNS = ["product_id", "title", "product_type", "author", "author_kind", "author_name"]


def authors(
    institutions: pd.DataFrame | None, associations: pd.DataFrame | None
) -> dict[str, tuple[str, str]]:
    """code → (kind of author, name) for «Центр», every institution and every association."""
    out = {CENTRE: (AUTHOR_CENTRE, "МУ ДПО «ЦПКИМР»")}
    if institutions is not None:
        for code, name in zip(institutions["inst_id"].astype(str), institutions["name"]):
            out[code] = (AUTHOR_INSTITUTION, str(name))
    if associations is not None:
        for code, kind, name in zip(
            associations["assoc_id"].astype(str), associations["assoc_type"], associations["name"]
        ):
            out[code] = (AUTHOR_ASSOCIATION, f"{kind} «{name}»")
    return out


def products(
    table: pd.DataFrame | None,
    institutions: pd.DataFrame | None,
    associations: pd.DataFrame | None,
) -> pd.DataFrame:
    """The year's products with their authors' kind and name, ordered by kind of author, author,
    type and title (an author the registers do not name keeps its code as its name)."""
    if table is None or table.empty:
        return pd.DataFrame(columns=PRODUCT_COLUMNS)
    who = authors(institutions, associations)
    codes = table["author"].astype(str)
    out = pd.DataFrame(
        {
            "product_id": table["product_id"].astype(str).to_numpy(),
            "title": table["title"].astype(str).to_numpy(),
            "product_type": table["product_type"].astype(str).to_numpy(),
            "author": codes.to_numpy(),
            "author_kind": [who.get(c, (AUTHOR_INSTITUTION, c))[0] for c in codes],
            "author_name": [who.get(c, (AUTHOR_INSTITUTION, c))[1] for c in codes],
        }
    )
    order = out["author_kind"].map({k: i for i, k in enumerate(AUTHOR_KINDS)})
    return (
        out.assign(_order=order)
        .sort_values(
            ["_order", "author_name", "product_type", "title", "product_id"], kind="stable"
        )
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def by_type(items: pd.DataFrame) -> pd.DataFrame:
    """Products by type (rows, most first) and kind of author (columns), with a total column."""
    counts = pd.crosstab(items["product_type"], items["author_kind"]).reindex(
        columns=list(AUTHOR_KINDS), fill_value=0
    )
    counts["total"] = counts.sum(axis=1)
    counts = counts.reset_index()
    return counts.sort_values(["total", "product_type"], ascending=[False, True], kind="stable")


def by_author(items: pd.DataFrame) -> pd.DataFrame:
    """Products per author (kind, name, count), most first, then in the products' order."""
    counts = (
        items.groupby(["author_kind", "author_name"], sort=False).size().reset_index(name="count")
    )
    return counts.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def innovators(institutions: pd.DataFrame | None) -> pd.DataFrame:
    """Institutions with an innovation status, a resource centre or a support site of the year,
    by district and name."""
    columns = [
        "inst_id",
        "name",
        "district",
        "inst_type",
        "innovation",
        "resource_centre",
        "support_site",
    ]
    if institutions is None:
        return pd.DataFrame(columns=columns)
    marked = (
        institutions["innovation"].ne(INNOVATION_NONE)
        | institutions["resource_centre"].astype(bool)
        | institutions["support_site"].astype(bool)
    )
    return (
        institutions.loc[marked, columns]
        .sort_values(["district", "name", "inst_id"], kind="stable")
        .reset_index(drop=True)
    )


def status_counts(institutions: pd.DataFrame | None) -> dict[str, int | None]:
    """How many institutions are РИП, ФИП, resource centres and support sites (None: no
    `Учреждения` that year)."""
    keys = ("РИП", "ФИП", "resource_centre", "support_site")
    if institutions is None:
        return dict.fromkeys(keys)
    return {
        "РИП": int(institutions["innovation"].eq("РИП").sum()),
        "ФИП": int(institutions["innovation"].eq("ФИП").sum()),
        "resource_centre": int(institutions["resource_centre"].astype(bool).sum()),
        "support_site": int(institutions["support_site"].astype(bool).sum()),
    }


def resource_centres(
    associations: pd.DataFrame | None,
    reports: pd.DataFrame | None,
    institutions: pd.DataFrame | None,
) -> pd.DataFrame:
    """The РЦ of `Реестр`: base institution, the ОП registered in it, whether it handed in a
    plan-report and from it the support sites and events for the city's teachers (empty when
    it did not report)."""
    columns = [
        "assoc_id",
        "name",
        "base",
        "sites_registered",
        "reported",
        "support_sites",
        "city_events",
    ]
    if associations is None:
        return pd.DataFrame(columns=columns)
    reg = associations
    rc = reg[reg["assoc_type"].eq(RC)]
    sites = reg.loc[reg["assoc_type"].eq(SUPPORT_SITE_TYPE), "parent_id"].astype(str)
    base = _names(institutions)
    report = _report_rows(reports)
    rows = []
    for code, name, inst in zip(rc["assoc_id"].astype(str), rc["name"], rc["inst_id"].astype(str)):
        own = report.get(code, {})
        rows.append(
            [
                code,
                str(name),
                base.get(inst, inst),
                int(sites.eq(code).sum()),
                code in report,
                own.get("support_sites"),
                own.get("city_events"),
            ]
        )
    return pd.DataFrame(rows, columns=columns).sort_values("name", kind="stable")


def _names(institutions: pd.DataFrame | None) -> dict[str, str]:
    if institutions is None:
        return {}
    return dict(zip(institutions["inst_id"].astype(str), institutions["name"].astype(str)))


def _report_rows(reports: pd.DataFrame | None) -> dict[str, dict[str, object]]:
    """assoc_id → its РЦ columns of `Планы-отчёты` (None where empty)."""
    if reports is None:
        return {}
    out = {}
    for row in reports.itertuples(index=False):
        out[str(row.assoc_id)] = {
            c: (None if pd.isna(getattr(row, c, None)) else int(getattr(row, c)))
            for c in ("support_sites", "city_events", "external_participants")
        }
    return out


def ptg_cards(
    associations: pd.DataFrame | None,
    cards: pd.DataFrame | None,
    institutions: pd.DataFrame | None,
) -> pd.DataFrame:
    """Every ПТГ of `Реестр` with its information card of the year (card columns empty for a
    ПТГ without one), by name."""
    card_columns = [
        "topic",
        "problem",
        "goal",
        "start_year",
        "end_year",
        "planned_results",
        "result_forms",
        "results_presented",
        "status",
    ]
    columns = ["assoc_id", "name", "base", "has_card", *card_columns]
    if associations is None:
        return pd.DataFrame(columns=columns)
    ptg = associations[associations["assoc_type"].eq(PTG)]
    base = _names(institutions)
    by_id = {}
    if cards is not None:
        by_id = {str(r["assoc_id"]): r for r in cards.to_dict("records")}
    rows = []
    for code, name, inst in zip(
        ptg["assoc_id"].astype(str), ptg["name"], ptg["inst_id"].astype(str)
    ):
        card = by_id.get(code)
        values = [None if card is None else _plain(card.get(c)) for c in card_columns]
        rows.append([code, str(name), base.get(inst, inst), card is not None, *values])
    return pd.DataFrame(rows, columns=columns).sort_values("name", kind="stable")


def _plain(value: object) -> object:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def year_counts(
    products_: pd.DataFrame,
    institutions: pd.DataFrame | None,
    associations: pd.DataFrame | None,
    cards: pd.DataFrame | None,
    products_arrived: bool,
) -> dict[str, int | None]:
    """The bank's figures of one year (None: the form they come from did not arrive)."""
    statuses = status_counts(institutions)
    has_reg = associations is not None
    out: dict[str, int | None] = {
        "products": len(products_) if products_arrived else None,
        **{
            f"products_{i}": int(products_["author_kind"].eq(k).sum()) if products_arrived else None
            for i, k in enumerate(AUTHOR_KINDS)
        },
        "innovation": None if statuses["РИП"] is None else statuses["РИП"] + statuses["ФИП"],
        "resource_centres": int(associations["assoc_type"].eq(RC).sum()) if has_reg else None,
        "support_sites": (
            int(associations["assoc_type"].eq(SUPPORT_SITE_TYPE).sum()) if has_reg else None
        ),
        "ptg": int(associations["assoc_type"].eq(PTG).sum()) if has_reg else None,
        "cards": None if cards is None else len(cards),
        "results": None if cards is None else int(pd.to_numeric(cards["results_presented"]).sum()),
    }
    return out
