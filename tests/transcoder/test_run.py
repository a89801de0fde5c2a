"""run.py: the hardened way every FFmpeg process is started, limited, stopped and judged."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import ffmpeg
import pytest
from _core_media import HANG_MARK, processes_with_argument

from tests.support.processes import children_named
from transcoder.config import TranscoderConfig
from transcoder.errors import (
    FFmpegFailed,
    MediaCancelled,
    MediaRejected,
    MediaTimeout,
    TransientMediaError,
)
from transcoder.run import (
    classify_failure,
    harden_args,
    hardened_input_options,
    input_url,
    progress_fraction,
    run_ffmpeg,
    run_ffprobe,
)

ENDLESS = "testsrc2=size=320x240:rate=25"


def test_hardened_options_go_right_before_each_user_input(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "b.mov"
    a.write_bytes(b"x")
    b.write_bytes(b"y")
    opts = ["-protocol_whitelist", "file"]
    args = harden_args(
        ["-ss", "3", "-i", str(a), "-i", str(b), "-map", "0:v", "out.mp4"],
        inputs=[a, b],
        input_options=opts,
    )
    assert args == [
        "-ss", "3", *opts, "-i", f"file:{a}", *opts, "-i", f"file:{b}", "-map", "0:v", "out.mp4",
    ]  # fmt: skip


def test_default_input_options_whitelist_file_protocol_and_accepted_demuxers() -> None:
    cfg = TranscoderConfig(probesize_bytes=1000, analyzeduration_us=2000)
    opts = hardened_input_options(cfg)
    assert opts[opts.index("-protocol_whitelist") + 1] == "file"
    formats = opts[opts.index("-format_whitelist") + 1]
    assert "mov,mp4,m4a,3gp,3g2,mj2" in formats and "mxf" in formats
    assert "hls" not in formats.split(",") and "concat" not in formats.split(",")
    assert opts[opts.index("-probesize") + 1] == "1000"
    assert opts[opts.index("-analyzeduration") + 1] == "2000"


def test_own_inputs_pass_unchanged_and_undeclared_inputs_are_refused(tmp_path: Path) -> None:
    assert harden_args(["-f", "lavfi", "-i", ENDLESS], inputs=[], own_inputs=[ENDLESS],
                       input_options=["-x"]) == ["-f", "lavfi", "-i", ENDLESS]  # fmt: skip
    with pytest.raises(ValueError, match="neither declared"):
        harden_args(["-i", "/etc/passwd"], inputs=[], input_options=[])


def test_a_declared_input_missing_from_the_command_is_a_programming_error(tmp_path: Path) -> None:
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"x")
    with pytest.raises(ValueError, match="not in the command"):
        harden_args(["-f", "lavfi", "-i", ENDLESS], inputs=[clip], own_inputs=[ENDLESS],
                    input_options=[])  # fmt: skip


@pytest.mark.parametrize(
    "name",
    ["http://169.254.169.254/latest/meta-data", "concat:/etc/passwd|/etc/hosts",
     "subfile,,start,0,end,100,,:/etc/passwd", "file:/etc/passwd", "pipe:0"],
)  # fmt: skip
def test_anything_with_a_protocol_prefix_is_rejected(name: str) -> None:
    with pytest.raises(MediaRejected, match="not a local file"):
        input_url(name)


def test_a_file_whose_name_looks_like_a_protocol_is_opened_as_a_plain_file(
    tmp_path: Path,
) -> None:
    odd = tmp_path / "concat:evil|x.mp4"
    odd.write_bytes(b"x")
    assert input_url(odd) == f"file:{odd}"


def test_only_existing_regular_files_are_inputs(tmp_path: Path) -> None:
    with pytest.raises(MediaRejected, match="file not found"):
        input_url(tmp_path / "missing.mp4")
    with pytest.raises(MediaRejected, match="not a regular file"):
        input_url(tmp_path)
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    with pytest.raises(MediaRejected, match="not a regular file"):
        input_url(fifo)


def test_progress_lines_become_fractions() -> None:
    assert progress_fraction("out_time_us=1000000", 4.0) == 0.25
    assert progress_fraction("out_time_us=9000000", 4.0) == 1.0
    assert progress_fraction("out_time_us=N/A", 4.0) is None
    assert progress_fraction("out_time_us=-5000", 4.0) == 0.0
    assert progress_fraction("progress=end", 4.0) == 1.0
    assert progress_fraction("progress=continue", 4.0) is None
    assert progress_fraction("frame=12", 4.0) is None


@pytest.mark.parametrize(
    ("returncode", "stderr", "expected", "words"),
    [
        (-signal.SIGKILL, "", TransientMediaError, "SIGKILL"),
        (-signal.SIGTERM, "", TransientMediaError, "SIGTERM"),
        (-signal.SIGSEGV, "", FFmpegFailed, "crashed (SIGSEGV)"),
        (-signal.SIGXCPU, "", MediaTimeout, "CPU time limit"),
        (-signal.SIGXFSZ, "", FFmpegFailed, "file size limit"),
        (1, "av_interleaved_write_frame(): No space left on device", TransientMediaError, "disk"),
        (1, "Error opening input\nout.mp4: Invalid argument", FFmpegFailed, "Invalid argument"),
    ],
)
def test_failures_are_classified_for_the_retry_policy(
    returncode: int, stderr: str, expected: type[Exception], words: str
) -> None:
    error = classify_failure("ffmpeg", returncode, stderr, cpu_limit_s=10)
    assert type(error) is expected
    assert words in str(error)


def test_run_ffprobe_returns_json(cfg: TranscoderConfig, clips: dict[str, Path]) -> None:
    data = run_ffprobe(cfg, clips["h264_aac_mp4"])
    assert data["format"]["format_name"] == "mov,mp4,m4a,3gp,3g2,mj2"
    assert [s["codec_name"] for s in data["streams"]] == ["h264", "aac"]


def test_run_ffmpeg_takes_an_ffmpeg_python_stream(
    cfg: TranscoderConfig, clips: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "cut.mp4"
    stream = (
        ffmpeg.input(str(clips["h264_aac_mp4"]), ss=0.5)
        .output(str(out), vcodec="libx264", preset="ultrafast", an=None)
        .overwrite_output()
    )
    result = run_ffmpeg(cfg, stream, inputs=[clips["h264_aac_mp4"]])
    i = result.argv.index("-i")
    assert result.argv[i + 1] == f"file:{clips['h264_aac_mp4']}"
    assert "-protocol_whitelist" in result.argv[:i] and "-nostdin" in result.argv
    duration = float(run_ffprobe(cfg, out)["format"]["duration"])
    assert duration == pytest.approx(1.5, abs=0.1)


def test_progress_is_reported_rising_and_ends_at_one(
    cfg: TranscoderConfig, clips: dict[str, Path], tmp_path: Path
) -> None:
    seen: list[float] = []
    run_ffmpeg(
        cfg,
        ["-stats_period", "0.1", "-readrate", "4", "-i", str(clips["h264_aac_mp4"]),
         "-c:v", "libx264", "-preset", "ultrafast", "-y", str(tmp_path / "p.mp4")],
        inputs=[clips["h264_aac_mp4"]],
        duration=2.0,
        on_progress=seen.append,
    )  # fmt: skip
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert any(0.0 < f < 1.0 for f in seen), seen


def test_progress_needs_a_duration(cfg: TranscoderConfig) -> None:
    with pytest.raises(ValueError, match="duration"):
        run_ffmpeg(cfg, ["-f", "lavfi", "-i", ENDLESS, "-f", "null", "-"], inputs=[],
                   own_inputs=[ENDLESS], on_progress=print)  # fmt: skip


def test_wall_clock_timeout_kills_the_process(cfg: TranscoderConfig) -> None:
    started = time.monotonic()
    with pytest.raises(MediaTimeout, match=r"timed out after 0\.5 s"):
        run_ffmpeg(cfg, ["-f", "lavfi", "-i", ENDLESS, "-f", "null", "-"], inputs=[],
                   own_inputs=[ENDLESS], timeout=0.5)  # fmt: skip
    assert time.monotonic() - started < 5
    assert children_named("ffmpeg") == {}


def test_an_input_that_blocks_forever_is_killed_at_the_timeout(
    cfg: TranscoderConfig, hostile: dict[str, Path]
) -> None:
    # Declared as an own input only to get past the regular-file guard and reach the hang.
    fifo = str(hostile["fifo_as_mp4"])
    with pytest.raises(MediaTimeout):
        run_ffmpeg(cfg, ["-i", fifo, "-f", "null", "-"], inputs=[], own_inputs=[fifo],
                   timeout=0.5)  # fmt: skip
    assert children_named("ffmpeg") == {}


def test_a_hanging_probe_is_killed_with_its_whole_process_group(
    hanging_ffprobe: TranscoderConfig, clips: dict[str, Path]
) -> None:
    with pytest.raises(MediaTimeout, match=r"probe timed out after 0\.5 s"):
        run_ffprobe(hanging_ffprobe, clips["h264_aac_mp4"])
    assert processes_with_argument(HANG_MARK) == []  # the grandchild went with the group


def test_cancel_event_stops_the_run(cfg: TranscoderConfig) -> None:
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    with pytest.raises(MediaCancelled):
        run_ffmpeg(cfg, ["-f", "lavfi", "-i", ENDLESS, "-f", "null", "-"], inputs=[],
                   own_inputs=[ENDLESS], cancel=cancel)  # fmt: skip
    assert children_named("ffmpeg") == {}


def test_cancel_callable_stops_the_run(cfg: TranscoderConfig) -> None:
    deadline = time.monotonic() + 0.3
    with pytest.raises(MediaCancelled):
        run_ffmpeg(cfg, ["-f", "lavfi", "-i", ENDLESS, "-f", "null", "-"], inputs=[],
                   own_inputs=[ENDLESS], cancel=lambda: time.monotonic() > deadline)  # fmt: skip


def test_cpu_time_limit_stops_a_runaway_encode() -> None:
    cfg = TranscoderConfig(max_cpu_s=1)
    with pytest.raises(MediaTimeout, match="CPU time limit"):
        run_ffmpeg(cfg, ["-f", "lavfi", "-i", ENDLESS, "-c:v", "libx264", "-f", "null", "-"],
                   inputs=[], own_inputs=[ENDLESS], timeout=30)  # fmt: skip


def test_output_file_size_limit(tmp_path: Path) -> None:
    cfg = TranscoderConfig(max_output_bytes=100_000)
    with pytest.raises(FFmpegFailed, match="file size limit"):
        run_ffmpeg(cfg, ["-f", "lavfi", "-i", ENDLESS, "-c:v", "rawvideo", "-t", "5",
                         "-f", "nut", str(tmp_path / "big.nut")],
                   inputs=[], own_inputs=[ENDLESS], timeout=30)  # fmt: skip


def test_stdout_beyond_its_bound_fails_instead_of_filling_memory() -> None:
    cfg = TranscoderConfig(max_stdout_bytes=100_000)
    with pytest.raises(FFmpegFailed, match="printed more than 100000 bytes"):
        run_ffmpeg(cfg, ["-f", "lavfi", "-i", ENDLESS, "-c:v", "rawvideo", "-f", "nut", "pipe:1"],
                   inputs=[], own_inputs=[ENDLESS], timeout=30)  # fmt: skip


def test_stderr_keeps_only_a_bounded_tail() -> None:
    cfg = TranscoderConfig(max_stderr_bytes=2000)
    graph = "testsrc2=size=64x64:duration=1"
    result = run_ffmpeg(cfg, ["-loglevel", "debug", "-f", "lavfi", "-i", graph, "-f", "null", "-"],
                        inputs=[], own_inputs=[graph])  # fmt: skip
    assert 0 < len(result.stderr_tail.encode()) <= 2000


def test_failure_carries_a_short_stderr_tail(cfg: TranscoderConfig, tmp_path: Path) -> None:
    graph = "testsrc2=size=64x64:duration=1"
    with pytest.raises(FFmpegFailed) as caught:
        run_ffmpeg(cfg, ["-f", "lavfi", "-i", graph, "-c:v", "no_such_codec", str(tmp_path / "x.mp4")],
                   inputs=[], own_inputs=[graph])  # fmt: skip
    assert "no_such_codec" in caught.value.stderr_tail
    assert caught.value.returncode not in (None, 0)


def test_x264_threads_run_under_the_default_memory_limit(tmp_path: Path) -> None:
    graph = "testsrc2=size=1280x720:rate=25:duration=1"
    run_ffmpeg(TranscoderConfig(), ["-f", "lavfi", "-i", graph, "-c:v", "libx264",
                                    "-preset", "veryfast", "-f", "null", "-"],
               inputs=[], own_inputs=[graph], timeout=60)  # fmt: skip


def test_binary_name_in_the_arguments_is_refused(cfg: TranscoderConfig) -> None:
    with pytest.raises(ValueError, match="without the binary"):
        run_ffmpeg(cfg, ["ffmpeg", "-version"], inputs=[])
