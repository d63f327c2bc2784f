"""The money rule of data/README.md restated for tests, independently of lib: award records, each
pound once (an award inside another award is left out), public grants only by default."""

import pandas as pd


def counted_grants(investments: pd.DataFrame) -> pd.DataFrame:
    rows = investments.loc[investments["record_type"] == "award"]
    rows = rows.loc[~rows["part_of"].isin(rows["investment_id"])]
    return rows.loc[rows["instrument"].fillna("not stated") == "grant"]


DEFAULT_SCOPES = ("human_medicines", "ivd", "packaging_components")


def default_landscape(sites: pd.DataFrame, centres: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The facilities the dashboard counts by default (data/README.md): sites making human
    medicines, diagnostics or packaging components (or not stating what), and centres that are not
    the same facility as a listed site (that facility counts once, as the site)."""
    shown_sites = sites.loc[sites["scope"].isin(DEFAULT_SCOPES) | sites["scope"].isna()]
    shown_centres = centres.loc[~centres["linked_site_id"].isin(sites["site_id"])]
    return shown_sites, shown_centres
