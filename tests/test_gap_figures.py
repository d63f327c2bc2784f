"""Figure builders for the capability-gaps page, on the hand-made landscape of test_gaps."""

from __future__ import annotations

import numpy as np
import pytest

from lib.analysis import gaps
from lib.figures import gap_figures, theme
from tests.test_gaps import long_table, table

SOURCE = gap_figures.source_line(gaps.REACH_FROM_LADS)


def test_heatmap_writes_each_score_in_its_cell_in_a_meaningful_order():
    out = table()
    fig = gap_figures.gap_heatmap(out, SOURCE)
    heat = fig.data[0]
    # Regions across (largest gap first, short horizontal names), capabilities down (by group;
    # MMIP-named marked in words): the cells are the score matrix turned on its side.
    assert list(heat.x) == ["Yorkshire<br>& Humber", "North<br>West", "North<br>East"]
    assert list(heat.y) == ["Cap A (MMIP)", "Cap B", "Cap C"]
    assert np.asarray(heat.z) == pytest.approx(gaps.score_matrix(out).to_numpy().T)
    assert fig.layout.xaxis.tickangle == 0
    # each cell's score written in it to two decimals
    assert heat.texttemplate == "%{text}"
    assert np.asarray(heat.text).tolist() == gaps.score_matrix(out).T.map("{:.2f}".format).to_numpy().tolist()
    assert (heat.zmin, heat.zmax) == (0, 1)
    assert heat.colorscale[0][1].upper() == theme.SEQUENTIAL[0].upper()
    assert "Yorkshire and The Humber has the largest gaps" in fig.layout.title.text
    assert "distances from the local authorities" in theme.source_of(fig)
    # the hover carries the numbers behind the score
    assert list(heat.customdata[0][0]) == [0, "absent", "334 km", "Yorkshire and The Humber", "Cap A (MMIP)"]


def test_top_gaps_figure_labels_every_bar_with_its_numbers():
    fig = gap_figures.top_gaps_figure(gaps.top_gaps(table(), 2), SOURCE)
    bars = fig.data[0]
    assert list(bars.y) == ["Yorkshire and The Humber · Cap A (MMIP)", "North West · Cap B"]
    assert bars.text[0] == "1.00  (0 facilities; nearest 334 km)"
    assert fig.layout.title.text == "Largest regional gap: Cap A in Yorkshire and The Humber"


def test_national_figure_says_national_gap_in_words_not_only_colour():
    national = gaps.national_gaps(table())
    fig = gap_figures.national_figure(national, gaps.GapParams(national_min_regions=2), 3, SOURCE)
    bars = fig.data[0]
    labels = dict(zip(bars.y, bars.text))
    assert labels["Cap C"] == "0 of 3 regions, 0 facilities – national gap"
    assert "national gap" not in labels["Cap B"]
    assert fig.layout.title.text == "1 capability is thin across the whole UK"


def test_compare_figure_has_two_panels_on_the_same_rows():
    comparison = gaps.compare_regions(table(), "TLD", "TLE")
    fig = gap_figures.compare_figure(comparison, "North West", "Yorkshire and The Humber", SOURCE)
    left, right = fig.data
    assert list(left.y) == list(right.y) == ["Cap A", "Cap B", "Cap C"]
    assert list(right.text) == ["1.00 · 0 facilities", "0.20 · 1 facility", "1.00 · 0 facilities"]
    # A long title wraps (theme.wrap) rather than running off the chart.
    assert (
        fig.layout.title.text.replace("<br>", " ")
        == "North West has the larger gap in 1 capabilities, Yorkshire and The Humber in 1 (of 3)."
    )


def test_what_if_figure_shows_before_and_after():
    before = table()
    proposal = gaps.Proposal("New centre", "TLE", ("a",), 0.0, 4.0)
    after = gaps.gap_table(gaps.add_proposal(long_table(), proposal), *_inputs())
    narrowed = gaps.narrowed_gaps(gaps.what_if_delta(before, after))
    fig = gap_figures.what_if_figure(narrowed, "New centre", SOURCE)
    assert list(fig.data[0].text) == ["1.00 → 0.00 (absence filled)"]
    assert fig.layout.title.text == "New centre would narrow 1 gap and fill 1 absence"
    assert gap_figures.what_if_finding(narrowed) == "1 gap narrows; 1 absence filled."


def test_empty_inputs_give_a_figure_that_says_so():
    empty = gaps.narrowed_gaps(gaps.what_if_delta(table(), table()))
    fig = gap_figures.what_if_figure(empty, "This facility", SOURCE)
    assert fig.layout.title.text == "This facility would not narrow any gap"
    assert gap_figures.top_gaps_figure(gaps.top_gaps(table(), 0), SOURCE).layout.title.text.startswith(
        "No regional gap"
    )


def test_source_line_says_when_reach_is_not_measured():
    assert "not measured" in gap_figures.source_line(gaps.REACH_UNAVAILABLE)
    assert "regions' central points" in gap_figures.source_line(gaps.REACH_FROM_REGIONS)


def _inputs():
    from tests.test_gaps import PARAMS, capabilities, lad_points, regions

    return capabilities(), regions(), lad_points(), None, PARAMS


def test_heatmap_stars_low_confidence_cells_and_says_why():
    out = gaps.mark_confidence(table(), ["TLE"])
    fig = gap_figures.gap_heatmap(out, SOURCE)
    text = np.asarray(fig.data[0].text)
    starred = {(r, c) for r in range(text.shape[0]) for c in range(text.shape[1]) if text[r][c].endswith("*")}
    expected = out.loc[out["low_confidence"]]
    assert len(starred) == len(expected) > 0
    assert "low confidence" in theme.source_of(fig)
    assert "low confidence" not in theme.source_of(gap_figures.gap_heatmap(table(), SOURCE))
