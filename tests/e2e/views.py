"""Every view of the dashboard a user can open: each page, and each tab of the pages with tabs.

Shared by the layout test (tests/e2e/test_layout.py) and the screenshot script
(scripts/screenshots.py), so both cover the same views.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.ui import state

# (URL path, page title in the sidebar); "" is the Overview, the default page.
PAGES = [
    ("", "overview"),
    ("map", "map"),
    ("map?layer=regions", "map-regions"),  # the Map page's other layer: regions coloured by a measure
    ("gaps", "gaps"),
    ("investment", "investment"),
    ("centres", "centres"),
    ("directory", "directory"),
    ("region?area=TLM", "region"),
    ("region?area=TLN&vs=UK", "region-compare"),  # two areas side by side
    ("present", "present"),
    ("import", "import"),
    ("about", "about"),
]

# The tabs of each page that has st.tabs, in order, as the pages declare them (lib/ui/state.py).
TABS = {page: list(tabs) for page, tabs in state.TABS.items()}


@dataclass(frozen=True)
class View:
    path: str  # URL path of the page
    name: str  # a file-name-safe name: page, or page-tab
    tab: str | None = None  # the tab to click, if any

    @property
    def label(self) -> str:
        return f"{self.name} ({self.tab})" if self.tab else self.name


def all_views() -> list[View]:
    views = []
    for path, name in PAGES:
        tabs = TABS.get(path)
        if not tabs:
            views.append(View(path, name))
            continue
        for number, tab in enumerate(tabs, start=1):
            views.append(View(path, f"{name}-{number}-{tab.lower().replace(' ', '-')}", tab))
    return views


def open_view(page, base_url: str, view: View) -> None:
    """Open ``view`` in ``page`` (a Playwright page) and wait until it is drawn."""
    from tests.e2e.harness import wait_until_drawn

    page.goto(f"{base_url}/{view.path}")
    wait_until_drawn(page)
    if view.tab:
        tab = page.get_by_role("tab", name=view.tab, exact=True)
        if tab.get_attribute("aria-selected") != "true":
            tab.click()
            page.wait_for_function(
                "(name) => Array.from(document.querySelectorAll('[role=tab]'))"
                ".some(t => t.innerText.trim() === name && t.getAttribute('aria-selected') === 'true')",
                arg=view.tab,
            )
            wait_until_drawn(page)
    # The pointer off the charts (a clicked tab leaves it over one, which shows its toolbar), and a
    # moment for web fonts and Plotly's resize after layout to settle.
    page.mouse.move(1, 1)
    page.wait_for_timeout(500)
