"""The package's Jinja2 environment (`analysis.html_templates`) and the sentences of the pages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import jinja2
import pytest
from html_helpers import HOSTILE, Page, assert_inert

from analysis import html_templates, tables

ROOT = Path(__file__).resolve().parents[1]


def test_one_environment_escapes_everything_and_refuses_an_unknown_name():
    env = html_templates.environment()
    assert html_templates.environment() is env  # created once, then reused
    assert env.autoescape is True
    with pytest.raises(jinja2.UndefinedError):  # a misspelt name fails, never prints ""
        html_templates.render("validation.html.j2", raw_dir="r", verdict="v", columns=())


def test_every_template_is_packaged():
    # a non-editable install gets only what package-data names: every template must match it
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["analysis"]
    package = ROOT / "src" / "analysis"
    packaged = {p for pattern in patterns for p in package.glob(pattern)}
    templates = set(html_templates.FOLDER.glob("*.j2"))
    assert templates and templates <= packaged


def test_sentences_from_a_form_are_escaped_and_inert():
    html = tables.say_html(f"Мера «{HOSTILE}»", [HOSTILE, "второй"])
    page = assert_inert(html)
    assert page.tags == ["p", "ul", "li", "li"]
    # one block a line: the paragraph, then the list
    assert html.count("\n") == 1 and html.startswith("<p>") and html.endswith("</ul>")


def test_empty_sentences_and_lists_are_left_out():
    assert tables.say_html("", [], "Одно.") == "<p>Одно.</p>"
    assert tables.say_html() == ""


def test_the_band_legend_names_the_three_bands_in_order():
    html = tables.legend_html()
    page = Page(html)
    assert page.text == "Цвет ячейки: цель достигнута близко к цели цель не достигнута"
    assert page.tags == ["span"] * 3
    assert html.index(tables.CELL_COLOURS["meets"]) < html.index(tables.CELL_COLOURS["below"])
