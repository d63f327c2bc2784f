"""Region: everything about one ITL1 region on one page, and a second region (or the UK) beside it.

Each block is one row of columns, one column per area, so the same block starts at the same height
in both and the difference reads across."""

import streamlit as st

from lib.analysis import landscape, region_profile
from lib.data.export import slug
from lib.figures import map_figures, region_figures, theme
from lib.figures.text_tables import markdown_table, markdown_text
from lib.ui import caching, state, widgets

st.title("Region profile")
frames = caching.require("capabilities", "regions", "sites", "centres", "investments")
data = caching.datasets()

# The region and what stands beside it are in the link (?area=TLC&vs=UK; declared in lib/ui/state.py).
NO_COMPARISON = ""
comparisons = [NO_COMPARISON, *region_profile.comparison_choices()]
state.setting("region", "area")
state.setting("region", "vs")
pick, beside = st.columns(2)
area = pick.selectbox(
    "Region", region_profile.choices(), key=state.session_key("region", "area"), format_func=region_profile.area_name
)
versus = beside.selectbox(
    "Side by side with",
    comparisons,
    key=state.session_key("region", "vs"),
    format_func=lambda code: "nothing (one profile)" if code == NO_COMPARISON else region_profile.area_name(code),
)

st.caption(
    "A profile shows the whole region, every status, in the default scope (sites making human medicines, "
    "diagnostics or packaging, and every centre). "
    "The sidebar's link reproduces this view, comparison included."
)
codes = [area, versus] if versus else [area]

# Every facility; each profile keeps its area's rows in the default landscape (every status, sites
# making human medicines, diagnostics or packaging) itself, so no filtered copy of all rows is made.
facility_frame = caching.facility_tables()[0]
names = caching.capability_names()
# The default landscape (scope) the other pages count: the sidebar filters do not apply here.
gap_table = caching.gap_table(landscape.Filters())
gva = data.frames.get("ons_gva_pharma_itl1")
bres = data.frames.get("ons_bres_pharma_jobs_itl1")
for missing in ("ons_gva_pharma_itl1", "ons_bres_pharma_jobs_itl1"):
    if missing in data.errors:
        widgets.show_dataset_error(data.errors[missing])

profiles = {
    code: region_profile.area_profile(
        code, facility_frame, gap_table, frames["investments"], frames["regions"], gva, bres
    )
    for code in codes
}
# Scales shared by the two columns, so equal bars are equal amounts.
scales = region_profile.shared_scales(profiles)
# Side by side, titles wrap for a half-width column and keep room for the same number of lines.
title_chars = region_figures.NARROW_TITLE_CHARS if len(codes) > 1 else region_figures.WIDE_TITLE_CHARS
title_lines = region_figures.NARROW_TITLE_LINES if len(codes) > 1 else 1
# Side by side, the lists keep the columns that fit half the page at 1366 px without spilling over.
facility_columns = ["Name", "Status", "Town"] if len(codes) > 1 else ["Name", "Type", "Status", "Town", "Employees"]
centre_columns = (
    ["Centre", "Status", "MMIP proposal"] if len(codes) > 1 else ["Centre", "Town", "Status", "MMIP proposal"]
)


def fitted(fig):
    return region_figures.fit_title(fig, title_chars, title_lines)


def block(title: str):
    """One row of the page: a heading, then one column per area."""
    st.subheader(title, anchor=False)
    return zip(codes, st.columns(len(codes), gap="large"))


# The sentences sit above the maps but are written after them: the browser fetches the chart code
# (~4.7 MB of JavaScript) only when the first chart reaches it. Their columns are laid out first, empty.
sentence_columns = dict(block("In one sentence"))

outlines, geojson = caching.region_outlines(), caching.region_geojson()
rings = map_figures.region_rings(geojson) if geojson else None
for i, (code, column) in enumerate(block("Sites and centres")):
    facilities = profiles[code]["facilities"]
    with column:
        widgets.chart(
            fitted(region_figures.region_map(facilities, code, outlines, rings, frames["capabilities"])),
            key=f"region-map-{i}",
            finding=map_figures.facility_map_caption(facilities),
        )

for code, column in sentence_columns.items():
    p = profiles[code]
    with column, st.container(border=True):
        counts = region_profile.facility_counts(p["facilities"])
        levels = region_profile.level_counts(p["capability"])
        st.markdown(f"#### {region_profile.area_name(code)}")
        st.markdown(region_profile.headline(code, counts, levels, p["money"], p["cover"]))
        if p["cover"].low:
            st.caption(region_profile.low_coverage_reason(p["cover"]))


for i, (code, column) in enumerate(block("Capabilities against the UK")):
    p = profiles[code]
    with column:
        widgets.chart(
            fitted(region_figures.capability_chart(p["capability"], code, scales.capability_max)),
            key=f"region-capabilities-{i}",
            finding=region_profile.capability_note(code),
            data=p["capability"],
        )
        st.markdown("**Largest gaps**" if code != region_profile.UK else "**National gaps**")
        gaps_shown = region_profile.largest_gaps(gap_table, code)
        if gaps_shown.empty:
            st.caption("No gap: every capability is held at least at half the UK rate.")
        else:
            st.markdown(markdown_table(gaps_shown))
        changes = region_profile.proposed_changes(p["facilities"], p["capability"], code)
        st.markdown("**What proposed facilities would change**")
        if changes.empty:
            st.caption("No facility proposed or under construction in the data here.")
        else:
            st.markdown("\n".join(f"- {line}" for line in region_profile.change_lines(changes, markdown_text)))

for i, (code, column) in enumerate(block("Public money received")):
    p = profiles[code]
    cash = p["money"]
    with column:
        left, right = st.columns(2)
        left.metric("Traced public grants", theme.format_gbp(cash.total_gbp))
        right.metric("Awards with an amount", f"{cash.awards_with_amount} of {cash.awards}")
        widgets.chart(
            fitted(region_figures.programme_chart(p["awards"], code)),
            key=f"region-programmes-{i}",
            finding=region_profile.programme_note(cash),
        )
        widgets.chart(
            fitted(region_figures.year_chart(p["awards"], code, scales.years, scales.year_peak_gbp)),
            key=f"region-years-{i}",
            finding=region_profile.undated_sentence(p["awards"]),
        )
        # Under the charts: its length differs between columns, and the charts should line up.
        st.caption(region_profile.money_note(cash, code))

for code, column in block("Centres of excellence"):
    hosted = region_profile.centres_hosted(profiles[code]["facilities"], frames["centres"])
    with column:
        if hosted.empty:
            st.caption(f"No innovation centre listed in {region_profile.area_name(code)}.")
        else:
            shown = hosted.head(region_profile.CENTRES_SHOWN)
            st.markdown(markdown_table(shown[centre_columns], links={"Centre": shown["Profile"]}))
            if len(hosted) > len(shown):
                st.caption(region_profile.centres_note(len(shown), len(hosted)))

for i, (code, column) in enumerate(block("The industry in official statistics")):
    p = profiles[code]
    with column:
        if not p["gva"].empty:
            widgets.chart(
                fitted(region_figures.gva_chart(p["gva"], code, scales.gva_max)),
                key=f"region-gva-{i}",
                finding="Gross value added of the pharmaceutical industry (SIC 21), current prices: not adjusted "
                "for inflation.",
                data=p["gva"],
            )
        widgets.chart(
            fitted(region_figures.coverage_chart(p["cover"], code, scales.coverage_max)),
            key=f"region-coverage-{i}",
            finding=region_profile.coverage_sentence(p["cover"]),
            # Both BRES years; year-on-year jumps in these rounded sums are noise, not change.
            data=region_profile.bres_series(bres, code),
        )

for i, (code, column) in enumerate(block("Facilities")):
    rows = profiles[code]["facilities"]
    with column:
        listed = region_profile.facility_list(rows, names, region_profile.FACILITIES_SHOWN)
        st.markdown(markdown_table(listed[facility_columns], links={"Name": listed["Profile"]}))
        st.markdown(region_profile.facility_list_note(len(listed), len(rows), code))
        widgets.download_buttons(
            lambda rows=rows: region_profile.facility_export(rows, frames["sites"], frames["centres"], names),
            f"facilities-{slug(region_profile.area_name(code))}",
            key=f"region-facilities-{i}",
        )
