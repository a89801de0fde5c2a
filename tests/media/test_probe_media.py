"""Masters and hostile files through the real tus endpoint, then the probe_asset job."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Actors, Database
from tests.ingest.conftest import CANARY_TEXT, settle, upload_bytes
from transcoder import testmedia
from transcoder.binaries import ffprobe_path
from transcoder.config import TranscoderConfig

# name -> (kind, what the technical metadata must show)
EXPECTED: dict[str, tuple[str, dict[str, object]]] = {
    "h264_aac_mp4": ("main", {"video": "h264", "audio": ["aac"], "size": (320, 240)}),
    "prores_mov": ("main", {"video": "prores", "audio": ["pcm_s24le"], "timecode": "10:00:00:00"}),
    "dnxhr_mxf": ("main", {"video": "dnxhd", "format": "mxf"}),
    "xdcam_1080i_mxf": ("main", {"video": "mpeg2video", "size": (1920, 1080), "interlaced": True}),
    "dv_pal_16x9_avi": ("main", {"video": "dvvideo", "display": (1024, 576)}),
    "sd_4x3_mp4": ("textless", {"video": "h264", "display": (768, 576), "audio": []}),
    "phone_rotated_mp4": ("promo_cut", {"rotation": 270, "display": (180, 320)}),
    "odd_dimensions_mp4": ("main", {"size": (321, 241)}),
    "vfr_mp4": ("main", {"frame_rate_mode": "variable"}),
    "surround_51_mp4": ("main", {"channels": [6]}),
    "multi_language_mkv": ("main", {"languages": ["eng", "fre", "eng"]}),
    "no_audio_mp4": ("trailer", {"audio": []}),
    "audio_only_wav": ("audio_description", {"video": None, "audio": ["pcm_s24le"]}),
    "audio_only_m4a": ("audio_description", {"video": None, "audio": ["aac"]}),
    "mov_text_mp4": ("main", {"subtitles": ["mov_text"]}),
    "subrip_mkv": ("main", {"subtitles": ["subrip", "subrip"]}),
    "hdr_pq_mov": ("main", {"video": "hevc"}),
    "hlg_mp4": ("main", {"video": "h264"}),
}


def _streams(technical: dict[str, object], kind: str) -> list[dict[str, object]]:
    streams = technical["streams"]
    assert isinstance(streams, list)
    return [s for s in streams if s["kind"] == kind]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_world_masters_end_ready_with_their_metadata(
    client: TestClient, actors: Actors, database: Database, title_id: int,
    masters: dict[str, Path], name: str,
) -> None:  # fmt: skip
    kind, expected = EXPECTED[name]
    path = masters[name]
    started = upload_bytes(
        client, actors.editor, path.read_bytes(), title_id, kind=kind, filename=path.name
    )
    asset = settle(client, actors.editor, database, started.asset_id)
    assert asset["state"] == "ready", asset["rejection_reasons"]
    technical = asset["technical"]
    assert isinstance(technical, dict)
    assert technical["duration"] > 0
    assert technical["size"] == path.stat().st_size
    videos = _streams(technical, "video")
    audios = _streams(technical, "audio")
    if "video" in expected:
        assert (videos[0]["codec"] if videos else None) == expected["video"]
    if "audio" in expected:
        assert [a["codec"] for a in audios] == expected["audio"]
    if "format" in expected:
        assert technical["format_name"] == expected["format"]
    if "size" in expected:
        assert (videos[0]["width"], videos[0]["height"]) == expected["size"]
    if "display" in expected:
        assert (videos[0]["display_width"], videos[0]["display_height"]) == expected["display"]
    for key in ("interlaced", "rotation", "frame_rate_mode", "timecode"):
        if key in expected:
            source = technical if key == "timecode" else videos[0]
            assert source[key] == expected[key]
    if "channels" in expected:
        assert [a["channels"] for a in audios] == expected["channels"]
    if "languages" in expected:
        assert [a["language"] for a in audios] == expected["languages"]
    if "subtitles" in expected:
        assert [s["codec"] for s in _streams(technical, "subtitle")] == expected["subtitles"]


def test_audio_only_is_rejected_for_a_picture_asset(
    client: TestClient, actors: Actors, database: Database, title_id: int, masters: dict[str, Path]
) -> None:
    path = masters["audio_only_wav"]
    started = upload_bytes(client, actors.editor, path.read_bytes(), title_id, kind="main")
    asset = settle(client, actors.editor, database, started.asset_id)
    assert asset["state"] == "rejected"
    assert "audio-only file is accepted only as an audio asset" in " ".join(
        asset["rejection_reasons"]
    )  # type: ignore[arg-type]


HOSTILE_REASONS = {
    "huge_dimensions_mkv": "above limit",
    "huge_dimensions_y4m": "container not accepted: YUV4MPEG raw video",
    "truncated_mp4": "file is truncated",
    "truncated_faststart_mp4": "file is truncated",
    "png_as_mp4": "not a video file: PNG image",
    "zip_as_mp4": "not a video file: ZIP archive",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_REASONS))
def test_hostile_files_end_rejected_with_a_clear_reason(
    client: TestClient, actors: Actors, database: Database, title_id: int,
    hostile: dict[str, Path], name: str,
) -> None:  # fmt: skip
    path = hostile[name]
    started = upload_bytes(client, actors.editor, path.read_bytes(), title_id, filename=path.name)
    asset = settle(client, actors.editor, database, started.asset_id)
    assert asset["state"] == "rejected"
    assert HOSTILE_REASONS[name] in " ".join(asset["rejection_reasons"])  # type: ignore[arg-type]
    assert asset["technical"] is None


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (testmedia.hls_playlist_pointing_at, "container not accepted: HLS playlist"),
        (testmedia.ffconcat_pointing_at, "container not accepted: ffconcat list"),
    ],
)
@pytest.mark.parametrize("target", ["sibling", "passwd"])
def test_playlists_pointing_at_other_files_are_rejected_without_reading_them(
    client: TestClient, actors: Actors, database: Database, title_id: int,
    tmp_path: Path, make: object, reason: str, target: str,
) -> None:  # fmt: skip
    # The sibling is another asset's stored master, where a relative or absolute path would find it.
    sibling = upload_bytes(client, actors.editor, CANARY_TEXT.encode(), title_id, filename="a.mp4")
    settle(client, actors.editor, database, sibling.asset_id)
    stored = next(database.settings.media_root.glob(f"assets/{sibling.asset_id}/*/master.mp4"))
    pointed = stored if target == "sibling" else Path("/etc/passwd")
    hostile_file = make(tmp_path, pointed)  # type: ignore[operator]
    opened_files = _traced_ffprobe(database, tmp_path)
    started = upload_bytes(
        client, actors.editor, hostile_file.read_bytes(), title_id, filename="evil.mp4"
    )
    asset = settle(client, actors.editor, database, started.asset_id)
    assert asset["state"] == "rejected"
    assert reason in asset["rejection_reasons"]  # type: ignore[operator]
    assert CANARY_TEXT not in str(asset)
    if opened_files is not None:
        opened = opened_files.stop()
        assert f"/assets/{started.asset_id}/" in opened  # the trace did record the probe
        assert str(pointed) not in opened


class _OpenedFiles:
    """What the service's ffprobe opens, from strace. The log goes through a FIFO read here:
    ffprobe (and so strace) runs with RLIMIT_FSIZE 0 and could not write a file."""

    def __init__(self, fifo: Path) -> None:
        self.fifo, self.text, self._stop = fifo, "", threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            with self.fifo.open() as pipe:  # blocks until a traced ffprobe opens it
                self.text += pipe.read()

    def stop(self) -> str:
        self._stop.set()
        with self.fifo.open("w"):  # wakes the reader if it waits for a writer
            pass
        self._thread.join(5)
        return self.text


def _traced_ffprobe(database: Database, tmp_path: Path) -> _OpenedFiles | None:
    """Point the service's ffprobe at a wrapper logging every file it opens (None: no strace)."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    fifo = tmp_path / "opens.fifo"
    os.mkfifo(fifo)
    wrapper = tmp_path / "ffprobe"
    wrapper.write_text(
        f'#!/bin/sh\nexec {strace} -f -qq -e trace=open,openat,openat2 -o "{fifo}" '
        f'"{ffprobe_path(TranscoderConfig())}" "$@"\n'
    )
    wrapper.chmod(0o755)
    database.settings.ffprobe_path = str(wrapper)
    return _OpenedFiles(fifo)


def test_a_probe_that_hangs_is_killed_and_the_asset_rejected(
    client: TestClient, actors: Actors, database: Database, title_id: int,
    masters: dict[str, Path], tmp_path: Path,
) -> None:  # fmt: skip
    # A FIFO, the file that really hangs ffprobe, has no bytes to upload; so ffprobe itself is
    # made to hang (a stand-in that never answers), and the hardened runner's clock must end it.
    hanging = tmp_path / "ffprobe"
    hanging.write_text("#!/bin/sh\nexec sleep 60\n")
    hanging.chmod(0o755)
    database.settings.ffprobe_path = str(hanging)
    database.settings.probe_timeout_s = 1.0
    path = masters["h264_aac_mp4"]
    started = upload_bytes(client, actors.editor, path.read_bytes(), title_id, filename=path.name)
    asset = settle(client, actors.editor, database, started.asset_id)
    assert asset["state"] == "rejected"
    assert asset["rejection_reasons"] == ["probe timed out after 1 s"]
