"""Texts the service stores in English, said in the reader's language: asset rejection reasons
(the transcoder's `REJECTIONS`), job errors (the job engine's `JOB_ERRORS`) and form validation
errors (pydantic's error `type` and `ctx`), catalogue filter problems. A stored text is taken back to its code and
parameters by the template that wrote it, so old rows need no migration; what no template
wrote (a handler's own message, FFmpeg's words) stays beside the sentence as a technical detail."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import numbers
from babel.support import NullTranslations
from pydantic_core import ErrorDetails

from catalogue.jobs.failures import JOB_ERRORS
from catalogue.web.i18n import Formatter
from catalogue.web.job_messages import N_
from transcoder.validate import REJECTIONS


@dataclass(frozen=True)
class Explained:
    sentence: str  # in the reader's language
    detail: str | None = None  # the stored text where it says more than the sentence
    reasons: tuple[Explained, ...] = ()  # a rejected master's reasons, under a job error


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if n % 2 == 0 else f"(?P<{part}>.+?)" for n, part in enumerate(parts)
    )
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
    if code == "probe_timeout":  # clocks (1:30:00) read the same everywhere; seconds do not
        params["duration"] = _duration(params.pop("seconds"), fmt)
    sentence = translations.gettext(REJECTION_SENTENCES[code]) % params
    return Explained(sentence, detail=params.get("detail"))


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


def explainers(translations: NullTranslations, fmt: Formatter) -> dict[str, Callable[[Any], Any]]:
    """The template functions: `rejection(text)`, `job_error(text)`, `form_problem(item)` and
    `filter_problem(text)`."""
    return {
        "rejection": lambda text: rejection(text, translations, fmt),
        "job_error": lambda text: job_error(text, translations, fmt),
        "form_problem": lambda item: form_problem(item, translations, fmt),
        "filter_problem": lambda text: filter_problem(text, translations),
    }
