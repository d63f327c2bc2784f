"""Bring your own data: upload sites, centres or investments, check them, use them in every page.

Everything that comes from the file (names, sheet names, values) is shown with st.dataframe or
st.text, never as Markdown, so a crafted file cannot inject links or formatting.
"""

import streamlit as st

from lib import config
from lib.data import datasets, export
from lib.geo import geocode
from lib.ingest import pipeline
from lib.ui import caching

DATASET_LABELS = {"sites": "Manufacturing sites", "centres": "Innovation centres", "investments": "Investments"}
NOT_MAPPED = "(not in the file)"


def offer_data_pack(where: str) -> None:
    """An import lives only in this browser session: offer a way to keep it."""
    if st.session_state.get("user_datasets") is None:
        return
    st.subheader("Keep your data")
    st.caption(
        "Your imported data is used in every page until this browser tab is closed. The data pack "
        "is every dataset as Parquet, with a sources list: unzip it into a folder and start the "
        "app with MMIP_DATA_DIR set to that folder to see it again."
    )
    st.download_button(
        "Download data pack (zip)",
        caching.data_pack(),
        file_name="mmip-data-pack.zip",
        mime="application/zip",
        key=f"import_data_pack_{where}",
        type="primary",
    )


st.title("Bring your own data")
offer_data_pack("top")
st.markdown((config.PROJECT_ROOT / "docs" / "import_data.md").read_text(encoding="utf-8"))

dataset = st.radio(
    "The file lists", pipeline.IMPORTABLE, format_func=DATASET_LABELS.get, horizontal=True, key="import_dataset"
)
upload = st.file_uploader(
    f"Upload a file (CSV, Excel .xlsx or Parquet; up to {pipeline.MAX_UPLOAD_MB} MB)",
    type=["csv", "tsv", "txt", "xlsx", "parquet"],
    key="import_file",
)
if upload is None:
    st.info("Choose a file to start. Nothing changes until you press “Use this data”.")
    st.stop()

data = upload.getvalue()
try:
    sheet = None
    if pipeline.file_type(data, upload.name) == "xlsx":
        sheet = st.selectbox("Sheet", pipeline.excel_sheets(data, upload.name), key="import_sheet")
    table = caching.read_upload(data, upload.file_id, upload.name, sheet)
except pipeline.IngestError as error:
    st.error("This file could not be read:")
    st.text(error.message)
    st.stop()

st.text(f"Read: {table.describe()}")
with st.expander("First rows of the file", expanded=False):
    st.dataframe(table.frame.head(20), hide_index=True)

detected = pipeline.detect_format(table.frame.columns, dataset)
formats = list(pipeline.FORMATS)
fmt = st.selectbox(
    "Format",
    formats,
    index=formats.index(detected),
    format_func=pipeline.FORMATS.get,
    key=f"import_format_{dataset}_{detected}",
    help="Recognised from the column names; change it if the guess is wrong.",
)

mapping = None
if fmt == "mapped":
    st.subheader("Match the columns")
    st.caption(
        "Suggested from the column names. Columns marked * are required; the id, source and "
        "date are filled in when the file has none, columns such as the dataset of site or its status "
        "become “not stated”, and a postcode or district places a row."
    )
    suggested = pipeline.suggest_mapping(table.frame.columns, dataset)
    required = set(pipeline.required_columns(dataset))
    options = [NOT_MAPPED, *table.frame.columns]
    mapping = {}
    grid = st.columns(3)
    for position, (target, source) in enumerate(suggested.items()):
        label = f"{target} *" if target in required else target
        chosen = grid[position % 3].selectbox(
            label, options, index=options.index(source) if source else 0, key=f"map_{dataset}_{target}"
        )
        mapping[target] = None if chosen == NOT_MAPPED else chosen

lookup_online = st.checkbox(
    "Look up postcodes with postcodes.io (needs internet; answers are cached)",
    value=not config.offline(),
    key="import_online",
)

request = (upload.file_id, dataset, sheet, fmt, tuple(sorted((mapping or {}).items(), key=str)), lookup_online)
if st.button("Check the file", type="primary", key="import_check"):
    bar = st.progress(0.0, text="Checking…")

    def show_progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{stage.capitalize()}…")

    places = pipeline.Places(
        client=geocode.PostcodeClient() if lookup_online else None,
        lad_centroids=caching.lad_centroids(),
        itl1=caching.boundary_layers().itl1,
        use_postcodes=lookup_online,
    )
    try:
        checked = pipeline.ingest(
            table,
            dataset,
            caching.require("capabilities")["capabilities"],
            fmt=fmt,
            mapping=mapping,
            places=places,
            progress=show_progress,
        )
    except pipeline.IngestError as error:
        bar.empty()
        st.error("This file cannot be read this way:")
        st.text(error.message)
        st.stop()
    st.session_state["import_result"] = (request, checked)
    bar.empty()

stored = st.session_state.get("import_result")
if not stored or stored[0] != request:
    st.stop()
result = stored[1]

st.subheader(result.summary())
read, accepted, rejected, unplaced = st.columns(4)
read.metric("Rows read", f"{result.rows_read:,}")
accepted.metric("Accepted", f"{result.rows_accepted:,}")
rejected.metric("Rejected", f"{result.rejected_rows:,}")
unplaced.metric("Not placed", f"{result.rows_unplaced:,}", help="Sites left out only because no place was found")
for note in result.notes[1:]:
    st.text(note)

# Nothing is lost: every row not accepted as it stood is listed and downloadable.
SET_ASIDE = (
    (
        result.rejected,
        "Rejected rows",
        "Row 1 is the first row under the header. Fix these in your file and upload it again.",
        "Download rejected rows (CSV)",
        "rejected",
    ),
    (
        result.unplaced,
        "Rows that could not be placed",
        "Kept and listed, not dropped: sites need a location and are rejected; centres are kept "
        "without one; investments are kept as UK-wide (in no region).",
        "Download unplaced rows (CSV)",
        "unplaced",
    ),
    (
        result.notices,
        "Filled in or left out (rows still accepted)",
        "Columns your file does not have are set to “not stated”; capability words that match "
        "nothing in the taxonomy or its synonym table are left out of the row and kept in its note.",
        "Download this list (CSV)",
        "notices",
    ),
)
for rows, heading, explanation, label, name in SET_ASIDE:
    if rows.empty:
        continue
    st.subheader(heading)
    st.caption(explanation)
    st.dataframe(rows, hide_index=True, width="stretch")
    st.download_button(
        label,
        export.to_csv_bytes(rows),
        file_name=f"{name}-{dataset}.csv",
        mime="text/csv",
        key=f"import_{name}_csv",
    )

if result.accepted.empty:
    st.warning("No row was accepted, so there is nothing to use yet.")
    st.stop()
with st.expander("Accepted rows", expanded=False):
    st.dataframe(result.accepted.head(1000), hide_index=True, width="stretch")

if st.button(
    f"Use this data: {len(result.accepted):,} {DATASET_LABELS[dataset].lower()} in every page", key="import_use"
):
    # Added to what this session already uses, so that sites and then investments both stay.
    current = caching.datasets()
    origin = f"your upload: {pipeline.safe_label(upload.name)}"
    st.session_state["user_datasets"] = datasets.Datasets(
        frames={**current.frames, dataset: result.accepted},
        origin=origin if current.origin == "embedded" else f"{current.origin}; {origin}",
    )
    st.rerun()  # so that the banner ("your data", with its way back) shows at once
offer_data_pack("bottom")  # also here, where the button that made it was pressed
