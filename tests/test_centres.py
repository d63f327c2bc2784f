"""Centres of excellence: the MMIP tracker, the other centres, their map and profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.analysis import centres, landscape
from lib.figures import centre_figures, theme
from tests.apptest_helpers import assert_healthy, markdown_tables, open_page

NAMES = {"rna": "RNA medicines", "advanced_therapy": "Advanced therapy production"}


def _proposals():
    return pd.DataFrame(
        {
            "proposal_id": ["P1", "P2", "P3"],
            "title": ["Scottish centre", "High-potency site", "Packaging centre"],
        }
    )


def _centres():
    return pd.DataFrame(
        {
            "centre_id": ["C001", "C002", "C003", "C004", "C005"],
            "name": ["Alpha Centre", "Beta Hub", "Pack Programme", "RNA Centre", "Old Centre"],
            "operator": ["CPI", "Uni", "CPI", "CPI", "Gov"],
            "centre_type": ["CPI", "university", "CPI", "CPI", "government"],
            "town": ["Inchinnan", "Glasgow", None, "Darlington", "Speke"],
            "itl1_code": ["TLM", "TLM", None, "TLC", "TLD"],
            "latitude": [55.9, 55.86, np.nan, 54.52, 53.34],
            "longitude": [-4.43, -4.25, np.nan, -1.55, -2.84],
            "location_precision": ["town", "town", None, "town", "town"],
            "capabilities": [["advanced_therapy"], [], ["rna"], ["rna"], []],
            "opened_year": pd.array([2022, None, None, 2023, 2006], dtype="Int64"),
            "status": ["operational", "operational", "proposed", "operational", "sold"],
            "public_funding_gbp": [43_000_000.0, np.nan, np.nan, 10_650_000.0, 34_300_000.0],
            "private_funding_gbp": [48_000_000.0, np.nan, np.nan, np.nan, np.nan],
            "funders": [["UKRI"], [], [], ["UKRI", "DHSC"], []],
            "mmip_proposal": ["P1", "P1", "P3", None, None],
            "mmip_match": ["full", "partial", "partial", None, None],
            "source_url": [
                "https://a.example",
                "https://b.example",
                "https://c.example",
                "https://d.example",
                "https://e.example",
            ],
            "as_of": "2024-01-01",
            "note": [None, None, None, "More at https://more.example/rna.", None],
        }
    )


def test_tracker_lists_answering_centres_full_match_first_and_unanswered_proposals():
    tracker = centres.mmip_tracker(_proposals(), _centres())
    assert tracker[["proposal_id", "name"]].values.tolist() == [
        ["P1", "Alpha Centre"],
        ["P1", "Beta Hub"],
        ["P2", centres.UNANSWERED],
        ["P3", "Pack Programme"],
    ]
    assert tracker["answered"].tolist() == [True, True, False, True]


def test_coverage_separates_answered_partly_answered_and_unanswered():
    coverage = centres.proposal_coverage(centres.mmip_tracker(_proposals(), _centres()))
    assert coverage.set_index("proposal_id")["coverage"].to_dict() == {
        "P1": centres.COVERAGE_FULL,
        "P2": centres.COVERAGE_NONE,
        "P3": centres.COVERAGE_PARTIAL,
    }
    assert coverage.set_index("proposal_id")["centres"].to_dict() == {"P1": 2, "P2": 0, "P3": 1}
    assert centres.coverage_finding(coverage) == (
        "1 of the 3 centres the MMIP asked for now exists; 1 is only partly answered "
        "(P3 Packaging centre); no centre answers P2 High-potency site."
    )


def test_tracker_table_formats_money_and_never_shows_empty_as_zero():
    tracker = centres.mmip_tracker(_proposals(), _centres())
    table = centres.tracker_table(tracker, NAMES)
    alpha = table.iloc[0]
    assert (alpha["Public money"], alpha["Private money"]) == ("£43.0m", "£48.0m")
    assert alpha["Where"] == "Inchinnan, Scotland"
    assert alpha["Status"].endswith(", opened 2022")
    beta = table.iloc[1]
    assert (beta["Public money"], beta["Match"]) == ("not stated", "Partial")
    assert "opened" not in beta["Status"]  # no source gives the year: the status alone
    assert beta["Capabilities"] == centres.NO_CAPABILITY
    unanswered = table.iloc[2]
    assert unanswered["Answered by"] == centres.UNANSWERED
    assert set(unanswered.iloc[2:]) == {centres.NO_VALUE}
    assert table.iloc[3]["Where"] == "not stated"


def test_other_centres_are_those_answering_no_proposal():
    assert centres.other_centres(_centres())["centre_id"].tolist() == ["C004", "C005"]
    facilities = landscape.facilities(
        pd.DataFrame(
            columns=[
                "site_id",
                "company",
                "site_name",
                "town",
                "latitude",
                "longitude",
                "location_precision",
                "itl1_code",
                "capabilities",
                "status",
                "approx_employees",
                "operator_type",
                "source_url",
                "as_of",
                "note",
            ]
        ),
        _centres(),
    )
    others = centres.other_centre_facilities(facilities, _centres())
    assert others["facility_id"].tolist() == ["C004", "C005"]
    assert centres.centre_map_title(others) == "North East hosts the most of the 2 other centres (1)"
    assert centres.other_centres_finding(centres.other_centres(_centres())) == (
        "2 more centres support medicines manufacturing without answering an MMIP proposal, "
        "1 of them operational; North East has the most (1)."
    )


def test_centre_map_is_offline_and_groups_status_with_counts():
    facilities = landscape.facilities(
        pd.DataFrame(
            columns=[
                "site_id",
                "company",
                "site_name",
                "town",
                "latitude",
                "longitude",
                "location_precision",
                "itl1_code",
                "capabilities",
                "status",
                "approx_employees",
                "operator_type",
                "source_url",
                "as_of",
                "note",
            ]
        ),
        _centres(),
    )
    outlines = (np.array([-3.0, -2.0, np.nan]), np.array([54.0, 55.0, np.nan]))
    fig = centre_figures.centre_map(facilities, outlines=outlines, title="A finding")
    # Offline: ordinary chart traces in British National Grid metres, no map tiles.
    assert all(isinstance(trace, go.Scatter) for trace in fig.data)
    assert fig.layout.map.style is None and fig.layout.yaxis.scaleanchor == "x"
    assert [t.name for t in fig.data[1:]] == ["Operational (3)", "Closed or sold (1)"]
    assert fig.data[1].customdata[:, 0].tolist() == ["C001", "C002", "C004"]
    assert fig.layout.title.text == "A finding"
    source = theme.source_of(fig)
    assert "1 with no single place not shown" in source and "Office for National Statistics" in source


def test_centre_profile_states_funding_proposal_and_sources():
    profile = centres.centre_profile(_centres(), _proposals(), "C001", NAMES)
    fields = dict(profile.fields.itertuples(index=False))
    assert profile.title == "Alpha Centre"
    assert fields["Public money"] == "£43.0m"
    assert fields["Answers MMIP proposal"] == "P1 Scottish centre (full match)"
    assert fields["Capabilities"] == "Advanced therapy production"
    other = centres.centre_profile(_centres(), _proposals(), "C004", NAMES)
    other_fields = dict(other.fields.itertuples(index=False))
    assert other_fields["Private money"] == "not stated"
    assert other_fields["Answers MMIP proposal"] == "none of the four proposals"
    assert other.sources["link"].tolist() == ["https://d.example", "https://more.example/rna"]


def test_embedded_data_p2_has_no_centre(embedded):
    coverage = centres.proposal_coverage(centres.mmip_tracker(embedded["mmip_proposals"], embedded["centres"]))
    assert coverage.set_index("proposal_id").loc["P2", "coverage"] == centres.COVERAGE_NONE


# ---------------------------------------------------------------- the page (AppTest)


def test_page_makes_the_unanswered_proposal_prominent(embedded):
    at = open_page("app_pages/centres.py")
    assert_healthy(at)
    coverage = centres.proposal_coverage(centres.mmip_tracker(embedded["mmip_proposals"], embedded["centres"]))
    unanswered = coverage.loc[coverage["coverage"] == centres.COVERAGE_NONE, "proposal_id"].tolist()
    assert unanswered
    warnings = " ".join(w.value for w in at.warning)
    assert all(pid in warnings for pid in unanswered)
    tracker = next(t for t in markdown_tables(at) if "Proposal" in t.columns)
    assert tracker["Proposal"].str[:2].drop_duplicates().tolist() == ["P1", "P2", "P3", "P4"]
    others = next(t for t in markdown_tables(at) if "Centre" in t.columns)
    assert len(others) == len(centres.other_centres(embedded["centres"]))
    assert not at.dataframe  # no grid: the browser loads no table code for this page
    assert at.get("plotly_chart"), "the map of other centres is drawn"


def test_page_profile_follows_the_link_and_the_selection(embedded):
    row = embedded["centres"].iloc[6]
    at = open_page("app_pages/centres.py", query={"centre": row["centre_id"]})
    assert_healthy(at)
    assert at.selectbox(key="url_centre").value == row["centre_id"]
    assert any(m.value.startswith("### ") and row["name"].split()[0] in m.value for m in at.markdown)
    sources = next(m.value for m in at.markdown if m.value.startswith("**Sources**"))
    assert f"(<{row['source_url']}>)" in sources  # the centre's own source, as a link
    other = embedded["centres"].iloc[0]["centre_id"]
    at.selectbox(key="url_centre").set_value(other).run()
    assert_healthy(at)
    assert other in str(at.query_params["centre"])
