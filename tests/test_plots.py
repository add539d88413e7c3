"""House-style figures: deterministic bytes, bands as colours, Russian labels."""

import matplotlib.colors as mcolors
import pandas as pd

from analysis import plots

UNITS = pd.DataFrame(
    {
        "name": ["Школа 1", "Школа 2", "Школа 3"],
        "value": [90.0, 82.0, None],
        "band": ["meets", "near", "none"],
    }
)


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_png_is_the_same_on_every_render_and_has_no_software_stamp():
    first = plots.to_png(plots.bar_units(UNITS, "name", "value", "Доля", target=85, band="band"))
    second = plots.to_png(plots.bar_units(UNITS, "name", "value", "Доля", target=85, band="band"))
    assert first == second
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in first and b"matplotlib" not in first.lower()


def test_bars_are_sorted_coloured_by_band_and_labelled_in_russian():
    fig = plots.bar_units(UNITS, "name", "value", "Доля", target=85, band="band")
    ax = fig.axes[0]
    # sorted ascending with the missing value first: Школа 3 (нет данных), 2 (82), 1 (90)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Школа 3", "Школа 2", "Школа 1"]
    colours = [mcolors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [plots.BAND_COLOURS[b] for b in ("none", "near", "meets")]
    assert _texts(fig) == ["нет данных", "82,0", "90,0"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "цель: 85,0\u00a0%" in legend
    plots.plt.close(fig)


def test_dynamics_draws_values_and_target():
    frame = pd.DataFrame(
        {"year": [2021, 2022, 2023], "value": [70.0, 75.5, 81.0], "target": [80.0, 80.0, 85.0]}
    )
    fig = plots.dynamics(frame, "Динамика")
    ax = fig.axes[0]
    assert _texts(fig) == ["70,0", "75,5", "81,0"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2021", "2022", "2023"]
    assert len(ax.lines) == 2  # the values and the target step
    plots.plt.close(fig)


def test_heatmap_labels_cells_with_given_text():
    values = pd.DataFrame({"A": [1.0, 2.0]}, index=["Север", "Юг"])
    bands = pd.DataFrame({"A": ["meets", None]}, index=["Север", "Юг"])
    labels = pd.DataFrame({"A": ["1,0", "2,0"]}, index=["Север", "Юг"])
    fig = plots.heatmap(values, bands, labels, "Районы")
    assert _texts(fig) == ["1,0", "2,0"]
    plots.plt.close(fig)


def test_save_writes_png(tmp_path):
    path = plots.save(plots.bar_units(UNITS, "name", "value", "Доля"), tmp_path / "a" / "f.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_wrap_breaks_at_spaces_and_keeps_given_line_breaks():
    # «Доля педагогов с» is 16 characters (≤ 16, one line); « курсом» would make 23 → new line
    assert plots.wrap("Доля педагогов с курсом ПК") == "Доля педагогов с\nкурсом ПК"
    assert plots.wrap("М1: доля\nв городе", 34) == "М1: доля\nв городе"


def test_axis_formatter_writes_russian_ticks():
    # shares: whole percent with a no-break space; counts: whole numbers, 10 000 with a thin space
    assert plots.axis_formatter("%")(82.4, 0) == "82\u00a0%"
    assert plots.axis_formatter("чел.")(12345, 0) == "12\u2009345"
