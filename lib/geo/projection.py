"""Longitude/latitude to British National Grid metres (EPSG:27700) and back, the offline maps' plane.

Computed with numpy from the Ordnance Survey's published method ("A guide to coordinate systems in
Great Britain"): a seven-parameter Helmert transformation from WGS84 to OSGB36 (the OS's own
parameters, good to a few metres), then the National Grid's transverse Mercator projection on the
Airy 1830 ellipsoid. That is what PROJ does for EPSG:4326 -> EPSG:27700 without the OSTN15 grid,
and a test holds it within 1 cm of pyproj over the UK. numpy rather than pyproj because a server
that draws a map then never imports pyproj (and its database, ~9 MiB resident) for a few
thousand points, and the formulas are the same in every thread (pyproj set a transformer up again
in each of Streamlit's rerun threads).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# The UK in British National Grid metres (ONS ITL1 bounds, with a margin): the offline map's view.
PLANE_X_RANGE = (-40_000, 690_000)


PLANE_Y_RANGE = (-10_000, 1_240_000)


GRID_COLUMNS = ("grid_x", "grid_y")

# Ellipsoids (semi-major, semi-minor axis, metres).
WGS84 = (6378137.0, 6356752.314245)
AIRY_1830 = (6377563.396, 6356256.909)
_ARC_SECOND = np.pi / (180 * 3600)
# WGS84 -> OSGB36 (OS guide, table 4): translations in metres, scale in ppm, rotations in seconds.
_HELMERT = {
    "tx": -446.448,
    "ty": 125.157,
    "tz": -542.060,
    "s": 20.4894e-6,
    "rx": -0.1502 * _ARC_SECOND,
    "ry": -0.2470 * _ARC_SECOND,
    "rz": -0.8421 * _ARC_SECOND,
}
# The National Grid's true origin and scale (OS guide, table A.1).
_F0 = 0.9996012717
_LAT0 = np.radians(49.0)
_LON0 = np.radians(-2.0)
_E0, _N0 = 400_000.0, -100_000.0


def _eccentricity_squared(ellipsoid: tuple[float, float]) -> float:
    a, b = ellipsoid
    return 1 - (b * b) / (a * a)


def _to_cartesian(lat, lon, ellipsoid):
    a = ellipsoid[0]
    e2 = _eccentricity_squared(ellipsoid)
    nu = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    return nu * np.cos(lat) * np.cos(lon), nu * np.cos(lat) * np.sin(lon), (1 - e2) * nu * np.sin(lat)


def _from_cartesian(x, y, z, ellipsoid):
    a = ellipsoid[0]
    e2 = _eccentricity_squared(ellipsoid)
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1 - e2))
    for _ in range(6):  # converges to well under a millimetre in three
        nu = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
        lat = np.arctan2(z + e2 * nu * np.sin(lat), p)
    return lat, np.arctan2(y, x)


def _helmert(x, y, z, direction: int = 1):
    """WGS84 -> OSGB36 cartesian (``direction=-1``: back, to the same small-angle accuracy)."""
    h = {key: direction * value for key, value in _HELMERT.items()}
    m = 1 + h["s"]
    return (
        h["tx"] + m * (x - h["rz"] * y + h["ry"] * z),
        h["ty"] + m * (h["rz"] * x + y - h["rx"] * z),
        h["tz"] + m * (-h["ry"] * x + h["rx"] * y + z),
    )


def _meridional_arc(lat, n, b):
    d, s = lat - _LAT0, lat + _LAT0
    return (
        b
        * _F0
        * (
            (1 + n + 1.25 * n**2 + 1.25 * n**3) * d
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * np.sin(d) * np.cos(s)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * np.sin(2 * d) * np.cos(2 * s)
            - 35 / 24 * n**3 * np.sin(3 * d) * np.cos(3 * s)
        )
    )


def _radii(lat, a, e2):
    sin2 = np.sin(lat) ** 2
    nu = a * _F0 / np.sqrt(1 - e2 * sin2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin2) ** 1.5
    return nu, rho, nu / rho - 1


def to_plane(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude to British National Grid metres; NaN (a break between lines) stays NaN."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    phi, lam = _from_cartesian(*_helmert(*_to_cartesian(np.radians(lat), np.radians(lon), WGS84)), AIRY_1830)
    a, b = AIRY_1830
    e2, n = _eccentricity_squared(AIRY_1830), (a - b) / (a + b)
    nu, rho, eta2 = _radii(phi, a, e2)
    s, c, t2 = np.sin(phi), np.cos(phi), np.tan(phi) ** 2
    dl = lam - _LON0
    northing = (
        _meridional_arc(phi, n, b)
        + _N0
        + nu / 2 * s * c * dl**2
        + nu / 24 * s * c**3 * (5 - t2 + 9 * eta2) * dl**4
        + nu / 720 * s * c**5 * (61 - 58 * t2 + t2**2) * dl**6
    )
    easting = (
        _E0
        + nu * c * dl
        + nu / 6 * c**3 * (nu / rho - t2) * dl**3
        + nu / 120 * c**5 * (5 - 18 * t2 + t2**2 + 14 * eta2 - 58 * t2 * eta2) * dl**5
    )
    gap = ~(np.isfinite(lon) & np.isfinite(lat))
    return np.where(gap, np.nan, easting), np.where(gap, np.nan, northing)


def from_plane(x, y) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid metres to longitude/latitude."""
    easting, northing = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    a, b = AIRY_1830
    e2, n = _eccentricity_squared(AIRY_1830), (a - b) / (a + b)
    phi = (northing - _N0) / (a * _F0) + _LAT0
    for _ in range(12):  # the OS guide's iteration to a sub-millimetre meridional arc
        phi = phi + (northing - _N0 - _meridional_arc(phi, n, b)) / (a * _F0)
    nu, rho, eta2 = _radii(phi, a, e2)
    c, t = np.cos(phi), np.tan(phi)
    t2 = t * t
    d = easting - _E0
    phi = (
        phi
        - t / (2 * rho * nu) * d**2
        + t / (24 * rho * nu**3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2) * d**4
        - t / (720 * rho * nu**5) * (61 + 90 * t2 + 45 * t2**2) * d**6
    )
    lam = (
        _LON0
        + d / (c * nu)
        - (nu / rho + 2 * t2) / (c * 6 * nu**3) * d**3
        + (5 + 28 * t2 + 24 * t2**2) / (c * 120 * nu**5) * d**5
        - (61 + 662 * t2 + 1320 * t2**2 + 720 * t2**3) / (c * 5040 * nu**7) * d**7
    )
    lat, lon = _from_cartesian(*_helmert(*_to_cartesian(phi, lam, AIRY_1830), direction=-1), WGS84)
    return np.degrees(lon), np.degrees(lat)


def to_british_grid(facilities: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """BNG metres of each facility: the precomputed columns when present (see
    :func:`with_grid_coordinates`), else transformed now (~0.7 s per million rows)."""
    if all(column in facilities.columns for column in GRID_COLUMNS):
        return facilities["grid_x"].to_numpy(float), facilities["grid_y"].to_numpy(float)
    return to_plane(facilities["longitude"], facilities["latitude"])


def with_grid_coordinates(facilities: pd.DataFrame) -> pd.DataFrame:
    """The facilities with their BNG metres as ``grid_x``/``grid_y``, computed once for a cached
    table instead of on every rerun that draws the grid (float64, so every facility falls in
    exactly the square a fresh transform gives)."""
    x, y = to_plane(facilities["longitude"], facilities["latitude"])
    return facilities.assign(grid_x=x, grid_y=y)


def plane_outlines(outlines: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Outlines (lon, lat) with their BNG metres appended, (lon, lat, x, y): for a cached value, so
    the outlines are not transformed again on every rerun."""
    lon, lat = outlines[0], outlines[1]
    x, y = to_plane(lon, lat)
    return lon, lat, x.astype(np.float32), y.astype(np.float32)
