"""Stories: the default story shows the mission; bad files are refused with the field named."""

from __future__ import annotations

import json

import pytest

from lib.analysis import landscape
from lib.present import story


def _minimal(**slide) -> dict:
    return {"format": "mmip-story", "version": 1, "title": "T", "slides": [{"view": "map", "title": "A map", **slide}]}


def test_default_story_shows_the_mission(embedded):
    default = story.load(capability_ids=embedded["capabilities"]["capability_id"])
    views = [s.view for s in default.slides]
    assert {story.MAP, story.MMIP_CENTRES, story.GAPS, story.INVESTMENT_BY_REGION} <= set(views)
    gaps = next(s for s in default.slides if s.view == story.GAPS)
    named = embedded["capabilities"].query("mmip_named_gap == 'yes'")["capability_id"]
    assert set(gaps.filters.capabilities) == set(named)


def test_round_trip_keeps_filters_settings_and_text():
    original = story.Story(
        "Conference",
        (
            story.Slide(
                story.MAP,
                "Scotland",
                "Most sites are in the central belt",
                landscape.Filters(regions=("TLM",), kinds=("site",), search="Glasgow"),
                {"zoom": 6.0, "center_lat": 56.0, "center_lon": -4.2},
            ),
            story.Slide(story.INVESTMENT_BY_REGION, "Money", settings={"metric": "gbp_per_head"}),
        ),
        "subtitle",
    )
    assert story.from_json(story.to_json(original)) == original


@pytest.mark.parametrize(
    "slide,field",
    [
        ({"view": "pie"}, "slides[0].view"),
        ({"filters": {"regions": ["TLZ"]}}, "slides[0].filters.regions"),
        ({"filters": {"colour": ["red"]}}, "slides[0].filters.colour"),
        ({"settings": {"zoom": 40}}, "slides[0].settings.zoom"),
        ({"settings": {"zoom": "near"}}, "slides[0].settings.zoom"),
        ({"settings": {"metric": "x"}}, "slides[0].settings.metric"),
        ({"title": ""}, "slides[0].title"),
        ({"speaker": "me"}, "slides[0].speaker"),
    ],
)
def test_bad_slides_name_the_field(slide, field):
    raw = _minimal(**slide)
    with pytest.raises(story.StoryError) as caught:
        story.from_json(json.dumps(raw), source="talk.json")
    assert caught.value.field == field
    assert str(caught.value).startswith(f"talk.json: {field}:")


def test_unknown_capability_is_refused_when_the_taxonomy_is_known():
    raw = _minimal(filters={"capabilities": ["biologics", "unobtainium"]})
    with pytest.raises(story.StoryError, match="unobtainium"):
        story.from_json(json.dumps(raw), capability_ids=["biologics"])


def test_not_json_and_not_a_story_are_plain_messages():
    with pytest.raises(story.StoryError, match=r"not valid JSON \(line 1"):
        story.from_json("{nope", source="x.json")
    with pytest.raises(story.StoryError, match="slides: must be a non-empty list"):
        story.from_json(json.dumps({"title": "T", "slides": []}))
    with pytest.raises(story.StoryError, match="not a story"):
        story.from_json(json.dumps({"format": "something-else", "slides": [{}]}))


def test_slide_number_in_the_url_is_one_based_and_clamped():
    three = story.Story("T", tuple(story.Slide(story.MAP, f"s{i}") for i in range(3)))
    assert story.index_from_url("2", three) == 1
    assert story.index_from_url("99", three) == 2
    assert story.index_from_url("0", three) == 0
    assert story.index_from_url("abc", three) == 0
    assert story.index_from_url(None, three) == 0
    assert story.url_value(1) == "2"


def _region(**settings) -> dict:
    return _minimal(view="region_profile", title="Scotland", settings=settings)


def test_a_region_profile_slide_names_its_area_and_optionally_a_comparison():
    loaded = story.from_json(json.dumps(_region(area="TLM", vs="UK")))
    assert loaded.slides[0].settings == {"area": "TLM", "vs": "UK"}
    assert story.from_json(story.to_json(loaded)) == loaded
    assert story.from_json(json.dumps(_region(area="UK"))).slides[0].settings == {"area": "UK"}


@pytest.mark.parametrize(
    "settings,field,words",
    [
        ({}, "slides[0].settings.area", "is required by the 'region_profile' view"),
        ({"area": "Scotland"}, "slides[0].settings.area", "'Scotland' is not one of TLC"),
        ({"area": "TLM", "vs": "TLZ"}, "slides[0].settings.vs", "'TLZ' is not one of"),
        ({"area": "TLM", "vs": "TLM"}, "slides[0].settings.vs", "same area"),
        ({"area": "TLM", "zoom": 5}, "slides[0].settings.zoom", "not a setting of the 'region_profile' view"),
    ],
)
def test_a_bad_region_profile_slide_names_the_setting(settings, field, words):
    with pytest.raises(story.StoryError) as caught:
        story.from_json(json.dumps(_region(**settings)), source="talk.json")
    assert caught.value.field == field
    assert str(caught.value).startswith(f"talk.json: {field}:") and words in str(caught.value)
