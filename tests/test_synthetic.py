"""Synthetic benchmark data: loads through MMIP_DATA_DIR like real data, and never passes for it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.data import synthetic
from lib.data.datasets import load_datasets_uncached


@pytest.fixture(scope="module")
def written(tmp_path_factory, itl1):
    out = tmp_path_factory.mktemp("synthetic")
    assert synthetic.main(["--sites", "500", "--out", str(out), "--seed", "7"]) == 0
    return out


def test_written_folder_loads_like_the_embedded_data(written, embedded):
    data = load_datasets_uncached(written)
    assert data.errors == {}
    sites = data.frames["sites"]
    assert len(sites) == 500
    assert sites["site_id"].iloc[0] == "S0000001" and sites["site_id"].iloc[-1] == "S0000500"
    for name in synthetic.COPIED_DATASETS:
        pd.testing.assert_frame_equal(data.frames[name], embedded[name])


def test_every_synthetic_site_says_it_is_synthetic(written):
    sites = load_datasets_uncached(written).frames["sites"]
    assert (sites["source_url"] == "synthetic://lib.synthetic").all()
    assert sites["note"].str.startswith("SYNTHETIC").all()
    assert sites["company"].str.startswith("Synthetic company ").all()
    assert sites["as_of"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()


def test_points_fall_inside_the_region_they_are_labelled_with(written, itl1):
    from lib.geo import boundaries

    sites = load_datasets_uncached(written).frames["sites"]
    found = boundaries.region_of_points(sites, itl1)
    assert (found == sites["itl1_code"]).all()
    assert sites["itl1_code"].nunique() == 12


def test_without_boundaries_points_stay_near_their_template_region(embedded):
    sites = synthetic.generate_sites(2000, embedded["capabilities"], embedded["sites"], itl1=None, seed=1)
    assert sites["latitude"].between(49.8, 60.9).all() and sites["longitude"].between(-8.7, 1.8).all()
    assert (sites["location_precision"] == "town").all()
    # Jitter is a few km: every point is within 0.5 degrees of some embedded site of its region.
    template = embedded["sites"]
    for code, group in sites.groupby("itl1_code"):
        anchors = template.loc[template["itl1_code"] == code, ["latitude", "longitude"]].to_numpy()
        points = group[["latitude", "longitude"]].to_numpy()
        nearest = np.abs(points[:, None, :] - anchors[None, :, :]).max(axis=2).min(axis=1)
        assert nearest.max() < 0.5, code


def test_same_seed_same_data_other_seed_other_data(embedded):
    args = (300, embedded["capabilities"], embedded["sites"])
    first = synthetic.generate_sites(*args, seed=3, as_of="2025-01-01")
    again = synthetic.generate_sites(*args, seed=3, as_of="2025-01-01")
    other = synthetic.generate_sites(*args, seed=4, as_of="2025-01-01")
    pd.testing.assert_frame_equal(first, again)
    assert not first["latitude"].equals(other["latitude"])


def test_status_is_mostly_operational_with_every_status_present(embedded):
    sites = synthetic.generate_sites(5000, embedded["capabilities"], embedded["sites"], seed=0)
    shares = sites["status"].value_counts(normalize=True)
    assert shares["operational"] > 0.85
    assert set(shares.index) == set(synthetic.STATUS_WEIGHTS)


def test_capabilities_are_distinct_known_and_one_to_four_per_site():
    rng = np.random.default_rng(0)
    ids = ["a", "b", "c", "d", "e", "f"]
    drawn = synthetic.draw_capabilities(rng, 1000, ids)
    sizes = drawn.map(len)
    assert sizes.min() == 1 and sizes.max() == 4
    assert (drawn.map(lambda v: len(set(v))) == sizes).all()
    assert set(drawn.explode()) == set(ids)


def test_capability_weights_steer_the_draw():
    rng = np.random.default_rng(0)
    drawn = synthetic.draw_capabilities(
        rng, 2000, ["common", "rare1", "rare2", "rare3"], weights=np.array([0.97, 0.01, 0.01, 0.01]), max_per_site=1
    )
    assert (drawn.str[0] == "common").mean() > 0.9


def test_ids_are_seven_digits_and_match_the_schema_pattern():
    assert synthetic.site_ids(3).tolist() == ["S0000001", "S0000002", "S0000003"]


def test_cli_refuses_zero_sites(tmp_path):
    with pytest.raises(SystemExit):
        synthetic.main(["--sites", "0", "--out", str(tmp_path)])
