"""Ladder benchmark: one decode split into every rung vs one FFmpeg process per rung vs the top rung
alone, and the project's full `transcode` vs the same FFmpeg commands run bare.

    uv run python bench/ladder_bench.py [--seconds 10] [--repeat 1]

Everything is measured in this run on the same generated 1080p25 master with the same encoder
settings (the default ladder: x264 veryfast, 4 s closed GOPs), and printed as ratios of wall-clock
time and of CPU time (this process and its children: FFmpeg, ffprobe). On a shared machine the CPU
ratios are the stable ones; the load average is printed so a reader can judge the wall-clock ones.
Targets: single-pass <= 0.75x per-rung; project overhead <= 5 %.

Issue 15 adds: an in-spec master's ladder (H.264 1080p25, one closed GOP per segment, under the
top rung's cap) with the top rung and delivery picture packaged / with every output encoded
(target <= 0.6), VMAF scoring of every rung on the sampled windows as a share of the whole
transcode's time (target <= 10 %), and per-title encoding: the ladder's video bytes with each
rung's target set to the VMAF the fixed ladder measured, over the fixed ladder's bytes, on a
grainy documentary-like and a flat-colour animation master (target <= 0.8; equal quality: each
master's per-title mean VMAF at least its fixed mean VMAF - 0.5). `--renditions-only` prints
only these (`--figures vmaf,in-spec,per-title` chooses among them; `--demo-masters` runs
per-title on masters as `catalogue demo --media` makes them).
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

from catalogue.media.demo import DEMO_SECONDS, DEMO_SIZE
from transcoder.config import TranscoderConfig
from transcoder.inspec import gop_facts, packaging_refusals
from transcoder.ladder import RenditionPlan, build_graph, plan_renditions, rung_dir
from transcoder.pipeline import LadderOutput, audio_tracks, source_picture, transcode
from transcoder.probe import probe
from transcoder.profiles import DEFAULT_LADDER
from transcoder.quality import measure_vmaf
from transcoder.run import run_ffmpeg
from transcoder.testmedia import flat_animation_graph, generate_demo_clip

# VMAF is timed on its own (it is not among the commands `bare_replay` runs again).
CFG = TranscoderConfig(measure_quality=False)
LADDER = DEFAULT_LADDER


MASTERS = ("grainy", "animation")
"""The bench's kinds of title: a grainy documentary-like picture (detail, motion, film grain)
and a cartoon-like promo (flat colour fields and flat shapes moving, no noise)."""


def make_master(path: Path, seconds: float, *, kind: str = "grainy") -> Path:
    """A 1080p25 master of one of the `MASTERS` kinds, and a stereo programme tone."""
    noise = (
        flat_animation_graph(seconds=seconds)
        if kind == "animation"
        else f"testsrc2=size=1920x1080:rate=25:duration={seconds},noise=alls=6:allf=t"
    )
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


def make_in_spec_master(path: Path, seconds: float) -> Path:
    """A master already in the top rung's spec: H.264 High 1080p25, closed GOPs of exactly one
    4 s segment, no scene-cut keyframes, capped below the 1080p rung's 5500 kbit/s."""
    video = f"testsrc2=size=1920x1080:rate=25:duration={seconds},noise=alls=6:allf=t"
    gop = str(25 * LADDER.segment_seconds)
    run_ffmpeg(
        CFG,
        ["-f", "lavfi", "-i", video, "-c:v", "libx264", "-preset", "veryfast",
         "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", gop, "-keyint_min", gop,
         "-sc_threshold", "0", "-flags", "+cgop", "-b:v", "4000k", "-maxrate", "4000k",
         "-bufsize", "4000k", "-y", str(path)],
        inputs=[],
        own_inputs=[video],
    )  # fmt: skip
    return path


def in_spec_ratio(root: Path, seconds: float) -> tuple[float, float]:
    """Wall and CPU of the in-spec master's ladder (HLS rungs and delivery picture) packaged
    over the same ladder encoded, after checking the pipeline's rules do allow packaging."""
    master = make_in_spec_master(root / "in_spec_1080p25.mp4", seconds)
    info = probe(CFG, master)
    assert info.video is not None
    plan = replace(plan_renditions(source_picture(info.video), (), LADDER), audio=())
    top = plan.rungs[0]
    refusals = packaging_refusals(
        info.video, gop_facts(CFG, master, info.video), size=(top.width, top.height),
        frame_rate=plan.frame_rate, gop_frames=plan.gop_frames,
        max_kbps=top.rung.maxrate_kbps, first_video=True,
    )  # fmt: skip
    assert not refusals, refusals
    packaged = replace(plan, package_top=True, package_delivery=True)
    clocks = []
    for name, chosen in (("packaged", packaged), ("encoded", plan)):
        graph = build_graph(master, chosen, LADDER, root / name)
        with Clock() as clock:
            run_ffmpeg(CFG, graph, inputs=[master])
        clocks.append(clock)
    return clocks[0].wall / clocks[1].wall, clocks[0].cpu / clocks[1].cpu


def video_bytes(result: LadderOutput) -> int:
    rungs = {q.folder for q in result.quality}
    return sum(f.size for f in result.files if f.path.split("/")[0] in rungs)


def mean_vmaf(result: LadderOutput) -> float:
    return sum(q.vmaf_mean for q in result.quality) / len(result.quality)


DEMO_TITLES = ("Дала желі", "Steppe Wind", "草原之歌")


def bench_masters(root: Path, seconds: float) -> dict[str, Path]:
    return {name: make_master(root / f"{name}.mp4", seconds, kind=name) for name in MASTERS}


def demo_masters(root: Path) -> dict[str, Path]:
    """Masters as `catalogue demo --media` generates them (`catalogue.media.demo`)."""
    width, height = DEMO_SIZE
    return {
        f"demo{n}": generate_demo_clip(
            root / f"demo{n}.mp4",
            title_text=title,
            seconds=DEMO_SECONDS,
            width=width,
            height=height,
            tone_hz=330 + 110 * n,
        )
        for n, title in enumerate(DEMO_TITLES)
    }


def per_title_rows(
    root: Path, masters: dict[str, Path]
) -> list[tuple[str, int, int, float, float, float]]:
    """Per master: fixed bytes, per-title bytes, both ladders' mean VMAF, the per-title
    targets being the VMAF each rung of the fixed ladder measured (equal quality), and the
    per-title transcode's CPU time over the fixed one's."""
    measured = replace(CFG, measure_quality=True)
    rows = []
    for name, master in masters.items():
        with Clock() as fixed_clock:
            fixed = transcode(measured, master, root / f"{name}_fixed", LADDER)
        targets = {q.folder: q.vmaf_mean for q in fixed.quality}
        tuned_ladder = replace(
            LADDER,
            per_title=True,
            rungs=tuple(replace(r, target_vmaf=targets.get(r.name, 1.0)) for r in LADDER.rungs),
        )
        with Clock() as tuned_clock:
            tuned = transcode(measured, master, root / f"{name}_tuned", tuned_ladder)
        rows.append(
            (name, video_bytes(fixed), video_bytes(tuned), mean_vmaf(fixed), mean_vmaf(tuned),
             tuned_clock.cpu / fixed_clock.cpu)
        )  # fmt: skip
    return rows


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
    parser.add_argument("--renditions-only", action="store_true")
    parser.add_argument(
        "--demo-masters", action="store_true",
        help="with --renditions-only: per-title on the demo's masters instead of the bench's",
    )  # fmt: skip
    parser.add_argument(
        "--figures", default="vmaf,in-spec,per-title", help="with --renditions-only: which"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ladder_bench.") as tmp:
        root = Path(tmp)
        if options.renditions_only:
            figures = set(options.figures.split(","))
            renditions_figures(root, options.seconds, figures, demo=options.demo_masters)
            return
        master = make_master(root / "master_1080p25.mp4", options.seconds)
        info = probe(CFG, master)
        assert info.video is not None
        plan = plan_renditions(source_picture(info.video), audio_tracks(info), LADDER)
        picture_only = replace(plan, audio=())
        rows: dict[str, list[Clock]] = {
            k: [] for k in ("single", "per_rung", "top", "full", "vmaf", "bare")
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
            with Clock() as scoring:
                folders = [rung_dir(p) for p in plan.rungs]
                measure_vmaf(CFG, master, result.directory, plan, folders)
            rows["vmaf"].append(scoring)
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
            ("VMAF scoring / transcode", "vmaf", "full"),
        ):
            print(f"{label:28s} {wall[a] / wall[b]:6.3f} {cpu[a] / cpu[b]:6.3f}")
        print("targets: single-pass / per-rung <= 0.75; transcode / bare commands <= 1.05; "
              "VMAF scoring / transcode <= 0.10")  # fmt: skip
        renditions_figures(root, options.seconds, {"in-spec", "per-title"})


def renditions_figures(
    root: Path, seconds: float, figures: set[str], *, demo: bool = False
) -> None:
    """The issue 15 figures named in ``figures`` (the VMAF share is also in the main table)."""
    if "vmaf" in figures:
        master = make_master(root / "vmaf_master.mp4", seconds)
        with Clock() as full:
            result = transcode(CFG, master, root / "vmaf_full", LADDER)
        info = probe(CFG, master)
        assert info.video is not None
        plan = plan_renditions(source_picture(info.video), audio_tracks(info), LADDER)
        with Clock() as scoring:
            measure_vmaf(CFG, master, result.directory, plan, [rung_dir(p) for p in plan.rungs])
        share = (scoring.wall / full.wall, scoring.cpu / full.cpu)
        print(f"{'VMAF scoring / transcode':28s} {share[0]:6.3f} {share[1]:6.3f}  (target <= 0.10)")
    if "in-spec" in figures:
        packaged = in_spec_ratio(root, seconds)
        print(
            f"{'in-spec packaged / encoded':28s} {packaged[0]:6.3f} {packaged[1]:6.3f}"
            "  (target <= 0.6)"
        )
    if "per-title" not in figures:
        return
    masters = demo_masters(root) if demo else bench_masters(root, seconds)
    rows = per_title_rows(root, masters)
    print(f"{'per-title':10s} {'fixed B':>10s} {'tuned B':>10s} {'ratio':>6s} "
          f"{'VMAF fixed':>10s} {'VMAF tuned':>10s} {'diff':>6s} {'CPU x':>6s}")  # fmt: skip
    for name, fixed, tuned, v_fixed, v_tuned, cpu in rows:
        print(
            f"{name:10s} {fixed:10d} {tuned:10d} {tuned / fixed:6.3f} {v_fixed:10.2f} {v_tuned:10.2f}"
            f" {v_tuned - v_fixed:+6.2f} {cpu:6.2f}"
        )
    total = sum(r[2] for r in rows) / sum(r[1] for r in rows)
    # equal quality: the comparison only counts when per-title is within 0.5 VMAF or better,
    # for each master
    diff = sum(r[4] - r[3] for r in rows) / len(rows)
    equal = all(r[4] >= r[3] - 0.5 for r in rows)
    print(
        f"{'per-title bytes / fixed bytes, all masters':50s} {total:6.3f}"
        f"  (target <= 0.8, at equal mean VMAF: {'yes' if equal else 'NO'})"
    )
    print(f"{'per-title mean VMAF - fixed mean VMAF, mean':50s} {diff:+6.2f}  (equal: >= -0.5)")
    each = sum(r[2] / r[1] for r in rows) / len(rows)
    print(f"{'per-title bytes / fixed bytes, mean of the masters':50s} {each:6.3f}")


if __name__ == "__main__":
    main()
