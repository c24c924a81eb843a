"""Checks on a rendered video's frames, decoded with PyAV: stretches where the frame shows (nearly) nothing.

A clip that fades everything out and only then fades the next picture in plays as a blink of empty
screen between beats, although every beat's last frame looks fine. ``empty_runs`` finds them:

    runs = empty_runs(path, background="#0f1117")
    assert not [r for r in runs if r.seconds > 0.2], runs
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

EMPTY_SHARE = 0.002       # a frame is nearly empty when fewer than 0.2% of its pixels …
EMPTY_THRESHOLD = 24      # … differ from the background by more than this (0–255, the largest channel)
EDGE_SECONDS = 0.5        # the first and last half second are left out (a clip may fade in from black, and out)


@dataclass(frozen=True)
class EmptyRun:
    start: float          # seconds: the first nearly empty frame's time
    seconds: float        # how long the run lasts (frames × frame duration)
    frames: int

    def __str__(self) -> str:
        return f"{self.frames} nearly empty frames ({self.seconds:.2f} s) from {self.start:.2f} s"


def hex_rgb(color: str) -> np.ndarray:
    """"#0f1117" → [15, 17, 23]."""
    color = color.lstrip("#")
    return np.array([int(color[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.int16)


def busy_shares(path: str | Path, background: str, threshold: int = EMPTY_THRESHOLD) -> tuple[np.ndarray, float]:
    """Each frame's share of pixels that differ from ``background`` by more than ``threshold``, and the
    frame rate."""
    import av

    bg = hex_rgb(background)
    shares = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate)
        for frame in container.decode(stream):
            rgb = frame.to_ndarray(format="rgb24").astype(np.int16)           # [H, W, 3]
            differs = np.abs(rgb - bg).max(axis=2) > threshold                 # [H, W]
            shares.append(float(differs.mean()))
    return np.array(shares), rate


def empty_runs(path: str | Path, background: str, share: float = EMPTY_SHARE, threshold: int = EMPTY_THRESHOLD,
               edge: float = EDGE_SECONDS) -> list[EmptyRun]:
    """The runs of consecutive frames, away from the clip's first and last ``edge`` seconds, in which
    fewer than ``share`` of the pixels differ from ``background`` by more than ``threshold``."""
    shares, rate = busy_shares(path, background, threshold)
    times = np.arange(len(shares)) / rate
    inside = (times >= edge) & (times <= len(shares) / rate - edge)
    empty = (shares < share) & inside
    runs, start = [], None
    for i, e in enumerate([*empty, False]):
        if e and start is None:
            start = i
        elif not e and start is not None:
            runs.append(EmptyRun(start / rate, (i - start) / rate, i - start))
            start = None
    return runs


def main() -> None:
    """``python -m tests.video_checks CLIP.mp4 ... [--theme light]``: each clip's empty stretches."""
    import sys

    from scenes.kit.palette import THEMES

    args = sys.argv[1:]
    theme = "dark"
    if "--theme" in args:
        at = args.index("--theme")
        theme = args[at + 1]
        del args[at:at + 2]
    for path in args:
        runs = empty_runs(path, THEMES[theme].background.to_hex())
        print(f"{Path(path).name}: {len(runs)} empty stretches, {sum(r.seconds > 0.2 for r in runs)} over 0.2 s"
              + "".join(f"\n  {run}" for run in runs))


if __name__ == "__main__":
    main()
