"""Executed notebook → normalised .ipynb and a self-contained, offline HTML page.

Profiles (SPEC §6):
- public: no code at all (inputs and prompts excluded);
- internal: code hidden by default but one click away — every code input is wrapped in a
  collapsed `<details>` («Код»); the executed .ipynb lies beside the page (internal profile
  only: the public folder holds no code and no local path).
Both: the injected-parameters cell is left out of the page (the nav bar states the year and
profile; the cell holds build-specific paths), no script, style, font or image is fetched from
the network (require.js, MathJax, mermaid and widget loaders are dropped, images are inline).
"""

from __future__ import annotations

import copy
import html
import re

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from analysis.html_templates import FOLDER as TEMPLATES_DIR

# The page template: JupyterLab's, minus every block that loads something from a CDN.
TEMPLATE_NAME = "book.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style>
details.book-code > summary { cursor: pointer; color: #5a6b78; font-size: 0.85em; margin: 2px 0; }
</style>
{%- endblock extra_css -%}
{#- after JupyterLab's CSS (notebook_css), so the book's rules win on equal specificity -#}
{%- block html_head_css -%}
<style>
{% include "print.css.j2" ignore missing %}
</style>
{%- endblock html_head_css -%}
{% block data_png scoped -%}
{%- set alt = output | get_metadata('alt', 'image/png') -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="{{ (alt or resources.book_figure_alt) | escape_html }}">
</div>
{%- endblock data_png %}
{% block input_group -%}
{%- if resources.book_fold_code -%}
<details class="book-code"><summary>Код</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock input_group %}
"""
PRINT_CSS = "print.css.j2"  # the book's shared screen/print CSS (analysis/html_templates)
FIGURE_ALT = "Рисунок"  # alt text of a figure whose output carries none (plots.show gives one)
INJECTED_TAG = "injected-parameters"  # papermill's tag of the cell it adds
TIMING_KEYS = ("papermill", "execution", "collapsed", "scrolled")  # cell metadata dropped
NB_KEYS_DROPPED = ("papermill", "widgets")  # notebook metadata dropped
SVG_DATE = re.compile(r"<dc:date>[^<]*</dc:date>")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")  # «<pandas…Styler at 0x7f…>»: differs every run
EXTERNAL = re.compile(
    r"""\b(src|href)\s*=\s*(["']?)\s*((?:https?:)?//[^"'\s>]*)\2""", re.IGNORECASE
)
EXTERNAL_ELEMENT = re.compile(
    r"""<(script|link|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^>]*>"""
    r"""(?:\s*</\1>)?""",
    re.IGNORECASE,
)
CSS_EXTERNAL = re.compile(r"""@import\s+url\(\s*["']?(?:https?:)?//[^)]*\)\s*;?""", re.IGNORECASE)
PROFILES = ("public", "internal")


class Renderer:
    """A warm HTMLExporter for one profile (templates load once, then ~20 ms per page)."""

    def __init__(self, profile: str) -> None:
        self.profile = profile
        public = profile == "public"
        self.exporter = HTMLExporter(
            template_name="lab",
            extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE, PRINT_CSS: print_css()})],
            template_file=TEMPLATE_NAME,
            exclude_input=public,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        remove = TagRemovePreprocessor(remove_cell_tags={INJECTED_TAG}, enabled=True)
        self.exporter.register_preprocessor(remove, enabled=True)

    def render(self, nb: dict, title: str) -> str:
        """The HTML of an executed, normalised notebook, offline."""
        node = nbformat.from_dict(copy.deepcopy(nb))
        resources = {
            "metadata": {"name": title},
            "book_fold_code": self.profile == "internal",
            "book_figure_alt": FIGURE_ALT,
        }
        body, _ = self.exporter.from_notebook_node(node, resources=resources)
        return make_offline(body)


def print_css() -> str:
    """The book's shared CSS template (wide tables, print), as the page template includes it."""
    return (TEMPLATES_DIR / PRINT_CSS).read_text(encoding="utf-8")


def normalise(nb: dict) -> dict:
    """Drop what depends on when and where the notebook ran (times, durations, paths)."""
    nb = copy.deepcopy(nb)
    for key in NB_KEYS_DROPPED:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED_TAG  # papermill gives it a random id on every run
        for key in TIMING_KEYS:
            cell.get("metadata", {}).pop(key, None)
        for output in cell.get("outputs", []):
            output.pop("transient", None)
            data = output.get("data", {})
            if "text/plain" in data:
                data["text/plain"] = _sub(ADDRESS, ">", data["text/plain"])
            if "image/svg+xml" in data:
                data["image/svg+xml"] = _strip_svg_date(data["image/svg+xml"])
    return nb


def _sub(pattern: re.Pattern, repl: str, text: str | list[str]) -> str | list[str]:
    if isinstance(text, list):
        return [pattern.sub(repl, part) for part in text]
    return pattern.sub(repl, text)


def _strip_svg_date(svg: str | list[str]) -> str | list[str]:
    if isinstance(svg, list):
        return [SVG_DATE.sub("", part) for part in svg]
    return SVG_DATE.sub("", svg)


def make_offline(page: str) -> str:
    """Remove everything that would be fetched from the network; keep links' text.

    Scripts, stylesheets and frames with an external address are dropped; an external `src`
    (an image) or `href` (a link) loses its address — the reader sees the text, nothing loads.
    """
    page = EXTERNAL_ELEMENT.sub("", page)
    page = CSS_EXTERNAL.sub("", page)
    return EXTERNAL.sub(lambda m: f'data-external="{html.escape(m.group(3), quote=True)}"', page)


def external_urls(page: str) -> list[str]:
    """Every external address in a `src` or `href` of the page (http:, https:, //)."""
    return [m.group(3) for m in EXTERNAL.finditer(page)]


# --- the person-id safety net of the public profile -------------------------------------------

TAGS = re.compile(r"<[^>]*>")
SKIPPED_BLOCKS = re.compile(r"<(style|script)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
TOKEN = re.compile(r"[\w-]+")
SHORT_NUMBER = re.compile(r"\d{1,4}")  # cannot be told from a count or a year: not checked


def page_text(page: str) -> str:
    """The text a reader sees (no markup, styles, scripts, inline images)."""
    return html.unescape(TAGS.sub(" ", SKIPPED_BLOCKS.sub(" ", page)))


def person_ids_in(page: str, person_ids: set[str]) -> list[str]:
    """The person ids that appear in the page's text as whole tokens (sorted)."""
    if not person_ids:
        return []
    text = page_text(page)
    tokens = set(TOKEN.findall(text))
    found = set()
    for pid in person_ids:
        if not pid or SHORT_NUMBER.fullmatch(pid):
            continue
        if TOKEN.fullmatch(pid):
            if pid in tokens:
                found.add(pid)
        elif re.search(rf"(?<![\w-]){re.escape(pid)}(?![\w-])", text):
            found.add(pid)
    return sorted(found)
