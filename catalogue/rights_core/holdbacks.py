"""The holdback rule: another active window in the same country may hold a media right back
until a date (a theatrical window keeps TV out for months); this window starts no earlier."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from catalogue.rights_core.windows import Span, Window


def held_back_start(window: Window, country: str, others: Iterable[Window]) -> date:
    """The first day `window` may be used in `country` once the holdbacks of `others` (the title's
    windows; `window` itself among them is ignored) on its media right are applied."""
    not_before = [
        until
        for other in others
        if other.id != window.id and other.active and country in other.countries
        for right, until in other.holdbacks
        if right == window.media_right
    ]
    return max([window.starts_on, *not_before])


def held_back_span(window: Window, country: str, others: Iterable[Window]) -> Span | None:
    """The days `window` may be used in `country` after holdbacks; None when held back past its
    end."""
    start = held_back_start(window, country, others)
    if window.ends_on is not None and start > window.ends_on:
        return None
    return Span(start, window.ends_on)
