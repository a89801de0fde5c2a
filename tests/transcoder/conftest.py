"""Generated media for the transcoder core tests: each clip is made once per session."""

from __future__ import annotations

import shutil
from inspect import signature
from pathlib import Path

import pytest
from _core_media import CANARY_TEXT, HANG_MARK

from transcoder import testmedia
from transcoder.binaries import ffprobe_path
from transcoder.config import TranscoderConfig
from transcoder.errors import FFmpegFailed
from transcoder.run import run_ffprobe_logged


@pytest.fixture(scope="session")
def cfg() -> TranscoderConfig:
    return TranscoderConfig(probe_timeout_s=30, ffmpeg_timeout_s=120)


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory, cfg: TranscoderConfig) -> dict[str, Path]:
    """Every real-world master of `testmedia.REAL_WORLD`, by name (about 2 s to make them all)."""
    directory = tmp_path_factory.mktemp("clips")
    return {name: make(directory, cfg=cfg) for name, make in testmedia.REAL_WORLD.items()}


@pytest.fixture(scope="session")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another asset's file, next door: no hostile upload may get it read."""
    path = tmp_path_factory.mktemp("other_asset") / "master.mp4"
    path.write_text(CANARY_TEXT + "\n")
    return path


@pytest.fixture(scope="session")
def hostile(
    tmp_path_factory: pytest.TempPathFactory, cfg: TranscoderConfig, canary: Path
) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("uploads")
    files: dict[str, Path] = {
        name: make(directory, cfg=cfg) if "cfg" in signature(make).parameters else make(directory)
        for name, make in testmedia.HOSTILE.items()
    }
    files["hls_sibling"] = testmedia.hls_playlist_pointing_at(directory, canary, name="hls1.mp4")
    files["hls_passwd"] = testmedia.hls_playlist_pointing_at(
        directory, Path("/etc/passwd"), name="hls2.mp4"
    )
    files["ffconcat_sibling"] = testmedia.ffconcat_pointing_at(directory, canary)
    return files


@pytest.fixture(scope="session")
def strace_cfg(
    tmp_path_factory: pytest.TempPathFactory, cfg: TranscoderConfig, clips: dict[str, Path]
) -> TranscoderConfig:
    """A config whose ffprobe runs under strace, which lists every file it opens on stderr (the
    probe may write no file at all: RLIMIT_FSIZE is 0), so it lands in the captured stderr."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace not installed")
    wrapper = tmp_path_factory.mktemp("strace") / "ffprobe"
    wrapper.write_text(
        f'#!/bin/sh\nexec {strace} -f -qq -s 4096 -e trace=open,openat,openat2 "{ffprobe_path(cfg)}" "$@"\n'
    )
    wrapper.chmod(0o755)
    traced = TranscoderConfig(ffprobe_path=str(wrapper), probe_timeout_s=30)
    try:
        log = run_ffprobe_logged(traced, clips["h264_aac_mp4"]).log
    except FFmpegFailed:
        pytest.skip("strace cannot trace here (ptrace not permitted)")
    if str(clips["h264_aac_mp4"]) not in log:
        pytest.skip("strace output does not show the files opened")
    return traced


@pytest.fixture
def hanging_ffprobe(tmp_path: Path) -> TranscoderConfig:
    """A config whose "ffprobe" hangs like ffprobe on a stalled input, with a grandchild
    `sleep {HANG_MARK}` in its process group."""
    wrapper = tmp_path / "ffprobe"
    wrapper.write_text(f"#!/bin/sh\nsleep {HANG_MARK} &\nwait\n")
    wrapper.chmod(0o755)
    return TranscoderConfig(ffprobe_path=str(wrapper), probe_timeout_s=0.5)
