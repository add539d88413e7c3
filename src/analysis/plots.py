"""One house style for the book's figures, and figures that come out byte-identical on every run.

Figures are drawn with matplotlib (seaborn, when a notebook uses it, inherits the same rcParams),
rendered here to PNG bytes without the Software stamp and shown as an image, so a rebuild of the
same data gives the same HTML (SPEC §6). DejaVu Sans, matplotlib's own font, renders Cyrillic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: papermill kernels and tests have no display

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analysis import fmt

# Colours: a calm blue for plain values and a traffic-light triple for target bands, chosen to
# stay distinguishable for colour-blind readers (blue/orange/vermilion from Okabe–Ito).
BLUE = "#2b6a99"
GREY = "#8c8c8c"
DARK = "#333333"
BAND_COLOURS = {
    "meets": "#3a9a5b",  # цель достигнута
    "near": "#e6a23c",  # близко к цели
    "below": "#d1495b",  # ниже цели
    "none": "#b9c4cc",  # цели нет или нет данных
}
BAND_LABELS = {
    "meets": "цель достигнута",
    "near": "близко к цели",
    "below": "цель не достигнута",
    "none": "цель не установлена",
}
ALT_LIMIT = 400  # characters of a figure's alt text (its titles); a screen reader reads it all
SERIES_COLOURS = ["#2b6a99", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999"]
DPI = 110  # PNG resolution: sharp on screen, small files
WIDTH = 8.0  # inches: fits the nbconvert page without scaling
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
        }
    )


setup()  # on import too: a figure a notebook draws by hand gets the same safe defaults


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes with no software/date metadata, then closed."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


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
    """Axis tick labels in Russian style: «80 %» for shares, «1234» for counts."""
    if unit == fmt.PERCENT:
        return FuncFormatter(lambda v, _: fmt.number(v, 0) + fmt.NBSP + "%")
    return FuncFormatter(lambda v, _: fmt.number(v, 0))


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
    height = max(2.0, 0.32 * len(data) + 1.2)
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    vals = data[value].astype(float)
    colours = [BAND_COLOURS.get(b, BLUE) for b in data[band]] if band else [BLUE] * len(data)
    ypos = np.arange(len(data))
    ax.barh(ypos, vals.fillna(0), color=colours, height=0.7)
    ax.set_yticks(ypos, [str(x) for x in data[label]])
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
    fig, ax = plt.subplots(figsize=(WIDTH, 0.5 * n_rows + 1.6))
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
                fontsize=8,
                color="white" if codes[i, j] in (0, 2) else DARK,
            )
    ax.set_xticks(range(n_cols), [wrap(str(c), 18) for c in values.columns], fontsize=8)
    ax.set_yticks(range(n_rows), [wrap(str(r), 48) for r in values.index], fontsize=7.5)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False, length=0)
    ax.tick_params(axis="y", length=0)
    ax.set_xticks(np.arange(-0.5, n_cols), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
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
    ax.set_title(title, pad=12)
    return fig


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


def small_multiples(panels: list[tuple[str, str, pd.DataFrame]], ncols: int = 3) -> Figure:
    """A grid of small dynamics charts: (title, unit, frame of year/value/target) per panel."""
    setup()
    n = max(1, len(panels))
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH * 1.25, 2.7 * nrows), squeeze=False)
    for ax, (title, unit, frame) in zip(axes.ravel(), panels):
        frame = frame.sort_values("year")
        vals = frame["value"].astype(float)
        ax.plot(frame["year"], vals, marker="o", linewidth=2, color=BLUE)
        for x, v in zip(frame["year"], vals):
            if not pd.isna(v):
                ax.annotate(
                    fmt.value(v, unit, with_unit=False),
                    (x, v),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=7,
                )
        tgt = frame[["year", "target"]].dropna() if "target" in frame else frame.iloc[:0]
        if len(tgt):
            ax.plot(
                tgt["year"],
                tgt["target"].astype(float),
                linestyle="--",
                color=DARK,
                linewidth=1,
                drawstyle="steps-mid",
            )
        years = sorted(int(y) for y in frame["year"].unique())
        ax.set_xticks(years, [str(y) for y in years], fontsize=8)
        ax.yaxis.set_major_formatter(axis_formatter(unit))
        ax.tick_params(axis="y", labelsize=8)
        top = np.nanmax(np.r_[vals.to_numpy(), tgt["target"].astype(float).to_numpy(), [1.0]])
        ax.set_ylim(0, top * 1.2)
        ax.set_title(wrap(title, 38), fontsize=9, loc="left", y=TITLE_Y)
    for ax in axes.ravel()[len(panels) :]:
        ax.set_visible(False)
    handles = [
        Line2D([0], [0], color=BLUE, marker="o", label="значение"),
        Line2D([0], [0], color=DARK, linestyle="--", label="цель"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
