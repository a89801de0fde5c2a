"""The named failures of the media library; the job layer maps them to retry policy in one place.

Rule of thumb for callers: `MediaRejected` and `FFmpegFailed` are permanent for that file (do not
retry); `TransientMediaError` and `MediaTimeout` may succeed on another attempt or another machine.
"""

from __future__ import annotations

from collections.abc import Iterable


class MediaError(Exception):
    """Base of every error raised by `transcoder`."""


class MediaRejected(MediaError):
    """The file is not acceptable as a master; `reasons` are sentences an editor understands."""

    def __init__(self, reasons: Iterable[str]) -> None:
        self.reasons: tuple[str, ...] = tuple(reasons)
        super().__init__("; ".join(self.reasons) or "media rejected")


class MediaTimeout(MediaError):
    """A probe or transcode ran past its wall-clock (or CPU) limit and was killed."""

    def __init__(self, what: str, seconds: float) -> None:
        self.what = what
        self.seconds = seconds
        super().__init__(f"{what} timed out after {seconds:g} s")


class MediaCancelled(MediaError):
    """The caller asked to stop (job cancelled); the process group was killed."""


class FFmpegFailed(MediaError):
    """FFmpeg or ffprobe exited with an error that retrying will not fix."""

    def __init__(
        self, message: str, *, returncode: int | None = None, stderr_tail: str = ""
    ) -> None:
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        detail = f": {last_line(stderr_tail)}" if stderr_tail.strip() else ""
        super().__init__(f"{message}{detail}")


class TransientMediaError(MediaError):
    """A failure of the machine rather than the file (killed, out of disk or memory): retryable."""

    def __init__(
        self, message: str, *, returncode: int | None = None, stderr_tail: str = ""
    ) -> None:
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        super().__init__(message)


class BinaryNotFound(MediaError):
    """No usable ffmpeg/ffprobe executable."""


class UnsupportedFFmpeg(BinaryNotFound):
    """An ffmpeg/ffprobe was found but the product refuses it: older than the minimum release,
    built without a library the product's commands need, or ffprobe from another build."""


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
