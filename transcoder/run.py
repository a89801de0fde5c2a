"""The one module that starts processes: every ffmpeg/ffprobe run goes through `run_ffmpeg` or
`run_ffprobe`, which harden each user-media input, bound time, memory, output and stderr, kill the
whole process group on timeout or cancellation, and turn failures into our named errors.

User media is opened as ``file:/absolute/path`` with ``-protocol_whitelist file`` and
``-format_whitelist`` of the accepted demuxers right before its ``-i``: FFmpeg chooses a demuxer
from the content, not the name, so an HLS playlist or ffconcat list named ``.mp4`` would otherwise
read other files.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from transcoder.binaries import ffmpeg_path, ffprobe_path
from transcoder.config import TranscoderConfig
from transcoder.errors import (
    BinaryNotFound,
    FFmpegFailed,
    MediaCancelled,
    MediaError,
    MediaRejected,
    MediaTimeout,
    TransientMediaError,
)

ProgressCallback = Callable[[float], None]
CancelCheck = threading.Event | Callable[[], bool]
MediaPath = str | os.PathLike[str]

_POLL_S = 0.05
_CPU_GRACE_S = 5
# "http:", "concat:", "subfile,,start,0,end,9,,:" ... anything FFmpeg would read as a protocol.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.,\-]*:")
_EXTERNAL_KILL = {signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _load_prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up once here in the parent: the child between fork and exec must not
    load libraries (it may only call what is already resolved)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # libc, already loaded by Python
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


_PRCTL = _load_prctl()


class FFmpegCommand(Protocol):
    """An ffmpeg-python output stream (anything with `get_args()`), kept duck-typed so the
    unmaintained ffmpeg-python package stays out of this module."""

    def get_args(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class RunResult:
    argv: tuple[str, ...]
    stdout: bytes
    stderr_tail: str
    elapsed_s: float
    cpu_s: float
    """User plus system CPU time of the process (all its threads)."""
    max_rss_bytes: int


# Why `input_url` refuses a path, by code (part of `validate.REJECTIONS`, which the pages read).
INPUT_REJECTIONS: dict[str, str] = {
    "not_local": "not a local file: {detail}",
    "not_found": "file not found",
    "cannot_read": "file cannot be read: {detail}",
    "not_regular": "not a regular file (a pipe, device or folder)",
}


def input_url(path: MediaPath) -> str:
    """Check that `path` is a local regular file and give the URL FFmpeg must open it by."""
    raw = os.fspath(path)
    if _SCHEME.match(raw):
        raise MediaRejected([INPUT_REJECTIONS["not_local"].format(detail=repr(raw))])
    resolved = Path(raw).resolve()
    try:
        mode = os.stat(resolved).st_mode
    except FileNotFoundError:
        raise MediaRejected([INPUT_REJECTIONS["not_found"]]) from None
    except OSError as exc:
        raise MediaRejected([INPUT_REJECTIONS["cannot_read"].format(detail=exc.strerror)]) from None
    if not stat.S_ISREG(mode):
        raise MediaRejected([INPUT_REJECTIONS["not_regular"]])
    return "file:" + str(resolved)


def hardened_input_options(
    cfg: TranscoderConfig, formats: Sequence[str] | None = None
) -> list[str]:
    """Options placed before each user-media `-i`."""
    return [
        "-protocol_whitelist", "file",
        "-format_whitelist", ",".join(formats or cfg.accepted_formats),
        "-probesize", str(cfg.probesize_bytes),
        "-analyzeduration", str(cfg.analyzeduration_us),
    ]  # fmt: skip


def harden_args(
    args: Sequence[str],
    *,
    inputs: Sequence[MediaPath],
    own_inputs: Collection[str] = (),
    input_options: Sequence[str],
) -> list[str]:
    """Rewrite every `-i` of `args`: declared user media becomes hardened `file:` URLs; inputs we
    generate ourselves (`own_inputs`: lavfi graphs, our intermediate files) pass unchanged; any
    other input is a programming error."""
    urls = {os.path.abspath(os.fspath(p)): input_url(p) for p in inputs}
    used: set[str] = set()
    out: list[str] = []
    it = iter(args)
    for token in it:
        if token != "-i":
            out.append(token)
            continue
        value = next(it, None)
        if value is None:
            raise ValueError("`-i` without a value")
        if value in own_inputs:
            out += ["-i", value]
            continue
        key = os.path.abspath(value)
        if key not in urls:
            raise ValueError(f"input {value!r} is neither declared user media nor an own input")
        used.add(key)
        out += [*input_options, "-i", urls[key]]
    missing = set(urls) - used
    if missing:
        raise ValueError(f"declared inputs not in the command: {sorted(missing)}")
    return out


DEFAULT_PROBE_ARGS: tuple[str, ...] = ("-show_format", "-show_streams")


@dataclass(frozen=True, slots=True)
class ProbeOutput:
    data: dict[str, Any]
    log: str
    """ffprobe's warnings and errors (its bounded stderr tail)."""


def run_ffprobe(
    cfg: TranscoderConfig,
    path: MediaPath,
    *,
    args: Sequence[str] = DEFAULT_PROBE_ARGS,
    formats: Sequence[str] | None = None,
    timeout: float | None = None,
    cancel: CancelCheck | None = None,
) -> dict[str, Any]:
    """ffprobe's JSON for one user-media file (by default `-show_format -show_streams`)."""
    return run_ffprobe_logged(
        cfg, path, args=args, formats=formats, timeout=timeout, cancel=cancel
    ).data


def run_ffprobe_logged(
    cfg: TranscoderConfig,
    path: MediaPath,
    *,
    args: Sequence[str] = DEFAULT_PROBE_ARGS,
    formats: Sequence[str] | None = None,
    timeout: float | None = None,
    cancel: CancelCheck | None = None,
) -> ProbeOutput:
    """`run_ffprobe` that also keeps what ffprobe complained about on a successful run."""
    argv = [
        ffprobe_path(cfg), "-hide_banner", "-v", "error",
        *hardened_input_options(cfg, formats), "-i", input_url(path),
        "-print_format", "json", *args,
    ]  # fmt: skip
    limit = timeout or cfg.probe_timeout_s
    result = _execute(
        argv,
        what="probe",
        timeout=limit,
        cancel=cancel,
        rlimits=_rlimits(cfg, limit, memory=cfg.probe_memory_bytes, fsize=0),
        max_stdout=cfg.max_stdout_bytes,
        max_stderr=cfg.max_stderr_bytes,
    )
    try:
        data = json.loads(result.stdout)
    except ValueError:
        raise FFmpegFailed("ffprobe printed no JSON", stderr_tail=result.stderr_tail) from None
    if not isinstance(data, dict):
        raise FFmpegFailed("ffprobe printed unexpected JSON", stderr_tail=result.stderr_tail)
    return ProbeOutput(data, result.stderr_tail)


def run_ffmpeg(
    cfg: TranscoderConfig,
    command: Sequence[str] | FFmpegCommand,
    *,
    inputs: Sequence[MediaPath],
    own_inputs: Collection[str] = (),
    formats: Sequence[str] | None = None,
    duration: float | None = None,
    on_progress: ProgressCallback | None = None,
    timeout: float | None = None,
    cancel: CancelCheck | None = None,
) -> RunResult:
    """Run ffmpeg with `command`: arguments without the binary name, or an ffmpeg-python output
    stream. Every `-i` must be one of `inputs` (user media, hardened) or `own_inputs`.

    `on_progress(fraction)` is called from this thread with 0..1 (needs `duration` in seconds)
    and with 1.0 on success. `cancel` (an Event, or a callable returning True) is polled.
    """
    args = list(command.get_args()) if hasattr(command, "get_args") else list(command)
    if args and args[0] in ("ffmpeg", "ffprobe"):
        raise ValueError("give the arguments without the binary name")
    if on_progress is not None and not (duration and duration > 0):
        raise ValueError("on_progress needs the duration in seconds")
    hardened = harden_args(
        args,
        inputs=inputs,
        own_inputs=own_inputs,
        input_options=hardened_input_options(cfg, formats),
    )
    progress = ["-progress", "pipe:1", "-nostats"] if on_progress else []
    argv = [ffmpeg_path(cfg), "-nostdin", "-hide_banner", *progress, *hardened]
    limit = timeout or cfg.ffmpeg_timeout_s
    return _execute(
        argv,
        what="ffmpeg",
        timeout=limit,
        cancel=cancel,
        rlimits=_rlimits(cfg, limit, memory=cfg.ffmpeg_memory_bytes, fsize=cfg.max_output_bytes),
        max_stdout=cfg.max_stdout_bytes,
        max_stderr=cfg.max_stderr_bytes,
        progress=_Progress(duration, on_progress) if on_progress and duration else None,
    )


def run_version(cfg: TranscoderConfig, program: str = "ffmpeg", *, timeout: float = 15.0) -> str:
    """What `ffmpeg -version` (or ffprobe's) prints: version, configuration, library versions."""
    if program not in ("ffmpeg", "ffprobe"):
        raise ValueError(f"not an FFmpeg program: {program!r}")
    binary = ffmpeg_path(cfg) if program == "ffmpeg" else ffprobe_path(cfg)
    result = _execute(
        [binary, "-hide_banner", "-version"],
        what=f"{program} -version",
        timeout=timeout,
        cancel=None,
        rlimits=_rlimits(cfg, timeout, memory=cfg.probe_memory_bytes, fsize=0),
        max_stdout=cfg.max_stderr_bytes,
        max_stderr=cfg.max_stderr_bytes,
    )
    return result.stdout.decode("utf-8", "replace")


def progress_fraction(line: str, duration: float) -> float | None:
    """The fraction done that one `-progress` line tells, if any."""
    key, _, value = line.strip().partition("=")
    if key == "progress" and value == "end":
        return 1.0
    if key == "out_time_us" and value.lstrip("-").isdigit():
        return min(1.0, max(0.0, int(value) / 1e6 / duration))
    return None


def classify_failure(what: str, returncode: int, stderr_tail: str, cpu_limit_s: int) -> MediaError:
    """The named error for a process that exited with `returncode` != 0."""
    if returncode < 0:
        sig = signal.Signals(-returncode)
        if sig == signal.SIGXCPU:
            return MediaTimeout(f"{what} (CPU time limit)", cpu_limit_s)
        if sig == signal.SIGXFSZ:
            return FFmpegFailed(
                f"{what} output exceeded the file size limit", returncode=returncode
            )
        if sig in _EXTERNAL_KILL:
            # Killed from outside (OOM killer, shutdown): another attempt may well succeed.
            return TransientMediaError(
                f"{what} killed by {sig.name}", returncode=returncode, stderr_tail=stderr_tail
            )
        return FFmpegFailed(
            f"{what} crashed ({sig.name})", returncode=returncode, stderr_tail=stderr_tail
        )
    if "No space left on device" in stderr_tail:
        return TransientMediaError(
            f"{what}: out of disk space", returncode=returncode, stderr_tail=stderr_tail
        )
    return FFmpegFailed(
        f"{what} failed (exit {returncode})", returncode=returncode, stderr_tail=stderr_tail
    )


class _Progress:
    def __init__(self, duration: float, callback: ProgressCallback) -> None:
        self.duration = duration
        self.callback = callback
        self.latest: float | None = None
        self.reported: float | None = None

    def feed(self, line: str) -> None:
        fraction = progress_fraction(line, self.duration)
        if fraction is not None:
            self.latest = fraction

    def emit(self) -> None:
        if self.latest is not None and self.latest != self.reported:
            self.reported = self.latest
            self.callback(self.latest)


@dataclass(frozen=True, slots=True)
class _Limits:
    cpu_s: int
    rlimits: tuple[tuple[int, int, int], ...]
    """(resource, soft, hard) set in the child before exec."""
    niceness: int = 0


def _rlimits(cfg: TranscoderConfig, wall_s: float, *, memory: int | None, fsize: int) -> _Limits:
    cpu = cfg.max_cpu_s or int(wall_s * (os.cpu_count() or 1)) + 5
    # The soft CPU limit sends SIGXCPU (FFmpeg then stops cleanly); the hard one, SIGKILL.
    wanted = [(resource.RLIMIT_CPU, cpu, cpu + _CPU_GRACE_S), (resource.RLIMIT_FSIZE, fsize, fsize),
              (resource.RLIMIT_CORE, 0, 0)]  # fmt: skip
    if memory is not None:
        wanted.append((resource.RLIMIT_AS, memory, memory))
    # Never ask for more than the hard limit we run under (setrlimit would fail in the child).
    capped = []
    for res, soft, hard in wanted:
        ceiling = resource.getrlimit(res)[1]
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        capped.append((res, soft, hard))
    return _Limits(cpu, tuple(capped), cfg.niceness)


def _child_setup(limits: _Limits) -> Callable[[], None]:
    """What the child does between fork and exec: its resource limits and CPU priority, and on
    Linux a SIGKILL when the thread that started it dies. FFmpeg runs in its own session, so a SIGKILL of the
    worker's process group does not reach it; without this it would go on writing into a job's
    workspace after the worker is gone. The starting thread waits in `_execute` until the child
    is reaped, so the signal only fires when the thread, or its whole process, is killed."""
    parent = os.getpid()

    def setup() -> None:
        for res, soft, hard in limits.rlimits:
            resource.setrlimit(res, (soft, hard))
        if limits.niceness:
            os.nice(limits.niceness)
        if _PRCTL is not None:
            _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:  # the parent died before the signal was armed
                os.kill(os.getpid(), signal.SIGKILL)

    return setup


def _cancelled(cancel: CancelCheck | None) -> bool:
    if cancel is None:
        return False
    return cancel.is_set() if isinstance(cancel, threading.Event) else bool(cancel())


class _Capture:
    """Drains stdout and stderr on threads: stderr keeps a bounded tail, stdout is bounded."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        *,
        max_stdout: int,
        max_stderr: int,
        progress: _Progress | None,
    ) -> None:
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.stdout_overflow = False
        self.max_stdout = max_stdout
        self._max_stderr = max_stderr
        self._progress = progress
        assert proc.stdout is not None and proc.stderr is not None
        self._threads = [
            threading.Thread(target=self._read_stdout, args=(proc.stdout,), daemon=True),
            threading.Thread(target=self._read_stderr, args=(proc.stderr,), daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _read_stdout(self, stream: Any) -> None:
        if self._progress is not None:
            for line in stream:
                self._progress.feed(line.decode("ascii", "replace"))
            return
        while chunk := stream.read(65536):
            if len(self.stdout) + len(chunk) > self.max_stdout:
                self.stdout_overflow = True
                continue  # keep draining so the process is not blocked on a full pipe
            self.stdout += chunk

    def _read_stderr(self, stream: Any) -> None:
        while chunk := stream.read(4096):
            self.stderr += chunk
            if len(self.stderr) > 2 * self._max_stderr:
                del self.stderr[: len(self.stderr) - self._max_stderr]

    def join(self) -> None:
        for t in self._threads:
            t.join(timeout=5)

    def stderr_tail(self) -> str:
        return bytes(self.stderr[-self._max_stderr :]).decode("utf-8", "replace")


def _execute(
    argv: list[str],
    *,
    what: str,
    timeout: float,
    cancel: CancelCheck | None,
    rlimits: _Limits,
    max_stdout: int,
    max_stderr: int,
    progress: _Progress | None = None,
) -> RunResult:
    env = {**os.environ, "LC_ALL": "C"}  # stable messages for `classify_failure`
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, killed as a whole
            # Runs in the forked child: only setrlimit and the resolved prctl (no imports, no locks).
            preexec_fn=_child_setup(rlimits),
            env=env,
        )
    except FileNotFoundError as exc:
        raise BinaryNotFound(f"cannot start {argv[0]}: {exc.strerror}") from None
    except OSError as exc:
        raise TransientMediaError(f"cannot start {what}: {exc.strerror}") from None
    capture = _Capture(proc, max_stdout=max_stdout, max_stderr=max_stderr, progress=progress)
    try:
        ended = _wait(
            proc,
            what=what,
            started=started,
            timeout=timeout,
            cancel=cancel,
            capture=capture,
            progress=progress,
        )
    finally:
        if proc.returncode is None:
            _kill_group(proc)
        capture.join()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    tail = capture.stderr_tail()
    if ended.cpu_s >= rlimits.cpu_s:
        # FFmpeg traps SIGXCPU and stops early, even with exit status 0 (output cut short);
        # past the hard limit the kernel sends SIGKILL. Either way: out of CPU time.
        raise MediaTimeout(f"{what} (CPU time limit)", rlimits.cpu_s)
    if ended.returncode != 0:
        raise classify_failure(what, ended.returncode, tail, rlimits.cpu_s)
    if capture.stdout_overflow:
        raise FFmpegFailed(f"{what} printed more than {max_stdout} bytes")
    if progress is not None:
        progress.latest = 1.0
        progress.emit()
    return RunResult(
        argv=tuple(argv),
        stdout=bytes(capture.stdout),
        stderr_tail=tail,
        elapsed_s=time.monotonic() - started,
        cpu_s=ended.cpu_s,
        max_rss_bytes=ended.max_rss_bytes,
    )


@dataclass(frozen=True, slots=True)
class _Exit:
    returncode: int
    cpu_s: float
    max_rss_bytes: int


def _wait(
    proc: subprocess.Popen[bytes],
    *,
    what: str,
    started: float,
    timeout: float,
    cancel: CancelCheck | None,
    capture: _Capture,
    progress: _Progress | None,
) -> _Exit:
    delay = 0.002  # short runs (ffprobe) end in milliseconds: poll fast first, then back off
    while True:
        ended = _reap(proc, block=False)
        if ended is not None:
            return ended
        if progress is not None:
            progress.emit()
        if _cancelled(cancel):
            _kill_group(proc)
            raise MediaCancelled(f"{what} cancelled")
        elapsed = time.monotonic() - started
        if elapsed >= timeout:
            _kill_group(proc)
            raise MediaTimeout(what, timeout)
        if capture.stdout_overflow:
            _kill_group(proc)
            raise FFmpegFailed(f"{what} printed more than {capture.max_stdout} bytes")
        time.sleep(min(delay, timeout - elapsed))
        delay = min(delay * 2, _POLL_S)


def _reap(proc: subprocess.Popen[bytes], *, block: bool) -> _Exit | None:
    """Wait for the process with wait4, which also gives its CPU time and peak memory."""
    pid, status, usage = os.wait4(proc.pid, 0 if block else os.WNOHANG)
    if pid == 0:
        return None
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux.
    return _Exit(proc.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode is None:
        _reap(proc, block=True)
