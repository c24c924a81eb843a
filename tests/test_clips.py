"""Clips as a viewer sees them played: the encoded video never shows a (nearly) empty frame for longer
than 0.2 s mid-clip; a beat or chapter change is a cut, not a dip to black (tests/clip_checks.py)."""

from __future__ import annotations

import numpy as np
import pytest

from scenes import SCENES
from tests.clip_checks import empty_stretches, frame_fractions

pytestmark = [pytest.mark.render, pytest.mark.slow]


def test_empty_stretches_finds_a_dip_to_black(tmp_path):
    """The check itself: a clip with half a second of background between two pictures fails it."""
    import av

    from scenes.kit.palette import THEMES

    background = (np.array(THEMES["dark"].background.to_rgb()) * 255).astype(np.uint8)
    path = tmp_path / "dip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(30):
            image = np.broadcast_to(background, (64, 64, 3)).copy()
            if not 12 <= i < 17:
                image[20:44, 20:44] = 255             # a picture, except for half a second in the middle
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    fractions, rate = frame_fractions(path)
    assert rate == 10 and len(fractions) == 30
    (start, seconds), = empty_stretches(path)
    assert start == pytest.approx(1.2) and seconds == pytest.approx(0.5)


@pytest.mark.parametrize("name", [n for n in SCENES if n != "AttentionBlock"])
def test_no_scene_dips_to_black_mid_clip(name, rendered):
    path, _ = rendered(name, model="minilm", theme="dark")       # the renders of test_scenes.py's matrix
    long = [(round(start, 2), seconds) for start, seconds in empty_stretches(path) if seconds > 0.2 + 1e-6]
    assert not long, f"{name}: empty frames at {long}"


def test_attention_block_cuts_between_chapters(rendered):
    path, _ = rendered("AttentionBlock")
    long = [(round(start, 2), seconds) for start, seconds in empty_stretches(path) if seconds > 0.2 + 1e-6]
    assert not long, f"empty frames at {long}"


# Scenes whose transitions are held to "out, then in" frame by frame (ValuesUpdateEmbeddings, MultiHeadSum,
# CrossAttention, QuadraticScaling, ContextShiftsMeaning and ParameterCount are not yet: see the README).
OUT_THEN_IN = ("TokensToEmbeddings", "QueriesMeetKeys", "QueriesAndKeys", "ScaledSoftmax", "CausalMask",
               "AttentionFormula")


@pytest.mark.parametrize("name", OUT_THEN_IN)
def test_no_texts_are_drawn_over_each_other_mid_animation(name, tiny, tmp_path, monkeypatch):
    """Every frame of a small video, mid-transition included: no two visible texts overlap (old and new
    numbers or labels of a transition; a copy sliding through another row's digits)."""
    from manim import Scene

    from tests.frame_checks import frame_problems

    overlaps: list[str] = []
    original = Scene.update_to_time

    def update_to_time(self, t):
        original(self, t)
        overlaps.extend(f"{float(self.time):.1f} s: {p}" for p in frame_problems(self) if p.kind == "overlap")

    monkeypatch.setattr(Scene, "update_to_time", update_to_time)
    tiny(name, tmp_path, model="toy")
    assert not overlaps, f"{len(overlaps)} overlapping texts mid-animation, e.g. {overlaps[:3]}"
