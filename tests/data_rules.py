"""The money rule of data/README.md restated for tests, independently of lib: award records, each
pound once (an award inside another award is left out), public grants only by default."""

import pandas as pd


def counted_grants(investments: pd.DataFrame) -> pd.DataFrame:
    rows = investments.loc[investments["record_type"] == "award"]
    rows = rows.loc[~rows["part_of"].isin(rows["investment_id"])]
    return rows.loc[rows["instrument"].fillna("not stated") == "grant"]
