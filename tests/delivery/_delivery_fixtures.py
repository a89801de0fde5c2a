"""Types shared by the delivery tests (the fixtures themselves live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Delivered:
    title_id: int
    asset_id: int
    prefix: str


Deliver = Callable[..., Delivered]
