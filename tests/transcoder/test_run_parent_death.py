"""run.py: an FFmpeg started through the runner dies with the process that started it.

FFmpeg runs in its own session (so a timeout can kill its whole group), which also means a
SIGKILL of the worker's group does not reach it: without a parent-death signal it would go on
writing into a job's workspace after the worker is gone, racing the retry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ENDLESS = "testsrc2=size=320x240:rate=25"
# A parent that starts an endless FFmpeg through the runner, from its main thread or, as the
# embedded job pool does, from a worker thread.
PARENT = textwrap.dedent(
    """
    import sys, threading
    from transcoder.config import TranscoderConfig
    from transcoder.run import run_ffmpeg

    def encode() -> None:
        run_ffmpeg(TranscoderConfig(), ["-f", "lavfi", "-i", "{endless}", "-f", "null", "-"],
                   inputs=[], own_inputs=["{endless}"], timeout=300)

    if sys.argv[1] == "thread":
        worker = threading.Thread(target=encode)
        worker.start()
        worker.join()
    else:
        encode()
    """
).format(endless=ENDLESS)


def _stat(pid: int) -> tuple[str, str, int] | None:
    """(command name, state, parent pid) of a process, None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
    return comm, state, int(ppid)


def _ffmpeg_child_of(parent: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None and found[0] == "ffmpeg" and found[2] == parent:
                return int(entry.name)
    return None


def _alive(pid: int) -> bool:
    found = _stat(pid)
    return found is not None and found[1] != "Z"  # a zombie is dead, only not yet reaped


def _wait(condition: Callable[[], object], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux parent-death signal")
@pytest.mark.parametrize("started_from", ["main", "thread"])
def test_ffmpeg_dies_when_the_process_that_started_it_is_killed(started_from: str) -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, started_from], start_new_session=True)
    ffmpeg: int | None = None
    try:
        assert _wait(lambda: _ffmpeg_child_of(parent.pid), 30), "FFmpeg did not start"
        ffmpeg = _ffmpeg_child_of(parent.pid)
        assert ffmpeg is not None
        os.killpg(parent.pid, signal.SIGKILL)  # the parent's group: FFmpeg is not in it
        parent.wait(10)
        assert _wait(lambda: not _alive(ffmpeg), 5), "FFmpeg outlived the process that started it"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
        if ffmpeg is not None and _alive(ffmpeg):
            os.kill(ffmpeg, signal.SIGKILL)  # never leave an endless encode behind
