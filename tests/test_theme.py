"""The chart template: long titles and source lines wrap, and the chart makes room for them."""

from __future__ import annotations

import plotly.graph_objects as go

from lib.figures import theme

LONG_TITLE = "Headline totals run ahead of traced awards: £495.5m of a long programme name is not traced to any award"
LONG_SOURCE = "project dataset; " + "a very long list of sources, " * 8 + "and boundaries"


def _bars(labels):
    return go.Figure(go.Bar(x=[1] * len(labels), y=labels, orientation="h"))


def test_a_long_title_wraps_and_the_top_margin_grows_by_its_extra_lines():
    one_line = theme.apply(_bars(["a"]), "Short", "x")
    long = theme.apply(_bars(["a"]), LONG_TITLE, "x")
    lines = long.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= theme.TITLE_WRAP_CHARS for line in lines)
    assert long.layout.margin.t - one_line.layout.margin.t == theme.TITLE_LINE_PX
    assert long.layout.title.text.replace("<br>", " ") == LONG_TITLE


def test_every_line_of_a_long_source_has_room_below_the_chart():
    fig = theme.apply(_bars(["a"]), "Title", LONG_SOURCE, height=300)
    lines = fig.layout.annotations[0].text.count("<br>") + 1
    assert lines >= 3
    assert fig.layout.margin.b >= theme.SOURCE_SHIFT_AXIS_PX + lines * theme.SOURCE_LINE_PX
    # and the plot keeps some height: the figure grows rather than the margins being squeezed
    assert fig.layout.height >= fig.layout.margin.t + fig.layout.margin.b + theme.MIN_PLOT_PX
    assert fig.layout.annotations[0].font.size >= 14


def test_long_bar_labels_leave_the_source_fewer_characters_per_line():
    plain = theme.apply(_bars(["a"]), "Title", LONG_SOURCE)
    labelled = theme.apply(_bars(["A region · a capability with a long name"]), "Title", LONG_SOURCE)
    widest = max(map(len, labelled.layout.annotations[0].text.split("<br>")))
    assert widest < max(map(len, plain.layout.annotations[0].text.split("<br>")))


def test_rewrap_for_a_narrow_column_shortens_lines_and_grows_margins():
    fig = theme.apply(_bars(["a"]), LONG_TITLE, LONG_SOURCE)
    top, bottom = fig.layout.margin.t, fig.layout.margin.b
    theme.rewrap(fig, 42, 62)
    assert all(len(line) <= 42 for line in fig.layout.title.text.split("<br>"))
    assert all(len(line) <= 62 for line in fig.layout.annotations[0].text.split("<br>"))
    assert fig.layout.margin.t > top and fig.layout.margin.b > bottom


def test_charts_name_the_pages_typeface_first():
    assert theme.FONT_FAMILY.split(",")[0].strip('"') == "Source Sans"
