"""Browser fixtures: one app server and one Chromium per session, a fresh context per test."""

from __future__ import annotations

import pytest

from tests.e2e.harness import (
    READY_TIMEOUT_MS,
    is_streamlit_path_probe,
    launch_chromium,
    streamlit_server,
)


@pytest.fixture(scope="session")
def app_url():
    with streamlit_server() as (url, _process):
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    # A busy two-core machine can take longer than Playwright's 30 s default for one rerun.
    context.set_default_timeout(READY_TIMEOUT_MS)
    tab = context.new_page()
    tab.console_errors = []
    tab.on(
        "console",
        lambda msg: (
            tab.console_errors.append(msg.text) if msg.type == "error" and not is_streamlit_path_probe(msg) else None
        ),
    )
    tab.on("pageerror", lambda exc: tab.console_errors.append(str(exc)))
    tab.external_requests = []
    tab.on(
        "request",
        lambda req: (
            tab.external_requests.append(req.url)
            if not req.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    yield tab
    context.close()
