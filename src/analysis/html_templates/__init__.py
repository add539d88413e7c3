"""The HTML the project writes itself, rendered from the Jinja2 templates in this folder.

The book's front page and nav bar (`analysis.book.site`), the validation report
(`analysis.ingest.report`) and the sentences of the pages (`analysis.tables.say_html`). One
environment, created once: autoescape on for every template, since the values are text from the
forms and text from the forms is data, never markup (SPEC §6); StrictUndefined, so a misspelt
name fails the render instead of printing nothing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

FOLDER = Path(__file__).resolve().parent  # packaged beside this module (pyproject package-data)


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment of the package (built on first use, then reused)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(FOLDER),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,  # a line holding only a {% tag %} leaves no blank line
        lstrip_blocks=True,
        keep_trailing_newline=True,  # pages end with a newline, as files should
    )


def render(name: str, **values: object) -> str:
    """The template ``name`` of this folder filled with ``values`` (every value escaped)."""
    return environment().get_template(name).render(**values)
