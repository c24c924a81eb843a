"""Checks of an encoded clip as a viewer sees it played: stretches of (nearly) empty frames.

``empty_stretches(path, theme)`` decodes a video with PyAV and returns the runs of frames in which
fewer than 0.2% of the pixels differ from the theme's background, as (start, seconds) pairs; the
first and last half second (a clip's fade in and out) are not counted.

    python -m tests.clip_checks media/ValuesUpdateEmbeddings_dark_medium.mp4 [--theme light]
"""

from __future__ import annotations

import sys
from pathlib import Path

import av
import numpy as np

EMPTY_FRACTION = 0.002     # a frame where fewer pixels than this differ from the background is empty
DIFFERS = 40               # … differing by more than this (sum over R, G, B, of 0–255)
EDGE_SECONDS = 0.5         # the clip's opening and closing fades are not "mid-clip"


def background_rgb(theme: str) -> np.ndarray:
    from scenes.kit.palette import THEMES

    return np.array(THEMES[theme].background.to_rgb()) * 255


def frame_fractions(path: str | Path, theme: str = "dark") -> tuple[list[float], float]:
    """For every frame, the fraction of pixels that differ from the background; and the frame rate."""
    background = background_rgb(theme)
    fractions = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate)
        for frame in container.decode(video=0):
            image = frame.to_ndarray(format="rgb24").astype(np.int16)
            fractions.append(float((np.abs(image - background).sum(axis=-1) > DIFFERS).mean()))
    return fractions, rate


def empty_stretches(path: str | Path, theme: str = "dark") -> list[tuple[float, float]]:
    """(start, seconds) of each run of nearly empty frames mid-clip."""
    fractions, rate = frame_fractions(path, theme)
    edge = int(round(EDGE_SECONDS * rate))
    runs, start = [], None
    for i, fraction in enumerate([*fractions, 1.0]):
        empty = fraction < EMPTY_FRACTION and edge <= i < len(fractions) - edge
        if empty and start is None:
            start = i
        elif not empty and start is not None:
            runs.append((start / rate, (i - start) / rate))
            start = None
    return runs


def main() -> None:
    args = sys.argv[1:]
    theme = "dark"
    if "--theme" in args:
        theme = args[args.index("--theme") + 1]
        del args[args.index("--theme"):args.index("--theme") + 2]
    for path in args:
        runs = empty_stretches(path, theme)
        long = [r for r in runs if r[1] > 0.2]
        print(f"{Path(path).name}: {len(runs)} empty stretches, {len(long)} over 0.2 s"
              + "".join(f"\n  at {start:6.2f} s for {seconds:.2f} s" for start, seconds in runs))


if __name__ == "__main__":
    main()
