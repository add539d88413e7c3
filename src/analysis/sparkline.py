"""A small trend line for the front page and the unit pages: inline SVG, no script, byte-stable.

The geometry is worked out here (coordinates written with one decimal, so the same values give
the same bytes); the markup comes from `html_templates/sparkline.html.j2`. A year without a
value (suppressed in public, or no data) is a gap: the line breaks there and no point is drawn,
so a hidden value is never drawn, not even as an interpolation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.palette import BAND_COLOURS, BLUE

WIDTH, HEIGHT, PAD = 96, 24, 3  # px: fits a table cell beside the figures


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    paths: tuple[str, ...]  # one «M x y L x y …» per run of consecutive known values
    dots: tuple[tuple[str, str], ...]  # single known values between gaps: (x, y)
    last: tuple[str, str, str] | None  # the latest year's point (x, y, colour), when known
    target: str | None  # y of the latest target, dashed, when it is inside the drawing
    title: str  # what a screen reader says: the years and values
    line: str = BLUE


def sparkline(
    points: Sequence[tuple[int, float | None]],
    title: str,
    target: float | None = None,
    band: str = "none",
) -> Sparkline | None:
    """The trend of `points` (year, value or None), oldest first; None when fewer than two
    years are known (nothing to draw a trend from)."""
    known = [v for _, v in points if v is not None]
    if len(known) < 2 or len(points) < 2:
        return None
    low, high = min(known), max(known)
    if target is not None:
        low, high = min(low, target), max(high, target)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / (len(points) - 1)

    def xy(i: int, v: float) -> tuple[str, str]:
        x = PAD + i * step
        y = HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)
        return f"{x:.1f}", f"{y:.1f}"

    runs: list[list[tuple[str, str]]] = [[]]
    for i, (_, v) in enumerate(points):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(xy(i, v))
    paths = tuple("M" + " L".join(f"{x} {y}" for x, y in run) for run in runs if len(run) > 1)
    dots = tuple(run[0] for run in runs if len(run) == 1)
    last_value = points[-1][1]
    last = None
    if last_value is not None:
        x, y = xy(len(points) - 1, last_value)
        last = (x, y, BAND_COLOURS.get(band, BLUE) if band != "none" else BLUE)
    target_y = xy(0, target)[1] if target is not None else None
    return Sparkline(WIDTH, HEIGHT, paths, dots, last, target_y, title)
