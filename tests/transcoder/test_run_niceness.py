"""run.py: FFmpeg runs at a lower CPU priority than the process that starts it (`niceness`), so
that in the embedded form an encode or a probe never makes the API's requests wait for a core."""

from __future__ import annotations

import os
import threading
import time

import pytest

from tests.support.processes import children_named
from transcoder.config import TranscoderConfig
from transcoder.errors import MediaCancelled
from transcoder.run import run_ffmpeg

ENDLESS = "testsrc2=size=160x120:rate=25"


def _nice_of_ffmpeg_child() -> int:
    """The nice value of the FFmpeg this process started, once it is running."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for fields in children_named("ffmpeg").values():
            return int(fields[16])
        time.sleep(0.05)
    raise AssertionError("no FFmpeg child started")


@pytest.mark.parametrize("niceness", [0, 7])
def test_ffmpeg_runs_at_the_configured_niceness_below_its_parent(niceness: int) -> None:
    cancel = threading.Event()
    failures: list[BaseException] = []

    def encode() -> None:
        try:
            run_ffmpeg(
                TranscoderConfig(niceness=niceness),
                ["-f", "lavfi", "-i", ENDLESS, "-f", "null", "-"],
                inputs=[],
                own_inputs=[ENDLESS],
                timeout=60,
                cancel=cancel,
            )
        except MediaCancelled:
            pass
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    worker = threading.Thread(target=encode)
    worker.start()
    try:
        seen = _nice_of_ffmpeg_child()
    finally:
        cancel.set()
        worker.join(30)
    assert failures == []
    assert seen == min(19, os.nice(0) + niceness)


def test_a_niceness_outside_nice_range_is_refused() -> None:
    with pytest.raises(ValueError, match="niceness"):
        TranscoderConfig(niceness=20)
