"""Ladder benchmark: one decode split into every rung vs one FFmpeg process per rung vs the top rung
alone, and the project's full `transcode` vs the same FFmpeg commands run bare.

    uv run python bench/ladder_bench.py [--seconds 10] [--repeat 1]

Everything is measured in this run on the same generated 1080p25 master with the same encoder
settings (the default ladder: x264 veryfast, 4 s closed GOPs), and printed as ratios of wall-clock
time and of CPU time (this process and its children: FFmpeg, ffprobe). On a shared machine the CPU
ratios are the stable ones; the load average is printed so a reader can judge the wall-clock ones.
Targets: single-pass <= 0.75x per-rung; project overhead <= 5 %.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.ladder import RenditionPlan, build_graph, plan_renditions
from transcoder.pipeline import audio_tracks, source_picture, transcode
from transcoder.probe import probe
from transcoder.profiles import DEFAULT_LADDER
from transcoder.run import run_ffmpeg

CFG = TranscoderConfig()
LADDER = DEFAULT_LADDER


def make_master(path: Path, seconds: float) -> Path:
    """A 1080p25 master with detail and motion, and a stereo programme tone."""
    video = f"testsrc2=size=1920x1080:rate=25:duration={seconds}"
    noise = f"{video},noise=alls=6:allf=t"
    tone = f"sine=frequency=440:sample_rate=48000:duration={seconds}"
    run_ffmpeg(
        CFG,
        ["-f", "lavfi", "-i", noise, "-f", "lavfi", "-i", tone, "-c:v", "libx264",
         "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-ac", "2", "-b:a", "192k", "-y", str(path)],
        inputs=[],
        own_inputs=[noise, tone],
    )  # fmt: skip
    return path


class Clock:
    """Wall-clock and CPU seconds (this process plus every child it waited for)."""

    def __enter__(self) -> Clock:
        self.wall = time.perf_counter()
        self.cpu = _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = _cpu() - self.cpu


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_ladder(master: Path, plan: RenditionPlan, out: Path) -> Clock:
    graph = build_graph(master, plan, LADDER, out, delivery=False)
    with Clock() as clock:
        run_ffmpeg(CFG, graph, inputs=[master])
    return clock


def bare_replay(commands: tuple[tuple[str, ...], ...], out: Path) -> Clock:
    """Run the exact argv lists `transcode` ran into `out`, straight from a shell-like loop (on
    an emptied `out`: FFmpeg runs without -y and would refuse the files of the first run)."""
    shutil.rmtree(out)
    for argv in commands:
        for arg in argv:
            if arg.startswith(f"{out}/"):
                Path(arg).parent.mkdir(parents=True, exist_ok=True)
    with Clock() as clock:
        for argv in commands:
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ladder_bench.") as tmp:
        root = Path(tmp)
        master = make_master(root / "master_1080p25.mp4", options.seconds)
        info = probe(CFG, master)
        assert info.video is not None
        plan = plan_renditions(source_picture(info.video), audio_tracks(info), LADDER)
        picture_only = replace(plan, audio=())
        rows: dict[str, list[Clock]] = {
            k: [] for k in ("single", "per_rung", "top", "full", "bare")
        }
        load_before = os.getloadavg()[0]
        for n in range(options.repeat):
            rows["single"].append(timed_ladder(master, picture_only, root / f"single{n}"))
            per_rung = [
                timed_ladder(master, replace(picture_only, rungs=(r,)), root / f"rung{n}_{i}")
                for i, r in enumerate(plan.rungs)
            ]
            total = Clock()
            total.wall = sum(c.wall for c in per_rung)
            total.cpu = sum(c.cpu for c in per_rung)
            rows["per_rung"].append(total)
            rows["top"].append(
                timed_ladder(master, replace(picture_only, rungs=plan.rungs[:1]), root / f"top{n}")
            )
            with Clock() as full:
                result = transcode(CFG, master, root / f"full{n}", LADDER)
            rows["full"].append(full)
            rows["bare"].append(bare_replay(result.commands, root / f"full{n}"))
        wall = {k: min(c.wall for c in v) for k, v in rows.items()}
        cpu = {k: min(c.cpu for c in v) for k, v in rows.items()}
        print(f"master: {options.seconds:g} s 1080p25, ladder {[r.rung.name for r in plan.rungs]},"
              f" preset {LADDER.preset}, best of {options.repeat}, {os.cpu_count()} CPUs, "
              f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"  {'':9s} {'wall s':>8s} {'CPU s':>8s}")
        for name in rows:
            print(f"  {name:9s} {wall[name]:8.2f} {cpu[name]:8.2f}")
        print(f"{'ratio':28s} {'wall':>6s} {'CPU':>6s}")
        for label, a, b in (
            ("single-pass / per-rung", "single", "per_rung"),
            ("single-pass / top rung only", "single", "top"),
            ("per-rung / top rung only", "per_rung", "top"),
            ("transcode / bare commands", "full", "bare"),
        ):
            print(f"{label:28s} {wall[a] / wall[b]:6.3f} {cpu[a] / cpu[b]:6.3f}")
        print("targets: single-pass / per-rung <= 0.75; transcode / bare commands <= 1.05")


if __name__ == "__main__":
    main()
