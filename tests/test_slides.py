"""Story views: every view id has a builder; each builds a titled figure with a finding and data."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lib.analysis import landscape
from lib.figures import map_figures, region_figures, theme
from lib.geo import projection
from lib.present import slides, story
from tests.data_rules import counted_grants, default_landscape


@pytest.fixture(scope="module")
def data(embedded):
    return slides.slide_data(embedded)


def test_every_view_has_a_builder_and_a_label():
    assert set(slides.BUILDERS) == set(story.VIEW_IDS) == set(slides.VIEW_LABELS)


@pytest.mark.parametrize("view", [v for v in story.VIEW_IDS if v != story.OVERVIEW_NUMBERS])
def test_chart_views_have_title_source_finding_and_data(data, view):
    rendered = slides.render(data, story.Slide(view, "A title that states the finding"))
    assert rendered.figure.layout.title.text == "A title that states the finding"
    assert theme.source_of(rendered.figure)
    assert rendered.finding and rendered.finding.endswith(".")
    assert isinstance(rendered.table, pd.DataFrame) and not rendered.table.empty


def test_a_finding_written_in_the_story_wins(data):
    rendered = slides.render(data, story.Slide(story.GAPS, "Gaps", finding="Said by the presenter"))
    assert rendered.finding == "Said by the presenter"


def test_investment_by_region_sums_only_regional_awards(embedded, data):
    rendered = slides.render(data, story.Slide(story.INVESTMENT_BY_REGION, "Money"))
    inv = embedded["investments"]
    counted = counted_grants(inv)
    awards = counted.loc[counted["itl1_code"] != "UK"]
    assert rendered.table["public_gbp"].sum() == pytest.approx(awards["public_gbp"].sum())
    bar = rendered.figure.data[0]
    assert max(bar.x) == pytest.approx(awards.groupby("itl1_code")["public_gbp"].sum().max() / 1e6)
    assert "not counted in any region" in rendered.note


def test_investment_per_head_metric(data, embedded):
    rendered = slides.render(
        data, story.Slide(story.INVESTMENT_BY_REGION, "Money", settings={"metric": "gbp_per_head"})
    )
    assert rendered.figure.layout.xaxis.title.text == "£ per head"
    assert "per resident" in rendered.finding


def test_map_slide_honours_filters_and_map_settings(data):
    slide = story.Slide(
        story.MAP,
        "Scotland",
        filters=landscape.Filters(regions=("TLM",)),
        settings={"zoom": 6.0, "center_lat": 56.5, "center_lon": -4.0},
    )
    rendered = slides.render(data, slide)
    layout = rendered.figure.layout
    # Centred on 56.5N 4W, and zoomed in: 1.6 zoom steps narrower than the whole-UK view.
    x, y = projection.to_plane([-4.0], [56.5])
    assert sum(layout.xaxis.range) / 2 == pytest.approx(x[0]) and sum(layout.yaxis.range) / 2 == pytest.approx(y[0])
    whole_uk = projection.PLANE_Y_RANGE[1] - projection.PLANE_Y_RANGE[0]
    span = layout.yaxis.range[1] - layout.yaxis.range[0]
    assert span == pytest.approx(whole_uk * 2 ** (map_figures.UK_ZOOM - 6.0))
    assert set(rendered.table["region"]) == {"Scotland"}
    assert "Scotland" in rendered.finding


def test_gaps_defaults_to_the_mmip_named_gaps_and_writes_numbers_in_cells(data, embedded):
    rendered = slides.render(data, story.Slide(story.GAPS, "Gaps"))
    named = embedded["capabilities"].query("mmip_named_gap == 'yes'")["name"]
    heatmap = rendered.figure.data[0]
    assert {x.replace("<br>", " ") for x in heatmap.x} == set(named)
    assert len(heatmap.y) == 12
    assert "none" in {t for row in heatmap.text for t in row}  # colour is not the only signal


def test_mmip_centres_counts_answered_proposals(data, embedded):
    rendered = slides.render(data, story.Slide(story.MMIP_CENTRES, "Centres"))
    answered = embedded["centres"]["mmip_proposal"].dropna().nunique()
    assert rendered.finding.startswith(f"{answered} of the {len(embedded['mmip_proposals'])} centres")


def test_overview_numbers_match_the_data(data, embedded):
    rendered = slides.render(data, story.Slide(story.OVERVIEW_NUMBERS, "Numbers"))
    numbers = dict(rendered.numbers)
    sites, centres = default_landscape(embedded["sites"], embedded["centres"])
    assert numbers["Manufacturing sites"] == f"{len(sites):,}"
    assert numbers["Innovation centres"] == f"{len(centres):,}"


def test_map_fallback_is_a_bar_chart_that_says_so(data):
    slide = story.Slide(story.MAP, "Map")
    rendered = slides.render(data, slide)
    fallback = slides.static_fallback(data, slide, rendered)
    assert fallback.figure.data[0].type == "bar"
    total = sum(sum(trace.x) for trace in fallback.figure.data)
    shown = data.facilities.loc[landscape.in_scope(data.facilities, slide.filters.scopes)]
    assert total == len(shown.dropna(subset=["itl1_code"]))
    assert "could not be drawn" in fallback.note


def test_citations_use_the_about_pages_words():
    import re

    from lib import config

    about = re.sub(r"\s+", " ", (config.PROJECT_ROOT / "docs" / "about_data.md").read_text(encoding="utf-8"))
    cited = slides.citations(slides.CITATIONS)
    assert len(cited) == len(slides.CITATIONS)
    for citation in cited:
        assert citation in about, citation


def test_each_source_is_cited_once_in_first_use_order():
    assert slides.citations(["facts", "towns", "facts", "boundaries", "towns"]) == slides.citations(
        ["facts", "towns", "boundaries"]
    )


def test_last_verified_prefers_a_verification_date_and_copes_without_one():
    sites = pd.DataFrame({"as_of": ["2024-01-01", "2025-06-30"], "verified_on": ["2026-02-01", None]})
    regions = pd.DataFrame({"as_of": ["2019-06-30"]})
    assert slides.last_verified([sites, regions])[0] == "2026-02-01"
    date, basis = slides.last_verified([sites.drop(columns="verified_on"), regions])
    assert date == "2025-06-30" and "newest source date" in basis
    assert slides.last_verified([pd.DataFrame({"name": ["x"]})])[0] is None


def test_money_totals_state_their_rule_in_fixed_words(data):
    money = slides.render(data, story.Slide(story.INVESTMENT_BY_REGION, "Money"))
    numbers = slides.render(data, story.Slide(story.OVERVIEW_NUMBERS, "Numbers"))
    assert f"({slides.TOTAL_RULES['regional_awards']})" in money.finding
    assert f"({slides.TOTAL_RULES['uk_wide_awards']})" in money.note
    assert f"({slides.TOTAL_RULES['all_awards']})" in numbers.finding
    only_wales = slides.render(
        data, story.Slide(story.OVERVIEW_NUMBERS, "Wales", filters=landscape.Filters(regions=("TLL",)))
    )
    assert f"({slides.TOTAL_RULES['regional_awards']}; regions: Wales)" in only_wales.finding


@pytest.mark.parametrize("view", [v for v in story.VIEW_IDS if v != story.OVERVIEW_NUMBERS])
def test_stage_figure_has_no_title_no_source_and_large_text(data, view):
    rendered = slides.render(data, story.Slide(view, "A title"))
    staged = slides.stage_figure(rendered.figure, 22, height=500)
    assert not staged.layout.title.text
    assert theme.source_of(staged) is None
    assert staged.layout.font.size == 22 and staged.layout.height == 500
    assert staged.layout.xaxis.tickfont.size == 22 and staged.layout.legend.font.size == 22
    assert all(a.font.size >= 22 for a in staged.layout.annotations)
    assert all(t.textfont.size == 22 for t in staged.data if "textfont" in t and t.text is not None)
    assert rendered.figure.layout.title.text == "A title"  # the page's own figure is untouched


def _region_slide(area, vs=None, title="A region"):
    settings = {"area": area, **({"vs": vs} if vs else {})}
    return story.Slide(story.REGION_PROFILE, title, settings=settings)


def test_region_profile_slide_states_the_headline_with_its_money_rule(data, embedded):
    from lib.analysis import region_profile

    rendered = slides.render(data, _region_slide("TLM", title="Scotland beside the UK"))
    assert rendered.title == rendered.figure.layout.title.text == "Scotland beside the UK"
    assert rendered.finding.startswith("Scotland: ") and rendered.finding.endswith(".")
    # The money total is the Investment slide's figure for Scotland, under the same fixed words.
    money = slides.render(data, story.Slide(story.INVESTMENT_BY_REGION, "Money")).table.set_index("region")
    stated = slides.money_total(money.loc["Scotland", "public_gbp"], "regional_awards", "regions: Scotland")
    assert stated in rendered.finding
    # Capabilities held and absent as the Region page counts them (the gap method's levels).
    levels = region_profile.level_counts(rendered.table.rename(columns={"operational facilities": "count"}))
    held = levels[region_profile.HELD] + levels[region_profile.THIN]
    assert f"holds {held} of {len(embedded['capabilities'])} capability areas" in rendered.finding
    # The chart names every capability Scotland lacks or holds thinly, and sums up the rest as held.
    weak = rendered.table.loc[rendered.table["level"] != region_profile.HELD]
    rows = [label for trace in rendered.figure.data for label in trace.y]
    others = len(rendered.table) - len(weak)
    assert set(rows) == {*weak["capability"], f"{others} other capability areas"}
    absent = next(t for t in rendered.figure.data if t.name == region_figures.SLIDE_LEVEL_LABELS[region_profile.ABSENT])
    assert len(absent.y) == levels[region_profile.ABSENT] > 0 and set(absent.text) == {"absent"}
    summary = rendered.figure.data[-1]
    assert list(summary.text) == ["held"] and summary.name == region_figures.SLIDE_LEVEL_LABELS[region_profile.HELD]
    # Money: public grants, loans apart; the ONS credited (BRES jobs set the "at least" wording).
    assert "Money: public grants only; loans (£" in rendered.note and "counted apart" in rendered.note
    assert rendered.note.startswith("Thin: under half the UK rate per million people.")
    assert "Office for National Statistics licensed under the Open Government Licence v.3.0" in rendered.source_line
    assert rendered.source_line.startswith("Source: project dataset")
    assert "ons" in rendered.cites and slides.citations(["ons"]) == [
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
    ]


def test_region_profile_slide_beside_the_uk_draws_two_panels(data):
    rendered = slides.render(data, _region_slide("TLM", vs="UK"))
    layout = rendered.figure.layout
    assert (layout.xaxis.title.text, layout.xaxis2.title.text) == ("Scotland", "United Kingdom")
    assert {t.xaxis for t in rendered.figure.data} == {"x", "x2"}
    assert list(rendered.table["area"].unique()) == ["Scotland", "United Kingdom"]
    # Each panel on its own scale: the UK's counts do not flatten Scotland's bars.
    assert layout.xaxis.range[1] < layout.xaxis2.range[1]
    assert rendered.finding.startswith("Scotland: ")  # the finding is the first area's
    # "Thin" means a rate for a region and a national gap for the UK: the note says both.
    assert rendered.note.startswith("Thin: under half the UK rate per million people; for the UK, held in fewer than")


def test_region_profile_slide_says_at_least_where_coverage_is_low(data):
    northern_ireland = slides.render(data, _region_slide("TLN"))
    assert "at least" in northern_ireland.finding and "“At least”" in northern_ireland.note
    # No BRES figure for Northern Ireland: no ONS statistic on this slide, no ONS credit.
    assert "Office for National Statistics" not in northern_ireland.source_line
    assert "ons" not in northern_ireland.cites


def test_region_profile_of_the_uk_states_the_all_awards_total_of_the_headline_numbers(data):
    uk = slides.render(data, _region_slide("UK"))
    numbers = slides.render(data, story.Slide(story.OVERVIEW_NUMBERS, "Numbers"))
    total = re.search(r"£[\d,.]+[mbnk]* \(" + re.escape(slides.TOTAL_RULES["all_awards"]) + r"\)", numbers.finding)
    assert total and total.group(0) in uk.finding
    assert uk.finding.startswith("United Kingdom: ")


def test_region_profile_slide_ignores_the_slide_filters_like_the_region_page(data):
    plain = slides.render(data, _region_slide("TLM"))
    filtered = slides.render(
        data,
        story.Slide(
            story.REGION_PROFILE, "A region", filters=landscape.Filters(kinds=("centre",)), settings={"area": "TLM"}
        ),
    )
    assert plain.finding == filtered.finding
