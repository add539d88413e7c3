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
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
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
# `src=` or `href=` with an external address (http:, https:, //), any case. Spelt without
# re.IGNORECASE and starting with a character class, so that sre jumps from one «s»/«h» to the
# next instead of trying the pattern at every character (a page is ~1 MB of CSS and base64); the
# lookbehind is the word boundary before the attribute's name.
EXTERNAL = re.compile(
    r"""([sShH](?<!\w[sShH])(?:(?<=[sS])[rR][cC]|(?<=[hH])[rR][eE][fF]))"""
    r"""\s*=\s*(["']?)\s*((?:[hH][tT][tT][pP][sS]?:)?//[^"'\s>]*)\2"""
)
EXTERNAL_ELEMENT = re.compile(
    r"""<(script|link|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^>]*>"""
    r"""(?:\s*</\1>)?""",
    re.IGNORECASE,
)
CSS_EXTERNAL = re.compile(r"""@import\s+url\(\s*["']?(?:https?:)?//[^)]*\)\s*;?""", re.IGNORECASE)
PROFILES = ("public", "internal")
# what nbconvert's own final pass marks focusable (`tabindex="0"`): cell inputs and outputs
FOCUSABLE_CLASSES = frozenset({"jp-Cell-inputWrapper", "jp-OutputArea-output"})
DIV_WITH_CLASS = re.compile(r'<div\b([^>]*?)\bclass="([^"]*)"([^>]*)>')
IMG_TAG = re.compile(r"<img\b([^>]*)>")  # greedy: a lazy match crawls through inline images
NO_ALT = "No description has been provided for this image"  # nbconvert's own words


class BookExporter(HTMLExporter):
    """nbconvert's lab HTML exporter without its last step, a BeautifulSoup pass over the whole
    page that gives images without alt text nbconvert's default one and makes cell inputs and
    outputs focusable. That pass took about 80 % of a page's render time in the build process;
    the same two changes are made here on the text (`_focusable`, `_alt_for_all`), and
    tests/test_book_render.py checks the result parses to exactly what nbconvert gives."""

    def from_notebook_node(self, nb, resources=None, **kw):
        # HTMLExporter.from_notebook_node up to its BeautifulSoup pass (nbconvert 7)
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _alt_for_all(_focusable(body)), resources


def _focusable(page: str) -> str:
    """`tabindex="0"` on every cell input and output `<div>`, as nbconvert's last pass adds."""

    def add(match: re.Match) -> str:
        classes = set(match.group(2).split())
        if not classes & FOCUSABLE_CLASSES or "tabindex=" in match.group(0):
            return match.group(0)
        return match.group(0)[:-1] + ' tabindex="0">'

    return DIV_WITH_CLASS.sub(add, page)


def _alt_for_all(page: str) -> str:
    """nbconvert's default alt text on an `<img>` that has none (the book's figures have theirs)."""

    def add(match: re.Match) -> str:
        attributes = match.group(1)
        if re.search(r"\balt\s*=", attributes):
            return match.group(0)
        closing = "/" if attributes.endswith("/") else ""  # «<img … />» keeps its slash last
        return f'<img{attributes.removesuffix(closing)} alt="{NO_ALT}"{closing}>'

    return IMG_TAG.sub(add, page)


class Renderer:
    """A warm HTMLExporter for one profile (templates load once, then ~20 ms per page)."""

    def __init__(self, profile: str) -> None:
        self.profile = profile
        public = profile == "public"
        self.exporter = BookExporter(
            template_name="lab",
            extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE, PRINT_CSS: print_css()})],
            template_file=TEMPLATE_NAME,
            exclude_input=public,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
            # validate the notebook once, after all preprocessors, not after each of the 13
            optimistic_validation=True,
        )
        remove = TagRemovePreprocessor(remove_cell_tags={INJECTED_TAG}, enabled=True)
        self.exporter.register_preprocessor(remove, enabled=True)

    def render(self, nb: dict, title: str) -> str:
        """The HTML of an executed, normalised notebook, offline."""
        node = nbformat.from_dict(nb)  # a copy: from_dict builds new dicts and lists
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


def person_ids_in(page: str, person_ids: set[str] | PersonIds) -> list[str]:
    """The person ids that appear in the page's text as whole tokens (sorted)."""
    check = person_ids if isinstance(person_ids, PersonIds) else PersonIds(person_ids)
    return check.found_in(page)


class PersonIds:
    """The ids a page is checked for, sorted once: a build checks ~1,000 pages against the same
    few thousand ids, so an id that is one token is looked up in the page's token set, and only
    the rare others are searched for one by one."""

    def __init__(self, person_ids: set[str]) -> None:
        checked = {p for p in person_ids if p and not SHORT_NUMBER.fullmatch(p)}
        self.tokens = frozenset(p for p in checked if TOKEN.fullmatch(p))
        self.others = [
            (p, re.compile(rf"(?<![\w-]){re.escape(p)}(?![\w-])"))
            for p in sorted(checked - self.tokens)
        ]

    def found_in(self, page: str) -> list[str]:
        if not self.tokens and not self.others:
            return []
        text = page_text(page)
        found = set(self.tokens.intersection(TOKEN.findall(text)))
        found.update(pid for pid, pattern in self.others if pattern.search(text))
        return sorted(found)
