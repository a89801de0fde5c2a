"""Tour planner benchmark: a synthetic year (500 titles, 200 venues in 20 countries, rights,
languages, holidays, a cap of 12 screenings per venue per year, limited copies), then a
realistic tour (40 titles, 30 venues). Prints objective, bound, gap and time for the greedy
plan alone and for CP-SAT warm-started from it, and checks every plan with the validator.

    uv run python bench/planner_bench.py [--time-limit 30] [--seed 7]
"""

import argparse
import random
import time
from datetime import date, timedelta

from catalogue.planner.greedy import greedy_plan
from catalogue.planner.instance import Instance
from catalogue.planner.plan import Plan
from catalogue.planner.problem import (
    Copies,
    Problem,
    RightsWindow,
    Rules,
    Title,
    Venue,
    VenueKind,
)
from catalogue.planner.relaxation import relax
from catalogue.planner.solver import Progress, SolveOptions, plan_tour
from catalogue.planner.validator import check_plan
from catalogue.rights_core.periods import Period

COUNTRIES = {
    "KZ": ("Asia/Almaty", ("kk", "ru")),
    "KG": ("Asia/Bishkek", ("ky", "ru")),
    "UZ": ("Asia/Tashkent", ("uz",)),
    "TJ": ("Asia/Dushanbe", ("tg",)),
    "TM": ("Asia/Ashgabat", ("tk",)),
    "DE": ("Europe/Berlin", ("de",)),
    "FR": ("Europe/Paris", ("fr",)),
    "IT": ("Europe/Rome", ("it",)),
    "ES": ("Europe/Madrid", ("es",)),
    "PL": ("Europe/Warsaw", ("pl",)),
    "GB": ("Europe/London", ("en",)),
    "RS": ("Europe/Belgrade", ("sr",)),
    "BR": ("America/Sao_Paulo", ("pt",)),
    "AR": ("America/Argentina/Buenos_Aires", ("es",)),
    "MX": ("America/Mexico_City", ("es",)),
    "CL": ("America/Santiago", ("es",)),
    "CO": ("America/Bogota", ("es",)),
    "PE": ("America/Lima", ("es",)),
    "US": ("America/New_York", ("en",)),
    "CA": ("America/Toronto", ("en", "fr")),
}
LANGS = sorted({lang for _, langs in COUNTRIES.values() for lang in langs})
KINDS = [VenueKind.CINEMA] * 5 + [VenueKind.CULTURAL_CENTRE] * 3 + [VenueKind.FESTIVAL] * 2


def synthetic(n_titles: int, n_venues: int, countries: list[str], seed: int) -> Problem:
    rng = random.Random(seed)
    period = Period.year(2025)
    titles, rights, copies = [], [], []
    for i in range(n_titles):
        tid = f"t{i:03d}"
        subs = frozenset(rng.sample(LANGS, rng.randint(1, 6)))
        ready = {
            "hls": date(2024, 12, 1) + timedelta(days=rng.randint(0, 300)),
            "mp4": None if rng.random() < 0.5 else date(2024, 6, 1),
        }
        titles.append(
            Title(
                tid,
                f"Title {i}",
                rng.choice(["drama", "documentary", "promo"]),
                rng.randint(1, 5),
                subtitle_languages=subs,
                renditions=ready,
            )
        )
        for w in range(rng.randint(1, 2)):
            start = date(2024, 7, 1) + timedelta(days=rng.randint(0, 420))
            end = None if rng.random() < 0.3 else start + timedelta(days=rng.randint(60, 400))
            rights.append(
                RightsWindow(
                    f"{tid}-w{w}",
                    tid,
                    rng.choice(["public_screening"] * 4 + ["festival"]),
                    frozenset(rng.sample(countries, rng.randint(2, min(8, len(countries))))),
                    start,
                    end,
                )
            )
        if rng.random() < 0.3:
            copies.append(Copies(tid, rng.randint(1, 3)))
    venues = []
    for j in range(n_venues):
        country = countries[j % len(countries)]
        zone, _ = COUNTRIES[country]
        venues.append(
            Venue(
                f"v{j:03d}",
                f"p{j % 37}",
                f"Venue {j}",
                f"{country}-city{j % 3}",
                country,
                zone,
                tier=rng.randint(1, 3),
                kind=rng.choice(KINDS),
                open_weekdays=frozenset(rng.sample(range(7), rng.randint(3, 6))),
            )
        )
    return Problem(
        countries=frozenset(countries),
        period=period,
        titles=tuple(titles),
        rights=tuple(rights),
        venues=tuple(venues),
        copies=tuple(copies),
        rules=Rules(max_per_venue_year=12, default_shipping_days=7),
        plan_id=f"bench-{seed}",
    )


def _line(label: str, plan: Plan, bound: float, seconds: float) -> str:
    gap = (bound - plan.objective) / plan.objective if plan.objective else 0.0
    return (
        f"{label:<22} objective {plan.objective:>8}  bound {bound:>10.0f}  gap {gap:6.2%}  "
        f"time {seconds:6.2f}s  screenings {len(plan.screenings):>5}  status {plan.status.value}"
    )


def _check(problem: Problem, plan: Plan) -> None:
    violations = check_plan(problem, plan)
    if violations:
        raise SystemExit(f"validator found {len(violations)} violations: {violations[:3]}")


def big_year(time_limit: float, seed: int) -> None:
    problem = synthetic(500, 200, list(COUNTRIES), seed)
    t0 = time.perf_counter()
    instance = Instance.prepare(problem)
    t_rules = time.perf_counter() - t0
    pairs = len(problem.titles) * len({v.country for v in problem.venues})
    kept = len({(c.title_id, c.country) for c in instance.candidates})
    print(
        f"year: 500 titles x 200 venues x 20 countries; candidates {len(instance.candidates)} "
        f"(title, venue); rules removed {1 - kept / pairs:.0%} of (title, country) pairs"
    )
    t0 = time.perf_counter()
    relaxation = relax(instance)
    t_lp = time.perf_counter() - t0
    t0 = time.perf_counter()
    greedy_plan(instance, relaxation.values if relaxation else None)
    t_greedy_core = time.perf_counter() - t0
    cpu = time.process_time()
    plain = plan_tour(problem, SolveOptions(use_cpsat=False, use_relaxation=False))
    cpu_plain = time.process_time() - cpu
    _check(problem, plain)
    cpu = time.process_time()
    greedy = plan_tour(problem, SolveOptions(use_cpsat=False))
    cpu_greedy = time.process_time() - cpu
    _check(problem, greedy)
    stopped = plan_tour(problem, SolveOptions(time_limit=time_limit, gap_limit=0.01))
    _check(problem, stopped)
    marks: dict[str, float] = {}
    start = time.perf_counter()

    def progress(p: Progress) -> None:
        now = time.perf_counter() - start
        marks.setdefault("first", now)
        if p.objective and (p.bound - p.objective) / p.objective <= 0.01:
            marks.setdefault("gap1", now)

    exact = plan_tour(problem, SolveOptions(time_limit=time_limit, gap_limit=0.0), progress)
    _check(problem, exact)
    bound = min(exact.best_bound, greedy.best_bound)
    print(_line("greedy, no LP guide", plain, bound, plain.seconds))
    print(_line("greedy, LP-guided", greedy, bound, greedy.seconds))
    print(_line("solve, stop at 1% gap", stopped, bound, stopped.seconds))
    print(_line("solve, CP-SAT to limit", exact, bound, exact.seconds))
    print(
        f"  parts: rules {t_rules:.2f}s, LP relaxation {t_lp:.2f}s, greedy {t_greedy_core:.2f}s "
        f"(the rest of a plan_tour call is screenings and explanations); CP-SAT incumbent "
        f"callbacks: first at {marks.get('first', float('nan')):.2f}s, "
        f"gap <= 1% at {marks.get('gap1', float('nan')):.2f}s"
    )
    print(
        f"  CPU time of one process (what an idle machine would take): greedy, no LP guide "
        f"{cpu_plain:.2f}s; greedy, LP-guided {cpu_greedy:.2f}s"
    )
    print(
        f"  ratios: CP-SAT to limit / greedy time {exact.seconds / greedy.seconds:.1f}; "
        f"objective CP-SAT / greedy {exact.objective / max(1, greedy.objective):.4f}"
    )


def realistic_tour(seed: int) -> None:
    countries = ["KZ", "KG", "UZ", "TJ", "TM", "DE"]
    problem = synthetic(40, 30, countries, seed)
    greedy = plan_tour(problem, SolveOptions(use_cpsat=False))
    _check(problem, greedy)
    best = plan_tour(problem, SolveOptions(time_limit=5.0, num_workers=2, gap_limit=0.01))
    _check(problem, best)
    cpsat = plan_tour(problem, SolveOptions(time_limit=5.0, use_relaxation=False))
    _check(problem, cpsat)
    print("tour: 40 titles x 30 venues in 6 countries")
    print(_line("greedy, LP-guided", greedy, best.best_bound, greedy.seconds))
    print(_line("solve, stop at 1% gap", best, best.best_bound, best.seconds))
    print(_line("CP-SAT alone, no LP", cpsat, cpsat.best_bound, cpsat.seconds))
    print(f"  ratio CP-SAT time / greedy time: {best.seconds / greedy.seconds:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    # Import the holiday tables and warm caches, so the timings below are of planning.
    plan_tour(synthetic(5, 20, list(COUNTRIES), args.seed), SolveOptions(use_cpsat=False))
    realistic_tour(args.seed)
    big_year(args.time_limit, args.seed)


if __name__ == "__main__":
    main()
