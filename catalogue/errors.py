"""The service's named errors; the API turns each into one HTTP answer in one place."""

from __future__ import annotations

# The messages a page can show, by code: the English text (the API's `detail`, unchanged) is the
# template filled in, so the pages can read a message back to its code and say it in the
# reader's language; any other message is said by its status, the English beside it.
PAGE_MESSAGES: dict[str, str] = {
    "page_not_found": "page not found",
    "not_found": "{what} {ident} not found",
    "no_job": "no job {ident}",
    "no_asset": "no asset {ident}",
    "no_rendition_file": "asset {asset} has no rendition file {path}",
    "no_renditions": "asset {asset} has no renditions yet",
    "no_renditions_see_job": "asset {asset} has no renditions yet; see its transcode job under {jobs}",
    "no_video_for_delivery": "title {title} has no video ready for delivery yet",
    "cross_site": "cross-site request refused: send it from the catalogue's own pages",
    "cross_site_sign_in": "cross-site sign-in refused: use the catalogue's own sign-in page",
    "csrf": "missing or wrong CSRF token: reload the page (scripts send it as {header})",
    # A plan's edits, status changes, copies and required screenings (catalogue.tours).
    "no_live_screening": "screening_id: plan {plan} has no live screening {screening}",
    "no_venue": "venue_id: no venue {venue}",
    "no_title": "title_id: no title {title}",
    "screening_taken": "plan {plan} already has screening {screening} at that venue and time",
    "plan_transition": "plan {plan} is {state}; it can become {allowed}, not {to}",
    "plan_solving": "plan {plan} is still being planned; publish it when its job is done",
    "plan_archived": "plan {plan} is archived; set it back to draft to change it",
    "copies_twice": "copies: title {title} is given twice; give each title once",
    "title_not_in_plan": "{field}: title {title} is not among this plan's titles ({titles})",
    "country_not_in_plan": "must_screen: {country} is not in this plan's countries ({countries})",
    "venue_not_in_plan": "must_screen: venue {venue} is not a venue in this plan's countries",
    "venue_elsewhere": "must_screen: venue {venue} is in {venue_country}, not {country}",
    "day_outside_plan": "must_screen: {day} is outside the plan's dates ({starts}..{ends})",
}  # fmt: skip


def page_message(code: str, **params: object) -> str:
    return PAGE_MESSAGES[code].format(**params)


class CatalogueError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def headers(self) -> dict[str, str] | None:
        """Headers the HTTP answer must carry (a challenge, a retry delay)."""
        return None


class NotFound(CatalogueError):
    status_code = 404


class Conflict(CatalogueError):
    """A duplicate, or a state that forbids the change (e.g. deleting a published title)."""

    status_code = 409


class InvalidInput(CatalogueError):
    """Input that passed the schema but is wrong in context (an unknown campaign slug, ...)."""

    status_code = 422


class NotAuthenticated(CatalogueError):
    status_code = 401

    @property
    def headers(self) -> dict[str, str] | None:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(CatalogueError):
    status_code = 403


class TooManyRequests(CatalogueError):
    """Refused until `retry_after_s` seconds have passed (a rate limit)."""

    status_code = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after_s)}
