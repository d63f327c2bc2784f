"""The data audit (python -m lib.data.audit): passes on the embedded data, fails on what it must."""

import subprocess
import sys

import pandas as pd
import pytest

from lib.data import audit

TODAY = pd.Timestamp("2026-12-06")


@pytest.fixture()
def frames(embedded):
    return {name: embedded[name].copy() for name in audit.AUDITED}


def test_the_embedded_data_passes(frames):
    result = audit.audit(frames, TODAY)
    assert result.passed, result.problems
    assert list(result.table["dataset"]) == ["sites", "centres", "investments"]
    assert (result.table["rows"] == [len(frames[n]) for n in audit.AUDITED]).all()


def test_a_duplicated_site_fails(frames):
    frames["sites"] = pd.concat([frames["sites"], frames["sites"].iloc[[0]]], ignore_index=True)
    result = audit.audit(frames, TODAY)
    assert not result.passed
    assert set(result.problems["check"]) == {"duplicates"}
    assert result.problems["record_id"].tolist() == [frames["sites"].iloc[0]["site_id"]] * 2


def test_an_undated_unverified_row_fails(frames):
    frames["centres"].loc[frames["centres"].index[0], ["as_of", "verified_on"]] = pd.NA
    result = audit.audit(frames, TODAY)
    assert result.problems.loc[result.problems["check"] == "no source or date", "record_id"].tolist() == [
        frames["centres"].iloc[0]["centre_id"]
    ]


def test_an_award_counted_inside_another_counted_award_fails(frames):
    inv = frames["investments"]
    awards = inv.index[(inv["record_type"] == "award") & inv["part_of"].isna() & inv["public_gbp"].notna()]
    child = inv.loc[[awards[0]]].assign(investment_id="I9999", part_of=inv.loc[awards[1], "investment_id"])
    # Written as if the child were not known to be inside the other award: the sum would overlap.
    frames["investments"] = pd.concat([inv, child.assign(part_of=pd.NA)], ignore_index=True)
    result = audit.audit(frames, TODAY)
    assert "overlapping money" in set(result.problems["check"])


def test_shares_are_computed_against_the_given_day(frames):
    later = audit.audit(frames, TODAY + pd.DateOffset(years=3)).table.set_index("dataset")
    assert (later["verified in the last 24 months"] == 0).all()


def test_the_command_prints_the_table_and_exits_0():
    done = subprocess.run(
        [sys.executable, "-m", "lib.data.audit", "--today", "2026-12-06"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "sites" in done.stdout and "audit passed" in done.stdout
    assert "Traceback" not in done.stderr
