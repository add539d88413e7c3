"""One house style for the book's figures, and figures that come out byte-identical on every run.

Figures are drawn with matplotlib (seaborn, when a notebook uses it, inherits the same rcParams),
rendered here to PNG bytes without the Software stamp and shown as an image, so a rebuild of the
same data gives the same HTML (SPEC §6). DejaVu Sans, matplotlib's own font, renders Cyrillic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import matplotlib

matplotlib.use("Agg")  # headless: papermill kernels and tests have no display

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import LayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis import fmt
from analysis.palette import BAND_COLOURS, BAND_LABELS, BLUE

GREY = "#8c8c8c"
DARK = "#333333"
ALT_LIMIT = 400  # characters of a figure's alt text (its titles); a screen reader reads it all
SERIES_COLOURS = ["#2b6a99", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999"]
DPI = 110  # PNG resolution: sharp on screen, small files
WIDTH = 8.0  # inches: fits the nbconvert page without scaling
# zlib level of the PNGs: 3 compresses a figure's flat colours as small as the default 6 (within
# 1 %, measured on the book's figures) in about 60 % of the time
PNG_COMPRESSION = 3
# the title's height over an axes with no tick labels on top: given, matplotlib does not look
# for labels to clear at every draw (a third of a 17-panel figure's drawing time)
TITLE_Y = 1.0


def setup() -> None:
    """Apply the house style to matplotlib's global settings (idempotent)."""
    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": GREY,
            "axes.grid": True,
            "grid.color": "#e5e5e5",
            "grid.linewidth": 0.8,
            "axes.axisbelow": True,
            "axes.prop_cycle": matplotlib.cycler(color=SERIES_COLOURS),
            "legend.frameon": False,
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "svg.hashsalt": "analysis-book",  # fixed ids in SVG output
            "svg.fonttype": "none",
            "axes.formatter.use_locale": False,
            # labels come from the forms (names of schools, measures): `$…$` in them is text,
            # never TeX (a name with `$\foo$` would fail the figure, `$x^2$` would be typeset)
            "text.parse_math": False,
            # glyphs drawn as designed, not snapped to the pixel grid: as readable at the
            # book's resolution, and ~20 % less time a figure (text is most of a draw)
            "text.hinting": "no_hinting",
        }
    )


setup()  # on import too: a figure a notebook draws by hand gets the same safe defaults


class FixedLayout(LayoutEngine):
    """The layout engine of a figure laid out in inches by this module (`panel_grid`): it
    moves nothing at draw, and tells `to_png` that the figure's canvas is its extent."""

    _adjust_compatible = False
    _colorbar_gridspec = False

    def execute(self, fig: Figure) -> None:
        """Nothing to do: every axes was placed when it was made."""


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes with no software/date metadata, then closed.

    Cropped to what is drawn, labels outside the canvas included, as ``bbox_inches="tight"``
    does, but with one draw instead of two: "tight" draws the whole figure once only to find
    its extent, while the extent of a figure without a layout engine can be asked directly
    (same box, same bytes). A figure laid out in inches (`FixedLayout`) is saved whole: its
    margins are part of the layout, nothing to measure.
    """
    _fix_empty_axis_labels(fig)
    engine = fig.get_layout_engine()
    extent = "tight"  # a layout engine (constrained layout) moves things at draw: ask after it
    if isinstance(engine, FixedLayout):
        extent = None
    elif engine is None:
        fig.set_dpi(DPI)  # the extent is measured at the resolution it is drawn at
        renderer = fig.canvas.get_renderer()
        extent = fig.get_tightbbox(renderer).padded(plt.rcParams["savefig.pad_inches"])
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format="png",
        dpi=DPI,
        bbox_inches=extent,
        metadata={"Software": None},
        pil_kwargs={"compress_level": PNG_COMPRESSION},
    )
    plt.close(fig)
    return buf.getvalue()


def _fix_empty_axis_labels(fig: Figure) -> None:
    """Pin the place of every empty axis label: matplotlib would otherwise measure all tick
    labels of an axis at each draw (and again for the extent) only to move a label that
    shows nothing."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0.5, 0.5)  # anywhere: nothing is drawn there


def save(fig: Figure, path: Path) -> Path:
    """Write the figure as a deterministic PNG (for the build or for checking by eye)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_png(fig))
    return path


def show(fig: Figure, alt: str | None = None):
    """Display the figure in a notebook as a fixed PNG (an IPython Image object) with its
    alt text for readers who do not see it (``alt``, else the figure's titles)."""
    from IPython.display import Image  # lazy: the library works without IPython

    text = alt or describe(fig)
    return Image(data=to_png(fig), format="png", alt=text)


def describe(fig: Figure, limit: int = ALT_LIMIT) -> str:
    """The alt text of a figure: «Рисунок: » and its titles (the figure's, then each panel's)."""
    titles = [fig.get_suptitle()] + [
        ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center", "right")
    ]
    seen = list(dict.fromkeys(" ".join(t.split()) for t in titles if t and t.strip()))
    text = "; ".join(seen)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"Рисунок: {text}" if text else "Рисунок"


def axis_formatter(unit: str) -> FuncFormatter:
    """Axis tick labels in Russian style: «80 %» for shares, «1234» for counts, and decimals
    where a tick is not whole («0,25»: an axis of means below one is not «0, 0, 0»)."""
    if unit == fmt.PERCENT:
        return FuncFormatter(lambda v, _: fmt.number(v, _decimals(v)) + fmt.NBSP + "%")
    return FuncFormatter(lambda v, _: fmt.number(v, _decimals(v)))


def _decimals(tick: float) -> int:
    """The fewest decimals (up to 3) that write ``tick`` exactly: 80 → 0, 0.45 → 2."""
    return next((d for d in range(3) if abs(tick - round(tick, d)) < 1e-9), 3)


def _band_handles(bands: Sequence[str]) -> list[Patch]:
    order = [b for b in ("meets", "near", "below", "none") if b in set(bands)]
    return [Patch(color=BAND_COLOURS[b], label=BAND_LABELS[b]) for b in order]


def bar_units(
    frame: pd.DataFrame,
    label: str,
    value: str,
    title: str,
    unit: str = fmt.PERCENT,
    target: float | None = None,
    band: str | None = None,
    max_bars: int = 30,
) -> Figure:
    """Horizontal bars of units (districts, institutions…) against a target line.

    Bars are sorted by value, coloured by ``band`` (meets/near/below) when given, labelled with
    the value in Russian formatting; units without a value are listed as «нет данных».
    """
    setup()
    data = frame[[label, value] + ([band] if band else [])].copy()
    data = data.sort_values(value, ascending=True, na_position="first").tail(max_bars)
    names = [str(x) for x in data[label]]
    fig, ax = _bars_frame(names, title)
    vals = data[value].astype(float)
    colours = [BAND_COLOURS.get(b, BLUE) for b in data[band]] if band else [BLUE] * len(data)
    ypos = np.arange(len(data))
    ax.barh(ypos, vals.fillna(0), color=colours, height=0.7)
    ax.set_yticks(ypos, names)
    ax.grid(axis="y", visible=False)
    top = np.nanmax([vals.max(skipna=True) if vals.notna().any() else 0, target or 0, 1])
    for y, v in zip(ypos, vals):
        text = fmt.NO_DATA if pd.isna(v) else fmt.value(v, unit, with_unit=False)
        ax.text((0 if pd.isna(v) else v) + top * 0.01, y, text, va="center", fontsize=8, color=DARK)
    handles: list = _band_handles(list(data[band])) if band else []
    if target is not None and not pd.isna(target):
        ax.axvline(target, color=DARK, linestyle="--", linewidth=1.2)
        handles.append(
            Line2D([0], [0], color=DARK, linestyle="--", label="цель: " + fmt.value(target, unit))
        )
    ax.set_xlim(0, top * 1.12)
    ax.xaxis.set_major_formatter(axis_formatter(unit))
    ax.set_title(title, y=TITLE_Y)
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.9, frameon=True)
    return fig


# The bar chart is laid out in inches around its plotting area, from the widths of the units'
# names and of the title, so that its PNG needs no crop measured from every text.
BAR_ROW = 0.25  # inches a bar takes (with its gap)
BAR_ROOM = 0.9  # inches of the plotting area beyond the bars (above and below them)
BAR_PLOT_MIN = 1.5  # inches: the lowest plotting area (one or two bars)
BAR_TICK_OVERHANG = 0.25  # inches: half of the widest value tick («100 %») past the axis' end


def _bars_frame(names: list[str], title: str) -> tuple[Figure, Axes]:
    """The bar chart's figure and its plotting area, placed in inches: the units' names on
    the left, the title on top, the value ticks below, a crop's margin around."""
    rc = plt.rcParams
    margin = rc["savefig.pad_inches"]
    label_size = FontProperties(size=rc["ytick.labelsize"]).get_size_in_points()
    names_width = max([text_width(n, label_size) for n in names] or [0.0])
    left = margin + names_width + (rc["ytick.major.size"] + rc["ytick.major.pad"]) / 72
    title_size = FontProperties(size=rc["axes.titlesize"]).get_size_in_points()
    title_width = text_width(title, title_size, rc["axes.titleweight"])
    plot_width = WIDTH * 0.775  # that of matplotlib's default axes
    right = margin + max(BAR_TICK_OVERHANG, title_width - plot_width)
    above = margin + (title_size * LINE_SPACING + rc["axes.titlepad"]) / 72
    tick_size = FontProperties(size=rc["xtick.labelsize"]).get_size_in_points()
    ticks = rc["xtick.major.size"] + rc["xtick.major.pad"] + tick_size * LINE_SPACING
    below = margin + ticks / 72
    plot_height = max(BAR_PLOT_MIN, BAR_ROW * len(names) + BAR_ROOM)
    width, height = left + plot_width + right, above + plot_height + below
    fig = plt.figure(figsize=(width, height), layout=FixedLayout())
    ax = fig.add_axes((left / width, below / height, plot_width / width, plot_height / height))
    return fig, ax


def dynamics(
    frame: pd.DataFrame,
    title: str,
    unit: str = fmt.PERCENT,
    series: str | None = None,
    target: str | None = "target",
    year: str = "year",
    value: str = "value",
) -> Figure:
    """Values over years, one line per ``series`` (or one line), with the target as a dashed step.

    ``frame`` holds columns ``year``, ``value`` and optionally ``target`` and ``series``.
    """
    setup()
    fig, ax = plt.subplots(figsize=(WIDTH * 0.75, 3.4))
    groups = frame.groupby(series, sort=True) if series else [(None, frame)]
    for name, part in groups:
        part = part.sort_values(year)
        ax.plot(
            part[year],
            part[value].astype(float),
            marker="o",
            linewidth=2,
            label=None if name is None else str(name),
        )
        if series is None:
            for x, v in zip(part[year], part[value]):
                if not pd.isna(v):
                    ax.annotate(
                        fmt.value(v, unit, with_unit=False),
                        (x, v),
                        textcoords="offset points",
                        xytext=(0, 7),
                        ha="center",
                        fontsize=8,
                    )
    if target and target in frame.columns:
        tgt = frame[[year, target]].dropna().drop_duplicates(year).sort_values(year)
        if len(tgt):
            ax.plot(
                tgt[year],
                tgt[target].astype(float),
                linestyle="--",
                color=DARK,
                linewidth=1.2,
                drawstyle="steps-mid",
                label="цель",
            )
    years = sorted(int(y) for y in frame[year].unique())
    ax.set_xticks(years, [str(y) for y in years])
    ax.yaxis.set_major_formatter(axis_formatter(unit))
    lo = 0 if unit == fmt.PERCENT else None
    ax.set_ylim(bottom=lo)
    if unit == fmt.PERCENT:
        ax.set_ylim(top=min(105, max(ax.get_ylim()[1], 10)))
    ax.set_title(title, y=TITLE_Y)
    if series or (target and target in frame.columns and frame[target].notna().any()):
        ax.legend(fontsize=8, loc="best")
    return fig


# The heatmap is laid out in inches around its grid, from the widths of the texts on its edges
# (row names, unit names, title), so that its PNG needs no crop measured from every text.
HEAT_WIDTH = WIDTH * 0.775  # inches: the grid's width (that of matplotlib's default axes)
HEAT_ROW = 0.47  # inches a row: a name of four lines at 7.5 pt fits with its neighbours
HEAT_ROW_SIZE = 7.5  # points: the indicators' names on the left
HEAT_ROW_WIDTH = 48  # characters a row name's line wraps at
HEAT_HEAD_SIZE = 8  # points: the units' names on top, and the values in the cells
HEAT_HEAD_WIDTH = 18  # characters a unit name's line wraps at
HEAT_TITLE_PAD = 12  # points between the units' names and the title
HEAT_LEGEND = 0.35  # inches under the grid for the legend of the bands (one row at 8 pt)


def heatmap(
    values: pd.DataFrame,
    bands: pd.DataFrame,
    labels: pd.DataFrame,
    title: str,
) -> Figure:
    """A grid of indicators (rows) × units (columns) coloured by band, labelled with values.

    The three frames share the index (units, e.g. districts) and columns (indicator names);
    ``labels`` holds the already formatted text of each cell. The figure puts the indicators on
    the rows because their long names read well on the left, not as column heads.
    """
    setup()
    order = ["below", "near", "meets", "none"]
    values, bands, labels = values.T, bands.reindex_like(values).T, labels.T
    codes = bands.fillna("none").map(order.index).to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    rows = [wrap(str(r), HEAT_ROW_WIDTH) for r in values.index]
    heads = [wrap(str(c), HEAT_HEAD_WIDTH) for c in values.columns]
    fig, ax = _heatmap_frame(rows, heads, title, n_rows)
    cmap = ListedColormap([BAND_COLOURS[b] for b in order])
    ax.imshow(codes, cmap=cmap, vmin=-0.5, vmax=len(order) - 0.5, aspect="auto")
    ax.grid(False)
    for i in range(n_rows):
        for j in range(n_cols):
            ax.text(
                j,
                i,
                str(labels.iat[i, j]),
                ha="center",
                va="center",
                fontsize=HEAT_HEAD_SIZE,
                color="white" if codes[i, j] in (0, 2) else DARK,
            )
    ax.set_xticks(range(n_cols), heads, fontsize=HEAT_HEAD_SIZE)
    ax.set_yticks(range(n_rows), rows, fontsize=HEAT_ROW_SIZE)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False, length=0)
    ax.tick_params(axis="y", length=0)
    # white rules between the cells: two line collections, cheaper to draw than minor ticks
    ax.hlines(np.arange(0.5, n_rows - 1), -0.5, n_cols - 0.5, color="white", linewidth=1.5)
    ax.vlines(np.arange(0.5, n_cols - 1), -0.5, n_rows - 0.5, color="white", linewidth=1.5)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    used = sorted(set(bands.fillna("none").to_numpy().ravel()), key=order.index)
    ax.legend(
        handles=_band_handles(used),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=4,
        fontsize=8,
    )
    return fig


def _heatmap_frame(
    rows: list[str], heads: list[str], title: str, n_rows: int
) -> tuple[Figure, Axes]:
    """The heatmap's figure and its grid's axes, placed in inches: the row names on the left,
    the unit names and the title on top, the legend below, a crop's margin around."""
    margin = plt.rcParams["savefig.pad_inches"]
    tick_pad = plt.rcParams["ytick.major.pad"] / 72  # a tick label's distance from the grid
    row_names = max(text_width(line, HEAT_ROW_SIZE) for r in rows for line in r.split("\n"))
    head = max(text_width(line, HEAT_HEAD_SIZE) for h in heads for line in h.split("\n"))
    title_size = plt.rcParams["axes.titlesize"]
    title_width = text_width(title, title_size, plt.rcParams["axes.titleweight"])
    column = HEAT_WIDTH / len(heads)
    left = margin + max(row_names + tick_pad, head / 2 - column / 2)  # to the grid's edge
    right = margin + max(head / 2 - column / 2, title_width - HEAT_WIDTH, 0)
    heads_height = (max(h.count("\n") + 1 for h in heads) * HEAT_HEAD_SIZE * LINE_SPACING) / 72
    heads_height += tick_pad
    above = margin + (title_size * LINE_SPACING + HEAT_TITLE_PAD) / 72 + heads_height
    grid_height = HEAT_ROW * n_rows
    below = HEAT_LEGEND + margin
    width, height = left + HEAT_WIDTH + right, above + grid_height + below
    fig = plt.figure(figsize=(width, height), layout=FixedLayout())
    ax = fig.add_axes((left / width, below / height, HEAT_WIDTH / width, grid_height / height))
    ax.set_title(title, pad=HEAT_TITLE_PAD, y=1 + heads_height / grid_height)
    return fig, ax


def wrap(text: str, width: int = 16) -> str:
    """Break a long label into lines of about ``width`` characters at spaces (line breaks
    already in the text are kept)."""
    if "\n" in text:
        return "\n".join(wrap(part, width) for part in text.split("\n"))
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)


# The grid of small multiples is laid out in inches, not by a layout pass: `tight_layout`
# measured every label of every panel twice (about a third of the figure's time). Rows are as
# tall as their longest title; the values' labels get the width of the widest one.
PANELS_WIDTH = WIDTH * 1.25  # inches: three panels of about 3.3 in
PANEL_GAP = 0.2  # inches between a panel and the title of the next one
PANEL_PLOT = 1.75  # inches: the height of a panel's plotting area
PANEL_BELOW = 0.45  # inches under a plotting area: the years and the gap to the next row
PANEL_TICK_PAD = 0.12  # inches between the axis and its labels (tick and its pad, 7 pt + slack)
PANEL_LEGEND = 0.35  # inches for the figure's legend under the grid
PANEL_TITLE_SIZE = 9  # points
PANEL_TITLE_WIDTH = 36  # characters a title line wraps at: ~6 pt a bold letter, fits 3.1 in
PANEL_BINS = 5  # at most this many intervals between a panel's value ticks
TICK_STEPS = [1, 2, 2.5, 5, 10]  # tick spacings (× a power of ten), those of matplotlib's own axes
LINE_SPACING = 1.2  # a text line's height in font sizes (DejaVu Sans; matplotlib's own spacing)


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """The width in inches of a one-line ``text`` in the house font at ``size`` points."""
    renderer = RendererAgg(1, 1, 72)  # 72 dpi: a pixel is a point
    font = FontProperties(size=size, weight=weight)
    return renderer.get_text_width_height_descent(text, font, False)[0] / 72


def panel_grid(
    titles: list[str], ncols: int, title_size: float, label_width: float
) -> tuple[Figure, list[Axes]]:
    """A figure of one panel per (already wrapped) title, ``ncols`` to a row, with the titles
    on the left above each panel and ``label_width`` inches kept for the values' labels.

    The figure is laid out to its edges (`FixedLayout`): `to_png` saves it whole, without
    measuring every text of every panel to crop it."""
    setup()
    rows = [titles[i : i + ncols] for i in range(0, len(titles), ncols)]
    pad = plt.rcParams["axes.titlepad"]  # points between a title and its panel
    lines = [max(t.count("\n") + 1 for t in row) for row in rows]
    title_heights = [(n_lines * title_size * LINE_SPACING + pad) / 72 for n_lines in lines]
    margin = plt.rcParams["savefig.pad_inches"]  # left and top, as a cropped figure has
    height = margin + sum(title_heights) + len(rows) * (PANEL_PLOT + PANEL_BELOW) + PANEL_LEGEND
    width = margin + PANELS_WIDTH
    fig = plt.figure(figsize=(width, height), layout=FixedLayout())
    column = PANELS_WIDTH / ncols
    left = label_width + PANEL_TICK_PAD  # from the panel's edge to its axis
    axes, top = [], height - margin
    for row, title_height in zip(rows, title_heights):
        top -= title_height + PANEL_PLOT  # the bottom of this row's plotting areas
        for c, title in enumerate(row):
            ax = fig.add_axes(
                (
                    (margin + c * column + left) / width,
                    top / height,
                    (column - left - PANEL_GAP) / width,
                    PANEL_PLOT / height,
                )
            )
            edge = -left / (column - left - PANEL_GAP)  # the panel's edge in axes units
            ax.set_title(title, fontsize=title_size, loc="left", x=edge, y=TITLE_Y)
            axes.append(ax)
        top -= PANEL_BELOW
    return fig, axes[: len(titles)]


def value_locator(unit: str) -> MaxNLocator:
    """Where a panel's value ticks go: a few round values, whole ones for counts (a count
    axis from 0 to 0.4 would otherwise read «0, 0, 0»)."""
    return MaxNLocator(nbins=PANEL_BINS, steps=TICK_STEPS, integer=unit != fmt.PERCENT)


def value_ticks(top: float, unit: str) -> tuple[np.ndarray, list[str]]:
    """Round ticks from 0 to ``top`` and their Russian labels (fixed: not recomputed at each
    draw); counts get whole ticks only."""
    ticks = value_locator(unit).tick_values(0, top)
    ticks = ticks[(ticks >= 0) & (ticks <= top * (1 + 1e-9))]
    label = axis_formatter(unit)
    return ticks, [label(t, None) for t in ticks]


def small_multiples(panels: list[tuple[str, str, pd.DataFrame]], ncols: int = 3) -> Figure:
    """A grid of small dynamics charts: (title, unit, frame of year/value/target) per panel."""
    prepared = [_panel_data(frame, unit) for _, unit, frame in panels]
    label_width = max(
        [text_width(label, 8) for panel in prepared for label in panel.ticks[1]] or [0.0]
    )
    titles = [wrap(title, PANEL_TITLE_WIDTH) for title, _, _ in panels]
    fig, axes = panel_grid(titles, ncols, PANEL_TITLE_SIZE, label_width)
    for ax, (_, unit, _), panel in zip(axes, panels, prepared):
        _draw_panel(ax, unit, panel)
    handles = [
        Line2D([0], [0], color=BLUE, marker="o", label="значение"),
        Line2D([0], [0], color=DARK, linestyle="--", label="цель"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, 0))
    return fig


class _Panel(NamedTuple):
    """A panel's data as arrays by year (pandas selections cost more than the drawing of a
    small panel), the top of its axis and the axis' ticks."""

    years: np.ndarray
    values: np.ndarray  # NaN where there is no value
    target_years: np.ndarray
    targets: np.ndarray
    top: float
    ticks: tuple[np.ndarray, list[str]]


def _panel_data(frame: pd.DataFrame, unit: str) -> _Panel:
    """A panel's values by year, its targets, the top of its axis and the axis' ticks."""
    order = np.argsort(frame["year"].to_numpy(), kind="stable")
    years = frame["year"].to_numpy()[order]
    values = frame["value"].to_numpy(dtype=float, na_value=np.nan)[order]
    targets = (
        frame["target"].to_numpy(dtype=float, na_value=np.nan)[order]
        if "target" in frame
        else np.full(len(years), np.nan)
    )
    has_target = ~np.isnan(targets)
    highest = np.nanmax(np.r_[values, targets[has_target], [1.0]])
    top = highest * 1.2  # room for the value labels over the points
    drawn = not np.isnan(values).all() or has_target.any()  # an axis only for something to read
    ticks = value_ticks(top, unit) if drawn else (np.array([]), [])
    return _Panel(years, values, years[has_target], targets[has_target], top, ticks)


def _draw_panel(ax: Axes, unit: str, panel: _Panel) -> None:
    """One small multiple: values with their labels, the target as a dashed step."""
    years = sorted({int(y) for y in panel.years})
    ax.plot(panel.years, panel.values, marker="o", linewidth=2, color=BLUE)
    for x, v in zip(panel.years, panel.values):
        if not np.isnan(v):
            ax.annotate(
                fmt.value(v, unit, with_unit=False),
                (x, v),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
            )
    if len(panel.targets):
        ax.plot(
            panel.target_years,
            panel.targets,
            linestyle="--",
            color=DARK,
            linewidth=1,
            drawstyle="steps-mid",
        )
    ax.set_xticks(years, [str(y) for y in years], fontsize=8)
    if years:  # the years are the axis even when a panel has no value to draw
        ax.set_xlim(years[0] - 0.25, years[-1] + 0.25)
    ax.set_yticks(*panel.ticks, fontsize=8)
    ax.set_ylim(0, panel.top)
    if np.isnan(panel.values).all():
        ax.text(0.5, 0.5, fmt.NO_DATA, transform=ax.transAxes, ha="center", color=GREY)
