"""Who may read subtitle tracks: one condition, so widening it is a one-line change."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from catalogue.models import Role, User


def readable(user: User) -> ColumnElement[bool]:
    """Tracks `user` may read. Staff read every track; partners none yet (a later issue lets
    licensed partners read the published tracks of titles licensed to them, here)."""
    if user.role == Role.partner:
        return false()
    return true()
