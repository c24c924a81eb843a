"""One measured render in a fresh process; prints a JSON line (frames, seconds, peak RSS).

    python benchmarks/worker.py SCENE WIDTH HEIGHT FPS OUTPUT_DIR [FORMAT]
SCENE "Floor" is benchmarks/floor.py; the others go through scenes.output.render_one.render_scene.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def render_floor(width: int, height: int, fps: int) -> int:
    from manim import tempconfig

    from benchmarks.floor import Floor
    from scenes.output.render_one import FrameCounter

    with tempfile.TemporaryDirectory() as media, tempconfig({"media_dir": media, "pixel_width": width,
                                                             "pixel_height": height, "frame_rate": fps,
                                                             "verbosity": "ERROR", "progress_bar": "none",
                                                             "disable_caching": True}):
        scene = Floor()
        counter = FrameCounter(scene.renderer.file_writer)
        scene.render()
    return counter.frames


def main() -> None:
    name, width, height, fps, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    fmt = sys.argv[6] if len(sys.argv) > 6 else "mp4"
    import manim  # noqa: F401  (imports are not part of the render time)
    import torch  # noqa: F401

    start = time.perf_counter()
    if name == "Floor":
        frames = render_floor(width, height, fps)
    else:
        from scenes.output.render_one import render_scene
        from scenes.output.request import RenderRequest

        result = render_scene(RenderRequest(name, resolution=(width, height), fps=fps, output_dir=Path(out), fmt=fmt),
                              force=True)
        frames = result.frames
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = result.path.stat().st_size if name != "Floor" else 0
    print(json.dumps({"scene": name, "frames": frames, "seconds": seconds, "peak_rss_mb": peak_kib / 1024,
                      "format": fmt, "bytes": size}))


if __name__ == "__main__":
    main()
