"""Figure builders for the UK facility map (Plotly MapLibre traces, no token, no tiles by default).

Offline, any named tile style blanks the whole map, points included, so the default style is
``white-bg`` with the ONS region outlines drawn in the figure itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib import landscape, theme

UK_CENTER = {"lat": 54.6, "lon": -3.2}
UK_ZOOM = 4.4
OFFLINE_STYLE = "white-bg"
KIND_STYLE = {
    landscape.SITE: {"color": theme.CATEGORICAL[0], "symbol": "circle"},
    landscape.CENTRE: {"color": theme.CATEGORICAL[3], "symbol": "circle"},
}


def facility_table(facilities: pd.DataFrame) -> pd.DataFrame:
    """The facilities as a readable table (lists joined), for "show data" and the directory."""
    table = facilities[["facility_id", "kind", "name", "organisation", "town", "region", "status",
                        "capabilities", "employees", "source_url", "as_of"]].copy()
    table["kind"] = table["kind"].map(landscape.KIND_LABELS)
    table["capabilities"] = table["capabilities"].map(lambda v: ", ".join(v))
    return table.rename(columns={"facility_id": "id", "organisation": "company / operator"})


def facility_map(facilities: pd.DataFrame, outlines: tuple[np.ndarray, np.ndarray] | None = None,
                 title: str | None = None) -> go.Figure:
    fig = go.Figure()
    if outlines is not None:
        lon, lat = outlines
        fig.add_trace(go.Scattermap(lon=lon, lat=lat, mode="lines", hoverinfo="skip", showlegend=False,
                                    line=dict(color=theme.NEUTRAL, width=1), name="ITL1 regions"))
    for kind, style in KIND_STYLE.items():
        rows = facilities.loc[(facilities["kind"] == kind) & facilities["latitude"].notna()]
        fig.add_trace(go.Scattermap(
            lon=rows["longitude"], lat=rows["latitude"], mode="markers",
            marker=dict(size=10 if kind == landscape.SITE else 14, color=style["color"], opacity=0.85),
            name=f"{landscape.KIND_LABELS[kind]}s ({len(rows):,})",
            customdata=np.stack([rows["facility_id"], rows["name"], rows["town"].fillna("")], axis=-1)
            if len(rows) else None,
            hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
        ))
    fig.update_layout(map=dict(style=OFFLINE_STYLE, center=UK_CENTER, zoom=UK_ZOOM), uirevision="uk-map",
                      height=700)
    theme.apply(fig, title or f"{len(facilities):,} medicines-manufacturing facilities across the UK",
                "project dataset (data/source); region outlines: " + _ons())
    return fig


def facility_map_finding(facilities: pd.DataFrame) -> str:
    if facilities.empty:
        return "No facility matches the filters."
    top = facilities["region"].value_counts()
    return (f"{top.index[0]} has the most facilities matching the filters ({top.iloc[0]:,} of "
            f"{len(facilities):,}).")


def _ons() -> str:
    from lib import geo

    return geo.attribution()
