"""The Overview (default page): headline figures, a small offline map, top gaps and top-funded
regions, each linking to its page, and the as-of note."""

from __future__ import annotations

import json

from lib.analysis import key_figures
from tests.apptest_helpers import assert_healthy, markdown_tables, open_page
from tests.data_rules import default_landscape


def test_overview_shows_the_four_headline_figures(embedded):
    at = open_page()
    assert_healthy(at)
    metrics = {m.label: m.value for m in at.metric}
    assert list(metrics) == [
        "Manufacturing sites",
        "Innovation centres",
        "Regions with a facility",
        "Traced public grants",
    ]
    sites, _ = default_landscape(embedded["sites"], embedded["centres"])
    assert metrics["Manufacturing sites"] == f"{len(sites):,}"
    assert metrics["Traced public grants"].startswith("£")


def test_overview_map_is_offline(embedded):
    at = open_page()
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    figure = json.loads(charts[0].proto.spec)
    # No map tiles and no scattergeo (both need the internet): chart traces in BNG metres.
    assert "map" not in figure["layout"] and figure["layout"]["yaxis"]["scaleanchor"] == "x"
    assert {trace["type"] for trace in figure["data"]} == {"scatter"}


def test_overview_links_to_every_detail_page():
    at = open_page()
    targets = {link.proto.page for link in at.get("page_link")}
    assert {"map", "gaps", "investment", "centres", "directory"} <= targets


def test_top_funded_regions_match_the_investment_analysis(embedded):
    at = open_page()
    by_region = key_figures.investment_by_region(embedded["investments"], embedded["regions"])
    funded = next(t for t in markdown_tables(at) if "public money" in t.columns)
    assert funded["region"].tolist() == by_region.loc[by_region["public_gbp"] > 0, "name"].head(5).tolist()
    gaps = next(t for t in markdown_tables(at) if "gap" in t.columns)
    # Five rows, worst first, one per region (the rank is the row order: no rank column, so the
    # table fits its column on a laptop).
    assert len(gaps) == 5 and gaps["region"].is_unique
    assert list(gaps.columns) == ["region", "capability", "gap", "facilities"]


def test_region_filter_narrows_the_lists():
    at = open_page()
    at.multiselect(key="f_region").set_value(["TLM"]).run()
    assert_healthy(at)
    funded = next(t for t in markdown_tables(at) if "public money" in t.columns)
    assert funded["region"].tolist() == ["Scotland"]
    gaps = next(t for t in markdown_tables(at) if "gap" in t.columns)
    assert set(gaps["region"]) == {"Scotland"}


def test_as_of_and_source_note_is_shown():
    at = open_page()
    captions = " ".join(c.value for c in at.caption)
    assert "Sources dated up to" in captions and "Source:" in captions
