"""Ladder benchmark: one decode split into every rung vs one FFmpeg process per rung vs the top rung
alone, and the project's full `transcode` vs the same FFmpeg commands run bare.

    uv run python bench/ladder_bench.py [--seconds 10] [--repeat 1]

Everything is measured in this run on the same generated 1080p25 master with the same encoder
settings (the default ladder: x264 veryfast, 4 s closed GOPs), and printed as ratios.
Targets: single-pass <= 0.75x per-rung; project overhead <= 5 %.
"""

from __future__ import annotations

import argparse
import re
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


def timed_ladder(master: Path, plan: RenditionPlan, out: Path) -> float:
    graph = build_graph(master, plan, LADDER, out, delivery=False)
    started = time.perf_counter()
    run_ffmpeg(CFG, graph, inputs=[master])
    return time.perf_counter() - started


def bare_replay(commands: tuple[tuple[str, ...], ...]) -> float:
    """Run the exact argv lists `transcode` ran, straight from a shell-like loop."""
    work_dirs = {m.group(0) for argv in commands for a in argv for m in [_WORK.search(a)] if m}
    started = time.perf_counter()
    for directory in work_dirs:
        for argv in commands:
            for arg in argv:
                if arg.startswith(directory):
                    Path(arg).parent.mkdir(parents=True, exist_ok=True)
    for argv in commands:
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    for directory in work_dirs:
        subprocess.run(["rm", "-rf", directory], check=True)
    return elapsed


_WORK = re.compile(r"^/\S*/\.[^/]+\.work-[0-9a-f]{12}")


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
        rows: dict[str, list[float]] = {
            k: [] for k in ("single", "per_rung", "top", "full", "bare")
        }
        for n in range(options.repeat):
            rows["single"].append(timed_ladder(master, picture_only, root / f"single{n}"))
            rows["per_rung"].append(
                sum(
                    timed_ladder(master, replace(picture_only, rungs=(r,)), root / f"rung{n}_{i}")
                    for i, r in enumerate(plan.rungs)
                )
            )
            rows["top"].append(
                timed_ladder(master, replace(picture_only, rungs=plan.rungs[:1]), root / f"top{n}")
            )
            started = time.perf_counter()
            result = transcode(CFG, master, root / f"full{n}", LADDER)
            rows["full"].append(time.perf_counter() - started)
            rows["bare"].append(bare_replay(result.commands))
        best = {k: min(v) for k, v in rows.items()}
        print(f"master: {options.seconds:g} s 1080p25, ladder {[r.rung.name for r in plan.rungs]},"
              f" preset {LADDER.preset}, best of {options.repeat}")  # fmt: skip
        for name, seconds in best.items():
            print(f"  {name:9s} {seconds:7.2f} s")
        print(
            f"single-pass / per-rung      {best['single'] / best['per_rung']:.2f}x (target <= 0.75)"
        )
        print(f"single-pass / top rung only {best['single'] / best['top']:.2f}x")
        print(f"per-rung / top rung only    {best['per_rung'] / best['top']:.2f}x")
        overhead = best["full"] / best["bare"] - 1
        print(f"transcode / bare commands   {best['full'] / best['bare']:.3f}x "
              f"(overhead {overhead:+.1%}, target <= 5%)")  # fmt: skip


if __name__ == "__main__":
    main()
