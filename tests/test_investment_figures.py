"""Investment figures: what a reader sees on each chart, built from the fixture of test_investment."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis import investment, region_metrics
from lib.figures import investment_figures as figures
from lib.figures import theme
from lib.geo import projection
from tests.test_investment import NAMES, investments, regions  # noqa: F401 (fixtures)


@pytest.fixture()
def awards(investments):  # noqa: F811
    return investment.select_awards(investments)


@pytest.fixture()
def totals(awards, regions):  # noqa: F811
    return investment.region_totals(awards, regions)


def _source(fig) -> str:
    return theme.source_of(fig) or ""


def test_region_bars_label_every_region_and_grey_the_uk_wide_bar(totals):
    fig = figures.region_bars(totals)
    bar = fig.data[0]
    labels = dict(zip(bar.y, bar.text))
    assert labels["North East"] == "£10.0m + 1 not stated"
    assert labels["Scotland"] == "£9.0m"
    assert labels[investment.UK_WIDE_LABEL] == "£4.0m"
    colours = dict(zip(bar.y, bar.marker.color))
    assert colours[investment.UK_WIDE_LABEL] == theme.NEUTRAL and colours["North East"] == theme.FOCUS
    assert bar.y[-1] == "North East"  # largest at the top of a horizontal bar chart
    assert list(bar.x) == pytest.approx([0, 4, 9, 10])  # £m
    assert fig.layout.title.text.startswith("North East received the most")
    assert "investments.csv" in _source(fig)
    assert (fig.layout.xaxis.tickprefix, fig.layout.xaxis.ticksuffix) == ("£", "m")


def test_per_head_bars_leave_out_uk_wide(totals):
    fig = figures.per_head_bars(totals)
    bar = fig.data[0]
    assert investment.UK_WIDE_LABEL not in bar.y
    assert dict(zip(bar.y, bar.text))["North East"] == "£5.00"
    assert "population" in _source(fig)


def test_region_findings_state_the_uk_wide_and_not_stated_counts(totals, awards):
    summary = investment.summary(awards)
    text = figures.region_finding(totals, summary)
    assert "North East received 43% of the £23.0m" in text  # 10 / 23
    assert "£4.0m went to UK-wide" in text and "1 award(s) state no amount" in text


def test_region_map_is_offline_choropleth_and_falls_back_to_tile_grid(awards, regions):  # noqa: F811
    facilities = pd.DataFrame({"itl1_code": pd.Series(["TLC"], dtype=str)})
    metrics = region_metrics.region_metrics(facilities, awards, regions)
    square = {"type": "Polygon", "coordinates": [[[-2, 54], [-1, 54], [-1, 55], [-2, 55], [-2, 54]]]}
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {}, "geometry": square} for code in ("TLC", "TLM", "TLN")
        ],
    }
    fig = figures.region_map(metrics, geojson)
    labels = fig.data[-1]
    assert {t.type for t in fig.data} == {"scatter"} and fig.layout.map.style is None  # offline
    assert "Click" not in labels.hovertemplate  # this map does not filter
    assert all(t.hovertemplate is None for t in fig.data[:-1])  # the fills stay silent
    per_head = dict(zip(labels.customdata[:, 0], labels.marker.color))
    assert per_head["TLC"] == pytest.approx(5.0) and per_head["TLM"] == pytest.approx(3.0)
    # With no label points given, each label sits in the middle of its region's outline.
    assert labels.x[0] == pytest.approx(projection.to_plane([-1.5], [54.5])[0][0])
    fallback = figures.region_map(metrics, None)
    assert fallback.data[0].type == "scatter" and "tile grid" in _source(fallback).lower()


def test_programme_bars_grey_the_other_bar(awards):
    table = investment.top_with_other(investment.by_programme(awards), "programme", 1, "{n} other programmes")
    fig = figures.programme_bars(table)
    colours = dict(zip(fig.data[0].y, fig.data[0].marker.color))
    assert colours["2 other programmes"] == theme.NEUTRAL
    assert fig.layout.title.text == "Fund X gave the most traced money: £16.0m"


def test_year_charts_name_the_peak_and_the_running_total(awards):
    years = investment.by_year(awards)
    bars = figures.year_bars(years)
    assert bars.layout.title.text == "Traced awards peaked in 2018 at £10.0m"
    assert list(bars.data[0].text) == ["£10.0m", "", "£7.0m"]
    line = figures.cumulative_line(years)
    assert line.layout.title.text == "£17.0m traced in awards announced 2018–2020"
    assert list(line.data[0].text)[-1] == "£17.0m"
    finding = figures.year_finding(years, investment.summary(awards))
    assert "1 award(s) with no year (£6.0m)" in finding


def test_capability_bars_say_the_split_and_grey_not_assigned(awards):
    table = investment.by_capability(investment.capability_split(awards, NAMES))
    fig = figures.capability_bars(table)
    colours = dict(zip(fig.data[0].y, fig.data[0].marker.color))
    assert colours[investment.NOT_ASSIGNED] == theme.NEUTRAL
    assert fig.layout.title.text == "Beta drew the most traced money: £10.0m"
    assert "split equally" in _source(fig)
    assert "split equally" in figures.capability_finding(table)


def test_sankey_has_three_named_stages_and_reconciles(awards):
    links = investment.flow_links(investment.capability_split(awards, NAMES), top_programmes=1)
    fig = figures.flow_sankey(links)
    sankey = fig.data[0]
    assert sankey.type == "sankey"
    labels = list(sankey.node.label)
    assert {
        "Fund X",
        "2 other programmes",
        "North East",
        "Scotland",
        investment.UK_WIDE_LABEL,
        "Alpha",
        "Beta",
        "Gamma",
        investment.NOT_ASSIGNED,
    } == set(labels)
    values = pd.Series(sankey.link.value)
    assert values.sum() == pytest.approx(46.0)  # £23m through each of the two stages
    headings = {a.text for a in fig.layout.annotations}
    assert {"<b>Programme</b>", "<b>Region</b>", "<b>Capability</b>"} <= headings
    assert "£23.0m" in fig.layout.title.text
    assert "split equally" in figures.flow_finding(links)


def test_gaps_scatter_labels_regions_and_states_the_direction(totals):
    scores = pd.DataFrame(
        {
            "itl1_code": ["TLC", "TLM", "TLN"],
            "region": ["North East", "Scotland", "Northern Ireland"],
            "mean_gap_score": [0.2, 0.5, 0.9],
            "absent_count": [1, 4, 9],
        }
    )
    joined = investment.against_gaps(totals, scores)
    fig = figures.gaps_scatter(joined)
    assert "text" in fig.data[0].mode and set(fig.data[0].text) == {"North East", "Scotland", "Northern Ireland"}
    assert fig.layout.title.text == "Regions with bigger capability gaps received less traced money per head"
    assert "Northern Ireland has the largest mean gap score and received £0.00 per head" in figures.gaps_finding(joined)
    too_few = figures.gaps_scatter(joined.head(2))
    assert too_few.layout.title.text.startswith("Too few regions")


def test_headline_bars_show_both_amounts_and_the_gap(investments):  # noqa: F811
    comparison = investment.headline_vs_traced(investments)
    fig = figures.headline_bars(comparison)
    bars = {t.name: t for t in fig.data}
    assert list(bars["Headline (programme total)"].text) == ["headline £100.0m"]
    assert list(bars["Traced in award records"].text) == ["traced £3.0m"]
    assert "£97.0m of Fund P is not traced" in fig.layout.title.text
    assert bars["Headline (programme total)"].marker.pattern.shape == "/"  # not told apart by colour alone
    assert "never added" in figures.headline_finding(comparison)


def test_empty_selection_draws_charts_that_say_so(investments, regions):  # noqa: F811
    none = investment.select_awards(investments, regions=("TLN",))
    totals = investment.region_totals(none, regions, only=("TLN",))
    assert figures.region_bars(totals).layout.title.text == figures.EMPTY_TITLE
    assert figures.per_head_bars(totals).layout.title.text == figures.EMPTY_TITLE
    years = investment.by_year(none)
    assert figures.year_bars(years).layout.title.text == figures.EMPTY_TITLE
    assert figures.cumulative_line(years).layout.title.text == figures.EMPTY_TITLE
    table = investment.by_capability(investment.capability_split(none, NAMES))
    assert figures.capability_bars(table).layout.title.text == figures.EMPTY_TITLE


def test_no_figure_fetches_from_the_internet(awards, totals, investments):  # noqa: F811
    links = investment.flow_links(investment.capability_split(awards, NAMES))
    built = [
        figures.region_bars(totals),
        figures.per_head_bars(totals),
        figures.flow_sankey(links),
        figures.year_bars(investment.by_year(awards)),
        figures.headline_bars(investment.headline_vs_traced(investments)),
    ]
    for fig in built:
        assert not {t.type for t in fig.data} & {"scattergeo", "choropleth", "scattermapbox", "choroplethmapbox"}
