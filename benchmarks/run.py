"""The benchmark: render speed against manim's own floor, parallel jobs, cold start, cache, model.

    make bench                      # or: .venv/bin/python benchmarks/run.py [--quick] [--scenes A,B]

Everything is measured in ONE run on this machine (medians where repeated); prints a table and
writes benchmarks/results/<machine>-<date>.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))

TARGETS = {
    "scene_fps_ratio_1080p60": 0.5, "jobs2_speedup": 1.7, "cold_preview_ratio": 2.0,
    "rerender_seconds": 0.5, "minilm_load_seconds": 1.0, "minilm_trace_ms": 30.0, "peak_rss_mb_1080p60": 1536,
    "gif_bytes_ratio": 3.0, "png_seconds_ratio": 0.3, "webm_seconds_ratio": 2.0,
    "cli_seconds": 0.5, "cli_own_scene_rerender_seconds": 1.0,
}
FORMATS_VS_MP4 = ("gif", "png", "webm")      # each measured against an MP4 of the same scene, at 480p15
SENTENCE_12 = "the quick brown fox jumps over the lazy dog today"   # 12 MiniLM tokens with [CLS] and [SEP]


def timed(cmd: list[str], **kwargs) -> float:
    return timed_with_cpu(cmd, **kwargs)[0]


def timed_with_cpu(cmd: list[str], **kwargs) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the command and every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True, **kwargs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure_render(scene: str, width: int, height: int, fps: int, out: str, fmt: str = "mp4") -> dict:
    line = subprocess.run([PY, str(ROOT / "benchmarks" / "worker.py"), scene, str(width), str(height), str(fps), out,
                           fmt], check=True, cwd=ROOT, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    data = json.loads(line)
    data["fps"] = data["frames"] / data["seconds"]
    return data


def format_timings(names: list[str], out: str) -> dict:
    """Per scene at 480p15: an MP4, then a GIF, a PNG still and a WebM, each in a fresh process,
    measured right after that scene's MP4 (so both see the same load on a shared machine)."""
    rows = {}
    for name in names:
        mp4 = measure_render(name, 854, 480, 15, out)
        row = {"mp4_seconds": mp4["seconds"], "mp4_bytes": mp4["bytes"]}
        for fmt in FORMATS_VS_MP4:
            r = measure_render(name, 854, 480, 15, out, fmt)
            row[f"{fmt}_seconds"], row[f"{fmt}_bytes"] = r["seconds"], r["bytes"]
        row["gif_bytes_ratio"] = row["gif_bytes"] / row["mp4_bytes"]
        row["png_seconds_ratio"] = row["png_seconds"] / row["mp4_seconds"]
        row["webm_seconds_ratio"] = row["webm_seconds"] / row["mp4_seconds"]
        print(f"formats {name:24} mp4 {row['mp4_seconds']:6.1f} s {row['mp4_bytes'] / 1e6:6.2f} MB | "
              f"gif {row['gif_bytes'] / 1e6:6.2f} MB ×{row['gif_bytes_ratio']:.2f} ({row['gif_seconds']:.1f} s) | "
              f"png {row['png_seconds']:5.1f} s ×{row['png_seconds_ratio']:.2f} | "
              f"webm {row['webm_seconds']:6.1f} s ×{row['webm_seconds_ratio']:.2f}", flush=True)
        rows[name] = row
    return rows


def cli_timings(tmp: str, repeats: int = 5) -> dict:
    """Seconds (median of ``repeats``) of the commands that need no model or renderer: listing, help,
    an unchanged re-render (a built-in scene, then a scene file of one's own) and usage errors.
    Each is a fresh ``attention-render`` process, as a user runs it."""
    out = Path(tmp) / "cli"
    out.mkdir()
    cli = [PY, str(ROOT / "render.py")]
    tiny = ["--resolution", "256x144", "--fps", "5", "-o", str(out)]
    subprocess.run([*cli, "new", str(out / "dots_softmax.py")], check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*cli, "render", "ScaledSoftmax", *tiny], check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*cli, "render", str(out / "dots_softmax.py"), *tiny], check=True, cwd=ROOT, capture_output=True)
    (out / "a-file").write_text("")
    commands = {
        "--help": ["--help"],
        "list": ["list"],
        "list CausalMask": ["list", "CausalMask"],
        "cached re-render": ["render", "ScaledSoftmax", *tiny],
        "cached re-render, own scene file": ["render", str(out / "dots_softmax.py"), *tiny],
        "error: empty sentence": ["render", "ScaledSoftmax", "-s", "", *tiny],
        "error: too long sentence": ["render", "ScaledSoftmax", "-s", " ".join(["word"] * 60), *tiny],
        "error: folder cannot be created": ["render", "ScaledSoftmax", "-o", str(out / "a-file" / "sub")],
    }
    from attention_math.device import gpu_driver_present

    if not gpu_driver_present():
        commands["error: --device cuda without CUDA"] = ["render", "ScaledSoftmax", "--device", "cuda", *tiny]
    rows = {}
    for what, args in commands.items():
        rows[what] = statistics.median(_timed_any([*cli, *args]) for _ in range(repeats))
        print(f"cli {what:40} {rows[what]:.3f} s", flush=True)
    return rows


def _timed_any(cmd: list[str]) -> float:
    """Wall seconds of a command, whatever its exit code (the error rows exit 2 by design)."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def model_timings() -> dict:
    code = (
        "import time, statistics, torch\n"
        "t = time.perf_counter()\n"
        "from attention_math.minilm import load_minilm\n"
        "src = load_minilm(torch.device('cpu'))\n"
        "load = time.perf_counter() - t\n"
        "from attention_math import build_trace\n"
        f"s = {SENTENCE_12!r}\n"
        "build_trace(s, model='minilm', layer=5)\n"
        "times = []\n"
        "for _ in range(20):\n"
        "    t = time.perf_counter(); tr = build_trace(s, model='minilm', layer=5); times.append(time.perf_counter() - t)\n"
        "print(load, statistics.median(times), len(tr.tokens))\n"
    )
    out = subprocess.run([PY, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True).stdout.split()
    return {"minilm_load_seconds": float(out[0]), "minilm_trace_ms": float(out[1]) * 1e3, "tokens": int(out[2])}


def scaling(device: str) -> dict:
    from attention_math import scaling_probe

    return scaling_probe([128, 256, 512, 1024, 2048, 4096], device=device).as_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="480p15 only, three scenes (a smoke run, no targets)")
    parser.add_argument("--scenes", default=None, help="comma-separated scenes (default: all but AttentionBlock)")
    parser.add_argument("--formats", action="store_true",
                        help="only the format rows: GIF size, PNG still time and WebM time against the MP4")
    parser.add_argument("--cli", action="store_true", help="only the command line's answers without a render")
    parser.add_argument("--memory", action="store_true",
                        help="only the 1080p60 renders (speed against the floor, peak memory)")
    args = parser.parse_args()
    from scenes import SCENES

    names = args.scenes.split(",") if args.scenes else [n for n in SCENES if n != "AttentionBlock"]
    if args.quick:
        names = names[:3]
    if args.formats:
        formats_only(names)
        return
    if args.cli:
        with tempfile.TemporaryDirectory() as tmp:
            only("cli", {"cli": cli_timings(tmp)})
        return
    qualities = {"480p15": (854, 480, 15)} if args.quick else {"480p15": (854, 480, 15), "1080p60": (1920, 1080, 60)}
    if args.memory:
        qualities = {"1080p60": (1920, 1080, 60)}
    results: dict = {**header(), "renders": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for quality, (w, h, fps) in qualities.items():
            floor = measure_render("Floor", w, h, fps, tmp)
            rows = {"Floor": floor}
            for name in names:
                rows[name] = measure_render(name, w, h, fps, tmp)
                rows[name]["ratio_to_floor"] = rows[name]["fps"] / floor["fps"]
                print(f"{quality} {name:24} {rows[name]['frames']:6d} frames {rows[name]['seconds']:7.1f} s "
                      f"{rows[name]['fps']:6.1f} fps  ×{rows[name]['ratio_to_floor']:.2f} floor "
                      f"{rows[name]['peak_rss_mb']:6.0f} MB", flush=True)
            results["renders"][quality] = rows
        if args.memory:
            print_table(results)
            write_results(results, "memory")
            return

        results["cli"] = cli_timings(tmp)
        cli = [PY, str(ROOT / "render.py"), "render", "--force", "--quiet"]
        if not args.quick:
            jobs, cpu = {}, {}
            for n in (1, 2):
                out = Path(tmp) / f"jobs{n}"
                out.mkdir()
                jobs[n], cpu[n] = timed_with_cpu([*cli, "--all", "--jobs", str(n), "-o", str(out)])
            # One render already keeps more than one core busy (it draws while clips encode), so the
            # speed-up of two jobs is bounded by the cores left idle, not by scheduling alone.
            results["jobs"] = {"jobs1_seconds": jobs[1], "jobs2_seconds": jobs[2], "speedup": jobs[1] / jobs[2],
                               "jobs1_cpu_seconds": cpu[1], "jobs2_cpu_seconds": cpu[2],
                               "jobs1_cores_busy": cpu[1] / jobs[1], "jobs2_cores_busy": cpu[2] / jobs[2]}
            print(f"--all: jobs 1 {jobs[1]:.1f} s ({cpu[1] / jobs[1]:.2f} cores busy), jobs 2 {jobs[2]:.1f} s "
                  f"({cpu[2] / jobs[2]:.2f} cores busy), speedup {jobs[1] / jobs[2]:.2f}", flush=True)

        preview = Path(tmp) / "preview"
        preview.mkdir()
        imports = statistics.median(timed([PY, "-c", "import torch, manim"]) for _ in range(3))
        cold = {}
        for name in names:
            seconds = timed([*cli, name, "-o", str(preview)])
            frames = results["renders"]["480p15"][name]["frames"]
            floor_seconds = frames / results["renders"]["480p15"]["Floor"]["fps"]
            cold[name] = {"seconds": seconds, "budget": 2 * (imports + floor_seconds),
                          "ratio": seconds / (imports + floor_seconds)}
        rerender = statistics.median(timed([PY, str(ROOT / "render.py"), "render", names[0], "--quiet", "-o", str(preview)])
                                     for _ in range(3))
        results["cold_preview"] = {"import_torch_manim_seconds": imports, "scenes": cold}
        results["rerender_seconds"] = rerender
        print(f"import torch, manim {imports:.2f} s; unchanged re-render {rerender:.2f} s", flush=True)

        results["formats"] = format_timings(names, tmp)
    results["model"] = model_timings()
    results["scaling"] = {"cpu": scaling("cpu")}
    import torch

    if torch.cuda.is_available():
        results["scaling"]["cuda"] = scaling("cuda")
    print_table(results)
    write_results(results, "quick" if args.quick else "")


def header() -> dict:
    return {"machine": platform.node(), "python": platform.python_version(), "date": date.today().isoformat(),
            "cpu_count": __import__("os").cpu_count(), "targets": TARGETS}


def write_results(results: dict, part: str = "") -> None:
    """benchmarks/results/<machine>-<date>[-<part>].json"""
    path = ROOT / "benchmarks" / "results" / f"{results['machine']}-{results['date']}{'-' + part if part else ''}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


def only(part: str, rows: dict) -> None:
    """One part of the benchmark on its own: its table and its JSON."""
    results = {**header(), **rows}
    print_table(results)
    write_results(results, part)


def formats_only(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        only("formats", {"formats": format_timings(names, tmp)})


def format_rows(results: dict, row) -> None:
    for name, f in results.get("formats", {}).items():
        row(f"480p15 {name} GIF ÷ MP4 size", f["gif_bytes_ratio"], "≤ 3", f["gif_bytes_ratio"] <= 3)
        row(f"480p15 {name} PNG still ÷ MP4 time", f["png_seconds_ratio"], "≤ 0.3", f["png_seconds_ratio"] <= 0.3)
        row(f"480p15 {name} WebM ÷ MP4 time", f["webm_seconds_ratio"], "≤ 2", f["webm_seconds_ratio"] <= 2)


def print_table(results: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"benchmark {results['machine']} {results['date']} ({results['cpu_count']} cores)")
    for column in ("measure", "value", "target", "met"):
        table.add_column(column, justify="left" if column == "measure" else "right")

    def row(measure: str, value: float, target: str, met: bool | None, fmt: str = "{:.2f}") -> None:
        table.add_row(measure, fmt.format(value), target, "" if met is None else ("yes" if met else "NO"))

    format_rows(results, row)
    for what, seconds in results.get("cli", {}).items():
        target = TARGETS["cli_own_scene_rerender_seconds"] if "own scene" in what else TARGETS["cli_seconds"]
        row(f"attention-render {what} s", seconds, f"≤ {target:g}", seconds <= target, "{:.3f}")
    for quality, rows in results.get("renders", {}).items():
        floor = rows["Floor"]
        row(f"{quality} Floor fps", floor["fps"], "", None, "{:.1f}")
        for name, r in rows.items():
            if name == "Floor":
                continue
            if quality == "1080p60":
                row(f"{quality} {name} fps ÷ floor", r["ratio_to_floor"], "≥ 0.5", r["ratio_to_floor"] >= 0.5)
                row(f"{quality} {name} peak RSS MB", r["peak_rss_mb"], "≤ 1536", r["peak_rss_mb"] <= 1536, "{:.0f}")
            else:
                row(f"{quality} {name} fps ÷ floor", r["ratio_to_floor"], "", None)
    if "cold_preview" not in results:
        Console().print(table)
        return
    if "jobs" in results:
        row("--all --jobs 2 speed-up", results["jobs"]["speedup"], "≥ 1.7", results["jobs"]["speedup"] >= 1.7)
        for n in (1, 2):
            row(f"  cores busy with --jobs {n}", results["jobs"][f"jobs{n}_cores_busy"], "", None)
    for name, c in results["cold_preview"]["scenes"].items():
        row(f"cold 480p15 {name} ÷ (imports + floor)", c["ratio"], "≤ 2", c["ratio"] <= 2)
    row("unchanged re-render s (480p15)", results["rerender_seconds"], "≤ 0.5", results["rerender_seconds"] <= 0.5)
    m = results["model"]
    row("MiniLM load s", m["minilm_load_seconds"], "≤ 1", m["minilm_load_seconds"] <= 1)
    row(f"MiniLM trace ms ({m['tokens']} tokens)", m["minilm_trace_ms"], "≤ 30", m["minilm_trace_ms"] <= 30)
    for device, probe in results["scaling"].items():
        last = probe["points"][-1]
        row(f"scaling {device}: T={last['n']} pattern ms", last["seconds"] * 1e3, "", None)
    Console().print(table)


if __name__ == "__main__":
    main()
