"""Small hand-made planner instances, and the helper every test runs its plans through."""

from dataclasses import replace
from datetime import date
from typing import Any

from catalogue.planner.plan import Plan
from catalogue.planner.problem import (
    Problem,
    RightsWindow,
    Rules,
    Title,
    Venue,
    VenueKind,
)
from catalogue.planner.solver import SolveOptions, plan_tour
from catalogue.planner.validator import check_plan
from catalogue.rights_core.periods import Period

YEAR = Period.year(2025)
FAST = SolveOptions(time_limit=5.0, num_workers=2)

CENTRAL_ASIA = {
    "KZ": ("Almaty", "Asia/Almaty"),
    "KG": ("Bishkek", "Asia/Bishkek"),
    "TJ": ("Dushanbe", "Asia/Dushanbe"),
    "TM": ("Ashgabat", "Asia/Ashgabat"),
    "UZ": ("Tashkent", "Asia/Tashkent"),
}


def title(id: str, **kw: Any) -> Title:
    defaults: dict[str, Any] = {
        "name": id.title(),
        "subtitle_languages": frozenset({"ru", "kk", "ky", "uz", "tg", "tk"}),
        "renditions": {"hls": date(2024, 12, 1), "mp4": date(2024, 12, 1)},
    }
    defaults.update(kw)
    return Title(id=id, **defaults)


def venue(id: str, country: str, **kw: Any) -> Venue:
    city, zone = CENTRAL_ASIA.get(country, (f"City-{country}", "Europe/Paris"))
    defaults: dict[str, Any] = {
        "partner_id": f"partner-{country}",
        "name": f"Venue {id}",
        "city": city,
        "country": country,
        "timezone": zone,
        "kind": VenueKind.CINEMA,
    }
    defaults.update(kw)
    return Venue(id=id, **defaults)


def window(title_id: str, countries: set[str] | frozenset[str], **kw: Any) -> RightsWindow:
    defaults: dict[str, Any] = {"media_right": "public_screening", "start": date(2024, 1, 1)}
    defaults.update(kw)
    return RightsWindow(
        id=f"w-{title_id}-{'-'.join(sorted(countries))}",
        title_id=title_id,
        territories=frozenset(countries),
        **defaults,
    )


def central_asia(n_titles: int = 2, **kw: Any) -> Problem:
    """One cinema per Central Asian country, titles with rights everywhere in the region."""
    titles = tuple(title(f"t{i}", priority=n_titles - i) for i in range(n_titles))
    countries = frozenset(CENTRAL_ASIA)
    defaults: dict[str, Any] = {
        "countries": countries,
        "period": YEAR,
        "titles": titles,
        "rights": tuple(window(t.id, countries) for t in titles),
        "venues": tuple(venue(f"v-{c}", c) for c in sorted(CENTRAL_ASIA)),
        "rules": Rules(max_per_venue_year=4),
    }
    defaults.update(kw)
    return Problem(**defaults)


def with_rules(problem: Problem, **kw: Any) -> Problem:
    return replace(problem, rules=replace(problem.rules, **kw))


def planned(problem: Problem, options: SolveOptions = FAST) -> Plan:
    """Plan and assert the independent validator finds nothing wrong."""
    plan = plan_tour(problem, options)
    assert check_plan(problem, plan) == [], check_plan(problem, plan)
    return plan


def greedy_planned(problem: Problem) -> Plan:
    return planned(problem, SolveOptions(use_cpsat=False))
