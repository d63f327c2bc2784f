"""Map figure builders: offline trace types, colours, ids a click returns, region values, scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from lib.analysis import key_figures, landscape, map_selection
from lib.data.schemas import ITL1_CODES
from lib.figures import map_figures, text_tables, theme
from lib.geo import boundaries, projection
from lib.ui import caching


def synthetic_facilities(n: int, seed: int = 0) -> pd.DataFrame:
    """SYNTHETIC test data: n fictional sites scattered over Great Britain, labelled as such."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "facility_id": [f"S{i:07d}" for i in range(n)],
            "kind": np.where(rng.random(n) < 0.05, landscape.CENTRE, landscape.SITE),
            "name": "Synthetic site",
            "organisation": "Synthetic company",
            "town": "Synthetic town",
            "itl1_code": rng.choice(ITL1_CODES, n),
            "region": "Synthetic region",
            "latitude": rng.uniform(50.5, 57.5, n),
            "longitude": rng.uniform(-4.5, 0.5, n),
            "location_precision": "town",
            "capabilities": [["biologics"]] * n,
            "status": "operational",
            "employees": pd.array([pd.NA] * n, dtype="Int64"),
            "subtype": "commercial",
            "source_url": "synthetic://test",
            "as_of": "2025-01-01",
            "note": "SYNTHETIC",
        }
    )


POINT_TYPES = {"scatter", "scattergl", "scattermap"}


def point_traces(fig: go.Figure) -> list:
    return [t for t in fig.data if t.type in POINT_TYPES and t.mode == "markers"]


def point_count(trace) -> int:
    return len(trace.lat if trace.type == "scattermap" else trace.x)


# ---------------------------------------------------------------- the facility map


def test_offline_by_default_in_british_national_grid_with_outlines(facility_frame, embedded, itl1):
    fig = map_figures.facility_map(
        facility_frame, outlines=boundaries.outline_coordinates(itl1), capabilities=embedded["capabilities"]
    )
    # Never a tile style, never scattergeo (it fetches world outlines from a CDN).
    assert {t.type for t in fig.data} == {"scatter"}
    assert fig.layout.map.style is None
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1  # the UK keeps its shape
    outline = fig.data[0]
    x = np.asarray(outline.x, dtype=float)
    assert outline.mode == "lines" and np.isnan(x).any()  # breaks between rings stay breaks
    # Every outline point and facility lies inside the view of the UK.
    lo, hi = projection.PLANE_X_RANGE
    assert lo <= np.nanmin(x) and np.nanmax(x) <= hi
    for trace in point_traces(fig):
        assert projection.PLANE_Y_RANGE[0] <= min(trace.y) and max(trace.y) <= projection.PLANE_Y_RANGE[1]
    assert fig.layout.uirevision  # zoom and pan survive reruns
    assert "Office for National Statistics" in theme.source_of(fig)
    # The axes are hidden, so the source line sits just under the map, not off the bottom.
    source = next(a for a in fig.layout.annotations if a.name == "source")
    assert source.yshift == -8


def test_plane_coordinates_are_british_national_grid_metres():
    # Greenwich observatory: about 538,900 E, 177,100 N in British National Grid.
    x, y = projection.to_plane([-0.0015, np.nan], [51.4778, np.nan])
    assert x[0] == pytest.approx(538_900, abs=300) and y[0] == pytest.approx(177_100, abs=300)
    assert np.isnan(x[1]) and np.isnan(y[1])


def test_street_map_only_when_asked(facility_frame):
    fig = map_figures.facility_map(facility_frame, basemap="streets")
    assert fig.layout.map.style == "open-street-map"
    assert {t.type for t in fig.data} == {"scattermap"}
    assert "needs internet" in map_figures.BASEMAPS["streets"]


def test_every_located_facility_is_a_point_whose_customdata_is_its_id(facility_frame, embedded):
    fig = map_figures.facility_map(facility_frame, capabilities=embedded["capabilities"])
    coloured = [t for t in point_traces(fig) if t.marker.color != "white"]
    ids = [row[0] for t in coloured for row in t.customdata]
    located = facility_frame.dropna(subset=["latitude", "longitude"])
    assert sorted(ids) == sorted(located["facility_id"])


def test_colour_by_kind_uses_the_palette_and_names_counts_in_the_legend(facility_frame):
    fig = map_figures.facility_map(facility_frame, colour_by="kind")
    by_name = {t.name: t for t in point_traces(fig)}
    sites = int((facility_frame["kind"] == "site").sum())
    site_trace = by_name[f"Manufacturing site ({sites:,})"]
    assert site_trace.marker.color == theme.CATEGORICAL[0]
    centre_trace = next(t for name, t in by_name.items() if name.startswith("Innovation centre ("))
    assert centre_trace.marker.color == theme.CATEGORICAL[1]


def test_centres_are_distinct_without_colour(facility_frame):
    """Centres get a white dot on top of a larger marker: visible in greyscale too."""
    fig = map_figures.facility_map(facility_frame, colour_by="status")
    dots = [t for t in point_traces(fig) if t.marker.color == "white"]
    assert len(dots) == 1
    centres = facility_frame.loc[(facility_frame["kind"] == "centre") & facility_frame["latitude"].notna()]
    assert sorted(row[0] for row in dots[0].customdata) == sorted(centres["facility_id"])
    sizes = map_figures.marker_sizes(facility_frame)
    assert sizes[facility_frame["kind"] == "centre"].eq(map_figures.CENTRE_SIZE).all()


def test_size_grows_with_employees_and_unstated_is_smallest():
    frame = pd.DataFrame(
        {"kind": ["site", "site", "site", "centre"], "employees": pd.array([pd.NA, 9, 999, pd.NA], dtype="Int64")}
    )
    sizes = map_figures.marker_sizes(frame).tolist()
    assert sizes == [8.0, 12.0, 20.0, 20.0]  # 8 + 4*log10(1+n): 10 -> 12, 1000 -> 20


def test_colour_categories_by_capability_group():
    frame = pd.DataFrame({"capabilities": [["biologics"], ["biologics", "api"], [], ["diagnostics"]]})
    groups = {"biologics": "Modality", "api": "Process stage", "diagnostics": "Enabling"}
    got = map_figures.colour_categories(frame, "capability_group", groups).tolist()
    assert got == ["Modality", map_figures.SEVERAL_GROUPS, map_figures.NO_CAPABILITY, "Enabling"]


def test_hover_names_company_town_capabilities_status_and_source(facility_frame, embedded):
    fig = map_figures.facility_map(facility_frame, capabilities=embedded["capabilities"])
    trace = point_traces(fig)[0]
    for word in ("Company / operator", "Town", "Capabilities", "Status", "Source"):
        assert word in trace.hovertemplate
    row = trace.customdata[0]
    facility = facility_frame.set_index("facility_id").loc[row[0]]
    names = dict(zip(embedded["capabilities"]["capability_id"], embedded["capabilities"]["name"]))
    assert row[4] == ", ".join(names[c] for c in facility["capabilities"])
    assert row[6] == facility["source_url"]


# ---------------------------------------------------------------- many points


def test_100k_points_are_counted_in_grid_squares():
    frame = synthetic_facilities(100_000)
    fig = map_figures.facility_map(frame)
    traces = point_traces(fig)
    assert len(traces) == 1
    counts = np.asarray(traces[0].customdata[:, 1], dtype=int)
    assert counts.sum() == 100_000
    assert len(counts) < 10_000
    assert "10 km square" in map_figures.facility_map_caption(frame)


def test_below_the_threshold_every_point_is_drawn():
    frame = synthetic_facilities(map_selection.AGGREGATE_ABOVE)
    fig = map_figures.facility_map(frame)
    coloured = [t for t in point_traces(fig) if t.marker.color != "white"]
    assert sum(point_count(t) for t in coloured) == map_selection.AGGREGATE_ABOVE
    # Thousands of points go to WebGL; a few hundred stay SVG.
    assert any(t.type == "scattergl" for t in coloured) or all(
        point_count(t) <= map_figures.SVG_POINTS_MAX for t in coloured
    )


def test_grid_cells_hand_computed():
    # Two points 1 km apart near York share a 10 km square; one in Edinburgh is on its own.
    frame = pd.DataFrame(
        {
            "latitude": [53.960, 53.965, 55.953],
            "longitude": [-1.080, -1.080, -3.188],
            "kind": ["site", "centre", "site"],
        }
    )
    cells = map_selection.grid_cells(frame)
    assert sorted(cells["facilities"].tolist()) == [1, 2]
    york = cells.loc[cells["facilities"] == 2].iloc[0]
    assert york["centres"] == 1
    assert abs(york["latitude"] - 53.96) < 0.1 and abs(york["longitude"] + 1.08) < 0.15


def test_picking_a_grid_square_selects_its_facilities():
    frame = synthetic_facilities(6_000)
    cell = map_selection.grid_cells(frame).sort_values("facilities").iloc[-1]
    picked = map_selection.facilities_for_selection(frame, [cell["cell"]])
    assert len(picked) == cell["facilities"]


# ---------------------------------------------------------------- selection


def test_selected_ids_from_a_streamlit_selection():
    points = [{"customdata": ["S0001", "x"]}, {"customdata": ["C001"]}, {"customdata": ["S0001"]}, {"location": "TLM"}]
    assert map_selection.selected_ids(points) == ["S0001", "C001", "TLM"]
    assert map_selection.selected_regions(points) == ["TLM"]
    assert map_selection.selected_ids([]) == []


def test_details_of_a_picked_facility_are_markdown_safe(facility_frame, embedded):
    row = facility_frame.iloc[0].copy()
    row["name"] = "Acme $5m *plant*"
    text = map_figures.facility_details_markdown(row, {})
    assert "\\$5m \\*plant\\*" in text
    assert text_tables.markdown_text(row["source_url"]) in text  # a URL in data never becomes a link


# ---------------------------------------------------------------- the region layer


def test_choropleth_values_equal_the_analysis_numbers(metrics, embedded, itl1):
    geojson = boundaries.geojson_of(itl1, "itl1_code", simplify_m=500)
    fig = map_figures.region_choropleth(metrics, "investment", geojson, label_points=boundaries.region_centroids(itl1))
    fills, labels = fig.data[:-1], fig.data[-1]
    assert [t.name for t in fills] == list(ITL1_CODES) and all(t.fill == "toself" for t in fills)
    expected = key_figures.investment_by_region(embedded["investments"], embedded["regions"]).set_index("itl1_code")
    got = dict(zip(labels.customdata[:, 0], labels.marker.color))
    for code in ITL1_CODES:
        assert got[code] == pytest.approx(expected.loc[code, "public_gbp"] / 1e6)
    # Direct labels: the value of every region is written on the map, in £m.
    top = expected["public_gbp"].idxmax()
    assert labels.text[list(labels.customdata[:, 0]).index(top)].startswith("£")
    assert labels.marker.colorbar.title.text == "£m" and labels.marker.cmin == 0
    # The largest value gets the darkest fill; a region with none gets the lightest.
    darkest = fills[list(ITL1_CODES).index(top)].fillcolor
    assert darkest == map_figures.sample_colorscale(theme.SEQUENTIAL_SCALE, [1.0])[0]
    assert not np.isnan(np.asarray(labels.x, dtype=float)).any()  # every region has its dot
    assert "Office for National Statistics" in theme.source_of(fig)


def test_choropleth_on_street_tiles_is_a_maplibre_choropleth(metrics, itl1):
    geojson = boundaries.geojson_of(itl1, "itl1_code", simplify_m=500)
    fig = map_figures.region_choropleth(metrics, "facilities", geojson, basemap="streets")
    assert fig.data[0].type == "choroplethmap" and fig.layout.map.style == "open-street-map"
    assert {f["id"] for f in geojson["features"]} == set(fig.data[0].locations)


def test_selected_region_gets_a_thick_outline(metrics, itl1):
    geojson = boundaries.geojson_of(itl1, "itl1_code", simplify_m=500)
    fig = map_figures.region_choropleth(metrics, "facilities", geojson, selected=("TLM",))
    widths = {t.name: t.line.width for t in fig.data[:-1]}
    assert widths["TLM"] > widths["TLC"]


def test_tile_grid_is_twelve_labelled_squares_with_values(metrics):
    fig = map_figures.region_tile_grid(metrics, "facilities", selected=("TLL",))
    trace = fig.data[0]
    assert trace.type == "scatter" and trace.marker.symbol == "square"
    assert len(trace.x) == 12
    assert list(trace.marker.color) == metrics["facilities"].astype(float).tolist()
    scotland = list(trace.customdata[:, 0]).index("TLM")
    assert "Scotland" in trace.text[scotland]
    assert f"<b>{metrics.set_index('itl1_code').loc['TLM', 'facilities']}</b>" in trace.text[scotland]
    positions = set(zip(trace.x, trace.y))
    assert len(positions) == 12  # no two regions share a square
    assert "tile grid" in theme.source_of(fig).lower()


def test_facility_table_joins_capabilities(facility_frame):
    table = map_selection.facility_table(facility_frame)
    first = facility_frame.iloc[0]
    assert table.iloc[0]["capabilities"] == ", ".join(first["capabilities"])
    assert set(table["kind"]) == {"Manufacturing site", "Innovation centre"}


# ---------------------------------------------------------------- the page (AppTest)


def count_line(at) -> str:
    return next(m.value for m in at.markdown if "facilities match the filters" in m.value)


def test_map_page_shows_one_map_at_a_time_and_the_count(default_facilities):
    from tests.apptest_helpers import assert_healthy, open_page

    at = open_page("app_pages/map.py")
    assert_healthy(at)
    assert count_line(at).startswith(f"**{len(default_facilities):,}** facilities")
    assert at.radio(key="url_layer").value == "sites"
    assert at.selectbox(key="url_colour").value == "kind"
    assert at.radio(key="url_basemap").value == "offline"
    assert "Click a region" not in " ".join(c.value for c in at.caption)

    at.radio(key="url_layer").set_value("regions").run()
    assert_healthy(at)
    captions = " ".join(c.value for c in at.caption)
    assert "Click a region" in captions and "programme totals" in captions
    assert at.selectbox(key="url_metric").value == "facilities"
    assert at.query_params["layer"] == "regions"


def test_region_filter_changes_the_count_and_can_be_cleared(default_facilities):
    from tests.apptest_helpers import assert_healthy, open_page

    at = open_page("app_pages/map.py", query={"layer": "regions"})
    at.session_state["f_region"] = ["TLN"]
    at.run()
    assert_healthy(at)
    expected = int((default_facilities["itl1_code"] == "TLN").sum())
    assert count_line(at).startswith(f"**{expected:,}** facilities")
    at.button(key="map-all-regions").click().run()
    assert count_line(at).startswith(f"**{len(default_facilities):,}** facilities")


def test_choices_go_into_the_link():
    from tests.apptest_helpers import assert_healthy, open_page

    at = open_page("app_pages/map.py")
    at.selectbox(key="url_colour").set_value("status").run()
    at.radio(key="url_layer").set_value("regions").run()
    at.selectbox(key="url_metric").set_value("per_head").run()
    assert_healthy(at)
    assert at.query_params["colour"] == "status"
    assert at.query_params["metric"] == "per_head"
    assert "is highest on public investment per head" in " ".join(c.value for c in at.caption)


def test_a_link_with_a_site_opens_its_details(facility_frame):
    from tests.apptest_helpers import assert_healthy, open_page

    site = facility_frame.iloc[0]
    at = open_page("app_pages/map.py", query={"site": site["facility_id"], "colour": "nonsense"})
    assert_healthy(at)
    details = " ".join(m.value for m in at.markdown)
    assert site["organisation"] in details and "Approximate employees" in details
    assert at.selectbox(key="url_colour").value == "kind"
    assert any("nonsense" in w.value for w in at.warning)


def test_a_link_with_several_sites_lists_them_as_text_with_capability_names(facility_frame, embedded):
    from tests.apptest_helpers import assert_healthy, markdown_tables, open_page

    picked = facility_frame.iloc[[0, 1, 2]]
    at = open_page("app_pages/map.py", query={"site": ",".join(picked["facility_id"])})
    assert_healthy(at)
    assert any("**3** facilities selected" in m.value for m in at.markdown)
    # Text, not a data grid (whose JavaScript slowed the redraw after a selection).
    assert not at.dataframe
    table = next(t for t in markdown_tables(at) if "capabilities" in t.columns)
    names = dict(zip(embedded["capabilities"]["capability_id"], embedded["capabilities"]["name"]))
    first = picked.iloc[0]
    row = table.iloc[0]
    assert row["name"] == first["name"].replace("\\", "")
    assert row["capabilities"] == ", ".join(names[c] for c in first["capabilities"])
    assert row["source"] == first["source_url"]
    assert len(table) == 3


def _clear_boundary_caches():
    for cached in (caching.boundary_layers, caching.region_geojson, caching.region_outlines, caching.region_centroids):
        cached.clear()


def test_a_fresh_install_offline_draws_the_regions_from_the_shipped_outline(tmp_path, monkeypatch):
    """No boundary folder, nothing cached, no network: the region map still shows the 12 regions'
    shapes (the shipped ITL1 outline), with the ONS attribution, not the tile grid."""
    from tests.apptest_helpers import assert_healthy, open_page

    monkeypatch.delenv("MMIP_BOUNDARIES_DIR", raising=False)
    monkeypatch.setenv("MMIP_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("MMIP_OFFLINE", "1")
    _clear_boundary_caches()
    try:
        at = open_page("app_pages/map.py", query={"layer": "regions"})
        assert_healthy(at)
        assert not any("tile grid" in i.value for i in at.info)
        import json

        fig = go.Figure(json.loads(at.get("plotly_chart")[0].proto.spec))
        assert sum(trace.fill == "toself" for trace in fig.data) == 12
        assert "Office for National Statistics" in theme.source_of(fig)
        assert caching.region_geojson() is not None and len(caching.region_geojson()["features"]) == 12
    finally:
        monkeypatch.undo()
        _clear_boundary_caches()


def test_without_even_the_outline_the_regions_are_a_tile_grid(tmp_path, monkeypatch):
    from lib.geo import outline
    from tests.apptest_helpers import assert_healthy, open_page

    monkeypatch.setenv("MMIP_BOUNDARIES_DIR", str(tmp_path))
    monkeypatch.setenv("MMIP_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(outline, "OUTLINE_FILE", tmp_path / "missing.geojson")
    _clear_boundary_caches()
    try:
        at = open_page("app_pages/map.py", query={"layer": "regions"})
        assert_healthy(at)
        assert any("tile grid" in i.value and "missing.geojson is missing" in i.value for i in at.info)
    finally:
        monkeypatch.undo()
        _clear_boundary_caches()


def test_names_from_data_are_escaped_in_hover_text():
    """A name from an uploaded file must not become a live link or markup in the map tooltip."""
    frame = synthetic_facilities(3)
    frame.loc[0, "name"] = "<a href='https://evil.example'>Click me</a>"
    frame.loc[1, "town"] = "Town & <b>bold</b>"
    fig = map_figures.facility_map(frame)
    hover = np.concatenate([np.asarray(t.customdata) for t in point_traces(fig)])
    text = " ".join(map(str, hover.ravel()))
    assert "<a href" not in text and "&lt;a href=" in text
    assert "Town &amp; &lt;b&gt;bold&lt;/b&gt;" in text


def test_precomputed_grid_coordinates_give_the_same_squares():
    """The cached table carries BNG metres so a rerun need not transform a million points: the
    squares and counts must be exactly those computed from latitude/longitude."""
    frame = synthetic_facilities(20_000, seed=3)
    frame.loc[frame.index[:5], "latitude"] = np.nan  # unplaced facilities are left out either way
    fast = map_selection.grid_cells(projection.with_grid_coordinates(frame))
    slow = map_selection.grid_cells(frame)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["facilities"].sum() == 20_000 - 5
    assert "19,995 facilities" in map_figures.facility_map_caption(frame)


def test_cached_projected_outlines_draw_where_fresh_ones_do(itl1):
    outlines = boundaries.outline_coordinates(itl1)
    fresh = map_figures.outline_trace(outlines)
    cached = map_figures.outline_trace(projection.plane_outlines(outlines))
    np.testing.assert_allclose(np.asarray(cached.x, float), np.asarray(fresh.x, float), rtol=0, atol=0.1)
    np.testing.assert_allclose(np.asarray(cached.y, float), np.asarray(fresh.y, float), rtol=0, atol=0.1)
    on_tiles = map_figures.outline_trace(projection.plane_outlines(outlines), basemap="streets")
    assert on_tiles.type == "scattermap"  # street tiles still take longitude/latitude


def test_nothing_picked_selects_nothing(facility_frame):
    assert map_selection.facilities_for_selection(facility_frame, []).empty


def test_an_ons_geojson_in_british_national_grid_still_puts_regions_in_place(itl1, tmp_path):
    # Older ONS downloads carry a "crs" member and metres, not degrees.
    import json

    payload = json.loads(itl1.rename(columns={"itl1_code": "ITL121CD"}).to_crs("EPSG:27700").to_json())
    payload["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    path = tmp_path / "itl1_in_metres.geojson"
    path.write_text(json.dumps(payload), encoding="utf-8")
    again = boundaries.read_itl1(path)
    assert list(again["itl1_code"]) == list(itl1["itl1_code"])
    np.testing.assert_allclose(again.total_bounds, itl1.total_bounds, atol=1e-6)


def test_a_damaged_boundary_file_falls_back_to_the_outline_and_says_why(tmp_path, monkeypatch):
    (tmp_path / "itl1_regions.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    monkeypatch.setenv("MMIP_BOUNDARIES_DIR", str(tmp_path))
    shapes, message = boundaries.load_itl1_boundaries(allow_download=False)
    # The shipped outline stands in, and the message still names the damaged file.
    assert shapes is not None and len(shapes) == 12
    assert "itl1_regions.geojson could not be read" in message and "outline" in message


def test_a_large_selection_lists_the_first_by_name_and_offers_them_all(facility_frame, monkeypatch):
    """A box over grid squares at 100k sites picks thousands: the page lists a readable few (a
    table of thousands took seconds to draw) and the download carries every one."""
    from tests.apptest_helpers import assert_healthy, markdown_tables, open_page

    cell = map_selection.grid_cells(facility_frame).sort_values("facilities").iloc[-1]
    in_cell = map_selection.facilities_for_selection(facility_frame, [cell["cell"]])
    assert len(in_cell) >= 3
    monkeypatch.setattr(map_selection, "SELECTION_LIST_ROWS", 2)
    at = open_page("app_pages/map.py", query={"site": cell["cell"]})
    assert_healthy(at)
    assert any(f"**{len(in_cell):,}** facilities selected; the first 2 by name" in m.value for m in at.markdown)
    table = next(t for t in markdown_tables(at) if "capabilities" in t.columns)
    first_two = sorted(in_cell["name"].str.replace("\\", ""))[:2]
    assert table["name"].tolist() == first_two
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Download CSV" in labels and "Download Excel" in labels


def test_a_small_selection_is_listed_whole():
    frame = synthetic_facilities(5)
    assert map_selection.selection_listed(frame, limit=5) is frame
    assert map_figures.selection_heading(5, 5) == "**5** facilities selected."
    assert list(map_selection.selection_listed(frame, limit=2)["name"]) == sorted(frame["name"])[:2]
