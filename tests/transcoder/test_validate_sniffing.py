"""validate.sniff: a refused upload is named for what it is (an HTML page, a PDF, a spreadsheet),
never misreported as a truncated MP4 because ffprobe's MP4 demuxer was tried on it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from transcoder.config import TranscoderConfig
from transcoder.errors import MediaRejected
from transcoder.validate import inspect, probe_failure_reasons, sniff

MOOV_MISSING = "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] moov atom not found\nfile:/x/a.mp4: Invalid data"
PAGE = b"<!DOCTYPE html>\n<html lang=en><head><title>404 Not Found</title></head><body></body>"


def _zip(first_member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(first_member, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (PAGE, "HTML document"),
        (b"\xef\xbb\xbf\r\n  <html><body>Error</body></html>", "HTML document"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">', "HTML document"),
        (b"<!-- saved page --><HTML><BODY>", "HTML document"),
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<catalogue><title/></catalogue>', "XML document"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">', "SVG image"),
        (b'{"error": "not found", "status": 404}', "JSON document"),
        (b'[\n  {"id": 1}\n]', "JSON document"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF document"),
        (b"{\\rtf1\\ansi", "RTF document"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP image"),
        (b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00", "BMP image"),
        (b"II*\x00\x08\x00\x00\x00", "TIFF image"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (_zip("[Content_Types].xml"), "Office document (.docx/.xlsx/.pptx)"),
        (_zip("mimetype"), "OpenDocument or EPUB document"),
        (_zip("readme.txt"), "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "Microsoft Office document (legacy .doc/.xls/.ppt)"),
        (b"\x7fELF\x02\x01\x01", "program (ELF executable)"),
        (b"\xff\xfeh\x00e\x00l\x00l\x00o\x00", "text file"),
    ],
)  # fmt: skip
def test_sniff_names_common_non_media_formats(head: bytes, name: str) -> None:
    assert sniff(head[:1024]) == name


@pytest.mark.parametrize(
    "head",
    [
        b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00",  # MP4
        b"\x1aE\xdf\xa3\x9fB\x86\x81\x01",  # Matroska
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # WAV
        b"\x00\x00\x01\xba\x44\x00",  # MPEG program stream
        b"\x06\x0e\x2b\x34\x02\x05\x01\x01",  # MXF
    ],
)
def test_sniff_leaves_media_containers_to_ffprobe(head: bytes) -> None:
    assert sniff(head) is None


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (PAGE, "not a video file: HTML document"),
        (b'{"error": "not found"}', "not a video file: JSON document"),
        (b"Dear editor,\nplease find the master attached.\n", "not a video file: text file"),
        ("Привет, это не видео\n".encode(), "not a video file: text file"),
        (b"%PDF-1.4", "not a video file: PDF document"),
    ],
)
def test_a_non_media_file_named_mp4_is_named_not_called_truncated(head: bytes, reason: str) -> None:
    assert probe_failure_reasons(MOOV_MISSING, head) == [reason]


def test_a_binary_file_without_its_index_is_still_called_truncated() -> None:
    head = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41\x00\x00\x00\x08free"
    assert probe_failure_reasons(MOOV_MISSING, head) == [
        "file is truncated: the MP4/MOV index (moov) is missing"
    ]


def test_a_dash_manifest_in_xml_is_still_a_refused_container() -> None:
    head = b'<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011">'
    assert probe_failure_reasons("", head) == ["container not accepted: DASH manifest"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (PAGE + b"\n" * 200 + b"<p>gone</p></body></html>\n", "not a video file: HTML document"),
        (b'{"items": []}\n', "not a video file: JSON document"),
        (b"just some notes about the film\n" * 10, "not a video file: text file"),
    ],
)
def test_inspect_names_a_non_media_file_through_real_ffprobe(
    cfg: TranscoderConfig, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "master.mp4"
    path.write_bytes(content)
    with pytest.raises(MediaRejected) as caught:
        inspect(cfg, path)
    assert caught.value.reasons == (reason,)
