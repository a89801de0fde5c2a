from dataclasses import replace
from datetime import date, time

from _planner_factories import central_asia, planned, title, venue, window, with_rules

from catalogue.planner.plan import Plan, Screening
from catalogue.planner.problem import Copies, MustScreen, Pin
from catalogue.planner.validator import Add, Cancel, Move, PinEdit, check_edit, check_plan
from catalogue.rights_core.periods import Period

SEPTEMBER = Period(date(2025, 9, 1), date(2025, 9, 30))


def _problem(**kw):
    titles = (title("t0"), title("t1", subtitle_languages=frozenset({"uz"})))
    problem = central_asia(
        titles=titles,
        venues=(venue("kz", "KZ", open_weekdays=frozenset(range(6))), venue("uz", "UZ")),
        rights=tuple(window(t.id, {"KZ", "UZ"}) for t in titles),
        period=SEPTEMBER,
    )
    return replace(with_rules(problem, max_per_venue_year=None), **kw)


def _screening(title_id: str, venue_id: str, day: date, language: str, **kw) -> Screening:
    zone = {"kz": "Asia/Almaty", "uz": "Asia/Tashkent"}[venue_id]
    fields = dict(
        title_id=title_id,
        venue_id=venue_id,
        day=day,
        start_time=time(19, 0),
        timezone=zone,
        language=language,
        mode="subtitles",
        rendition="hls",
    )
    fields.update(kw)
    return Screening(**fields)


def _rules_broken(problem, *screenings: Screening) -> set[str]:
    plan = Plan("p", tuple(screenings), 0, 0.0, "GREEDY", 0.0)  # type: ignore[arg-type]
    return {v.rule for v in check_plan(problem, plan)}


def test_a_valid_hand_made_plan_passes() -> None:
    ok = _screening("t0", "kz", date(2025, 9, 2), "ru")
    assert _rules_broken(_problem(), ok) == set()


def test_each_rule_is_checked_on_its_own() -> None:
    p = _problem()
    tue = date(2025, 9, 2)
    assert _rules_broken(p, _screening("t1", "kz", tue, "uz")) == {"language"}
    assert _rules_broken(p, _screening("t0", "kz", date(2025, 9, 7), "ru")) == {"calendar"}
    assert _rules_broken(p, _screening("t0", "kz", tue, "ru", rendition="mp4:x")) == {"media"}
    assert _rules_broken(p, _screening("t0", "kz", tue, "ru", start_time=time(18))) == {"time"}
    no_rights = replace(p, rights=(window("t0", {"UZ"}),))
    assert _rules_broken(no_rights, _screening("t0", "kz", tue, "ru")) == {"rights"}
    outside = _screening("t0", "kz", date(2025, 10, 1), "ru")
    assert _rules_broken(p, outside) == {"period"}


def test_holiday_is_a_calendar_violation() -> None:
    p = replace(_problem(), period=Period.year(2025))
    nauryz = _screening("t0", "kz", date(2025, 3, 21), "kk")
    assert _rules_broken(p, nauryz) == {"calendar"}


def test_capacity_violations_name_the_other_screening() -> None:
    p = _problem()
    a = _screening("t0", "kz", date(2025, 9, 2), "ru")
    b = _screening("t1", "uz", date(2025, 9, 2), "uz")
    c = _screening("t1", "kz", date(2025, 9, 2), "kk", start_time=time(19))
    plan = Plan("p", (a, b, replace(c, title_id="t0", day=date(2025, 9, 3))), 0, 0.0, "GREEDY", 0.0)  # type: ignore[arg-type]
    (dup,) = check_plan(p, plan)
    assert dup.rule == "capacity" and dup.related == (a.id,)


def test_copies_and_shipping_are_checked() -> None:
    p = replace(_problem(), copies=(Copies("t0", 1),))
    a = _screening("t0", "kz", date(2025, 9, 2), "ru", copy=0)
    b = _screening("t0", "uz", date(2025, 9, 5), "uz", copy=0)
    assert _rules_broken(p, a, b) == {"copies"}
    later = replace(b, day=date(2025, 9, 10))
    assert _rules_broken(p, a, later) == set()
    assert _rules_broken(p, a, replace(later, copy=None)) == {"copies"}


def test_missing_pin_and_unmet_request_are_violations() -> None:
    p = _problem(
        pins=(Pin("t0", "kz", date(2025, 9, 2)),),
        must_screen=(MustScreen("r1", "t1", country="UZ"),),
    )
    assert _rules_broken(p) == {"pinned", "must_screen"}


def test_check_edit_reports_only_what_the_edit_breaks() -> None:
    p = _problem()
    plan = planned(p)
    s = next(x for x in plan.screenings if (x.title_id, x.venue_id) == ("t0", "kz"))
    assert check_edit(p, plan, PinEdit(s.id)) == []
    assert check_edit(p, plan, Cancel(s.id)) == []
    moved = check_edit(p, plan, Move(s.id, date(2025, 9, 7), venue_id="kz"))  # kz shut Sundays
    assert {v.rule for v in moved} == {"calendar"}
    other = next(x for x in plan.screenings if (x.title_id, x.venue_id) == ("t1", "uz"))
    clash = check_edit(p, plan, Add(replace(other, title_id="t0")))
    assert {v.rule for v in clash} == {"capacity"}


def test_check_edit_cancelling_a_pinned_screening() -> None:
    p = _problem(pins=(Pin("t0", "kz", date(2025, 9, 2)),))
    plan = planned(p)
    pinned = next(s for s in plan.screenings if s.pinned)
    (v,) = check_edit(p, plan, Cancel(pinned.id))
    assert v.rule == "pinned"


def test_check_edit_unknown_screening() -> None:
    p = _problem()
    plan = planned(p)
    (v,) = check_edit(p, plan, Move("nope", date(2025, 9, 3)))
    assert v.rule == "edit"
