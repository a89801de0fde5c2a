"""Delivery with real FFmpeg: HLS subtitle groups added to a transcoded rendition set by
rewriting only the master playlist, embedded streams extracted, and burn-in."""

from __future__ import annotations

import hashlib
from pathlib import Path

import m3u8
import pytest
from _subtitle_service_media import ENGLISH_SRT, create_title, publish, run_jobs, transcoded
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.jobs import enqueue
from catalogue.media import transcode
from catalogue.settings import Settings
from catalogue.storage import LocalStorage
from tests.conftest import Actors, Database
from tests.support.assets import ready_asset
from tests.support.media import make_clip
from transcoder import testmedia
from transcoder.config import TranscoderConfig
from transcoder.run import run_ffmpeg

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(
        tmp_path_factory.mktemp("clip") / "master.mp4",
        size=(320, 240),
        colour="0x204060",
        languages=("kaz",),
    )


def _hashes(root: Path, paths: list[Path]) -> dict[Path, tuple[int, str]]:
    return {p: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths}


def test_published_tracks_join_the_master_playlist_without_touching_video(
    client: TestClient,
    actors: Actors,
    database: Database,
    settings: Settings,
    session: Session,
    clip: Path,
) -> None:
    title_id, row = transcoded(client, actors, database, settings, session, clip)
    media = LocalStorage(settings.media_root)
    folder = media.path(row.master_playlist_key).parent
    original_master = media.path(row.master_playlist_key).read_text()
    video = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".m4s", ".mp4"))
    before = _hashes(folder, video)

    path = publish(client, actors, title_id, ENGLISH_SRT, "en")
    run_jobs(database, settings)
    master_text = media.path(row.master_playlist_key).read_text()
    master = m3u8.loads(master_text)
    [subs] = [m for m in master.media if m.type == "SUBTITLES"]
    assert (subs.group_id, subs.language, subs.name, subs.autoselect, subs.forced) == (
        "subs", "en", "English", "YES", "NO",
    )  # fmt: skip
    assert not subs.uri.startswith(("/", "http"))  # relative, as hls.js resolves it
    assert all(p.stream_info.subtitles == "subs" for p in master.playlists)
    # Everything else is what the transcode wrote: same variants, CODECS, bandwidths, audio.
    assert _same_but_subtitles(master_text, original_master)

    subtitle_playlist = m3u8.load(str(folder / subs.uri))
    video_playlist = m3u8.load(str(folder / master.playlists[0].uri))
    assert [s.duration for s in subtitle_playlist.segments] == pytest.approx(
        [s.duration for s in video_playlist.segments], abs=0.001
    )
    texts = [
        (folder / subs.uri).parent.joinpath(s.uri).read_text() for s in subtitle_playlist.segments
    ]
    assert all("X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000" in t for t in texts)
    assert "The steppe wind" in texts[0] and "is rising." in texts[2]
    assert _hashes(folder, video) == before

    # Replacing the published track: a new folder, the master switches to it, video untouched.
    replaced = client.post(
        f"{path}/file",
        headers=actors.editor,
        files={"file": ("v2.srt", ENGLISH_SRT.replace("rising", "falling").encode())},
    )
    assert replaced.status_code == 200, replaced.text
    run_jobs(database, settings)
    master2 = m3u8.loads(media.path(row.master_playlist_key).read_text())
    [subs2] = [m for m in master2.media if m.type == "SUBTITLES"]
    assert subs2.uri != subs.uri and not (folder / subs.uri).exists()
    assert "is falling." in (folder / subs2.uri).parent.joinpath("seg_00002.vtt").read_text()
    assert _hashes(folder, video) == before

    # The rendition API lists the new files with their real sizes.
    session.expire_all()
    files = client.get(f"/assets/{row.asset_id}/renditions", headers=actors.editor).json()["files"]
    listed = {f["path"]: f["size"] for f in files}
    assert listed[subs2.uri] == (folder / subs2.uri).stat().st_size and subs.uri not in listed

    # Unpublishing removes the group and the SUBTITLES attribute again.
    client.post(f"{path}/status", headers=actors.editor, json={"status": "draft"})
    run_jobs(database, settings)
    assert media.path(row.master_playlist_key).read_text() == original_master


def _same_but_subtitles(new: str, old: str) -> bool:
    stripped = [line.replace(',SUBTITLES="subs"', "") for line in new.splitlines()]
    return [line for line in stripped if "TYPE=SUBTITLES" not in line] == old.splitlines()


def test_a_new_transcode_keeps_the_subtitle_group(
    client: TestClient,
    actors: Actors,
    database: Database,
    settings: Settings,
    session: Session,
    clip: Path,
) -> None:
    title_id, row = transcoded(client, actors, database, settings, session, clip)
    publish(client, actors, title_id, ENGLISH_SRT, "en")
    run_jobs(database, settings)
    enqueue(session, transcode.KIND, transcode.HANDLER, {"asset_id": row.asset_id})
    session.commit()
    run_jobs(database, settings)
    master = m3u8.loads(LocalStorage(settings.media_root).path(row.master_playlist_key).read_text())
    assert [m.language for m in master.media if m.type == "SUBTITLES"] == ["en"]


@pytest.mark.parametrize(
    ("make", "language"), [(testmedia.mov_text_mp4, "kk"), (testmedia.subrip_mkv, "ru")]
)
def test_embedded_subtitle_streams_become_tracks_when_the_master_is_ready(
    client: TestClient,
    actors: Actors,
    database: Database,
    settings: Settings,
    session: Session,
    tmp_path: Path,
    make,  # type: ignore[no-untyped-def]
    language: str,
) -> None:
    master = make(tmp_path)
    title_id = create_title(client, actors.editor)
    technical = {"duration": 2.0, "streams": [
        {"kind": "audio", "language": "kaz"}, {"kind": "subtitle", "codec": "mov_text"}]}  # fmt: skip
    ready_asset(session, settings, master, title_id=title_id, technical=technical)
    run_jobs(database, settings)
    tracks = client.get(f"/titles/{title_id}/subtitles", headers=actors.editor).json()
    [track] = [t for t in tracks if t["language"] == language and t["kind"] == "subtitles"]
    assert track["origin"] == "embedded" and track["source_asset_id"] is not None
    vtt = client.get(f"/titles/{title_id}/subtitles/{track['id']}.vtt", headers=actors.editor)
    assert "First line" in vtt.text and "Second line" in vtt.text
    title = client.get(f"/titles/{title_id}", headers=actors.editor).json()
    assert "kk" in title.get("audio_languages", ["kk"])


def test_burn_in_draws_the_cue_into_the_delivery_mp4(
    client: TestClient,
    actors: Actors,
    database: Database,
    settings: Settings,
    session: Session,
    clip: Path,
    tmp_path: Path,
) -> None:
    title_id, row = transcoded(client, actors, database, settings, session, clip)
    path = publish(client, actors, title_id, ENGLISH_SRT, "en")
    job = client.post(f"{path}/burn-in", headers=actors.editor, json={})
    assert job.status_code == 202, job.text
    run_jobs(database, settings)
    [burnt] = client.get(f"{path}/burn-ins", headers=actors.editor).json()
    media = LocalStorage(settings.media_root)
    assert burnt["size"] > 0 and burnt["key"].endswith(".mp4")
    # At 1.0 s the first cue is on screen; at 0.2 s no cue is.
    clean = _frame(media.path(row.delivery_video_key), 1.0, tmp_path / "clean.gray")
    with_text = _frame(media.path(burnt["key"]), 1.0, tmp_path / "burnt.gray")
    assert _difference(clean, with_text) > 0.01
    assert (
        _difference(
            _frame(media.path(row.delivery_video_key), 0.2, tmp_path / "c2.gray"),
            _frame(media.path(burnt["key"]), 0.2, tmp_path / "b2.gray"),
        )
        < 0.01
    )


def _frame(video: Path, at: float, out: Path) -> bytes:
    run_ffmpeg(
        TranscoderConfig(),
        ["-v", "error", "-ss", str(at), "-i", str(video), "-frames:v", "1", "-f", "rawvideo",
         "-pix_fmt", "gray", "-y", str(out)],
        inputs=[video],
        timeout=60,
    )  # fmt: skip
    return out.read_bytes()


def _difference(a: bytes, b: bytes) -> float:
    """Share of pixels that differ by more than compression noise."""
    assert len(a) == len(b)
    return sum(1 for x, y in zip(a, b, strict=True) if abs(x - y) > 40) / len(a)
