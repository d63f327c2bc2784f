"""Investment: where public money for medicines manufacturing went, by region, programme, year and
capability, and how the traced awards compare with headline programme totals."""

import streamlit as st

from lib import config
from lib.analysis import gaps, investment, key_figures, region_metrics
from lib.figures import investment_figures as figures
from lib.figures import theme
from lib.ui import caching, state, widgets

st.title("Public investment")
frames = caching.require("investments", "regions")
investments, regions = frames["investments"], frames["regions"]
filters = state.view().filters
names = caching.capability_names()

# ---------------------------------------------------------------- year range and money (in the URL)
bounds = investment.year_bounds(investments)
undated_total = int(investment.select_awards(investments)["year"].isna().sum())
years = investment.YearRange()
controls = st.columns([3, 2, 3])
if bounds and bounds[0] < bounds[1]:
    state.setting("investment", "years")
    start, end = controls[0].slider(
        "Year announced", bounds[0], bounds[1], key=state.session_key("investment", "years")
    )
    years = investment.YearRange(start, end)
include_undated = controls[1].checkbox(
    f"Include the {undated_total} award(s) with no year", value=True, key="inv_undated", disabled=undated_total == 0
)
years = investment.YearRange(years.start, years.end, include_undated)

# Which money is counted (?money=…): grants by default; loans and other instruments only when asked.
state.setting("investment", "money")
money = controls[2].selectbox(
    "Money counted",
    list(key_figures.INSTRUMENT_CHOICES),
    key=state.session_key("investment", "money"),
    format_func=key_figures.INSTRUMENT_CHOICES.get,
)
instruments = key_figures.instruments_for(money)
awards = investment.select_awards(investments, filters.regions, filters.capabilities, years, instruments)
summary = investment.summary(awards)
not_counted = (
    investment.summary(
        investment.select_awards(investments, filters.regions, filters.capabilities, years, instruments=())
    )["public_gbp"]
    - summary["public_gbp"]
)

cols = st.columns(4)
cols[0].metric(f"Traced {key_figures.instrument_words(instruments)}", summary["public_label"])
cols[1].metric("Awards with a stated amount", f"{summary['awards_with_amount']:,}")
cols[2].metric("Awards with no stated amount", f"{summary['awards_not_stated']:,}")
cols[3].metric("UK-wide or multi-region", theme.format_gbp(summary["uk_wide_gbp"]))
st.caption(
    f"Traced money adds up award-level {key_figures.instrument_words(instruments)} with a stated amount, each "
    "pound once (an award that is part of another is counted in that one). "
    + (
        f"{theme.format_gbp(not_counted)} of other instruments (loans, equity, contracts, or not stated) is not "
        "in this total: choose *Money counted* to include it. "
        if not_counted > 0
        else ""
    )
    + "Awards that state no amount are "
    "counted, never taken as £0. Headline programme totals overlap the awards and are never added to them: "
    "see *Headline vs traced*. "
    + (
        "A region filter leaves out UK-wide and multi-region awards, which belong to no region. "
        if filters.regions
        else ""
    )
)
with st.expander("How these figures are made"):
    st.markdown((config.PROJECT_ROOT / "docs" / "investment_method.md").read_text(encoding="utf-8"))

totals = investment.region_totals(awards, regions, only=filters.regions)
# One view at a time, in the link (?inv_view=…): only the open tab runs and is drawn, so the page
# opens with one chart instead of ten, and a presenter can link straight to a view.
VIEWS = list(state.TABS["investment"])
tabs = st.tabs(VIEWS, key=state.TAB_KEYS["investment"], bind="query-params")
views = dict(zip(VIEWS, tabs))

with views["Regions"]:
    if views["Regions"].open:
        widgets.chart(
            figures.region_bars(totals), key="inv-region", finding=figures.region_finding(totals, summary), data=totals
        )

with views["Per head"]:
    if views["Per head"].open:
        widgets.chart(
            figures.per_head_bars(totals), key="inv-per-head", finding=figures.per_head_finding(totals), data=totals
        )
        metrics = region_metrics.region_metrics(state.view().facilities, awards, regions)
        geojson = caching.region_geojson()
        if geojson is None:
            st.info("The ONS region boundaries are not available offline, so regions are drawn as equal squares.")
        widgets.chart(
            figures.region_map(metrics, geojson, caching.region_centroids()),
            key="inv-map",
            finding=region_metrics.metric_finding(metrics, figures.PER_HEAD_METRIC),
            data=region_metrics.metric_table(metrics),
        )

with views["Programmes and years"]:
    if views["Programmes and years"].open:
        programmes = investment.top_with_other(investment.by_programme(awards), "programme", 12, "{n} other programmes")
        widgets.chart(
            figures.programme_bars(programmes),
            key="inv-programme",
            finding="The largest programmes by traced money; the rest are summed in one grey bar "
            "(the table lists every programme's records).",
            data=investment.by_programme(awards),
        )
        by_year = investment.by_year(awards)
        year_finding = figures.year_finding(by_year, summary)
        widgets.chart(figures.year_bars(by_year), key="inv-year", finding=year_finding, data=by_year)
        widgets.chart(figures.cumulative_line(by_year), key="inv-cumulative", finding=year_finding, data=by_year)

with views["Capabilities and flow"]:
    if views["Capabilities and flow"].open:
        split = investment.capability_split(awards, names)
        capabilities = investment.by_capability(split)
        widgets.chart(
            figures.capability_bars(capabilities),
            key="inv-capability",
            finding=figures.capability_finding(capabilities),
            data=capabilities,
        )
        links = investment.flow_links(split)
        if links.empty:
            st.info("No award with a stated amount matches the filters, so there is no flow to draw.")
        else:
            widgets.chart(figures.flow_sankey(links), key="inv-flow", finding=figures.flow_finding(links), data=links)

with views["Against capability gaps"]:
    if views["Against capability gaps"].open:
        scores = gaps.region_gap_scores(
            gaps.restrict(caching.gap_table(filters), filters.capabilities, filters.regions)
        )
        joined = investment.against_gaps(totals, scores)
        widgets.chart(figures.gaps_scatter(joined), key="inv-gaps", finding=figures.gaps_finding(joined), data=joined)
        st.caption(
            "Gap score: see the Capability gaps page for its method. It is computed over the capabilities "
            "selected in the sidebar (all when none is selected)."
        )

with views["Headline vs traced"]:
    if views["Headline vs traced"].open:
        comparison = investment.headline_vs_traced(investments)
        widgets.chart(
            figures.headline_bars(comparison),
            key="inv-headline",
            finding=figures.headline_finding(comparison),
            data=comparison,
        )
        st.dataframe(
            comparison[
                ["investment_id", "programme", "headline_gbp", "traced_gbp", "difference", "matched_by", "source_url"]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "headline_gbp": st.column_config.NumberColumn("headline £", format="£%,.0f"),
                "traced_gbp": st.column_config.NumberColumn("traced £", format="£%,.0f"),
                "difference": st.column_config.TextColumn(width="large"),
                "source_url": st.column_config.LinkColumn("source"),
            },
        )
        st.caption("Not filtered: each headline is compared with every award record matched to it.")

with views["Records"]:
    if views["Records"].open:
        records = investment.records_table(awards, names)
        st.markdown(
            f"**{len(records):,}** award records match the filters. Empty amounts are not stated by any source."
        )
        st.dataframe(
            records,
            hide_index=True,
            width="stretch",
            column_config={
                "source_url": st.column_config.LinkColumn("source"),
                "public £": st.column_config.NumberColumn(format="£%,.0f"),
                "private £": st.column_config.NumberColumn(format="£%,.0f"),
            },
        )
        widgets.download_buttons(records, "uk-medicines-manufacturing-public-investment", key="inv-records")
