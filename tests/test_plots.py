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


def test_bars_are_laid_out_around_their_plotting_area():
    # 3 bars: a plotting area of max(1.5, 3 × 0.25 + 0.9) = 1.65 in; above it the margin
    # 0.1 in and the title (12 pt × 1.2 + 6 pt pad = 20.4 pt), below it the value ticks
    # (3.5 pt tick + 3.5 pt pad + 10 pt × 1.2 = 19 pt) and the margin 0.1 in:
    # 0.1 + 20.4 / 72 + 1.65 + 19 / 72 + 0.1 = 2.3972 in
    long_name = "Муниципальное бюджетное общеобразовательное учреждение «Школа № 1»"
    units = UNITS.assign(name=[long_name, "Школа 2", "Школа 3"])
    title = "Доля педагогов с курсом повышения квалификации за три года: " * 2
    fig = plots.bar_units(units, "name", "value", title, target=85, band="band")
    width, height = fig.get_size_inches()
    assert abs(height - 2.3972) < 1e-3
    # the long name and the title wider than the plotting area stay inside the canvas
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())
    assert 0 <= drawn.x0 and drawn.x1 <= width and 0 <= drawn.y0 and drawn.y1 <= height
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


def test_heatmap_is_laid_out_around_its_grid():
    # 2 indicators (rows, one line each) × 1 unit: the height is the 0.1 in margin, the title
    # (12 pt × 1.2 + 12 pt pad = 26.4 pt), the unit names (8 pt × 1.2 + 3.5 pt pad = 13.1 pt),
    # 2 rows of 0.47 in, the legend's 0.35 in and the bottom margin 0.1 in:
    # 0.1 + 39.5 / 72 + 0.94 + 0.35 + 0.1 = 2.0386 in
    values = pd.DataFrame({"A": [1.0], "B": [2.0]}, index=["Север"])
    bands = pd.DataFrame({"A": ["meets"], "B": ["below"]}, index=["Север"])
    long_title = "Районы: " + "очень длинный заголовок " * 4
    fig = plots.heatmap(values, bands, values.map(str), long_title)
    assert abs(fig.get_size_inches()[1] - 2.0386) < 1e-3
    # the grid keeps its 6.2 in; the title, wider than the grid, gets room on the right:
    # all that is drawn (title included) lies inside the canvas, which to_png saves whole
    (ax,) = fig.axes
    width, height = fig.get_size_inches()
    assert abs(ax.get_position().width * width - 6.2) < 1e-6
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())
    assert drawn.x1 - ax.get_position().x0 * width > 6.2  # the title is wider than the grid
    assert 0 <= drawn.x0 and drawn.x1 <= width and 0 <= drawn.y0 and drawn.y1 <= height
    plots.plt.close(fig)


def test_save_writes_png(tmp_path):
    path = plots.save(plots.bar_units(UNITS, "name", "value", "Доля"), tmp_path / "a" / "f.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_wrap_breaks_at_spaces_and_keeps_given_line_breaks():
    # «Доля педагогов с» is 16 characters (≤ 16, one line); « курсом» would make 23 → new line
    assert plots.wrap("Доля педагогов с курсом ПК") == "Доля педагогов с\nкурсом ПК"
    assert plots.wrap("М1: доля\nв городе", 34) == "М1: доля\nв городе"


def test_axis_formatter_writes_russian_ticks():
    # shares: percent with a no-break space; counts: whole numbers, 10 000 with a thin space;
    # a tick that is not whole keeps its decimals (12.5 is not «12 %», 0.25 is not «0»)
    assert plots.axis_formatter("%")(80.0, 0) == "80\u00a0%"
    assert plots.axis_formatter("%")(12.5, 0) == "12,5\u00a0%"
    assert plots.axis_formatter("чел.")(12345, 0) == "12\u2009345"
    assert plots.axis_formatter("ед.")(0.25, 0) == "0,25"


def test_png_keeps_a_label_drawn_outside_the_canvas():
    # an axes filling a 2 × 1 in figure is 220 px wide at 110 dpi; a label ending 1 in left of
    # it must widen the PNG by more than 110 px, not be cut at the canvas edge
    fig = plots.plt.figure(figsize=(2, 1))
    fig.add_axes((0, 0, 1, 1))
    fig.text(-0.5, 0.5, "слева", ha="right")
    png = plots.to_png(fig)
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk: width, then height
    assert width > 220 + 110


def test_panel_grid_makes_rows_as_tall_as_their_longest_title():
    # row 1: titles of 2 and 1 lines → 2 lines of 9 pt × 1.2 + 6 pt pad = 27.6 pt = 0.3833 in;
    # row 2: 1 line → 16.8 pt = 0.2333 in; each row 1.75 + 0.45 in, legend 0.35 in, a margin
    # of 0.1 in on top: 0.1 + 0.3833 + 0.2333 + 2 × 2.2 + 0.35 = 5.4667 in
    fig, axes = plots.panel_grid(["А\nБ", "В", "Г"], 2, 9, 0.3)
    assert len(axes) == 3  # no empty fourth panel
    assert abs(fig.get_size_inches()[1] - 5.4667) < 1e-3
    # the first row's plotting areas end 0.1 + 0.3833 + 1.75 in under the top
    bottom = axes[0].get_position().y0 * 5.4667
    assert abs(5.4667 - bottom - (0.1 + 0.3833 + 1.75)) < 1e-3
    # 10 in of columns and the 0.1 in margin on the left; the first axis starts after the
    # margin, the 0.3 in of labels and their 0.12 in pad: 0.52 in
    assert abs(fig.get_size_inches()[0] - 10.1) < 1e-3
    assert abs(axes[0].get_position().x0 * 10.1 - 0.52) < 1e-3
    plots.plt.close(fig)


def test_a_laid_out_figure_is_saved_whole():
    # the grid is laid out to its edges: the PNG is the canvas, 5.4667 in × 110 dpi = 601 px
    # high and 10.1 in × 110 = 1111 px wide (no crop measured from the texts)
    fig, _ = plots.panel_grid(["А\nБ", "В", "Г"], 2, 9, 0.3)
    png = plots.to_png(fig)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1111, 601)


def test_small_multiples_draw_nothing_outside_their_canvas():
    # saved whole, a grid must hold its widest labels, titles and legend itself
    frame = pd.DataFrame(
        {"year": [2021, 2022], "value": [12345.0, 23456.0], "target": [20000.0, 30000.0]}
    )
    title = "Количество человеко-часов по реализованным программам (меры: 2020, 2021, 2022)"
    fig = plots.small_multiples([(title, "ч.", frame)] * 4)
    width, height = fig.get_size_inches()
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())
    assert 0 <= drawn.x0 and drawn.x1 <= width and 0 <= drawn.y0 and drawn.y1 <= height
    plots.plt.close(fig)


def test_a_panel_without_values_says_so_and_keeps_its_years():
    empty = pd.DataFrame({"year": [2021, 2022], "value": [None, None], "target": [None, None]})
    full = pd.DataFrame({"year": [2021, 2022], "value": [40.0, 50.0], "target": [45.0, 45.0]})
    fig = plots.small_multiples([("Пусто", "%", empty), ("Доля", "%", full)])
    blank, drawn = fig.axes
    assert [t.get_text() for t in blank.texts] == ["нет данных"]
    assert [t.get_text() for t in blank.get_xticklabels()] == ["2021", "2022"]
    assert blank.get_yticks().size == 0
    # top 50 × 1.2 = 60 in at most 5 intervals: a step of at least 12, the next round one of
    # 1, 2, 2.5, 5 × 10ⁿ is 20 → 0, 20, 40, 60
    labels = [t.get_text() for t in drawn.get_yticklabels()]
    assert labels == ["0\u00a0%", "20\u00a0%", "40\u00a0%", "60\u00a0%"]
    assert _texts(fig) == ["нет данных", "40,0", "50,0"]
    plots.plt.close(fig)


def test_no_panels_make_no_empty_frame():
    fig = plots.small_multiples([])
    assert fig.axes == []  # only the legend: no empty axes drawn as a blank panel
    plots.plt.close(fig)


def test_a_panel_with_only_targets_keeps_their_axis():
    # no value in either year, a target of 80 % in both: the dashed target is drawn on an axis
    # up to 80 × 1.2 = 96 (ticks 0, 20, …, 80), and the panel says it has no data
    frame = pd.DataFrame({"year": [2021, 2022], "value": [None, None], "target": [80.0, 80.0]})
    fig = plots.small_multiples([("Цель без значений", "%", frame)])
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.texts] == ["нет данных"]
    assert list(ax.get_yticks()) == [0, 20, 40, 60, 80]
    plots.plt.close(fig)


def test_small_multiples_png_is_the_same_on_every_render():
    frame = pd.DataFrame({"year": [2021, 2022], "value": [40.0, 50.0], "target": [45.0, 45.0]})
    panels = [("Доля", "%", frame), ("Число", "чел.", frame)]
    assert plots.to_png(plots.small_multiples(panels)) == plots.to_png(
        plots.small_multiples(panels)
    )
