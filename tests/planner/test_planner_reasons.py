"""Left-out reasons list every rule that applies, the decisive one first."""

from _planner_factories import central_asia, title, venue, window

from catalogue.planner.eligibility import evaluate
from catalogue.planner.plan import ReasonCode
from catalogue.planner.problem import VenueKind


def _pair(problem, title_id: str, country: str):  # type: ignore[no-untyped-def]
    found = [
        r for r in evaluate(problem).pair_reasons if (r.title_id, r.country) == (title_id, country)
    ]
    assert len(found) == 1, found
    return found[0]


def test_a_country_without_venues_leads_with_rights_and_lists_language_and_venue() -> None:
    # Tajikistan: no venue, no rights, and the title speaks no Tajik or Russian.
    french = title("t0", subtitle_languages=frozenset({"fr"}))
    problem = central_asia(
        titles=(french,),
        rights=(window("t0", {"KZ"}),),
        venues=(venue("v-KZ", "KZ"),),
    )
    reason = _pair(problem, "t0", "TJ")
    assert reason.code is ReasonCode.NO_RIGHTS
    assert reason.evidence["also"] == ("NO_LOCAL_LANGUAGE", "NO_VENUE_OPEN")


def test_a_country_without_venues_but_with_rights_and_language_says_only_venue() -> None:
    problem = central_asia(titles=(title("t0"),), venues=(venue("v-KZ", "KZ"),))
    reason = _pair(problem, "t0", "TJ")
    assert reason.code is ReasonCode.NO_VENUE_OPEN and "also" not in reason.evidence


def test_the_venue_that_got_furthest_leads_and_the_others_follow() -> None:
    # A broadcaster needs TV rights (only screening rights are held); a cinema plays mp4 only,
    # and no mp4 is ready: the cinema got further, so the rendition leads and rights follow.
    problem = central_asia(
        titles=(title("t0", renditions={"hls": None}),),
        rights=(window("t0", {"KZ"}),),
        venues=(
            venue("v-tv", "KZ", kind=VenueKind.BROADCASTER),
            venue("v-cinema", "KZ", equipment=frozenset({"mp4"})),
        ),
    )
    reason = _pair(problem, "t0", "KZ")
    assert reason.code is ReasonCode.RENDITION_NOT_READY
    assert reason.evidence["also"] == ("NO_RIGHTS",)
