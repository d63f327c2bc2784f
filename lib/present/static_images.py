"""Server-side PNGs of Plotly figures with kaleido 1.x and the system Chromium.

One kaleido server (one headless Chromium) is started per process on first use and kept alive:
starting a browser costs seconds, a render on a warm server a fraction of one. MathJax is switched
off because kaleido would otherwise load it from a CDN; plotly.js comes from the plotly package, so
nothing is fetched from the network. If no browser is available the caller gets a
:class:`StaticImagesUnavailable` with a message a user can act on, never a hang or a traceback.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import plotly.graph_objects as go

log = logging.getLogger(__name__)

DEFAULT_BROWSER = "/usr/bin/chromium"
RENDER_TIMEOUT_S = 60
SLIDE_WIDTH_PX = 1600
SLIDE_HEIGHT_PX = 900
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_lock = threading.Lock()  # the kaleido server answers one request at a time


class StaticImagesUnavailable(RuntimeError):
    """Images cannot be made on this machine; the message says why and what to do."""


def browser_path() -> Path:
    return Path(os.environ.get("MMIP_CHROMIUM") or DEFAULT_BROWSER)


def browser_available() -> bool:
    path = browser_path()
    return path.is_file() and os.access(path, os.X_OK)


def _server():
    import kaleido

    return kaleido._global_server  # noqa: SLF001 - the only way to see that its thread died


def _ensure_server() -> None:
    if not browser_available():
        raise StaticImagesUnavailable(
            f"Chart images need a Chromium browser at {browser_path()}, which is not installed here "
            "(on Debian/Ubuntu: apt-get install chromium; or set MMIP_CHROMIUM to another path). "
            "The charts are still available on screen and as PNG from each chart's toolbar."
        )
    import kaleido

    server = _server()
    if server.is_running() and not server._thread.is_alive():  # noqa: SLF001
        server.close(silence_warnings=True)  # the browser died: start a new one
    if not server.is_running():
        kaleido.start_sync_server(
            path=str(browser_path()), mathjax=False, timeout=RENDER_TIMEOUT_S, silence_warnings=True
        )


def figure_png(fig: go.Figure, width: int = SLIDE_WIDTH_PX, height: int = SLIDE_HEIGHT_PX, scale: float = 1.0) -> bytes:
    """The figure as PNG bytes at ``width`` x ``height`` CSS pixels times ``scale``."""
    return figure_image(fig, "png", width, height, scale)


def figure_svg(fig: go.Figure, width: int = SLIDE_WIDTH_PX, height: int = SLIDE_HEIGHT_PX) -> bytes:
    """The figure as SVG (vector: any size on a slide or in print)."""
    return figure_image(fig, "svg", width, height)


def figure_image(
    fig: go.Figure, fmt: str, width: int = SLIDE_WIDTH_PX, height: int = SLIDE_HEIGHT_PX, scale: float = 1.0
) -> bytes:
    """The figure as ``fmt`` ("png" or "svg") bytes."""
    import kaleido

    # A map sizes its canvas from the layout, not from the export size: set both the same.
    sized = go.Figure(fig).update_layout(width=width, height=height)
    with _lock:
        _ensure_server()
        server = _server()
        if not server._thread.is_alive():  # noqa: SLF001
            server.close(silence_warnings=True)
            raise StaticImagesUnavailable(
                f"The browser at {browser_path()} could not be started to draw chart images; see the server log."
            )
        try:
            image = kaleido.calc_fig_sync(
                sized.to_dict(), opts=dict(format=fmt, width=width, height=height, scale=scale)
            )
        except Exception as error:  # kaleido wraps browser and plotly.js errors in many types
            log.exception("static image failed")
            raise StaticImagesUnavailable(
                f"The chart “{fig.layout.title.text or 'untitled'}” could not be drawn "
                f"as an image ({type(error).__name__})."
            ) from error
    if isinstance(image, str):
        image = image.encode("utf-8")
    # A PNG starts with its signature; an SVG may open with an XML prolog before <svg.
    if not (image.startswith(PNG_SIGNATURE) if fmt == "png" else b"<svg" in image[:300]):
        raise StaticImagesUnavailable(f"The image renderer returned something that is not a {fmt.upper()}.")
    return image


def unavailable_svg(message: str) -> bytes:
    """A small SVG that says why the chart image could not be made (a download never fails silently)."""
    from xml.sax.saxutils import escape

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="800" height="80"><text x="10" y="45" '
        f'font-family="Arial" font-size="16">{escape(message)}</text></svg>'
    ).encode()


def stop() -> None:
    """Close the browser (tests and shutdown); the next image starts a new one."""
    import kaleido

    with _lock:
        if _server().is_running():
            kaleido.stop_sync_server(silence_warnings=True)
