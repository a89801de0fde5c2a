"""Texts the service stores in English, said in the reader's language: asset rejection reasons
(the transcoder's `REJECTIONS`), job errors (the job engine's `JOB_ERRORS`), the planner's rule
violations (`VIOLATIONS`), the named errors of the API and the pages (`PAGE_MESSAGES`, on an
error page or to a page's script), form validation errors (pydantic's error `type` and `ctx`),
catalogue filter problems. A stored text is taken back to its code and
parameters by the template that wrote it, so old rows need no migration; what no template
wrote (a handler's own message, FFmpeg's words) stays beside the sentence as a technical detail."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from babel import dates, numbers
from babel.support import NullTranslations
from pydantic_core import ErrorDetails

from catalogue.errors import PAGE_MESSAGES
from catalogue.jobs.failures import JOB_ERRORS
from catalogue.planner.validator import VIOLATIONS
from catalogue.web.i18n import Formatter
from catalogue.web.job_messages import N_
from transcoder.validate import REJECTIONS


@dataclass(frozen=True)
class Explained:
    sentence: str  # in the reader's language
    detail: str | None = None  # the stored text where it says more than the sentence
    reasons: tuple[Explained, ...] = ()  # a rejected master's reasons, under a job error


# Parameters that are one word (an id), so that "{what} {ident} not found" reads "rights window
# 5 not found" as what="rights window", ident="5".
ONE_WORD = frozenset({"ident"})


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    named: set[str] = set()
    regex = ""
    for n, part in enumerate(parts):
        if n % 2 == 0:
            regex += re.escape(part)
        elif part in named:  # a parameter written twice ("tus {version}") is the same text
            regex += f"(?P={part})"
        else:
            named.add(part)
            regex += f"(?P<{part}>{'[^ ]+' if part in ONE_WORD else '.+?'})"
    return re.compile(f"^{regex}$", re.DOTALL)


@cache
def _patterns(table: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Templates with more literal text first: "gave up ... the worker stopped" is not "{error}".
    ordered = sorted(table, key=lambda item: -len(re.sub(r"\{\w+\}", "", item[1])))
    return tuple((code, _pattern(template)) for code, template in ordered)


def read(table: Mapping[str, str], text: str) -> tuple[str, dict[str, str]] | None:
    """The code and parameters of `text` written from one of `table`'s templates, or None."""
    for code, pattern in _patterns(tuple(table.items())):
        found = pattern.match(text)
        if found:
            return code, found.groupdict()
    return None


REJECTION_SENTENCES = {
    "no_streams": N_("The file has no video or audio stream."),
    "audio_only": N_(
        "The file has no video stream. A sound-only file is accepted only as an audio asset, "
        "such as audio description."
    ),
    "truncated": N_("The file is incomplete: the end of its media data is missing."),
    "no_index": N_("The file is incomplete: its MP4/MOV index (moov) is missing."),
    "container_refused": N_("This kind of file is not accepted: %(kind)s."),
    "not_video": N_("This is not a video file: %(kind)s."),
    "not_media": N_("This is not an audio or video file we recognise."),
    "unreadable_detail": N_("The file could not be read as audio or video."),
    "unreadable": N_("The file could not be read."),
    "probe_timeout": N_("Checking the file took longer than %(duration)s and was stopped."),
    "resolution_above_limit": N_("The picture is %(size)s; the largest accepted is %(limit)s."),
    "picture_size_invalid": N_("The picture size %(size)s is not valid."),
    "frame_size_unknown": N_("The picture size is unknown."),
    "duration_unknown": N_("The running time is unknown."),
    "no_duration": N_("The file has no running time (it is empty, or a single still image)."),
    "duration_above_limit": N_("It runs %(duration)s; the longest accepted is %(limit)s."),
    "no_frame_rate": N_("The picture has no frame rate."),
    "no_picture": N_("The file has no picture."),
    "size_out_of_range": N_("The picture size %(size)s is outside the accepted range."),
    "duration_missing": N_("The file has no running time."),
    "longer_than": N_("It is longer than %(duration)s, the longest accepted."),
    "no_picture_or_duration": N_("The file has no picture or no running time."),
    "not_local": N_("This is not a file in the catalogue's storage."),
    "not_found": N_("The file was not found."),
    "cannot_read": N_("The file cannot be read."),
    "not_regular": N_("This is not a regular file (it is a pipe, a device or a folder)."),
}
# The kinds of file a reason names (transcoder.validate.KINDS); "PNG image", "ZIP archive" and
# the like are said by their last word, the format's own name kept.
KIND_NAMES = {
    "HLS playlist": N_("an HLS playlist"),
    "ffconcat list": N_("an FFmpeg concat list"),
    "DASH manifest": N_("a DASH manifest"),
    "YUV4MPEG raw video": N_("raw YUV4MPEG video"),
    "image sequence": N_("an image sequence"),
    "text file": N_("a text file"),
    "FFmpeg metadata file": N_("an FFmpeg metadata file"),
    "SubRip subtitle file": N_("a SubRip subtitle file"),
    "WebVTT subtitle file": N_("a WebVTT subtitle file"),
    "SSA/ASS subtitle file": N_("an SSA/ASS subtitle file"),
    "Microsoft Office document (legacy .doc/.xls/.ppt)": N_(
        "a Microsoft Office document (legacy .doc/.xls/.ppt)"
    ),
    "Office document (.docx/.xlsx/.pptx)": N_("an Office document (.docx/.xlsx/.pptx)"),
    "OpenDocument or EPUB document": N_("an OpenDocument or EPUB document"),
    "SQLite database": N_("an SQLite database"),
    "program (ELF executable)": N_("a program (ELF executable)"),
    "program (Windows executable)": N_("a program (Windows executable)"),
}
_KIND_FAMILIES = {
    "image": N_("an image (%(format)s)"),
    "archive": N_("an archive (%(format)s)"),
    "document": N_("a document (%(format)s)"),
}
_CLOCK = re.compile(r"^(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)$")


def _duration(text: str, fmt: Formatter) -> str:
    """A transcoder clock ('2 days, 0:00:01', '12:00:00') or seconds ('300'), in the locale."""
    clock = _CLOCK.match(text)
    if clock:
        days, hours, minutes, seconds = (int(g or 0) for g in clock.groups())
        return fmt.duration(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
    try:
        return fmt.duration(float(text))
    except ValueError:
        return text


def rejection(text: str, translations: NullTranslations, fmt: Formatter) -> Explained:
    """One stored rejection reason as a sentence in the reader's language."""
    found = read(REJECTIONS, text)
    if found is None:
        return Explained(translations.gettext("The file cannot be used."), detail=text)
    code, params = found
    if code in ("probe_timeout", "longer_than"):  # clocks read the same everywhere; seconds do not
        params["duration"] = _duration(params.pop("seconds"), fmt)
    if "kind" in params:
        params["kind"] = kind_name(params["kind"], translations)
    sentence = translations.gettext(REJECTION_SENTENCES[code]) % params
    return Explained(sentence, detail=params.get("detail"))


def kind_name(kind: str, translations: NullTranslations) -> str:
    """A kind of file a reason names, in the reader's language; an unknown one as it is."""
    if kind in KIND_NAMES:
        return translations.gettext(KIND_NAMES[kind])
    name, _, family = kind.rpartition(" ")
    if family in _KIND_FAMILIES and name and " " not in name:
        return translations.gettext(_KIND_FAMILIES[family]) % {"format": name}
    return kind


def job_error(text: str, translations: NullTranslations, fmt: Formatter) -> Explained:
    """A failed job's stored error as sentences in the reader's language."""
    found = read(JOB_ERRORS, text)
    if found is None:
        return Explained(translations.gettext("The job stopped with an error."), detail=text)
    code, params = found
    _, ngettext = translations.gettext, translations.ngettext
    match code:
        case "gave_up":
            attempts = int(params["attempts"])
            inner = job_error(params["error"], translations, fmt)
            tried = ngettext(
                "It failed %(num)s time and is not tried again.",
                "It failed %(num)s times and is not tried again.",
                attempts,
            ) % {"num": fmt.number(attempts, 0)}
            return Explained(f"{inner.sentence} {tried}", inner.detail, inner.reasons)
        case "worker_lost":
            attempts = int(params["attempts"])
            return Explained(
                ngettext(
                    "The worker running it stopped (killed, out of memory, or cut off from the "
                    "database) %(num)s time; it is not tried again.",
                    "The worker running it stopped (killed, out of memory, or cut off from the "
                    "database) %(num)s times; it is not tried again.",
                    attempts,
                )
                % {"num": fmt.number(attempts, 0)}
            )
        case "timed_out":
            limit = _duration(params["seconds"], fmt)
            return Explained(
                _("It took longer than %(duration)s and was stopped.") % {"duration": limit}
            )
        case "media_rejected":
            reasons = tuple(
                rejection(r, translations, fmt) for r in params["reasons"].split("; ") if r
            )
            return Explained(_("The file was refused:"), reasons=reasons)
        case "database_lost":
            return Explained(_("The connection to the database was lost."), detail=params["detail"])
        case _:  # "internal"
            return Explained(
                _("An error in the program stopped it; the worker log has the details."),
                detail=params["detail"],
            )


# A named error's message (`catalogue.errors.PAGE_MESSAGES`) on an error page.
ERROR_SENTENCES = {
    "page_not_found": N_("This page does not exist, or you may not see it."),
    "not_found": N_("Nothing was found under number %(ident)s, or you may not see it."),
    "no_job": N_("Nothing was found under number %(ident)s, or you may not see it."),
    "no_asset": N_("Nothing was found under number %(ident)s, or you may not see it."),
    "no_rendition_file": N_("This video has no such file."),
    "no_renditions": N_("This video has no playable versions yet."),
    "no_renditions_see_job": N_(
        "This video has no playable versions yet: its transcoding is in the list of jobs."
    ),
    "no_video_for_delivery": N_("This title has no video ready for delivery yet."),
    "cross_site": N_("The request did not come from the catalogue's own pages and was refused."),
    "cross_site_sign_in": N_(
        "The request did not come from the catalogue's own pages and was refused."
    ),
    "csrf": N_(
        "The page's security token is missing or out of date: reload the page and try again."
    ),
    "no_live_screening": N_("This screening is no longer in the plan: reload the page."),
    "no_venue": N_("There is no venue number %(venue)s."),
    "no_title": N_("There is no title number %(title)s."),
    "screening_taken": N_("The plan already has a screening of this title at that venue and time."),
    "plan_transition": N_("This plan is %(state)s: it cannot become %(to)s."),
    "plan_solving": N_("The plan is still being worked out: publish it when its job is done."),
    "plan_archived": N_("This plan is archived: set it back to draft to change it."),
    "copies_twice": N_("Title %(title)s is listed twice: give each title once."),
    "title_not_in_plan": N_("Title %(title)s is not one of this plan's titles."),
    "country_not_in_plan": N_("%(country)s is not one of this plan's countries."),
    "venue_not_in_plan": N_("Venue %(venue)s is not in one of this plan's countries."),
    "venue_elsewhere": N_("Venue %(venue)s is in %(venue_country)s, not in %(country)s."),
    "day_outside_plan": N_("%(day)s is outside the plan's dates (%(starts)s to %(ends)s)."),
    "tus_version": N_("The upload used another version of the tus protocol than this server's (%(version)s): reload the page and try again."),
    "tus_content_type": N_("The file's bytes were sent with the wrong content type: reload the page and try again."),
    "tus_integer": N_("%(header)s must be a whole number, 0 or more."),
    "tus_metadata_key": N_("The upload's description (Upload-Metadata) has a wrong or repeated name: %(key)s."),
    "tus_metadata_encoding": N_("In the upload's description (Upload-Metadata), the value of %(key)s is not base64-encoded text."),
    "tus_checksum_algorithm": N_("The checksum %(algorithm)s is not supported: use one of %(algorithms)s."),
    "tus_checksum_encoding": N_("The checksum of this part of the file (Upload-Checksum) is not base64."),
    "tus_checksum_length": N_("The checksum of this part of the file (Upload-Checksum) is not a %(algorithm)s checksum: its length is wrong."),
    "upload_no_title_id": N_("The upload does not say which title (or episode) the file belongs to."),
    "upload_title_id_range": N_("%(title)s is not a title number: title numbers go from 1 to %(max)s."),
    "upload_kind": N_("%(kind)s is not a kind of file the catalogue keeps."),
    "upload_no_title": N_("There is no title number %(title)s."),
    "upload_too_large": N_("The file is larger than the catalogue accepts: at most %(limit)s."),
    "upload_chunk_too_large": N_("More was sent than the file's declared size (%(length)s): if the file has changed, start its upload again."),
    "upload_body_too_long": N_("More was sent than the %(room)s left of the file's declared size: if the file has changed, start its upload again."),
    "no_upload": N_("This upload does not exist, or no longer exists: start it again."),
    "upload_expired": N_("This upload was left unfinished too long and was removed: start it again."),
    "upload_terminated": N_("This upload was cancelled while this part of it was arriving."),
    "upload_lost": N_("The server lost the bytes of this upload: start it again."),
    "offset_mismatch": N_("This part of the file was sent from %(offset)s, but the catalogue holds %(expected)s of it: resume the upload from there."),
    "checksum_mismatch": N_("A part of the file arrived damaged and was discarded: resume the upload from %(offset)s."),
    "upload_locked": N_("Another request is still sending this file: try again in a few seconds."),
    "lease_lost": N_("Another request took over this upload while this part was arriving, so this part was not kept: resume the upload."),
    "lease_lost_streaming": N_("Another request took over this upload while this part was arriving, so this part was not kept: resume the upload."),
}  # fmt: skip
# Parameters of the upload errors that are byte counts, said as sizes in the reader's units.
BYTE_COUNTS = frozenset({"length", "limit", "room", "offset", "expected"})
# A plan's status, as the pages name it (_labels.html).
PLAN_STATES = {"draft": N_("draft"), "published": N_("published"), "archived": N_("archived")}
# Any other message, by the error's HTTP status.
STATUS_SENTENCES = {
    400: N_("The request could not be carried out."),
    401: N_("Please sign in."),
    403: N_("You may not do this."),
    404: N_("This does not exist, or you may not see it."),
    409: N_("This conflicts with the current state of the catalogue."),
    410: N_("This is no longer available: start again."),
    413: N_("This is larger than the catalogue accepts."),
    422: N_("Some of what was sent is not valid."),
    423: N_("Another request is working on this right now: try again in a moment."),
    429: N_("Too many requests: wait a moment and try again."),
    460: N_("A part of the file arrived damaged and was discarded: resume the upload."),
    503: N_("The catalogue is busy: try again in a moment."),
}


def catalogue_error(
    status: int, message: str, translations: NullTranslations, fmt: Formatter
) -> Explained:
    """A named error's message, as the error page (or a page's script) says it: a sentence in
    the reader's language and, where the sentence says less, the English message as a technical
    detail."""
    _ = translations.gettext
    found = read(PAGE_MESSAGES, message)
    if found is None:
        sentence = STATUS_SENTENCES.get(status, N_("Something went wrong."))
        return Explained(_(sentence), detail=message or None)
    code, params = found
    shown = dict(params)
    for key, value in params.items():
        if key in ("country", "venue_country"):
            shown[key] = fmt.country_name(value)
        elif key in ("day", "starts", "ends") and _is_day(value):
            shown[key] = fmt.date(date.fromisoformat(value))
        elif key in ("state", "to") and value in PLAN_STATES:
            shown[key] = _(PLAN_STATES[value])
        elif key in BYTE_COUNTS and value.isdigit():
            shown[key] = fmt.size(int(value))
        elif key == "max" and value.isdigit():
            shown[key] = fmt.number(int(value), 0)
    return Explained(_(ERROR_SENTENCES[code]) % shown, detail=message if params else None)


# The planner's rules (a violation's `rule`), named for a programmer.
RULE_NAMES = {
    "unknown": N_("unknown title or venue"),
    "region": N_("tour countries"),
    "period": N_("period"),
    "rights": N_("rights"),
    "language": N_("language"),
    "media": N_("media"),
    "calendar": N_("calendar"),
    "time": N_("time slots"),
    "capacity": N_("capacity"),
    "gap": N_("gap between screenings"),
    "copies": N_("copies"),
    "pinned": N_("pinned screenings"),
    "must_screen": N_("required screenings"),
    "edit": N_("edit"),
}
# Sentences for the codes whose wording takes no count; "per_venue" and "no_track" are said in
# `violation` (plural forms; sound or subtitles).
VIOLATION_SENTENCES = {
    "unknown": N_("The title or the venue is not part of this plan."),
    "outside_tour": N_("%(country)s is not one of the tour's countries."),
    "outside_period": N_("%(day)s is outside the plan's period."),
    "no_rights": N_(
        "No active rights window covers this country, date, kind of screening, partner and "
        "language."
    ),
    "not_local_language": N_("%(language)s is not a language of %(country)s."),
    "burned_in_other_language": N_("The burned-in subtitles are in another language."),
    "rendition_not_ready": N_("The rendition %(rendition)s is not ready in time for %(day)s."),
    "cannot_play": N_("%(venue)s cannot play the rendition %(rendition)s."),
    "closed_weekday": N_("%(venue)s is closed on that day of the week (%(weekday)s)."),
    "blackout": N_("%(day)s is a blackout date of %(venue)s."),
    "holiday": N_("%(day)s is a public holiday in %(country)s."),
    "not_a_slot": N_("The start time or time zone is not one of the venue's time slots."),
    "once_per_city": N_("The title is screened more than once in this city."),
    "once_per_country": N_("The title is screened more than once in this country."),
    "day_full": N_("%(venue)s has too many screenings on %(day)s."),
    "year_cap": N_("%(venue)s has more screenings in %(year)s than its yearly cap."),
    "week_cap": N_("The venue has more screenings in 7 days than its weekly cap."),
    "gap": N_("Screenings of %(title)s are closer together than the minimum gap."),
    "no_copy": N_("No valid copy of %(title)s is assigned."),
    "copy_late": N_("Copy %(copy)s cannot arrive from %(venue)s in time."),
    "pin_missing": N_("The pinned or published screening of %(title)s at %(venue)s on %(day)s is missing."),
    "request_unmet": N_("Required screening %(request)s is not in the plan."),
    "no_such_screening": N_("There is no such screening in the plan."),
}  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# str(Pin(...)): "Pin(title_id='3', venue_id='5', day=datetime.date(2027, 3, 4))"
_PIN = re.compile(
    r"title_id='([^']*)', venue_id='([^']*)', day=datetime\.date\((\d+), (\d+), (\d+)\)"
)


@dataclass(frozen=True)
class Names:
    """What a page can name planner ids with: titles and venues by their database id."""

    titles: Mapping[int, str]
    venues: Mapping[int, str]

    def title(self, planner_id: str) -> str:
        return self.titles.get(int(planner_id), planner_id) if planner_id.isdigit() else planner_id

    def venue(self, planner_id: str) -> str:
        return self.venues.get(int(planner_id), planner_id) if planner_id.isdigit() else planner_id


def _violation_params(params: dict[str, str], fmt: Formatter, names: Names) -> dict[str, str]:
    shown = dict(params)
    for key, value in params.items():
        match key:
            case "country":
                shown[key] = fmt.country_name(value)
            case "language":
                shown[key] = fmt.language_name(value)
            case "day":
                shown[key] = fmt.date(date.fromisoformat(value)) if _is_day(value) else value
            case "weekday" if value in _WEEKDAYS:
                wide = dates.get_day_names("wide", "stand-alone", locale=fmt.language)
                shown[key] = wide[_WEEKDAYS.index(value)]
            case "venue":
                shown[key] = names.venue(value)
            case "title":
                shown[key] = names.title(value)
    pin = _PIN.search(params.get("pin", ""))
    if pin:
        title, venue, year, month, day = pin.groups()
        shown |= {
            "title": names.title(title),
            "venue": names.venue(venue),
            "day": fmt.date(date(int(year), int(month), int(day))),
        }
    return shown


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def violation(
    item: Mapping[str, Any], translations: NullTranslations, fmt: Formatter, names: Names
) -> Explained:
    """One stored planner violation ({"rule", "detail", ...}) as a sentence in the reader's
    language, with the planner's ids shown as the page's names."""
    _ = translations.gettext
    text = str(item.get("detail", ""))
    found = read(VIOLATIONS, text)
    if found is None:
        return Explained(_("The screening breaks one of the planner's rules."), detail=text)
    code, params = found
    shown = _violation_params(params, fmt, names)
    if code == "per_venue":
        count = int(params["count"])
        sentence = translations.ngettext(
            "The title is screened more than %(num)s time at this venue.",
            "The title is screened more than %(num)s times at this venue.",
            count,
        ) % {"num": fmt.number(count, 0)}
    elif code == "no_track":
        sound = params["mode"] == "audio"
        sentence = (
            _("The title has no sound in %(language)s.")
            if sound
            else _("The title has no subtitles in %(language)s.")
        ) % shown
    else:
        sentence = _(VIOLATION_SENTENCES[code]) % shown
    return Explained(sentence)


def rule_name(rule: str, translations: NullTranslations) -> str:
    return translations.gettext(RULE_NAMES[rule]) if rule in RULE_NAMES else rule


# Pydantic's error types, as sentences; {ctx} values are the figures.
_FORM_SENTENCES: dict[str, str] = {
    "missing": N_("This is required."),
    "string_type": N_("Enter text."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("Enter %(limit)s or more."),
    "less_than_equal": N_("Enter %(limit)s or less."),
    "greater_than": N_("Enter more than %(limit)s."),
    "less_than": N_("Enter less than %(limit)s."),
    "enum": N_("Choose one of the values offered."),
    "literal_error": N_("Choose one of the values offered."),
    "string_pattern_mismatch": N_("This does not have the expected form."),
    "date_parsing": N_("Enter a date (year-month-day)."),
    "date_from_datetime_parsing": N_("Enter a date (year-month-day)."),
    "extra_forbidden": N_("This field is not expected here."),
}
# Our own validators (catalogue/validation.py) raise ValueError; each is told by its wording.
_VALUE_ERRORS: tuple[tuple[str, str], ...] = (
    ("is not a valid BCP 47 language tag", N_("%(value)s is not a language code; use e.g. en, zh-Hans, kk, ru, es-419.")),
    ("is not an ISO 3166-1 alpha-2 country code", N_("%(value)s is not a country code; use two letters, e.g. CN, KZ, FR.")),
    ("is not an EIDR ID", N_("%(value)s is not an EIDR ID (10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C).")),
    ("has check character", N_("%(value)s has a wrong check character; check the EIDR ID.")),
    ("is listed twice", N_("%(value)s is listed twice.")),
    ("a tag is 1 to 64 characters", N_("A tag is 1 to 64 characters long.")),
)  # fmt: skip


def _value_in(message: str, given: Any) -> str:
    quoted = re.search(r"'([^']*)'", message)
    return quoted.group(1) if quoted else str(given)


def _lengths(kind: str, count: int, ngettext: Callable[[str, str, int], str]) -> str | None:
    # Literal ngettext calls: extraction collects each pair as one plural entry.
    match kind:
        case "string_too_short":
            return ngettext("At least %(num)s character.", "At least %(num)s characters.", count)
        case "string_too_long":
            return ngettext("At most %(num)s character.", "At most %(num)s characters.", count)
        case "too_short":
            return ngettext("At least %(num)s item.", "At least %(num)s items.", count)
        case "too_long":
            return ngettext("At most %(num)s item.", "At most %(num)s items.", count)
    return None


def form_problem(item: ErrorDetails, translations: NullTranslations, fmt: Formatter) -> str:
    """One pydantic error as a sentence in the reader's language, figures in its numbers."""
    _ = translations.gettext
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return _("This cannot be empty.")
    count = int(ctx.get("min_length", ctx.get("max_length", 0)))
    told = _lengths(kind, count, translations.ngettext)
    if told is not None:
        return told % {"num": fmt.number(count, 0)}
    if kind == "value_error":
        message = str(ctx.get("error", ""))
        for marker, sentence in _VALUE_ERRORS:
            if marker in message:
                return _(sentence) % {"value": _value_in(message, item.get("input"))}
        return _("This value is not valid.")
    if kind in _FORM_SENTENCES:
        limit = next((ctx[k] for k in ("ge", "le", "gt", "lt") if k in ctx), None)
        # No grouping: a year limit reads 1888, not 1,888.
        shown = (
            numbers.format_decimal(limit, "0.##", locale=fmt.language)
            if isinstance(limit, int | float)
            else str(limit)
        )
        return _(_FORM_SENTENCES[kind]) % {"limit": shown}
    return _("This value is not valid.")


@cache  # one catalogue object per language (i18n.translations)
def script_problems(translations: NullTranslations) -> dict[str, Any]:
    """`form_problem` for the pages' scripts, which get pydantic's items in the API's 422: the
    sentences by type, and the length sentences in each of the catalogue's plural forms, in its
    order (common.js picks one with the browser's plural rules)."""
    _ = translations.gettext
    plural: Callable[[int], int] = getattr(translations, "plural", lambda n: int(n != 1))
    sample: dict[int, int] = {}
    for n in range(200):  # one count for each plural form
        sample.setdefault(plural(n), n)
    lengths = ("string_too_short", "string_too_long", "too_short", "too_long")
    return {
        "types": {kind: _(sentence) for kind, sentence in _FORM_SENTENCES.items()},
        "values": [[marker, _(sentence)] for marker, sentence in _VALUE_ERRORS],
        "lengths": {
            kind: [_lengths(kind, sample[form], translations.ngettext) for form in sorted(sample)]
            for kind in lengths
        },
        "empty": _("This cannot be empty."),
        "invalid": _("This value is not valid."),
    }


def filter_problem(text: str, translations: NullTranslations) -> str:
    """A catalogue filter refused by `titles.filters.checked` ("year_from is after year_to",
    "language: <the validator's words>"), as a sentence in the reader's language."""
    _ = translations.gettext
    if text == "year_from is after year_to":
        return _("“From year” is later than “To year”.")
    message = text.partition(": ")[2]
    for marker, sentence in _VALUE_ERRORS:
        if marker in message:
            return _(sentence) % {"value": _value_in(message, "")}
    return _("This filter is not valid.")


def explainers(translations: NullTranslations, fmt: Formatter) -> dict[str, Callable[..., Any]]:
    """The template functions: `rejection(text)`, `job_error(text)`, `form_problem(item)`,
    `filter_problem(text)`, `violation(item, titles, venues)` and `rule_name(rule)`."""
    return {
        "violation": lambda item, titles={}, venues={}: violation(
            item, translations, fmt, Names(titles, venues)
        ),
        "rule_name": lambda rule: rule_name(rule, translations),
        "catalogue_error": lambda status, message: catalogue_error(
            status, message, translations, fmt
        ),
        "rejection": lambda text: rejection(text, translations, fmt),
        "job_error": lambda text: job_error(text, translations, fmt),
        "form_problem": lambda item: form_problem(item, translations, fmt),
        "filter_problem": lambda text: filter_problem(text, translations),
    }
