"""Errors the planner raises; the API maps them to answers in one place."""


class PlannerError(Exception):
    """Base of the planner's errors."""


class UnknownRegion(PlannerError):
    """A region name, code or country the M49 table and ISO 3166 do not know."""

    def __init__(self, spec: str, close_matches: tuple[str, ...]) -> None:
        hint = f"; close matches: {', '.join(close_matches)}" if close_matches else ""
        super().__init__(f"unknown region or country {spec!r}{hint}")
        self.spec = spec
        self.close_matches = close_matches


class InvalidProblem(PlannerError):
    """Inputs that contradict each other (a pin at an unknown venue, an empty period...)."""
