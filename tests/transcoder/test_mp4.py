"""Progressive MP4 structure: the index must come before the media."""

from __future__ import annotations

from pathlib import Path

import pytest
from _renditions_fixtures import CFG

from tests.support.media import make_clip
from transcoder.mp4 import BoxError, is_faststart, top_level_boxes
from transcoder.run import run_ffmpeg


def _remux(src: Path, out: Path, *movflags: str) -> Path:
    args = ["-i", str(src), "-c", "copy", *movflags, "-y", str(out)]
    run_ffmpeg(CFG, args, inputs=[], own_inputs=[str(src)])
    return out


def test_faststart_files_have_moov_before_mdat(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=1.0)
    fast = _remux(clip, tmp_path / "fast.mp4", "-movflags", "+faststart")
    slow = _remux(clip, tmp_path / "slow.mp4")
    assert is_faststart(fast)
    assert not is_faststart(slow)
    assert sum(b.size for b in top_level_boxes(fast)) == fast.stat().st_size


def test_a_truncated_file_is_a_box_error(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=1.0)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    with pytest.raises(BoxError):
        top_level_boxes(cut)


def test_a_file_without_index_is_a_box_error(tmp_path: Path) -> None:
    path = tmp_path / "bare.mp4"
    path.write_bytes(b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00")
    with pytest.raises(BoxError, match="no moov"):
        is_faststart(path)
