"""Investment aggregations on a hand-built fixture with known totals, and the Investment page."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis import investment
from lib.data.schemas import UK_WIDE
from tests.data_rules import counted_grants

NAMES = {"a": "Alpha", "b": "Beta", "c": "Gamma"}


def _row(investment_id, record_type, programme, itl1_code, public_gbp, year, capabilities, funder="F"):
    return {
        "investment_id": investment_id,
        "record_type": record_type,
        "programme": programme,
        "funder": funder,
        "recipient": f"recipient {investment_id}",
        "project": None,
        "town": None,
        "itl1_code": itl1_code,
        "public_gbp": public_gbp,
        "private_gbp": None,
        "year": year,
        "capabilities": capabilities,
        "instrument": "grant",
        "part_of": None,
        "source_url": f"https://example.org/{investment_id}",
        "as_of": "2024-01-01",
        "note": None,
    }


@pytest.fixture()
def investments() -> pd.DataFrame:
    rows = [
        _row("I0001", "award", "Fund X", "TLC", 10e6, 2018, ["a", "b"]),
        _row("I0002", "award", "Fund X", "TLC", None, 2019, ["a"]),
        _row("I0003", "award", "fund x", "TLM", 6e6, None, []),
        _row("I0004", "award", "Fund Y", UK_WIDE, 4e6, 2020, ["b"]),
        _row("I0005", "programme_total", "Fund P", UK_WIDE, 100e6, 2018, []),
        _row("I0006", "award", "Fund P", "TLM", 3e6, 2020, ["a", "b", "c"]),
    ]
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    frame["public_gbp"] = frame["public_gbp"].astype(float)
    frame["private_gbp"] = frame["private_gbp"].astype(float)
    return frame


@pytest.fixture()
def regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "itl1_code": ["TLC", "TLM", "TLN"],
            "name": ["North East", "Scotland", "Northern Ireland"],
            "population": pd.array([2_000_000, 3_000_000, 1_000_000], dtype="Int64"),
        }
    )


def test_programme_totals_are_never_counted_as_awards(investments):
    awards = investment.select_awards(investments)
    assert "I0005" not in set(awards["investment_id"])
    summary = investment.summary(awards)
    assert summary["public_gbp"] == 23e6  # 10 + 6 + 4 + 3, not the 100m headline
    assert summary["awards"] == 5
    assert summary["awards_not_stated"] == 1
    assert summary["awards_undated"] == 1
    assert summary["uk_wide_gbp"] == 4e6


def test_region_totals_and_per_head(investments, regions):
    totals = investment.region_totals(investment.select_awards(investments), regions).set_index("itl1_code")
    assert totals.loc["TLC", "public_gbp"] == 10e6
    assert totals.loc["TLC", "awards"] == 2 and totals.loc["TLC", "awards_not_stated"] == 1
    assert totals.loc["TLC", "gbp_per_head"] == pytest.approx(5.0)  # £10m / 2m people
    assert totals.loc["TLM", "public_gbp"] == 9e6
    assert totals.loc["TLM", "gbp_per_head"] == pytest.approx(3.0)  # £9m / 3m people
    assert totals.loc["TLN", "public_gbp"] == 0 and totals.loc["TLN", "awards"] == 0
    assert totals.loc[UK_WIDE, "region"] == investment.UK_WIDE_LABEL
    assert totals.loc[UK_WIDE, "public_gbp"] == 4e6
    assert pd.isna(totals.loc[UK_WIDE, "gbp_per_head"])
    assert totals["public_gbp"].sum() == 23e6
    assert totals.loc["TLM", "records"] == "I0003, I0006"


def test_region_filter_drops_uk_wide_and_other_regions(investments, regions):
    awards = investment.select_awards(investments, regions=("TLM",))
    totals = investment.region_totals(awards, regions, only=("TLM",))
    assert list(totals["itl1_code"]) == ["TLM"]
    assert totals["public_gbp"].sum() == 9e6


def test_capability_filter_keeps_awards_with_any_selected_capability(investments):
    awards = investment.select_awards(investments, capabilities=("c", "b"))
    assert sorted(awards["investment_id"]) == ["I0001", "I0004", "I0006"]


def test_year_range_and_undated_awards(investments):
    within = investment.select_awards(investments, years=investment.YearRange(2019, 2020))
    assert sorted(within["investment_id"]) == ["I0002", "I0003", "I0004", "I0006"]  # undated kept by default
    dated_only = investment.select_awards(investments, years=investment.YearRange(2019, 2020, include_undated=False))
    assert sorted(dated_only["investment_id"]) == ["I0002", "I0004", "I0006"]
    no_bounds = investment.select_awards(investments, years=investment.YearRange(include_undated=False))
    assert "I0003" not in set(no_bounds["investment_id"]) and len(no_bounds) == 4


def test_by_programme_groups_spellings_and_counts_not_stated(investments):
    table = investment.by_programme(investment.select_awards(investments)).set_index("programme")
    assert table.loc["Fund X", "public_gbp"] == 16e6  # "Fund X" and "fund x" are one programme
    assert table.loc["Fund X", "awards"] == 3 and table.loc["Fund X", "awards_not_stated"] == 1
    assert table.loc["Fund P", "public_gbp"] == 3e6


def test_top_with_other_sums_the_rest(investments):
    table = investment.by_programme(investment.select_awards(investments))
    top = investment.top_with_other(table, "programme", 1, "{n} other programmes")
    assert list(top["programme"]) == ["Fund X", "2 other programmes"]
    assert top["public_gbp"].sum() == table["public_gbp"].sum() == 23e6


def test_by_year_fills_gaps_and_runs_a_cumulative_total(investments):
    years = investment.by_year(investment.select_awards(investments)).set_index("year")
    assert list(years.index) == [2018, 2019, 2020]
    assert years.loc[2019, "public_gbp"] == 0 and years.loc[2019, "awards_not_stated"] == 1
    assert years.loc[2020, "public_gbp"] == 7e6
    assert years.loc[2020, "cumulative_gbp"] == 17e6  # the undated £6m is not on the year chart


def test_capability_split_is_equal_and_reconciles(investments):
    awards = investment.select_awards(investments)
    split = investment.capability_split(awards, NAMES)
    i6 = split.loc[split["investment_id"] == "I0006"]
    assert sorted(i6["capability"]) == ["Alpha", "Beta", "Gamma"]
    assert i6["share_gbp"].tolist() == [1e6, 1e6, 1e6]
    assert split["share_gbp"].sum() == awards["public_gbp"].sum() == 23e6
    by_cap = investment.by_capability(split).set_index("capability")
    assert by_cap.loc["Alpha", "public_gbp"] == 6e6  # 5 (half of I0001) + 1 (third of I0006)
    assert by_cap.loc["Beta", "public_gbp"] == 10e6  # 5 + 4 + 1
    assert by_cap.loc[investment.NOT_ASSIGNED, "public_gbp"] == 6e6
    assert by_cap.loc["Alpha", "awards_not_stated"] == 1  # I0002 has no amount


def test_flow_stages_both_add_up_to_the_award_total(investments):
    split = investment.capability_split(investment.select_awards(investments), NAMES)
    links = investment.flow_links(split, top_programmes=1)
    stage_totals = links.groupby("stage")["public_gbp"].sum()
    assert stage_totals.tolist() == [23e6, 23e6]
    first = links.loc[links["stage"] == "programme → region"]
    assert set(first["source"]) == {"Fund X", "2 other programmes"}
    assert set(first["target"]) == {"North East", "Scotland", investment.UK_WIDE_LABEL}


def test_headline_set_beside_matching_awards_with_the_difference(investments):
    table = investment.headline_vs_traced(investments)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["headline_gbp"] == 100e6 and row["traced_gbp"] == 3e6 and row["difference_gbp"] == 97e6
    assert row["matched_by"] == investment.SAME_NAME_RULE and row["records"] == "I0006"
    assert "£3.0m of the £100.0m headline" in row["difference"] and "£97.0m is not traced" in row["difference"]


def test_headline_rules_match_programme_families(investments):
    extra = investments.copy()
    extra.loc[extra["investment_id"] == "I0005", "programme"] = "Life Sciences Innovative Manufacturing Fund (LSIMF)"
    extra.loc[extra["investment_id"] == "I0004", "programme"] = "LSIMF first tranche"
    extra.loc[extra["investment_id"] == "I0002", "programme"] = "LSIMF"
    row = investment.headline_vs_traced(extra).iloc[0]
    assert row["awards_matched"] == 2 and row["awards_not_stated"] == 1 and row["traced_gbp"] == 4e6
    assert "1 matching award(s) state no amount" in row["difference"]


def test_headline_with_no_award_says_none_is_traced(investments):
    lonely = investments.loc[investments["investment_id"] != "I0006"]
    assert "none of the £100.0m is traced" in investment.headline_vs_traced(lonely).iloc[0]["difference"]


def test_against_gaps_joins_regions_and_leaves_out_uk_wide(investments, regions):
    totals = investment.region_totals(investment.select_awards(investments), regions)
    scores = pd.DataFrame(
        {
            "itl1_code": ["TLC", "TLM", "TLN"],
            "region": ["North East", "Scotland", "Northern Ireland"],
            "mean_gap_score": [0.2, 0.5, 0.9],
            "absent_count": [1, 4, 9],
        }
    )
    joined = investment.against_gaps(totals, scores).set_index("itl1_code")
    assert UK_WIDE not in joined.index and len(joined) == 3
    assert joined.loc["TLM", "gbp_per_head"] == pytest.approx(3.0) and joined.loc["TLM", "absent_count"] == 4
    # more gap, less money per head: a perfect negative rank correlation
    assert investment.rank_correlation(joined["mean_gap_score"], joined["gbp_per_head"]) == pytest.approx(-1.0)
    assert investment.rank_correlation(pd.Series([1, 2]), pd.Series([2, 1])) is None


def test_records_table_names_capabilities_and_keeps_sources(investments):
    table = investment.records_table(investment.select_awards(investments), NAMES).set_index("id")
    assert table.loc["I0001", "capabilities"] == "Alpha, Beta"
    assert table.loc["I0003", "capabilities"] == investment.NOT_ASSIGNED
    assert table.loc["I0004", "region"] == investment.UK_WIDE_LABEL
    assert pd.isna(table.loc["I0002", "public £"])
    assert table["source_url"].str.startswith("https://").all()


def test_empty_selection_gives_empty_tables_not_errors(investments, regions):
    none = investment.select_awards(investments, regions=("TLN",))
    assert none.empty
    assert investment.summary(none)["public_gbp"] == 0
    assert investment.region_totals(none, regions, only=("TLN",))["public_gbp"].tolist() == [0]
    assert investment.by_year(none).empty
    assert investment.flow_links(investment.capability_split(none, NAMES)).empty


@pytest.mark.parametrize(
    "params,expected,notices",
    [
        ({}, (2003, 2026), 0),
        ({"yfrom": "2010", "yto": "2020"}, (2010, 2020), 0),
        ({"yfrom": "1900", "yto": "2100"}, (2003, 2026), 0),  # clipped to the data
        ({"yfrom": "2020", "yto": "2010"}, (2010, 2020), 0),  # swapped ends
        ({"yfrom": "twenty"}, (2003, 2026), 1),
    ],
)
def test_year_range_from_the_link(params, expected, notices):
    selected, messages = investment.year_range_from_query(params, (2003, 2026))
    assert selected == expected and len(messages) == notices
    assert (
        investment.year_range_from_query(investment.year_range_to_query(selected, (2003, 2026)), (2003, 2026))[0]
        == selected
    )


def test_embedded_data_headline_and_traced_are_kept_apart(embedded):
    investments = embedded["investments"]
    awards = investment.select_awards(investments)
    headlines = investments.loc[investments["record_type"] == "programme_total"]
    assert investment.summary(awards)["public_gbp"] == awards["public_gbp"].sum()
    table = investment.headline_vs_traced(investments)
    assert set(table["investment_id"]) == set(headlines["investment_id"])
    pd.testing.assert_series_equal(
        table["difference_gbp"], table["headline_gbp"] - table["traced_gbp"], check_names=False
    )


# ---------------------------------------------------------------- the page (AppTest)


def _page(query=None, state=None):
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import DASHBOARD, TIMEOUT_S

    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)
    if query:
        at.query_params.update(query)
    at.run()
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page("app_pages/investment.py").run()
    return at


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_shows_traced_total_and_every_chart(embedded):
    from lib.figures import theme
    from tests.apptest_helpers import assert_healthy

    at = _page()
    assert_healthy(at)
    awards = counted_grants(embedded["investments"])
    metrics = _metrics(at)
    assert metrics["Traced public grants"] == theme.format_gbp(awards["public_gbp"].sum())
    assert metrics["Awards with no stated amount"] == str(awards["public_gbp"].isna().sum())
    # The page opens on one chart; every other view runs only when its tab is opened.
    assert len(at.get("plotly_chart")) == 1
    charts = {}
    from lib.ui import state

    for view in state.TABS["investment"]:
        at.session_state["inv_view"] = view
        at.run()
        assert_healthy(at)
        charts[view] = len(at.get("plotly_chart"))
    assert charts["Per head"] == 2 and charts["Programmes and years"] == 3 and sum(charts.values()) >= 10
    assert any(str(len(awards)) in m.value and "award records" in m.value for m in at.markdown)


def test_page_follows_region_filter_and_year_range(embedded):
    from lib.figures import theme
    from tests.apptest_helpers import assert_healthy

    at = _page(state={"f_region": ["TLM"]})
    assert_healthy(at)
    awards = embedded["investments"]
    counted = counted_grants(awards)
    scotland = counted.loc[counted["itl1_code"] == "TLM"]
    assert _metrics(at)["Traced public grants"] == theme.format_gbp(scotland["public_gbp"].sum())
    assert _metrics(at)["UK-wide or multi-region"] == "£0"

    at.slider(key="inv_years").set_value((2020, 2022)).run()
    at.checkbox(key="inv_undated").uncheck().run()
    assert_healthy(at)
    in_range = scotland.loc[scotland["year"].between(2020, 2022).fillna(False).astype(bool)]
    assert _metrics(at)["Traced public grants"] == theme.format_gbp(in_range["public_gbp"].sum())
    assert at.query_params["yfrom"] == "2020" and at.query_params["yto"] == "2022"


def test_page_reads_the_year_range_from_the_link():
    from tests.apptest_helpers import assert_healthy

    at = _page(query={"yfrom": "2015", "yto": "2018"})
    assert_healthy(at)
    assert at.slider(key="inv_years").value == (2015, 2018)


def test_page_with_no_matching_award_says_so():
    from tests.apptest_helpers import assert_healthy

    at = _page(state={"f_region": ["TLE"], "f_cap": ["radiopharmaceuticals"], "inv_view": "Capabilities and flow"})
    assert_healthy(at)
    assert _metrics(at)["Traced public grants"] == "£0"
    assert any("no flow to draw" in i.value for i in at.info)


def test_page_names_a_bad_year_in_the_link_instead_of_failing(embedded):
    from tests.apptest_helpers import assert_healthy

    at = _page(query={"yfrom": "abc"})
    assert_healthy(at)
    assert any("yfrom" in w.value and "not a year" in w.value for w in at.warning)
    assert at.slider(key="inv_years").value == investment.year_bounds(embedded["investments"])


def test_loans_are_counted_only_when_asked_and_never_mixed_silently(investments):
    with_loan = pd.concat(
        [
            investments,
            pd.DataFrame([_row("I0900", "award", "Loan scheme", "TLM", 5e6, 2020, [])]).assign(instrument="loan"),
        ],
        ignore_index=True,
    )
    grants = investment.summary(investment.select_awards(with_loan))["public_gbp"]
    both = investment.summary(investment.select_awards(with_loan, instruments=("grant", "loan")))["public_gbp"]
    assert both - grants == 5e6


def test_an_award_inside_another_award_is_summed_once(investments):
    parent = investments.loc[investments["record_type"] == "award"].iloc[0]
    child = _row("I0901", "award", parent["programme"], parent["itl1_code"], 1e6, 2020, [])
    child["part_of"] = parent["investment_id"]
    doubled = pd.concat([investments, pd.DataFrame([child])], ignore_index=True)
    before = investment.summary(investment.select_awards(investments))["public_gbp"]
    assert investment.summary(investment.select_awards(doubled))["public_gbp"] == before


def test_no_two_records_in_any_embedded_sum_overlap(embedded):
    """Every total sums the same set: counted awards, none inside another, none repeated."""
    from lib.analysis import key_figures

    for instruments in ((), ("grant",), ("grant", "loan")):
        summed = key_figures.awards(embedded["investments"], instruments)
        assert not summed["part_of"].isin(summed["investment_id"]).any()
        same = summed.dropna(subset=["public_gbp"]).duplicated(["recipient", "programme", "public_gbp", "year"])
        assert not same.any(), summed.loc[same, "investment_id"].tolist()
