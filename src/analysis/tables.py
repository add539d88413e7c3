"""Tables for the reader: Russian headers, formatted text, colour bands, stable HTML.

Stage modules return frames whose columns are already Russian headers and whose cells are already
formatted text (`analysis.fmt`); this module only styles them. The Styler's id is derived from the
content, so two renders of the same data give the same HTML (SPEC §6).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from analysis.fmt import is_missing
from analysis.html_templates import environment, render
from analysis.palette import BAND_COLOURS, BAND_LABELS, CELL_COLOURS
from analysis.unit_links import unit_href

TABLE_STYLES = [
    {"selector": "th", "props": "text-align: left; background: #eef2f5; padding: 4px 8px;"},
    # nbconvert's theme right-aligns every cell; text reads better left-aligned, numbers are
    # right-aligned per column by `right` (a rule per column: see `styled`).
    {"selector": "td", "props": "padding: 3px 8px; text-align: left;"},
    {
        "selector": "caption",
        "props": "caption-side: top; text-align: left; font-weight: bold; padding: 6px 0;",
    },
    {"selector": "", "props": "border-collapse: collapse; font-size: 0.9em;"},
]
NUMERIC_ALIGN = "text-align: right; white-space: nowrap;"
UNIT_LINK_TEMPLATE = "unit_link.html.j2"


def _uuid(frame: pd.DataFrame, caption: str | None) -> str:
    """A short id from the content: the same table always gets the same id."""
    digest = hashlib.sha1()
    digest.update((caption or "").encode())
    digest.update(frame.to_csv(index=True).encode())
    return digest.hexdigest()[:10]


def styled(
    frame: pd.DataFrame,
    caption: str | None = None,
    bands: pd.DataFrame | None = None,
    right: list[str] | None = None,
    index: bool = False,
    note: str | None = None,
    links: Mapping[str, Sequence[object]] | None = None,
) -> Styler:
    """A styled table ready for display.

    ``bands`` has the same shape (and index/columns) as ``frame`` and holds meets/near/below
    per cell (empty for none); ``right`` names the columns of numbers (right-aligned);
    ``note``: a footnote, added below the caption when some cell carries its mark;
    ``links``: column → the unit id of each row (None for none): the cell's text becomes a
    link to the unit's page (`unit_link_html`), still escaped.
    """
    frame = frame.copy()
    if links and not index:  # the links are set per row position: a hidden index may be reset
        frame = frame.reset_index(drop=True)
    if note:
        caption = f"{caption or ''} ({note})" if caption else note
    styler = Styler(frame, uuid=_uuid(frame, caption), cell_ids=False, escape="html")
    styler.set_table_styles(TABLE_STYLES)
    if caption:
        styler.set_caption(caption)
    if not index:
        styler.hide(axis="index")
    if right:
        # One rule per column («#T_… td.col3»), not one per cell: a long table's CSS stays
        # short, and the rule outranks the left alignment of `TABLE_STYLES`' «td».
        align = [{"selector": "td", "props": NUMERIC_ALIGN}]
        styler.set_table_styles({c: align for c in right if c in frame.columns}, overwrite=False)
    for column, ids in (links or {}).items():
        _link_cells(styler, frame, column, ids)
    if bands is not None:
        colours = bands.reindex_like(frame).fillna("").astype(str)
        styler.apply(lambda _: colours.map(_band_css), axis=None)
    return styler


def _link_cells(styler: Styler, frame: pd.DataFrame, column: str, ids: Sequence[object]) -> None:
    """Show the cells of `column` as links to their units' pages; the table's data stays the
    plain text (what a reader of `styler.data` expects), only the display changes."""
    if column not in frame.columns:
        return
    template = environment().get_template(UNIT_LINK_TEMPLATE)  # looked up once per table
    cells = [
        (label, str(text), template.render(text=text, href=unit_href(unit_id)))
        for label, text, unit_id in zip(frame.index, frame[column], ids)
        if not is_missing(unit_id)
    ]
    # Styler.format formats by a cell's value, not its position, and a call per cell costs
    # milliseconds: one call per layer of rows in which each text has one link (one layer
    # unless two units share a name).
    for labels, links in _layers(cells):
        styler.format(
            lambda text, links=links: links[str(text)],
            subset=pd.IndexSlice[labels, [column]],
            escape=None,  # the template escaped the name itself
        )


def _layers(cells: list[tuple[object, str, str]]) -> list[tuple[list[object], dict[str, str]]]:
    """(row label, text, link) in layers of (row labels, text → link): within a layer one
    text never has two links."""
    layers: list[tuple[list[object], dict[str, str]]] = []
    for label, text, link in cells:
        for labels, links in layers:
            if links.setdefault(text, link) == link:
                labels.append(label)
                break
        else:
            layers.append(([label], {text: link}))
    return layers


def unit_link_html(text: object, unit_id: object, base: str = "") -> str:
    """A unit's name as a link to its page (`analysis.unit_links`), from a stage page (or from
    elsewhere with `base`): the name is escaped, the href percent-encoded; no link (the name
    escaped) when there is no unit id."""
    if is_missing(unit_id):
        return render(UNIT_LINK_TEMPLATE, text=text, href="")
    return render(UNIT_LINK_TEMPLATE, text=text, href=unit_href(unit_id, base))


def _band_css(band: str) -> str:
    colour = CELL_COLOURS.get(band, "")
    return f"background-color: {colour};" if colour else ""


def legend_html() -> str:
    """A one-line legend of the band colours for scorecards (HTML)."""
    bands = [
        {"cell": CELL_COLOURS[b], "line": BAND_COLOURS[b], "label": BAND_LABELS[b]}
        for b in ("meets", "near", "below")
    ]
    return render("legend.html.j2", bands=bands)


def say(*lines: str | list[str]):
    """Sentences for the reader (a list becomes bullets), as escaped HTML.

    Sentences carry text from the workbooks (names of institutions, titles of measures), so they
    are HTML-escaped rather than passed through Markdown, where «<», «*» or «_» would become
    markup (SPEC §6: text that came from workbooks is escaped).
    """
    from IPython.display import HTML

    return HTML(say_html(*lines))


def say_html(*lines: str | list[str]) -> str:
    """The HTML of `say`: a paragraph per sentence, a bulleted list per list of sentences (empty
    ones left out)."""
    return render("sentences.html.j2", blocks=[line for line in lines if line])


def legend():
    """The band legend as displayable HTML."""
    from IPython.display import HTML

    return HTML(legend_html())


def incomplete_note(cells: object) -> str | None:
    """The footnote of the incomplete-window mark when some cell of ``cells`` carries it."""
    from analysis import fmt

    values = cells.to_numpy().ravel() if hasattr(cells, "to_numpy") else list(cells)  # type: ignore[union-attr]
    return fmt.INCOMPLETE_NOTE if any(fmt.INCOMPLETE_MARK in str(v) for v in values) else None
