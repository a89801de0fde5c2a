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
    # tus uploads (catalogue.ingest): the headers, then the upload's metadata, size and state.
    "tus_version": "send 'Tus-Resumable: {version}' (got {got}); this server speaks tus {version}",
    "tus_content_type": "Content-Type must be {expected} (got {got})",
    "tus_integer": "{header} must be a non-negative integer (got {got})",
    "tus_metadata_key": "Upload-Metadata: bad or repeated key {key}",
    "tus_metadata_encoding": "Upload-Metadata: the value of {key} is not base64-encoded UTF-8",
    "tus_checksum_algorithm": "Upload-Checksum algorithm {algorithm} is not supported; use one of {algorithms}",
    "tus_checksum_encoding": "Upload-Checksum: the digest is not base64",
    "tus_checksum_length": "Upload-Checksum: not a {algorithm} digest (wrong length)",
    "upload_no_title_id": "Upload-Metadata must name the title (or episode) the file belongs to: title_id <base64 of the id, in decimal digits>",
    "upload_title_id_range": "Upload-Metadata title_id {title} is not a title id (1 to {max})",
    "upload_kind": "Upload-Metadata kind {kind} is not an asset kind; use one of {kinds}",
    "upload_no_title": "Upload-Metadata title_id: there is no title {title}",
    "upload_too_large": "Upload-Length {length} is above this server's limit of {limit} bytes",
    "upload_chunk_too_large": "{sent} bytes at offset {offset} would pass the declared Upload-Length {length}",
    "upload_body_too_long": "the body is longer than the {room} bytes left of Upload-Length",
    "no_upload": "upload {upload} not found",
    "upload_expired": "upload {upload} expired; start a new upload",
    "upload_terminated": "upload {upload} was terminated while this request ran",
    "upload_lost": "upload {upload}: its bytes are neither staged nor stored (lost with a disk); start a new upload",
    "offset_mismatch": "Upload-Offset {offset} does not match the upload's offset {expected}; send HEAD to learn the offset, then resume from there",
    "checksum_mismatch": "the {algorithm} checksum of this chunk does not match its bytes; the chunk was discarded, resend it from offset {offset}",
    "upload_locked": "another request is still writing to this upload; retry in a few seconds (HEAD gives the offset to resume from)",
    "lease_lost": "this request's hold on the upload ran out and another request took it; its bytes were not kept: send HEAD and resume from the offset it gives",
    "lease_lost_streaming": "this request's hold on the upload ran out and another request took it; send HEAD and resume from the offset it gives",
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
