"""The map of centres of excellence: offline, centres grouped by where they stand.

Follows the offline conventions of :mod:`lib.figures.map_figures` (British National Grid chart, ONS outlines
drawn in the figure, never tiles). Status is carried by the legend text, the marker size and the hover text
as well as by the colour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.figures import map_figures, theme
from lib.geo import boundaries

STATUS_GROUPS = {
    "operational": "Operational",
    "under construction": "Planned or being built",
    "proposed": "Planned or being built",
    "closed": "Closed or sold",
    "sold": "Closed or sold",
}
GROUP_STYLE = {
    "Operational": {"color": theme.CATEGORICAL[0], "size": 18},
    "Planned or being built": {"color": theme.CATEGORICAL[3], "size": 14},
    "Closed or sold": {"color": theme.CATEGORICAL[4], "size": 10},
}


def centre_map(
    centre_facilities: pd.DataFrame, outlines: tuple[np.ndarray, np.ndarray] | None = None, title: str = ""
) -> go.Figure:
    """Centres (rows of :func:`lib.analysis.landscape.facilities`) as points, one trace per status group;
    ``customdata[0]`` is the centre id. Centres with no single place are not drawn (the source line
    says how many)."""
    fig = go.Figure()
    if outlines is not None:
        fig.add_trace(map_figures.outline_trace(outlines))
    located = centre_facilities.dropna(subset=["latitude", "longitude"])
    groups = located["status"].map(STATUS_GROUPS)
    for group, style in GROUP_STYLE.items():
        rows = located.loc[groups == group]
        if rows.empty:
            continue
        fig.add_trace(
            map_figures.geo_trace(
                map_figures.DEFAULT_BASEMAP,
                rows["longitude"],
                rows["latitude"],
                mode="markers",
                name=f"{group} ({len(rows)})",
                marker=dict(size=style["size"], color=style["color"], opacity=0.9),
                customdata=np.stack(
                    [
                        rows["facility_id"],
                        theme.plain_text(rows["name"]),
                        theme.plain_text(rows["organisation"]),
                        theme.plain_text(rows["town"].fillna("town not stated")),
                        rows["status"],
                    ],
                    axis=-1,
                ),
                hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}"
                "<br>Status: %{customdata[4]}<extra></extra>",
            )
        )
    map_figures.map_layout(fig, map_figures.DEFAULT_BASEMAP, "centre-map")
    source = "project dataset (data/source/centres.csv)"
    unplaced = len(centre_facilities) - len(located)
    if unplaced:
        source += f"; {unplaced} with no single place not shown"
    if outlines is not None:
        source += "; region outlines: " + boundaries.ons_credit()
    return theme.apply(fig, title, source)
