"""The one role guard: its roles pass, a hidden role meets 404, any other role 403."""

from __future__ import annotations

import pytest

from catalogue.auth.guards import ANY_ROLE, STAFF, Allow
from catalogue.errors import Forbidden, NotFound
from catalogue.models import Role, User


def _user(role: Role) -> User:
    return User(id=1, username=f"a-{role}", role=role)


def test_allowed_roles_pass() -> None:
    guard = Allow(Role.admin, Role.editor)
    assert guard.check(_user(Role.editor)).role is Role.editor


def test_other_roles_are_forbidden_by_default() -> None:
    with pytest.raises(Forbidden, match="allowed: admin, editor"):
        Allow(Role.admin, Role.editor).check(_user(Role.programmer))


def test_hidden_roles_meet_not_found_and_the_rest_forbidden() -> None:
    guard = Allow(*STAFF, hide_from=[Role.partner])
    with pytest.raises(NotFound, match=r"^not found$"):
        guard.check(_user(Role.partner))
    writer = Allow(Role.admin, Role.programmer, hide_from=[Role.partner])
    with pytest.raises(Forbidden):
        writer.check(_user(Role.editor))


def test_hiding_from_every_role_hides_from_all_but_the_allowed() -> None:
    guard = Allow(Role.admin, Role.editor, hide_from=ANY_ROLE)
    assert guard.hide_from == {Role.programmer, Role.partner}
    with pytest.raises(NotFound):
        guard.check(_user(Role.programmer))
    assert guard.check(_user(Role.admin)).role is Role.admin
