"""Rendering helpers shared by the pages: charts with their finding and data, downloads, profiles."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.analysis import directory
from lib.data import export
from lib.data.loading import DatasetError
from lib.figures import text_tables, theme

SHOW_DATA_ROWS = 1_000
# A chart in a column (the Overview's map) is about half the main column's width.
NARROW_TITLE_CHARS = 42
NARROW_SOURCE_CHARS = 62
FILL_HEIGHT_FLOOR_PX = 480


def show_dataset_error(error: DatasetError) -> None:
    st.error(
        f"**{error.file}** cannot be used: {error.message}. Pages that need it are unavailable; "
        "the rest of the dashboard still works."
    )
    if not error.problems.empty:
        st.dataframe(error.problems.head(200), hide_index=True)
        st.download_button(
            "Download all problems (CSV)",
            export.to_csv_bytes(error.problems),
            file_name=f"problems-{error.file}.csv",
            mime="text/csv",
            key=f"dl-problems-{error.file}",
        )


def chart(
    fig: go.Figure,
    key: str,
    finding: str,
    data: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
    on_select: str | None = None,
    height: int | None = None,
    narrow: bool = False,
    fill_height: str | None = None,
):
    """A chart with export settings, its one-sentence finding, and a "show data" table (``data``
    may be a function, called only when the table is opened).

    ``narrow``: the chart sits in a column, so its title and source line wrap shorter.
    ``fill_height``: a CSS height (e.g. ``calc(100vh - 15rem)``) the chart fills, so a map uses the
    height of the window it is shown in, whatever the screen; ``height`` is then its floor in px.
    """
    if narrow:
        theme.rewrap(fig, NARROW_TITLE_CHARS, NARROW_SOURCE_CHARS)
    title = (fig.layout.title.text or key).replace("<br>", " ")
    config_ = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": export.slug(title)},
        "modeBarButtonsToAdd": ["toImage"],
    }
    # theme=None: keep the Analysis Function template (Streamlit's theme would shrink tick labels
    # to ~11 px, too small on a projector, and swap our palette).
    kwargs = {"key": key, "config": config_, "width": "stretch", "theme": None}
    if on_select:
        kwargs.update(on_select=on_select, selection_mode=("points", "box", "lasso"))
    if fill_height:
        floor = height or FILL_HEIGHT_FLOOR_PX
        # Plotly takes its container's height only when the figure names none, and Streamlit gives a
        # chart a stretchable height only inside a container of fixed height: the container's height
        # is then set in CSS, relative to the window (Streamlit has no window height to offer).
        fig.update_layout(height=None)
        box = f"{key}-box"
        size = f"max({floor}px, {fill_height})"
        # The container and the wrapper Streamlit puts round it both carry the fixed height.
        st.html(
            f"<style>.st-key-{box}, div:has(> .st-key-{box}) {{ height: {size} !important; "
            f"min-height: {size} !important; max-height: none !important; }}</style>"
        )
        with st.container(height=floor, border=False, key=box):
            event = st.plotly_chart(fig, height="stretch", **kwargs)
    else:
        if height:
            fig.update_layout(height=height)
        event = st.plotly_chart(fig, **kwargs)
    st.caption(finding)
    if data is not None:
        # Built only once opened (a rerun): a collapsed expander's table would otherwise be sent and
        # drawn on every rerun, which cost ~0.4 s per page in the browser. The table is capped and
        # the file built only when asked, so no session holds 100k rows as bytes.
        with st.expander("Show data", key=f"{key}-data", on_change="rerun") as shown:
            if shown.open:
                data = data() if callable(data) else data
                st.dataframe(data.head(SHOW_DATA_ROWS), hide_index=True, width="stretch")
                if len(data) > SHOW_DATA_ROWS:
                    st.caption(f"First {SHOW_DATA_ROWS:,} of {len(data):,} rows; the download has them all.")
                st.download_button(
                    "Download (CSV)",
                    lambda: export.to_csv_bytes(data),
                    on_click="ignore",
                    file_name=f"{export.slug(title)}.csv",
                    mime="text/csv",
                    key=f"{key}-csv",
                )
    # PNG comes from the chart's own toolbar; SVG (vector) is drawn on the server only when asked.
    st.download_button(
        "Download chart (SVG)",
        lambda: chart_svg(fig),
        on_click="ignore",
        type="tertiary",
        file_name=f"{export.slug(title)}.svg",
        mime="image/svg+xml",
        key=f"{key}-svg",
    )
    return event


def chart_svg(fig: go.Figure) -> bytes:
    from lib.present import static_images

    try:
        return static_images.figure_svg(fig)
    except static_images.StaticImagesUnavailable as error:
        return static_images.unavailable_svg(str(error))


def download_buttons(
    frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str, key: str, deferred: bool = True
) -> None:
    """CSV and Excel (with a Sources sheet) of a table, formula-safe. ``deferred`` builds a file
    only when its button is clicked (Excel of 100k rows takes many seconds: not on every rerun,
    and no copy held in memory per session); ``frame`` may be a function, called only then."""

    def table() -> pd.DataFrame:
        return frame() if callable(frame) else frame

    def csv_bytes() -> bytes:
        return export.to_csv_bytes(table())

    def excel_bytes() -> bytes:
        rows = table()
        return export.to_excel_bytes({"data": rows, "sources": export.sources_table(rows)})

    left, right = st.columns(2)
    left.download_button(
        "Download CSV",
        csv_bytes if deferred else csv_bytes(),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        width="stretch",
        on_click="ignore",
    )
    right.download_button(
        "Download Excel",
        excel_bytes if deferred else excel_bytes(),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        width="stretch",
        on_click="ignore",
    )


def profile(facts: directory.Profile) -> None:
    """One facility or centre: its facts as escaped Markdown (data never becomes markup or HTML)
    and its sources, linked only where the address is plain http(s)."""
    st.markdown(f"### {text_tables.markdown_text(facts.title)}")
    stated = facts.fields.loc[facts.fields["value"] != ""]
    st.markdown("\n".join("- **" + stated["field"] + ":** " + text_tables.escape_markdown(stated["value"])))
    st.markdown("**Sources**\n\n" + directory.sources_markdown(facts.sources))
