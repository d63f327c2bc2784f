"""axe-core (bundled by the axe-playwright-python package, injected from disk: no CDN) on every
page: no serious or critical WCAG 2.x A/AA violation."""

from __future__ import annotations

import pytest

from tests.e2e.harness import wait_until_drawn

pytestmark = pytest.mark.e2e

PAGES = ["", "map", "region?area=TLN&vs=UK", "gaps", "investment", "centres", "directory", "present", "about"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
# Streamlit's own chrome that no app code can change. Each entry: (rule id, CSS selector prefix).
STREAMLIT_CHROME: set[tuple[str, str]] = set()


def _blocking(violations: list[dict]) -> list[str]:
    found = []
    for violation in violations:
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation["nodes"]:
            selector = " ".join(map(str, node["target"]))
            if any(violation["id"] == rule and selector.startswith(prefix) for rule, prefix in STREAMLIT_CHROME):
                continue
            found.append(f"{violation['id']} ({violation['impact']}): {selector} — {violation['help']}")
    return found


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violations(page, app_url, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{app_url}/{path}")
    wait_until_drawn(page)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    assert _blocking(results.response["violations"]) == []
    assert page.external_requests == []
