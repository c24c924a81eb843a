"""Clips as a viewer sees them played: the encoded video never shows a (nearly) empty frame for longer
than 0.2 s mid-clip, a beat or chapter change is a cut, not a dip to black (tests/video_checks.py;
its own test is in tests/test_empty_frames.py); and no two texts are drawn over each other mid-transition."""

from __future__ import annotations

import pytest

from scenes import SCENES
from tests.video_checks import empty_runs

LONGEST_EMPTY = 0.2        # seconds: at most one frame at the tests' 5 fps

pytestmark = [pytest.mark.render, pytest.mark.slow]


@pytest.mark.parametrize("name", [n for n in SCENES if n != "AttentionBlock"])
def test_no_scene_dips_to_black_mid_clip(name, rendered):
    path, scene = rendered(name, model="minilm", theme="dark")       # the renders of test_scenes.py's matrix
    long = [str(r) for r in empty_runs(path, scene.theme.background.to_hex()) if r.seconds > LONGEST_EMPTY + 1e-6]
    assert not long, f"{name}: {long}"


def test_attention_block_cuts_between_chapters(rendered):
    path, scene = rendered("AttentionBlock")
    long = [str(r) for r in empty_runs(path, scene.theme.background.to_hex()) if r.seconds > LONGEST_EMPTY + 1e-6]
    assert not long, long


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
