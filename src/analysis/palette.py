"""The book's colours and band words, shared by the figures (`plots`), the tables (`tables`)
and the HTML the build writes itself (sparklines, the front page, the unit pages).

Plain values with no imports: the build's own process reads them without loading matplotlib
(about half a second of its CPU), which only the notebooks and the pool's tasks need.
"""

from __future__ import annotations

# A calm blue for plain values and a traffic-light triple for target bands, chosen to stay
# distinguishable for colour-blind readers (blue/orange/vermilion from Okabe–Ito).
BLUE = "#2b6a99"
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
# Light versions of the band colours for table cells (text stays readable on them).
CELL_COLOURS = {
    "meets": "#d8efe0",
    "near": "#fbecd0",
    "below": "#f6d5da",
    "none": "",
}
