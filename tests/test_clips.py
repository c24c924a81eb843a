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


def luma_psnr(a, b) -> float:
    """PSNR of two RGB frames' luma (BT.601), in dB."""
    import numpy as np

    weights = np.array([0.299, 0.587, 0.114])
    mse = float(np.mean(((a.astype(float) - b.astype(float)) @ weights) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def test_each_beat_ends_in_the_video_as_its_lossless_still(tiny, tmp_path):
    """No ghosts of earlier numbers: each beat's last MP4 frame is its `--at` still to ≥ 44 dB (luma PSNR;
    the best of the frames within 0.3 s of the beat's end, as the encoder may shift a frame or two)."""
    import av
    import numpy as np
    from PIL import Image

    from scenes.kit.scene_settings import SceneSettings
    from scenes.output.rendering import RenderRequest, render_scene

    size, fps = (1280, 720), 10          # 720p, where the target is set; 10 fps keeps it short
    result = render_scene(RenderRequest("CausalMask", SceneSettings(), output_dir=tmp_path, resolution=size, fps=fps),
                          force=True)
    starts = result.scene.next_section.starts
    with av.open(str(result.path)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    ends = [t for _, t in starts[1:]] + [len(frames) / fps]
    for (beat, _), end in zip(starts, ends):
        still = render_scene(RenderRequest("CausalMask", SceneSettings(), fmt="png", output_dir=tmp_path,
                                           resolution=size, fps=fps, at=beat), force=True).path
        image = np.asarray(Image.open(still).convert("RGB"))
        last = min(len(frames) - 1, round(end * fps) - 1)
        best = max(luma_psnr(frames[k], image) for k in range(max(0, last - 3), min(len(frames), last + 4)))
        assert best >= 44, f"{beat}: {best:.1f} dB"
