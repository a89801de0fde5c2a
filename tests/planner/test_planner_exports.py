import json

from _planner_factories import central_asia, planned
from icalendar import Calendar

from catalogue.planner.export import screening_uid, to_ical, to_json


def _plan():
    problem = central_asia(2)
    return problem, planned(problem)


def test_ical_has_timezones_and_local_starts() -> None:
    problem, plan = _plan()
    cal = Calendar.from_ical(to_ical(problem, plan))
    events = cal.walk("VEVENT")
    assert len(events) == len(plan.screenings)
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert zones == {s.timezone for s in plan.screenings}
    by_uid = {str(e["UID"]): e for e in events}
    for s in plan.screenings:
        start = by_uid[screening_uid(plan, s)].decoded("DTSTART")
        assert (start.date(), start.time(), str(start.tzinfo)) == (s.day, s.start_time, s.timezone)
    assert b"DTSTART;TZID=Asia/Almaty:" in to_ical(problem, plan)


def test_ical_uids_are_stable_and_filters_work() -> None:
    problem, plan = _plan()
    assert to_ical(problem, plan) == to_ical(problem, plan)
    venue_cal = Calendar.from_ical(to_ical(problem, plan, venue_id="v-KZ"))
    assert len(venue_cal.walk("VEVENT")) == sum(s.venue_id == "v-KZ" for s in plan.screenings)
    partner_cal = Calendar.from_ical(to_ical(problem, plan, partner_id="partner-UZ"))
    assert len(partner_cal.walk("VEVENT")) == sum(s.venue_id == "v-UZ" for s in plan.screenings)


def test_json_carries_every_screening() -> None:
    _, plan = _plan()
    data = json.loads(to_json(plan))
    assert data["status"] == plan.status.value
    assert [s["id"] for s in data["screenings"]] == [s.id for s in plan.screenings]
    assert len(data["reasons"]) == len(plan.reasons)
