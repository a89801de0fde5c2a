"""Small generated masters shaped like what editors upload, and hostile files shaped like attacks.

For tests, benchmarks and the demo. Every generator takes a target directory (and optionally a
config) and returns the path it wrote; FFmpeg runs through `transcoder.run` like everything else.
Clips are about 2 s at low resolution unless the case needs more (1080i is 1080 lines, but short).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from transcoder.build import inspect_build
from transcoder.config import TranscoderConfig
from transcoder.run import run_ffmpeg

Generator = Callable[..., Path]

SECONDS = 2.0
SUBTITLES_SRT = (
    "1\n00:00:00,200 --> 00:00:00,900\nFirst line\n\n"
    "2\n00:00:01,000 --> 00:00:01,800\nSecond line\n"
)


def _video(width: int = 320, height: int = 240, rate: str = "25", seconds: float = SECONDS) -> str:
    return f"testsrc2=size={width}x{height}:rate={rate}:duration={seconds}"


def _tone(hz: int = 440, seconds: float = SECONDS) -> str:
    return f"sine=frequency={hz}:sample_rate=48000:duration={seconds}"


def _encode(
    out: Path,
    graphs: Sequence[str],
    args: Sequence[str],
    *,
    cfg: TranscoderConfig | None,
    files: Sequence[Path] = (),
) -> Path:
    """ffmpeg with lavfi `graphs` (then our own `files`) as inputs 0, 1, ... and `args` for output."""
    lavfi = [a for g in graphs for a in ("-f", "lavfi", "-i", g)]
    own = [a for f in files for a in ("-i", str(f))]
    run_ffmpeg(
        cfg or TranscoderConfig(),
        ["-v", "error", "-y", *lavfi, *own, *args, str(out)],
        inputs=(),
        own_inputs=[*graphs, *(str(f) for f in files)],
        timeout=120,
    )
    return out


H264 = ("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p")
AAC = ("-c:a", "aac", "-b:a", "96k")


# Real-world masters -------------------------------------------------------------------------


def h264_aac_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """The everyday delivery: H.264 High, AAC stereo, MP4."""
    return _encode(
        directory / "h264_aac.mp4",
        [_video(), _tone()],
        [*H264, *AAC, "-ac", "2"],
        cfg=cfg,
    )


def prores_mov(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """An edit-suite master: ProRes 422 HQ, 24-bit PCM, QuickTime timecode track at 10:00:00:00."""
    return _encode(
        directory / "prores_hq.mov",
        [_video(), _tone()],
        ["-c:v", "prores_ks", "-profile:v", "3", "-c:a", "pcm_s24le", "-ac", "2",
         "-timecode", "10:00:00:00"],
        cfg=cfg,
    )  # fmt: skip


def dnxhr_mxf(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """An Avid-style master: DNxHR LB in MXF OP1a with PCM audio."""
    return _encode(
        directory / "dnxhr_lb.mxf",
        [_video(), _tone()],
        ["-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p",
         "-c:a", "pcm_s24le", "-f", "mxf"],
        cfg=cfg,
    )  # fmt: skip


def xdcam_1080i_mxf(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """Broadcast 1080i25 top field first: MPEG-2 4:2:2 interlaced in MXF, like XDCAM HD422."""
    return _encode(
        directory / "xdcam_1080i25.mxf",
        [_video(1920, 1080, seconds=0.4), _tone(seconds=0.4)],
        ["-vf", "setfield=tff", "-c:v", "mpeg2video", "-flags", "+ilme+ildct", "-top", "1",
         "-pix_fmt", "yuv422p", "-b:v", "20M", "-c:a", "pcm_s24le", "-timecode", "09:59:50:00",
         "-f", "mxf"],
        cfg=cfg,
    )  # fmt: skip


def dv_pal_16x9_avi(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """Anamorphic widescreen SD from tape: DV25 PAL 720x576 with SAR 64:45 (16:9), in AVI."""
    return _encode(
        directory / "dv_pal_16x9.avi",
        [_video(720, 576, seconds=1.0), _tone(seconds=1.0)],
        ["-c:v", "dvvideo", "-pix_fmt", "yuv420p", "-aspect", "16:9",
         "-c:a", "pcm_s16le", "-ac", "2"],
        cfg=cfg,
    )  # fmt: skip


def sd_4x3_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """Anamorphic 4:3 SD: 720x576 with SAR 16:15."""
    return _encode(
        directory / "sd_pal_4x3.mp4",
        [_video(720, 576, seconds=1.0)],
        ["-vf", "setsar=16/15", *H264],
        cfg=cfg,
    )


def phone_rotated_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """A phone held upright: landscape-coded 320x180 frames with a display matrix turning them
    to portrait (FFmpeg reports rotation -90, as for an iPhone portrait clip)."""
    plain = _encode(directory / "phone_unrotated.mp4", [_video(320, 180, "30"), _tone()],
                    [*H264, *AAC], cfg=cfg)  # fmt: skip
    out = directory / "phone_portrait.mp4"
    cfg = cfg or TranscoderConfig()
    release = inspect_build(cfg).release
    if release is None or release >= (6, 0):
        rotation = ["-display_rotation", "-90", "-i", str(plain)]
    else:
        # FFmpeg 5.1 has no -display_rotation; its MP4 muxer turns a clockwise "rotate" tag
        # into the same display matrix (a tag later releases may stop honouring).
        rotation = ["-i", str(plain), "-metadata:s:v:0", "rotate=270"]
    run_ffmpeg(
        cfg, ["-v", "error", "-y", *rotation, "-c", "copy", str(out)], inputs=[plain], timeout=60
    )
    plain.unlink()
    return out


def odd_dimensions_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """A screen recording cropped to odd dimensions, 321x241 (H.264 4:4:4 allows it)."""
    return _encode(
        directory / "odd_321x241.mp4",
        [_video(322, 242)],
        # testsrc2 draws 4:2:0, which cannot have odd sizes: convert to 4:4:4 before cropping.
        [
            "-vf",
            "format=yuv444p,crop=321:241:0:0",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv444p",
        ],
        cfg=cfg,
    )


def vfr_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """Variable frame rate as phones record in low light: 1 s at 30 fps, then 1 s at 15 fps."""
    return _encode(
        directory / "vfr_phone.mp4",
        [_video(320, 240, "30", seconds=1.5), _tone()],
        ["-vf", "setpts='if(lt(N,30),N/30,1+(N-30)/15)/TB'", "-fps_mode", "vfr", *H264, *AAC],
        cfg=cfg,
    )


def surround_51_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """5.1 surround AAC."""
    return _encode(
        directory / "surround_51.mp4",
        [_video(), _tone()],
        [*H264, *AAC, "-af", "aformat=channel_layouts=5.1"],
        cfg=cfg,
    )


def multi_language_mkv(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """Three audio tracks: English, French, and English audio description (titled, flagged)."""
    return _encode(
        directory / "languages.mkv",
        [_video(), _tone(440), _tone(550), _tone(660)],
        ["-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:a", *H264, *AAC,
         "-metadata:s:a:0", "language=eng", "-metadata:s:a:0", "title=English",
         "-metadata:s:a:1", "language=fre", "-metadata:s:a:1", "title=Français",
         "-metadata:s:a:2", "language=eng", "-metadata:s:a:2", "title=Audio description",
         "-disposition:a:0", "default", "-disposition:a:2", "visual_impaired"],
        cfg=cfg,
    )  # fmt: skip


def no_audio_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    return _encode(directory / "no_audio.mp4", [_video()], [*H264], cfg=cfg)


def audio_only_wav(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """A broadcast WAV, e.g. an audio description track delivered alone."""
    return _encode(
        directory / "audio_description.wav", [_tone()], ["-c:a", "pcm_s24le", "-ac", "2"], cfg=cfg
    )


def audio_only_m4a(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    return _encode(directory / "audio_only.m4a", [_tone()], [*AAC], cfg=cfg)


def mov_text_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """MP4 with an embedded mov_text subtitle track in Kazakh."""
    srt = _write(directory / "mov_text_source.srt", SUBTITLES_SRT)
    out = _encode(
        directory / "mov_text.mp4",
        [_video(), _tone()],
        ["-map", "0:v", "-map", "1:a", "-map", "2:s", *H264, *AAC, "-c:s", "mov_text",
         "-metadata:s:s:0", "language=kaz"],
        cfg=cfg,
        files=[srt],
    )  # fmt: skip
    srt.unlink()
    return out


def subrip_mkv(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """MKV with two SubRip tracks: Russian, and English for the hard of hearing (titled "SDH")."""
    srt = _write(directory / "subrip_source.srt", SUBTITLES_SRT)
    out = _encode(
        directory / "subrip.mkv",
        [_video(), _tone()],
        ["-map", "0:v", "-map", "1:a", "-map", "2:s", "-map", "2:s", *H264, *AAC,
         "-c:s", "srt", "-metadata:s:s:0", "language=rus",
         "-metadata:s:s:1", "language=eng", "-metadata:s:s:1", "title=SDH",
         "-disposition:s:1", "hearing_impaired"],
        cfg=cfg,
        files=[srt],
    )  # fmt: skip
    srt.unlink()
    return out


def hdr_pq_mov(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """HDR10-tagged HEVC Main 10 (BT.2020, PQ) in MOV."""
    return _encode(
        directory / "hdr10_pq.mov",
        [_video(seconds=1.0)],
        ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
         "-x265-params", "log-level=error", "-tag:v", "hvc1",
         "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"],
        cfg=cfg,
    )  # fmt: skip


HDR10_MASTER_DISPLAY = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50)"
"""A P3-D65 grading monitor of 1000 cd/m2 (0.005 minimum), as x265 and HEVC SEI write it."""
HDR10_MAX_CLL = "1000,400"


def hdr10_mastered_mov(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """HDR10 as a grading suite delivers it: HEVC Main 10 PQ with its mastering display colour
    volume and content light level (SEI in the bitstream)."""
    return _encode(
        directory / "hdr10_mastered.mov",
        [_video(seconds=1.0)],
        ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
         "-x265-params", f"log-level=error:hdr10=1:master-display={HDR10_MASTER_DISPLAY}"
         f":max-cll={HDR10_MAX_CLL}", "-tag:v", "hvc1",
         "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"],
        cfg=cfg,
    )  # fmt: skip


def hlg_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """HLG-tagged H.264 10-bit (BT.2020, ARIB STD-B67), as some broadcast cameras write."""
    return _encode(
        directory / "hlg.mp4",
        [_video(seconds=1.0)],
        ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p10le",
         "-color_primaries", "bt2020", "-color_trc", "arib-std-b67", "-colorspace", "bt2020nc"],
        cfg=cfg,
    )  # fmt: skip


REAL_WORLD: dict[str, Generator] = {
    "h264_aac_mp4": h264_aac_mp4,
    "prores_mov": prores_mov,
    "dnxhr_mxf": dnxhr_mxf,
    "xdcam_1080i_mxf": xdcam_1080i_mxf,
    "dv_pal_16x9_avi": dv_pal_16x9_avi,
    "sd_4x3_mp4": sd_4x3_mp4,
    "phone_rotated_mp4": phone_rotated_mp4,
    "odd_dimensions_mp4": odd_dimensions_mp4,
    "vfr_mp4": vfr_mp4,
    "surround_51_mp4": surround_51_mp4,
    "multi_language_mkv": multi_language_mkv,
    "no_audio_mp4": no_audio_mp4,
    "audio_only_wav": audio_only_wav,
    "audio_only_m4a": audio_only_m4a,
    "mov_text_mp4": mov_text_mp4,
    "subrip_mkv": subrip_mkv,
    "hdr_pq_mov": hdr_pq_mov,
    "hlg_mp4": hlg_mp4,
}


def generate_demo_clip(
    path: Path,
    *,
    title_text: str | None = None,
    seconds: float = 10.0,
    width: int = 640,
    height: int = 360,
    rate: int = 25,
    tone_hz: int = 440,
    cfg: TranscoderConfig | None = None,
) -> Path:
    """A demo master: test pattern with a burnt-in title and running timecode, stereo tone.
    Text needs a font that fontconfig can find; pass `title_text=None` where there is none."""
    graph = _video(width, height, str(rate), seconds)
    if title_text is not None:
        text = _drawtext_escape(title_text)
        size = max(12, height // 12)
        graph += (
            f",drawtext=text='{text}':fontsize={size}:fontcolor=white:box=1:boxcolor=black@0.6"
            f":x=(w-text_w)/2:y=h/8"
            f",drawtext=timecode='00\\:00\\:00\\:00':rate={rate}:fontsize={size}"
            f":fontcolor=white:box=1:boxcolor=black@0.6:x=(w-text_w)/2:y=h-h/6"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return _encode(path, [graph, _tone(tone_hz, seconds)], [*H264, *AAC, "-ac", "2"], cfg=cfg)


def flat_animation_graph(
    width: int = 1920, height: int = 1080, *, rate: int = 25, seconds: float = SECONDS
) -> str:
    """A lavfi graph drawing a cartoon-like picture: flat colour fields (sky, ground) and flat
    shapes moving across them (sun, cloud, car, a swinging box), no texture and no noise: the
    kind of title that needs far fewer bits than a grainy documentary."""

    def field(colour: str, w: float, h: float, label: str) -> str:
        return f"color=c={colour}:s={_even(w)}x{_even(h)}:r={rate}:d={seconds}[{label}]"

    horizon, car_w = round(height * 0.7), width * 0.19
    return ";".join(
        [
            field("0x2b6cb0", width, height, "sky"),
            field("0x38a169", width, height - horizon, "ground"),
            field("0xf6e05e", height * 0.26, height * 0.26, "sun"),
            field("0xffffff", width * 0.22, height * 0.11, "cloud"),
            field("0xe53e3e", car_w, height * 0.17, "car"),
            f"[sky][ground]overlay=0:{horizon}[a]",
            "[a][sun]overlay=x='W*0.78-W*0.016*t':y='H*0.15+H*0.011*t'[b]",
            "[b][cloud]overlay=x='mod(W*0.05*t+W*0.1,W+w)-w':y=H*0.2[c]",
            f"[c][car]overlay=x='mod(W*0.16*t,W+w)-w':y={horizon - round(height * 0.06)},"
            f"drawbox=x='{width // 2}+{width // 10}*sin(t)':y={round(height * 0.76)}"
            f":w={_even(height * 0.11)}:h={_even(height * 0.11)}:color=0x805ad5:t=fill,"
            "format=yuv420p[out0]",
        ]
    )


def _even(value: float) -> int:
    return max(2, 2 * round(value / 2))


def _drawtext_escape(text: str) -> str:
    # drawtext text inside a filter graph: escape the option syntax, then the graph syntax.
    for char in ("\\", "'", ":", "%"):
        text = text.replace(char, "\\" + char)
    return text.replace(",", "\\,").replace(";", "\\;").replace("[", "\\[").replace("]", "\\]")


# Hostile files ------------------------------------------------------------------------------


def hls_playlist_pointing_at(directory: Path, target: Path, *, name: str = "playlist.mp4") -> Path:
    """An HLS playlist disguised as MP4 whose only segment is another file (another asset's
    master, or /etc/passwd). Opened without a format whitelist, FFmpeg would read `target`."""
    return _write(
        directory / name,
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:10.0,\nfile:{target}\n#EXT-X-ENDLIST\n",
    )


def ffconcat_pointing_at(directory: Path, target: Path, *, name: str = "concat.mp4") -> Path:
    """An ffconcat list disguised as MP4 that would splice in `target`."""
    return _write(directory / name, f"ffconcat version 1.0\nfile '{target}'\n")


def huge_dimensions_mkv(
    directory: Path,
    *,
    width: int = 30000,
    height: int = 30000,
    cfg: TranscoderConfig | None = None,
) -> Path:
    """A crafted Matroska file: one tiny raw-video frame whose header claims `width`x`height`.
    Made by patching the PixelWidth/PixelHeight elements of a real 320x256 file."""
    source = _encode(
        directory / "huge_source.mkv",
        [_video(320, 256, seconds=0.04)],
        ["-c:v", "rawvideo", "-pix_fmt", "yuv420p"],
        cfg=cfg,
    )
    data = source.read_bytes()
    source.unlink()
    # EBML: PixelWidth 0xB0 / PixelHeight 0xBA, 2-byte unsigned values (320 = 0x0140, 256 = 0x0100).
    patched = _patch_once(data, b"\xb0\x82\x01\x40", b"\xb0\x82" + width.to_bytes(2, "big"))
    patched = _patch_once(patched, b"\xba\x82\x01\x00", b"\xba\x82" + height.to_bytes(2, "big"))
    out = directory / f"huge_{width}x{height}.mkv"
    out.write_bytes(patched)
    return out


def huge_dimensions_y4m(directory: Path) -> Path:
    """A YUV4MPEG header claiming 30000x30000, named .mp4."""
    return _write(directory / "huge_y4m.mp4", "YUV4MPEG2 W30000 H30000 F25:1 Ip A1:1 C420jpeg\n"
                  "FRAME\n" + "\x80" * 4096)  # fmt: skip


def truncated_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """An upload cut off at 60%: the MP4 index (moov, written last) is missing."""
    source = h264_aac_mp4(_mkdir(directory, "truncated_src"), cfg=cfg)
    return _cut(source, directory / "truncated.mp4", 0.6)


def truncated_faststart_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """An upload cut off at 50% whose index comes first (faststart): it opens, data is missing."""
    source = _encode(
        _mkdir(directory, "truncated_fs_src") / "faststart.mp4",
        [_video(), _tone()],
        [*H264, *AAC, "-movflags", "+faststart"],
        cfg=cfg,
    )
    return _cut(source, directory / "truncated_faststart.mp4", 0.5)


def png_as_mp4(directory: Path, *, cfg: TranscoderConfig | None = None) -> Path:
    """A still image renamed .mp4."""
    png = _encode(directory / "still.png", [_video(seconds=0.04)], ["-frames:v", "1"], cfg=cfg)
    out = directory / "still_png.mp4"
    png.rename(out)
    return out


def zip_as_mp4(directory: Path) -> Path:
    """A ZIP archive renamed .mp4."""
    out = directory / "archive_zip.mp4"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a video\n" * 100)
    return out


def fifo_as_mp4(directory: Path) -> Path:
    """A named pipe called .mp4: opening it blocks until a writer appears, i.e. forever."""
    out = directory / "fifo.mp4"
    os.mkfifo(out)
    return out


HOSTILE: dict[str, Generator] = {
    "huge_dimensions_mkv": huge_dimensions_mkv,
    "huge_dimensions_y4m": huge_dimensions_y4m,
    "truncated_mp4": truncated_mp4,
    "truncated_faststart_mp4": truncated_faststart_mp4,
    "png_as_mp4": png_as_mp4,
    "zip_as_mp4": zip_as_mp4,
    "fifo_as_mp4": fifo_as_mp4,
}
"""Hostile files that need nothing but a directory; the playlist and concat cases take a target."""


def _cut(source: Path, out: Path, fraction: float) -> Path:
    data = source.read_bytes()
    out.write_bytes(data[: int(len(data) * fraction)])
    return out


def _patch_once(data: bytes, old: bytes, new: bytes) -> bytes:
    if data.count(old) != 1:
        raise RuntimeError(f"expected exactly one {old.hex()} in the generated file")
    return data.replace(old, new)


def _mkdir(directory: Path, name: str) -> Path:
    sub = directory / name
    sub.mkdir(parents=True, exist_ok=True)
    return sub


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
