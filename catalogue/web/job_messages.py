"""The progress messages job handlers write (whole sentences without figures), marked here so
that gettext extraction finds them: the pages show each in the reader's language."""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:
    """gettext's conventional marker: extraction collects it; it translates nothing here."""
    return message


MESSAGES = (
    # catalogue.tours.planning.JOB_MESSAGES (a test keeps the two in step)
    N_("Reading the titles, rights, subtitles, renditions and venues."),
    N_("Looking for a better plan."),
    N_("Done: the best plan under the rules was found."),
    N_("Done: a good plan was found in the time allowed."),
    N_("Done: a quick plan was made; time ran out before a better one."),
    N_("Done: no plan keeps every pinned and required screening."),
    # catalogue.media.transcode and catalogue.subtitles.burnin
    N_("encoding renditions"),
    N_("publishing renditions"),
    N_("burning in subtitles"),
)


def translated(gettext: Callable[[str], str]) -> dict[str, str]:
    return {message: gettext(message) for message in MESSAGES}
