from dataclasses import replace
from datetime import date

from _planner_factories import central_asia, planned, title, venue, window, with_rules

from catalogue.planner.eligibility import evaluate
from catalogue.planner.plan import ReasonCode
from catalogue.planner.problem import RightStatus, VenueKind


def _one(**kw):
    """One title, one Kazakh cinema."""
    t = kw.pop("title", title("t0"))
    return central_asia(
        titles=(t,),
        venues=kw.pop("venues", (kw.pop("venue", venue("v-KZ", "KZ")),)),
        rights=kw.pop("rights", (window(t.id, {"KZ"}),)),
        **kw,
    )


def _reason(problem, country="KZ"):
    plan = planned(problem)
    assert not plan.screenings
    found = [r for r in plan.reasons if r.title_id == "t0" and r.country == country]
    assert found, plan.reasons
    return found[0]


def test_a_title_with_everything_is_screened() -> None:
    plan = planned(_one())
    assert [s.venue_id for s in plan.screenings] == ["v-KZ"]
    assert plan.screenings[0].language in {"kk", "ru"}


def test_no_rights_in_the_country() -> None:
    reason = _reason(_one(rights=(window("t0", {"UZ"}),)))
    assert reason.code is ReasonCode.NO_RIGHTS


def test_inactive_window_and_wrong_media_are_no_rights() -> None:
    inactive = _one(rights=(window("t0", {"KZ"}, status=RightStatus.INACTIVE),))
    assert _reason(inactive).code is ReasonCode.NO_RIGHTS
    tv_only = _one(rights=(window("t0", {"KZ"}, media_right="free_tv"),))
    reason = _reason(tv_only)
    assert reason.code is ReasonCode.NO_RIGHTS
    assert reason.evidence["media_rights_for_venue"] == ("public_screening",)


def test_broadcaster_takes_tv_rights() -> None:
    problem = _one(
        rights=(window("t0", {"KZ"}, media_right="free_tv"),),
        venue=venue("v-KZ", "KZ", kind=VenueKind.BROADCASTER),
    )
    assert len(planned(problem).screenings) == 1


def test_exclusive_window_only_for_its_partner() -> None:
    other = _one(rights=(window("t0", {"KZ"}, exclusive_partner="someone-else"),))
    assert _reason(other).code is ReasonCode.NO_RIGHTS
    mine = _one(rights=(window("t0", {"KZ"}, exclusive_partner="partner-KZ"),))
    assert len(planned(mine).screenings) == 1


def test_window_outside_period() -> None:
    problem = _one(rights=(window("t0", {"KZ"}, start=date(2023, 1, 1), end=date(2024, 6, 30)),))
    reason = _reason(problem)
    assert reason.code is ReasonCode.WINDOW_OUTSIDE_PERIOD
    assert "2024-06-30" in reason.evidence["windows"][0]


def test_screenings_fall_inside_the_window() -> None:
    problem = _one(rights=(window("t0", {"KZ"}, start=date(2025, 9, 1), end=date(2025, 9, 30)),))
    (s,) = planned(problem).screenings
    assert date(2025, 9, 1) <= s.day <= date(2025, 9, 30)


def test_no_local_language_names_needed_and_present() -> None:
    problem = _one(title=title("t0", subtitle_languages=frozenset({"fr", "de"})))
    reason = _reason(problem)
    assert reason.code is ReasonCode.NO_LOCAL_LANGUAGE
    assert reason.evidence["needed"] == ("kk", "ru")
    assert reason.evidence["title_has"] == ("de", "fr")


def test_venue_languages_and_script_variants_count() -> None:
    french = _one(
        title=title("t0", subtitle_languages=frozenset({"fr"})),
        venue=venue("v-KZ", "KZ", languages=frozenset({"fr"})),
    )
    assert planned(french).screenings[0].language == "fr"
    cyrillic = _one(title=title("t0", subtitle_languages=frozenset({"kk_Cyrl"})))
    assert planned(cyrillic).screenings[0].language == "kk"


def test_licensed_languages_restrict_the_screening_language() -> None:
    problem = _one(rights=(window("t0", {"KZ"}, languages=frozenset({"ru"})),))
    assert {s.language for s in planned(problem).screenings} == {"ru"}


def test_dubbed_audio_is_preferred_to_subtitles() -> None:
    problem = _one(title=title("t0", audio_languages=frozenset({"ru"})))
    (s,) = planned(problem).screenings
    assert (s.language, s.mode) == ("ru", "audio")


def test_language_rule_can_be_switched_off() -> None:
    problem = with_rules(
        _one(title=title("t0", subtitle_languages=frozenset({"fr"}))), language=False
    )
    assert len(planned(problem).screenings) == 1


def test_no_venue_open() -> None:
    problem = _one(venue=venue("v-KZ", "KZ", open_weekdays=frozenset()))
    assert _reason(problem).code is ReasonCode.NO_VENUE_OPEN
    empty = _one(venues=())
    assert _reason(empty).code is ReasonCode.NO_VENUE_OPEN


def test_blackouts_and_weekdays_are_respected() -> None:
    v = venue(
        "v-KZ",
        "KZ",
        open_weekdays=frozenset({4}),
        blackout_dates=frozenset({date(2025, 9, 5)}),
    )
    problem = _one(
        venue=v, rights=(window("t0", {"KZ"}, start=date(2025, 9, 1), end=date(2025, 9, 14)),)
    )
    (s,) = planned(problem).screenings
    assert s.day == date(2025, 9, 12)


def test_rendition_not_ready() -> None:
    late = title("t0", renditions={"hls": date(2026, 3, 1), "mp4": None})
    reason = _reason(_one(title=late))
    assert reason.code is ReasonCode.RENDITION_NOT_READY
    assert "mp4:unscheduled" in reason.evidence["renditions"]


def test_rendition_ready_mid_year_moves_screenings_after_it() -> None:
    mid = title("t0", renditions={"hls": date(2025, 6, 1)})
    (s,) = planned(_one(title=mid)).screenings
    assert s.day > date(2025, 6, 1)


def test_venue_equipment_must_play_the_rendition() -> None:
    burned_only = venue("v-KZ", "KZ", equipment=frozenset({"burned_in"}))
    assert _reason(_one(venue=burned_only)).code is ReasonCode.RENDITION_NOT_READY
    burned = title("t0", renditions={"burned_in:ru": date(2025, 1, 1)})
    (s,) = planned(_one(title=burned, venue=burned_only)).screenings
    assert (s.rendition, s.language) == ("burned_in:ru", "ru")


def test_rules_alone_explain_before_solving() -> None:
    problem = _one(rights=(window("t0", {"FR"}),))
    elig = evaluate(problem)
    assert not elig.candidates
    assert [r.code for r in elig.title_reasons] == [ReasonCode.NO_RIGHTS]
    assert {r.country for r in elig.country_reasons} == set(problem.countries)


def test_country_without_venue_but_with_rights_is_no_venue_open() -> None:
    problem = _one(rights=(window("t0", {"UZ"}),))
    (reason,) = [r for r in evaluate(problem).pair_reasons if r.country == "UZ"]
    assert reason.code is ReasonCode.NO_VENUE_OPEN


def test_rights_rule_can_be_switched_off() -> None:
    problem = with_rules(_one(rights=()), rights=False)
    assert len(planned(problem).screenings) == 1


def test_title_and_country_left_out_are_explained() -> None:
    problem = central_asia(2)
    problem = replace(problem, rights=(window("t0", {"KZ"}),))
    plan = planned(problem)
    assert any(r.title_id == "t1" and r.country is None for r in plan.reasons)
    assert {r.country for r in plan.reasons if r.title_id is None} == {"KG", "TJ", "TM", "UZ"}
