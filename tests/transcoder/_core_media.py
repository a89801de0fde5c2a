"""Helpers shared by the transcoder core tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

CANARY_TEXT = "CANARY-7f3a-sibling-asset-must-never-be-read"
HANG_MARK = "61.2345"
"""The unique argument of the `sleep` a hanging fake ffprobe leaves in its process group."""


def processes_with_argument(argument: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argument.encode() in args:
                found.append(int(entry.name))
    return found
