"""The processes this test process started, read from /proc (proc(5))."""

from __future__ import annotations

import os
from pathlib import Path


def children_named(name: str) -> dict[int, list[str]]:
    """Live children of this process whose command is `name`: pid -> the stat fields after the
    command (fields[1] is the parent pid, fields[16] the nice value)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if comm == name and int(fields[1]) == os.getpid():
            found[int(entry.name)] = fields
    return found
