"""Fixtures of the book tests: a hand-made processed city, tiny notebooks, a fixed indicator table.

The city (two years, 2022 and 2023): institutions s1, s2 (district Север, type ОО) and d1
(district Юг, type ДОО); staff with person ids T0001… — long enough to be told from numbers.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from analysis.processed import publish

YEARS = (2022, 2023)
PERSON_IDS = [f"T{n:04d}" for n in range(1, 13)]  # 12 staff: T0001 … T0012


def make_city(processed_dir: Path) -> None:
    """Publish the tiny city: 3 institutions, 12 staff (s1: 8, s2: 3, d1: 1) each year."""
    institutions = pd.DataFrame(
        {
            "inst_id": ["s1", "s2", "d1"],
            "name": ["Школа № 1", "Школа № 2", "Детский сад «Ромашка»"],
            "inst_type": ["ОО", "ОО", "ДОО"],
            "district": ["Север", "Север", "Юг"],
            "low_results": [False, True, False],
            "unfavourable": [False, False, False],
            "innovation": ["нет", "нет", "нет"],
            "resource_centre": [False, False, False],
            "support_site": [False, False, False],
            "network_agreements": [0, 1, 0],
        }
    )
    inst_of = ["s1"] * 8 + ["s2"] * 3 + ["d1"]
    tables = {}
    for year in YEARS:
        staff = pd.DataFrame(
            {
                "person_id": PERSON_IDS,
                "inst_id": inst_of,
                "position": ["педагог"] * 12,
                "subject": [None] * 12,
                "birth_year": [year - 40] * 12,
                "experience_years": [10.0] * 12,
                "category": ["высшая"] * 12,
            }
        )
        tables[year] = {"institutions": institutions, "staff": staff}
    publish(processed_dir, tables)


def tidy_table(processed_dir: Path, year: int, cache_dir: Path | None = None) -> pd.DataFrame:
    """A fixed indicator table standing in for the engine (values worked out by hand).

    category_high: city 9 of 12 → 75 %; Север 8 of 11; Юг 1 of 1 (denominator 1 < 5 → hidden
    in public; Север is then the only other district → hidden too); s1 6 of 8, s2 2 of 3 (< 5),
    d1 1 of 1 (< 5).
    """
    rows = [
        ("category_high", "city", "city", 9, 12, 75.0, "%", 70.0, True, ""),
        ("category_high", "district", "Север", 8, 11, 800 / 11, "%", 70.0, True, ""),
        ("category_high", "district", "Юг", 1, 1, 100.0, "%", 70.0, True, ""),
        ("category_high", "institution", "s1", 6, 8, 75.0, "%", 70.0, True, ""),
        ("category_high", "institution", "s2", 2, 3, 200 / 3, "%", 70.0, False, ""),
        ("category_high", "institution", "d1", 1, 1, 100.0, "%", 70.0, True, ""),
        ("centre_events", "centre", "centre", 12, None, 12, "ед.", None, None, "incomplete_window"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "level",
            "unit_id",
            "numerator",
            "denominator",
            "value",
            "unit",
            "target",
            "meets_target",
            "flags",
        ],
    )
    frame.insert(0, "year", year)
    return frame


def notebook(cells: list[tuple[str, str, list[str]]]) -> dict:
    """A v4 notebook from (cell type, source, tags), with the python3 kernelspec."""
    out = []
    for i, (kind, source, tags) in enumerate(cells):
        cell = {
            "cell_type": kind,
            "id": f"c{i}",
            "metadata": {"tags": tags} if tags else {},
            "source": source,
        }
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


PARAMETERS = 'year = None\nprocessed_dir = None\noutput_dir = None\nprofile = "internal"'

ALPHA = notebook(
    [
        ("markdown", "# Кадры и категории\n\nКто работает в учреждениях.", []),
        ("code", PARAMETERS, ["parameters"]),
        (
            "code",
            (
                "from analysis.processed import read_table\n"
                "from analysis.disclosure import suppress_counts, masked\n"
                "staff = read_table(processed_dir, year, 'staff')\n"
                "counts = staff.groupby('inst_id').size().rename('педагогов').to_frame()"
            ),
            [],
        ),
        ("markdown", "## Педагоги по учреждениям", []),
        (
            "code",
            (
                "shown = masked(counts, suppress_counts(counts, ['педагогов'], 5)) "
                "if profile == 'public' else counts\nshown"
            ),
            [],
        ),
        (
            "code",
            (
                "if profile == 'internal':\n"
                "    print('Список работников:', ', '.join(staff['person_id']))"
            ),
            [],
        ),
        (
            "code",
            (
                "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n"
                "from IPython.display import Image, display\nimport io\n"
                "fig, ax = plt.subplots(figsize=(3, 2))\nax.bar(counts.index, counts['педагогов'])\n"
                "buf = io.BytesIO()\nfig.savefig(buf, format='png', metadata={'Software': None})\n"
                "display(Image(buf.getvalue()))"
            ),
            [],
        ),
    ]
)

BETA = notebook(
    [
        (
            "markdown",
            (
                "# Год <b>&</b> итоги\n\nСм. [сайт](https://example.org/page) и "
                "![рисунок](http://example.org/x.png)."
            ),
            [],
        ),
        ("code", PARAMETERS, ["parameters"]),
        ("code", "print('Отчётный год:', year)", []),
    ]
)


def write_notebooks(folder: Path, notebooks: dict[str, dict] | None = None) -> Path:
    """Write the tiny book (01_alpha, 02_beta) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in (notebooks or {"01_alpha": ALPHA, "02_beta": BETA}).items():
        (folder / f"{name}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return folder


class Links(HTMLParser):
    """Every src/href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("src", "href") and v is not None]


def links(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


EXTERNAL = re.compile(r"^\s*(https?:|//)", re.IGNORECASE)
