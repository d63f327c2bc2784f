"""Chart images drawn on the server: SVG for print, and a readable stand-in when no browser exists."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from lib.figures import theme
from lib.present import static_images
from lib.ui import widgets


def _chart() -> go.Figure:
    return theme.apply(
        go.Figure(go.Bar(x=[3, 1], y=["North East", "Wales"], orientation="h")),
        "North East has the most",
        "test fixture",
    )


@pytest.mark.skipif(not static_images.browser_available(), reason="no Chromium for kaleido")
def test_svg_is_vector_and_carries_the_title_and_source():
    svg = static_images.figure_svg(_chart()).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "North East has the most" in svg and "test fixture" in svg


def test_without_a_browser_the_svg_download_says_why(monkeypatch, tmp_path):

    monkeypatch.setenv("MMIP_CHROMIUM", str(tmp_path / "no-such-browser"))
    svg = widgets.chart_svg(_chart()).decode("utf-8")
    assert svg.startswith("<svg") and "not installed here" in svg


def test_unavailable_svg_escapes_the_message():
    svg = static_images.unavailable_svg("<script>alert(1)</script> & more").decode("utf-8")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; more" in svg
