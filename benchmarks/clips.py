"""How every clip plays, per scene: duration, empty stretches, caption pace, beat-end fidelity, bytes.

    python benchmarks/clips.py                      # every scene, 1280x720 at 30 fps
    python benchmarks/clips.py --scenes CausalMask --fps 10

For each scene: the MP4's duration and size; its nearly empty stretches longer than 0.2 s mid-clip
(``tests/video_checks.py``); its captions' cues (from the .srt) that are on screen under 1.5 s or read
faster than 3 words per second; and each beat's last video frame against that beat's lossless
``--at`` still (luma PSNR, the best of the frames within 0.1 s of the beat's end). Prints a table and
writes benchmarks/results/<machine>-<date>-clips.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LONGEST_EMPTY = 0.2


def luma_psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR of two RGB frames' luma (BT.601), in dB."""
    weights = np.array([0.299, 0.587, 0.114])
    mse = float(np.mean(((a.astype(float) - b.astype(float)) @ weights) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def srt_cues(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue of a SubRip file."""
    def seconds(clock: str) -> float:
        h, m, rest = clock.split(":")
        s, ms = rest.split(",")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    cues = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.splitlines()
        if len(lines) >= 3:
            start, end = (seconds(t.strip()) for t in lines[1].split("-->"))
            cues.append((start, end, " ".join(lines[2:])))
    return cues


def measure(name: str, size: tuple[int, int], fps: int, out: Path) -> dict:
    import av
    from PIL import Image

    from scenes.kit.captions import CAPTION_WORDS_PER_SECOND, caption_seconds
    from scenes.kit.settings import SceneSettings
    from scenes.output.render_one import render_scene
    from scenes.output.request import RenderRequest
    from tests.video_checks import empty_runs

    settings = SceneSettings()
    video = render_scene(RenderRequest(name, settings, output_dir=out, resolution=size, fps=fps), force=True)
    with av.open(str(video.path)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    seconds = len(frames) / fps
    empty = [r for r in empty_runs(video.path, video.scene.theme.background.to_hex()) if r.seconds > LONGEST_EMPTY]
    cues = srt_cues(video.path.with_suffix(".srt"))
    slow = [t for start, end, t in cues if end - start < caption_seconds(t) - 0.05]   # ≥ 1.5 s, ≤ 3 words/s
    rates = [len([w for w in t.split() if any(ch.isalnum() for ch in w)]) / max(end - start, 1e-6)
             for start, end, t in cues]
    starts = video.scene.next_section.starts
    ends = [t for _, t in starts[1:]] + [seconds]
    psnr = {}
    if name != "AttentionBlock":
        for (beat, _), end in zip(starts, ends):
            still = render_scene(RenderRequest(name, settings, fmt="png", output_dir=out, resolution=size, fps=fps,
                                               at=beat), force=True).path
            image = np.asarray(Image.open(still).convert("RGB"))
            last = min(len(frames) - 1, round(end * fps) - 1)
            near = max(1, round(0.1 * fps))
            psnr[beat] = round(max(luma_psnr(frames[k], image)
                                   for k in range(max(0, last - near), min(len(frames), last + near + 1))), 1)
    return {"scene": name, "seconds": round(seconds, 1), "mp4_bytes": video.path.stat().st_size,
            "empty_over_0.2s": len(empty), "cues": len(cues), "cues_too_fast_or_short": len(slow),
            "fastest_words_per_second": round(max(rates, default=0.0), 2),
            "words_per_second_target": CAPTION_WORDS_PER_SECOND,
            "beat_end_psnr_db": psnr, "lowest_psnr_db": min(psnr.values(), default=None)}


def main() -> None:
    from scenes import SCENES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", default=None, help="comma-separated scenes (default: every scene)")
    parser.add_argument("--resolution", default="1280x720")
    parser.add_argument("--fps", type=int, default=30)
    args = parser.parse_args()
    names = args.scenes.split(",") if args.scenes else [n for n in SCENES if n != "AttentionBlock"]
    size = tuple(int(v) for v in args.resolution.split("x"))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            row = measure(name, size, args.fps, Path(folder) / name)
            rows.append(row)
            print(f"{name:24} {row['seconds']:6.1f} s {row['mp4_bytes'] / 1e6:6.2f} MB  empty>0.2s "
                  f"{row['empty_over_0.2s']}  cues {row['cues']:2d} (too fast/short {row['cues_too_fast_or_short']}, "
                  f"fastest {row['fastest_words_per_second']:.2f} w/s)  lowest beat-end PSNR "
                  f"{row['lowest_psnr_db']} dB", flush=True)
    result = {"machine": platform.node(), "date": datetime.date.today().isoformat(),
              "resolution": args.resolution, "fps": args.fps, "scenes": rows}
    target = ROOT / "benchmarks" / "results" / f"vm-{result['date']}-clips.json"
    target.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
