"""Directory: search, filter and export the manufacturers, sites and centres; a profile for each."""

import streamlit as st

from lib.analysis import directory, landscape
from lib.ui import caching, state, widgets

st.title("Directory")
st.markdown(
    "Every manufacturing site and innovation centre in the data: search, filter, open a profile, download the list."
)

table, long = caching.directory_tables()
names = caching.capability_names()
filters = state.view().filters

search_column, modality_column, size_column = st.columns([2, 2, 2])
search = search_column.text_input(
    "Search name, company or town", key="dir_search", max_chars=100, placeholder="e.g. GSK, Speke, vaccines centre"
)
modality = modality_column.text_input(
    "What it makes contains", key="dir_modality", max_chars=100, placeholder="e.g. injectables, tablets, antibody"
)
size_bands = size_column.multiselect(
    "Size (people employed)", list(directory.SIZE_BANDS), key="dir_size", placeholder="Any size"
)
st.caption(
    "Region, capability, type and status: the sidebar filters "
    f"({landscape.describe_filters(filters, names)}). Size is the approximate headcount a source "
    'gives; centres and most sites have none ("size not stated").'
)

query = directory.DirectoryQuery(search=search, modality=modality, size_bands=tuple(size_bands))
matches = directory.search_directory(table, long, filters, query)
shown = matches.head(directory.MAX_SHOWN)
st.markdown(directory.result_summary(len(matches), len(table), len(shown)))
st.dataframe(
    directory.display_table(shown),
    hide_index=True,
    width="stretch",
    height=420,
    column_config={
        "Name": st.column_config.TextColumn(width="medium"),
        "What it makes": st.column_config.TextColumn(width="medium"),
    },
)
widgets.download_buttons(
    lambda: directory.export_table(matches), "uk-medicines-manufacturing-directory", key="directory", deferred=True
)

st.subheader("Profile", anchor=False)
all_names = caching.directory_names()
state.setting("directory", "site")
options = ["", *shown["facility_id"]]
if st.session_state["url_site"] not in options:
    options.append(st.session_state["url_site"])
chosen = st.selectbox(
    "Open the profile of",
    options,
    key="url_site",
    format_func=lambda fid: all_names.get(fid, "choose a facility from the list above"),
)
if chosen:
    widgets.profile(directory.facility_profile(table, chosen))
