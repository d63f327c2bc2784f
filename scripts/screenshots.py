"""Regenerate docs/screenshots/ from the running app: every page (and every tab) at 1366x768.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--width 1366 --height 768]
                                            [--first-screen] [--only overview map ...]

Starts the dashboard with the project's launcher (tests/e2e/harness.py: offline, a free port),
drives headless Chromium (/usr/bin/chromium) in a 1366x768 window, saves one PNG per view (the
whole page, scrolled and stitched; ``--first-screen`` for what the window shows first), and stops
the server by PID. Views are those of tests/e2e/views.py, the list the layout test checks.
Boundaries come the usual way (MMIP_BOUNDARIES_DIR, the cache, or the outline shipped in
data/boundaries/): run it with MMIP_BOUNDARIES_DIR unset to show what a fresh install shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import READY_TIMEOUT_MS, launch_chromium, streamlit_server  # noqa: E402
from tests.e2e.views import all_views, open_view  # noqa: E402


def full_page(page, path: Path) -> None:
    """The whole page at the window's size: Streamlit scrolls its main column, not the document, so
    a browser's full-page screenshot shows only the first screen. The main column is scrolled one
    screen at a time and the pieces are stitched (the fixed header's strip is left off every piece
    after the first, where it would cover content)."""
    import io

    from PIL import Image

    box = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
        const h = document.querySelector('[data-testid="stHeader"]');
        const r = m.getBoundingClientRect();
        return {x: r.x, width: r.width, height: m.clientHeight, total: m.scrollHeight,
                header: h ? Math.ceil(h.getBoundingClientRect().bottom) : 0}; }"""
    )
    width, height, total, header = int(box["width"]), box["height"], box["total"], box["header"]
    canvas = Image.new("RGB", (width, total), "white")
    offset = 0
    while True:
        scrolled = page.evaluate(
            "(y) => { const m = document.querySelector('[data-testid=\"stMain\"]'); m.scrollTop = y; return m.scrollTop; }",
            offset,
        )
        page.wait_for_timeout(150)
        shot = Image.open(io.BytesIO(page.screenshot(clip={"x": box["x"], "y": 0, "width": width, "height": height})))
        skip = 0 if offset == 0 else header
        canvas.paste(shot.crop((0, skip, width, height)), (0, scrolled + skip))
        if scrolled + height >= total:
            break
        offset = scrolled + height - header
    page.evaluate("() => { document.querySelector('[data-testid=\"stMain\"]').scrollTop = 0; }")
    canvas.save(path)


def shrink(path: Path) -> None:
    """The PNG with a 256-colour palette: a third of the size, no visible change to flat UI colours
    and text, so twenty pages stay a few MB in git."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=768)
    parser.add_argument("--only", nargs="*", default=None, help="view names to take (default: all)")
    parser.add_argument("--first-screen", action="store_true", help="only what the window shows first")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    views = [v for v in all_views() if not args.only or v.name in args.only]
    with streamlit_server() as (url, _process), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": args.width, "height": args.height})
        context.set_default_timeout(READY_TIMEOUT_MS)
        page = context.new_page()
        for view in views:
            open_view(page, url, view)
            path = args.out / f"{view.name}.png"
            if args.first_screen:
                page.screenshot(path=str(path))
            else:
                full_page(page, path)
            shrink(path)
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
