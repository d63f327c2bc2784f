"""A story: the ordered slides a presenter steps through, saved and loaded as JSON.

Each slide is a view id (see :mod:`lib.present.slides`), the shared filters it is shown with, the view's
own settings (map centre and zoom, the investment metric…), a title and a one-line finding.
Loading checks every field and names the one that is wrong (``slides[2].filters.regions``), so a
hand-edited file gives a message a presenter can act on rather than a traceback.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from lib import config
from lib.analysis import landscape
from lib.data.schemas import ITL1_CODES, UK_LAT, UK_LON

FORMAT = "mmip-story"
VERSION = 1
DEFAULT_STORY_PATH = config.DEFAULT_DATA_DIR / "stories" / "default.json"
MAX_SLIDES = 50
MAX_TEXT = 300

MAP = "map"
MMIP_CENTRES = "mmip_centres"
GAPS = "gaps"
INVESTMENT_BY_REGION = "investment_by_region"
OVERVIEW_NUMBERS = "overview_numbers"
REGION_PROFILE = "region_profile"
VIEW_IDS = (MAP, MMIP_CENTRES, GAPS, INVESTMENT_BY_REGION, OVERVIEW_NUMBERS, REGION_PROFILE)

# A region profile shows one ITL1 region or the whole UK (the Region page's choices; "UK" as in its
# URL), optionally beside another.
UK_AREA = "UK"
AREAS = (*ITL1_CODES, UK_AREA)

INVESTMENT_METRICS = ("public_gbp", "gbp_per_head")

# Per view: setting name -> (kind, allowed). kind "choice" takes a tuple of values, "number" a
# (low, high) range. Anything not listed here is rejected so typos do not pass silently.
SETTINGS: dict[str, dict[str, tuple[str, tuple]]] = {
    MAP: {"center_lat": ("number", UK_LAT), "center_lon": ("number", UK_LON), "zoom": ("number", (3.0, 12.0))},
    MMIP_CENTRES: {},
    GAPS: {},
    INVESTMENT_BY_REGION: {"metric": ("choice", INVESTMENT_METRICS)},
    OVERVIEW_NUMBERS: {},
    REGION_PROFILE: {"area": ("choice", AREAS), "vs": ("choice", AREAS)},
}
# Settings a view cannot do without: a region profile of no region means nothing.
REQUIRED_SETTINGS: dict[str, tuple[str, ...]] = {REGION_PROFILE: ("area",)}


class StoryError(ValueError):
    """A story that cannot be used; ``field`` is the path of the offending field."""

    def __init__(self, field_path: str, message: str, source: str = "story"):
        self.field = field_path
        self.source = source
        super().__init__(f"{source}: {field_path}: {message}" if field_path else f"{source}: {message}")


@dataclass(frozen=True)
class Slide:
    view: str
    title: str
    finding: str = ""
    filters: landscape.Filters = landscape.Filters()
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Story:
    title: str
    slides: tuple[Slide, ...]
    subtitle: str = ""


# ---------------------------------------------------------------- to and from plain data


def slide_to_dict(slide: Slide) -> dict:
    filters = slide.filters
    return {
        "view": slide.view,
        "title": slide.title,
        "finding": slide.finding,
        "filters": {
            "capabilities": list(filters.capabilities),
            "regions": list(filters.regions),
            "kinds": list(filters.kinds),
            "statuses": list(filters.statuses),
            "search": filters.search,
        },
        "settings": dict(slide.settings),
    }


def story_to_dict(story: Story) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": story.title,
        "subtitle": story.subtitle,
        "slides": [slide_to_dict(s) for s in story.slides],
    }


def to_json(story: Story) -> str:
    return json.dumps(story_to_dict(story), indent=2, ensure_ascii=False) + "\n"


def _text(value, path: str, source: str, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise StoryError(path, f"must be text, not {type(value).__name__}", source)
    value = value.strip()
    if required and not value:
        raise StoryError(path, "must not be empty", source)
    if len(value) > MAX_TEXT:
        raise StoryError(path, f"is {len(value)} characters long; at most {MAX_TEXT} fit on a slide", source)
    return value


def _choices(value, path: str, allowed, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise StoryError(path, "must be a list of text values", source)
    unknown = [v for v in value if v not in allowed]
    if unknown:
        shown = ", ".join(list(allowed)[:15])
        raise StoryError(path, f"unknown value(s) {', '.join(map(repr, unknown[:5]))}; expected any of {shown}", source)
    return tuple(dict.fromkeys(value))


def _filters(raw, path: str, capability_ids, source: str) -> landscape.Filters:
    if raw is None:
        return landscape.Filters()
    if not isinstance(raw, dict):
        raise StoryError(path, "must be an object with capabilities, regions, kinds, statuses, search", source)
    known = ("capabilities", "regions", "kinds", "statuses", "search")
    extra = [k for k in raw if k not in known]
    if extra:
        raise StoryError(f"{path}.{extra[0]}", f"is not a filter; filters are {', '.join(known)}", source)
    allowed = {
        "capabilities": tuple(capability_ids) if capability_ids is not None else None,
        "regions": ITL1_CODES,
        "kinds": (landscape.SITE, landscape.CENTRE),
        "statuses": landscape.STATUSES,
    }
    values = {}
    for name, options in allowed.items():
        raw_value = raw.get(name)
        if options is None:  # capability ids unknown here: only check the shape
            values[name] = _choices(raw_value, f"{path}.{name}", raw_value or [], source)
        else:
            values[name] = _choices(raw_value, f"{path}.{name}", options, source)
    values["search"] = _text(raw.get("search"), f"{path}.search", source, required=False)[:100]
    return landscape.Filters(**values)


def _settings(raw, view: str, path: str, source: str) -> dict:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise StoryError(path, "must be an object", source)
    for name in REQUIRED_SETTINGS.get(view, ()):
        if name not in raw:
            kind, allowed = SETTINGS[view][name]
            raise StoryError(f"{path}.{name}", f"is required by the {view!r} view: one of {', '.join(allowed)}", source)
    spec = SETTINGS[view]
    out = {}
    for name, value in raw.items():
        if name not in spec:
            expected = ", ".join(spec) if spec else "none"
            raise StoryError(f"{path}.{name}", f"is not a setting of the {view!r} view (settings: {expected})", source)
        kind, allowed = spec[name]
        if kind == "choice":
            if value not in allowed:
                raise StoryError(f"{path}.{name}", f"{value!r} is not one of {', '.join(allowed)}", source)
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise StoryError(f"{path}.{name}", f"must be a number, not {value!r}", source)
            low, high = allowed
            if not low <= value <= high:
                raise StoryError(f"{path}.{name}", f"{value} is outside {low}–{high}", source)
        out[name] = value
    if "vs" in out and out["vs"] == out.get("area"):
        raise StoryError(
            f"{path}.vs", f"is the same area as settings.area ({out['vs']!r}); compare with another", source
        )
    return out


def slide_from_dict(raw, path: str = "slide", capability_ids=None, source: str = "story") -> Slide:
    if not isinstance(raw, dict):
        raise StoryError(path, "must be an object with view, title, finding, filters, settings", source)
    view = raw.get("view")
    if view not in VIEW_IDS:
        raise StoryError(f"{path}.view", f"{view!r} is not a view; views are {', '.join(VIEW_IDS)}", source)
    extra = [k for k in raw if k not in ("view", "title", "finding", "filters", "settings")]
    if extra:
        raise StoryError(f"{path}.{extra[0]}", "is not a slide field (view, title, finding, filters, settings)", source)
    return Slide(
        view=view,
        title=_text(raw.get("title"), f"{path}.title", source, required=True),
        finding=_text(raw.get("finding"), f"{path}.finding", source, required=False),
        filters=_filters(raw.get("filters"), f"{path}.filters", capability_ids, source),
        settings=_settings(raw.get("settings"), view, f"{path}.settings", source),
    )


def story_from_dict(raw, capability_ids=None, source: str = "story") -> Story:
    if not isinstance(raw, dict):
        raise StoryError("", "a story file is a JSON object with a title and a list of slides", source)
    if raw.get("format", FORMAT) != FORMAT:
        raise StoryError("format", f"is {raw.get('format')!r}; this file is not a story ({FORMAT!r})", source)
    version = raw.get("version", VERSION)
    if version != VERSION:
        raise StoryError("version", f"is {version!r}; this dashboard reads version {VERSION}", source)
    slides = raw.get("slides")
    if not isinstance(slides, list) or not slides:
        raise StoryError("slides", "must be a non-empty list of slides", source)
    if len(slides) > MAX_SLIDES:
        raise StoryError("slides", f"has {len(slides)} slides; at most {MAX_SLIDES}", source)
    return Story(
        title=_text(raw.get("title"), "title", source, required=True),
        subtitle=_text(raw.get("subtitle"), "subtitle", source, required=False),
        slides=tuple(slide_from_dict(s, f"slides[{i}]", capability_ids, source) for i, s in enumerate(slides)),
    )


def from_json(text: str | bytes, capability_ids=None, source: str = "story") -> Story:
    """A story from JSON text; a :class:`StoryError` naming the file and field if it is not usable."""
    try:
        raw = json.loads(text)
    except UnicodeDecodeError:
        raise StoryError("", "is not a text (UTF-8) file", source) from None
    except json.JSONDecodeError as error:
        raise StoryError(
            "", f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})", source
        ) from None
    return story_from_dict(raw, capability_ids, source)


def load(path: Path = DEFAULT_STORY_PATH, capability_ids=None) -> Story:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise StoryError("", f"could not be read ({error.strerror or type(error).__name__})", Path(path).name) from None
    return from_json(data, capability_ids, source=Path(path).name)


def fallback_story() -> Story:
    """What the Present page shows when the default story file cannot be used: the headline
    numbers of the data, which need no settings, so that the presenter still has a slide."""
    return Story(
        title="Where the UK can make medicines today",
        slides=(Slide(view=OVERVIEW_NUMBERS, title="UK medicines manufacturing in numbers"),),
    )


def index_from_url(value, story: Story) -> int:
    """The 0-based slide index for the URL's 1-based ``slide`` value (anything invalid: the first)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 0
    return clamp_index(number - 1, story)


def url_value(index: int) -> str:
    return str(index + 1)


def clamp_index(index, story: Story) -> int:
    """A slide index from anything (a URL value, a stale session value) that is valid for ``story``."""
    try:
        number = int(str(index).strip())
    except (TypeError, ValueError):
        return 0
    return min(max(number, 0), len(story.slides) - 1)
