"""The check for blinks of empty screen between beats (tests/video_checks.py) finds them; the clips
themselves are held to it in tests/test_clips.py."""

from __future__ import annotations

import numpy as np
import pytest

from tests.video_checks import EMPTY_SHARE, empty_runs, hex_rgb



def write_clip(path, background: str, busy: list[bool], fps: int = 10, size=(64, 48)) -> None:
    """A clip of plain background frames, with a white block in the frames where ``busy`` says so."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for on in busy:
            image = np.tile(hex_rgb(background).astype(np.uint8), (size[1], size[0], 1))
            if on:
                image[10:30, 10:40] = 255                               # 600 of 3,072 pixels
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


def test_the_check_finds_an_empty_stretch_and_ignores_the_edges(tmp_path):
    """Each part of the check can fail: an empty stretch mid-clip is found, with its length; empty
    frames in the first and last half second are not counted."""
    background = "#0f1117"
    busy = [False] * 4 + [True] * 10 + [False] * 6 + [True] * 10 + [False] * 4     # 3.4 s at 10 fps
    write_clip(tmp_path / "clip.mp4", background, busy)
    runs = empty_runs(tmp_path / "clip.mp4", background)
    assert [(round(r.start, 2), r.frames) for r in runs] == [(1.4, 6)]
    assert runs[0].seconds == pytest.approx(0.6)
    assert EMPTY_SHARE < 600 / (64 * 48)
