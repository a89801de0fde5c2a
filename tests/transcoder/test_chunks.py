"""Chunked transcoding joins into the same structure a single run makes."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import m3u8
import pytest
from _renditions_fixtures import CFG, TINY_LADDER, probe_json

from tests.support.media import make_clip
from transcoder.chunks import Chunk, plan_chunks
from transcoder.pipeline import LadderOutput, transcode
from transcoder.run import run_ffmpeg


def test_chunks_are_whole_segments_and_the_last_runs_to_the_end() -> None:
    chunks = plan_chunks(10.0, Fraction(25), segment_seconds=2, chunk_seconds=3.0)
    # 3 s rounds to 2 segments of 2 s: chunks at 0, 4, 8 s.
    assert chunks == (
        Chunk(0, 0, 0, 100),
        Chunk(1, 2, 100, 100),
        Chunk(2, 4, 200, None),
    )


def test_ntsc_chunks_start_on_the_frame_a_single_run_makes_a_keyframe() -> None:
    chunks = plan_chunks(20.0, Fraction(30000, 1001), segment_seconds=4, chunk_seconds=4)
    # 4 s at 29.97 fps is 119.88 frames: the segment starts at frames 0, 120, 240, 360, 480.
    assert [c.start_frame for c in chunks] == [0, 120, 240, 360, 480]
    assert all(c.start(Fraction(30000, 1001)) >= c.first_segment * 4 for c in chunks)


def test_a_master_shorter_than_a_chunk_is_one_chunk() -> None:
    assert plan_chunks(1.5, Fraction(25), 4, 60) == (Chunk(0, 0, 0, None),)


@pytest.fixture(scope="module")
def single_and_chunked(tmp_path_factory: pytest.TempPathFactory) -> tuple[LadderOutput, ...]:
    directory = tmp_path_factory.mktemp("chunks")
    master = make_clip(directory / "master.mp4", seconds=5.0, languages=("eng", "fra"), gop=25)
    single = transcode(CFG, master, directory / "single", TINY_LADDER)
    chunked = transcode(CFG, master, directory / "chunked", TINY_LADDER, chunk_seconds=2.0)
    return single, chunked


def _frames(path: Path) -> list[dict[str, str]]:
    data = probe_json(path, "-show_entries", "packet=pts_time,duration_time,flags")
    return data.get("packets", [])


def _psnr(a: Path, b: Path) -> float:
    result = run_ffmpeg(
        CFG,
        ["-i", str(a), "-i", str(b), "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
        inputs=[],
        own_inputs=[str(a), str(b)],
    )
    found = re.findall(r"PSNR .* average:([0-9.]+|inf)", result.stderr_tail)
    return float(found[-1])


@pytest.mark.slow
def test_chunked_set_has_the_same_files_segments_and_frames(
    single_and_chunked: tuple[LadderOutput, ...],
) -> None:
    single, chunked = single_and_chunked
    assert [f.path for f in chunked.files] == [f.path for f in single.files]
    for variant in single.variants:
        one = m3u8.load(str(single.directory / variant.uri))
        other = m3u8.load(str(chunked.directory / variant.uri))
        assert [s.duration for s in other.segments] == [s.duration for s in one.segments]
        for ours, theirs in ((single.directory / variant.uri, chunked.directory / variant.uri),):
            a, b = _frames(ours), _frames(theirs)
            assert len(a) == len(b) == 125
            keys_a = [p["pts_time"] for p in a if "K" in p["flags"]]
            keys_b = [p["pts_time"] for p in b if "K" in p["flags"]]
            assert keys_a == keys_b == ["0.000000", "1.000000", "2.000000", "3.000000", "4.000000"]


@pytest.mark.slow
def test_chunked_delivery_has_no_drift_and_the_same_pictures(
    single_and_chunked: tuple[LadderOutput, ...],
) -> None:
    single, chunked = single_and_chunked
    frame = 1 / 25
    spans = []
    for result in (single, chunked):
        streams = probe_json(result.directory / result.delivery_video)["streams"]
        video, *audio = streams
        spans.append((float(video["duration"]), [float(a["duration"]) for a in audio]))
        # Sound and picture end together: no A/V drift.
        assert all(abs(float(video["duration"]) - float(a["duration"])) <= 0.15 for a in audio)
    (video_one, audio_one), (video_two, audio_two) = spans
    assert video_two == pytest.approx(video_one, abs=frame)
    assert audio_two == pytest.approx(audio_one, abs=frame)
    # The same frames at the same times: a shift of one frame at a join would drop PSNR far
    # below this on the moving test picture.
    assert _psnr(single.directory / single.delivery_video,
                 chunked.directory / chunked.delivery_video) > 35  # fmt: skip
