"""build.py: which FFmpeg this is, read from `-version` through the hardened runner, and whether the
product accepts it (minimum release, required libraries, ffprobe from the same build)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.ffmpeg import GOOD_FLAGS, fake_build, version_text
from transcoder.build import (
    MINIMUM_RELEASE,
    REQUIRED_LIBRARIES,
    inspect_build,
    parse_version_output,
    require_supported,
)
from transcoder.config import TranscoderConfig
from transcoder.errors import MediaTimeout, UnsupportedFFmpeg
from transcoder.run import run_version


def test_the_installed_build_is_supported_and_reports_its_libraries() -> None:
    build = require_supported(TranscoderConfig())
    assert build.release is not None and build.release[:2] >= MINIMUM_RELEASE
    assert build.ffprobe_version == build.version  # one build for both programs
    assert set(build.libraries) >= {*REQUIRED_LIBRARIES, "libvmaf"}
    assert all(build.libraries[name] for name in REQUIRED_LIBRARIES)
    assert build.licence.startswith(("GPL", "LGPL"))


def test_an_older_release_is_refused_with_how_to_fix_it(tmp_path: Path) -> None:
    cfg = fake_build(tmp_path / "old", "4.4.2-0ubuntu0.22.04.1", libavformat="58. 76.100")
    with pytest.raises(UnsupportedFFmpeg) as caught:
        require_supported(cfg)
    message = str(caught.value)
    assert "4.4.2-0ubuntu0.22.04.1" in message and "older than 5.1" in message
    assert "apt-get install ffmpeg" in message and "CATALOGUE_FFMPEG_PATH" in message


def test_5_0_is_refused_and_5_1_accepted(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFFmpeg, match=r"older than 5\.1"):
        require_supported(fake_build(tmp_path / "a", "n5.0.3", libavformat="59. 16.100"))
    assert require_supported(fake_build(tmp_path / "b", "5.1")).release == (5, 1)


def test_a_git_snapshot_is_judged_by_its_libavformat(tmp_path: Path) -> None:
    new = fake_build(tmp_path / "new", "N-113027-g1a2b3c", libavformat="61.  1.100")
    assert require_supported(new).release is None
    old = fake_build(tmp_path / "old", "N-100000-gdeadbe", libavformat="58. 45.100")
    with pytest.raises(UnsupportedFFmpeg, match=r"older than 5\.1"):
        require_supported(old)


def test_a_build_without_libx264_is_refused_naming_what_needs_it(tmp_path: Path) -> None:
    cfg = fake_build(tmp_path / "lgpl", "6.1", "--enable-libass --enable-libzimg")
    with pytest.raises(UnsupportedFFmpeg, match=r"built without libx264 \(libx264: every H.264"):
        require_supported(cfg)


def test_ffprobe_from_another_build_is_refused(tmp_path: Path) -> None:
    cfg = fake_build(tmp_path / "mixed", "5.1.9-0+deb12u1", ffprobe_version="6.0-static")
    with pytest.raises(UnsupportedFFmpeg, match=r"ffprobe 6\.0-static .* not from the same build"):
        require_supported(cfg)


def test_something_that_is_not_ffmpeg_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho 'hello'\n")
    fake.chmod(0o755)
    with pytest.raises(UnsupportedFFmpeg, match="does not print an FFmpeg version"):
        inspect_build(TranscoderConfig(ffmpeg_path=str(fake), ffprobe_path=str(fake)))


@pytest.mark.parametrize(
    ("flags", "licence"),
    [
        ("--enable-gpl --enable-libx264", "GPL-2.0-or-later"),
        ("--enable-gpl --enable-version3 --enable-libx264", "GPL-3.0-or-later"),
        ("--enable-shared", "LGPL-2.1-or-later"),
        ("--enable-gpl --enable-nonfree --enable-libfdk-aac", "non-free (not redistributable)"),
    ],
)
def test_licence_follows_the_configuration(flags: str, licence: str) -> None:
    build = parse_version_output(version_text("ffmpeg", "6.0", flags), "/x/ffmpeg")
    assert build.licence == licence


def test_report_for_readyz_leaves_out_path_and_configuration(tmp_path: Path) -> None:
    build = require_supported(fake_build(tmp_path / "ok", "5.1.9-0+deb12u1"))
    public = build.report()
    assert public == {
        "version": "5.1.9-0+deb12u1",
        "licence": "GPL-2.0-or-later",
        "libraries": {"libx264": True, "libass": True, "libzimg": True, "libvmaf": False},
    }
    full = build.report(with_configuration=True)
    assert full["configuration"] == GOOD_FLAGS and full["path"] == str(tmp_path / "ok" / "ffmpeg")


def test_an_upgraded_binary_is_seen_without_a_restart(tmp_path: Path) -> None:
    cfg = fake_build(tmp_path / "apt", "5.1.8-0+deb12u1")
    assert inspect_build(cfg).version == "5.1.8-0+deb12u1"
    time.sleep(0.01)  # a distinct mtime for the replaced files
    fake_build(tmp_path / "apt", "5.1.9-0+deb12u1")
    assert inspect_build(cfg).version == "5.1.9-0+deb12u1"


def test_version_runs_through_the_runner_with_a_timeout(tmp_path: Path) -> None:
    hanging = tmp_path / "ffmpeg"
    hanging.write_text("#!/bin/sh\nsleep 30\n")
    hanging.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(MediaTimeout):
        run_version(TranscoderConfig(ffmpeg_path=str(hanging)), "ffmpeg", timeout=0.5)
    assert time.monotonic() - started < 5
