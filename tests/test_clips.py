"""Clips as a viewer sees them played: the encoded video never shows a (nearly) empty frame for longer
than 0.2 s mid-clip, a beat or chapter change is a cut, not a dip to black (tests/video_checks.py;
its own test is in tests/test_empty_frames.py); and no two texts are drawn over each other mid-transition."""

from __future__ import annotations

import os

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


# Every scene's transitions are held to "out, then in" frame by frame (AttentionBlock's chapters are the scenes).
OUT_THEN_IN = tuple(n for n in SCENES if n != "AttentionBlock")


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


# Beats whose point is numbers, and the trace tensor each shows (on screen: keys as rows).
NUMBER_BEATS = {
    "QueriesAndKeys": {"grid": "scores"},
    "ScaledSoftmax": {"scores": "scores", "scale": "scaled"},
    "CausalMask": {"scaled": "scaled", "mask": "masked"},       # masked cells' −∞ included
    "AttentionFormula": {"scale": "scaled"},
}
VIDEO_SIZE, VIDEO_FPS = (1280, 720), 10     # 720p, where the targets are set; 10 fps keeps it short


@pytest.fixture(scope="module")
def beat_ends(tmp_path_factory):
    """(scene, theme) → [(beat, last video frame of the beat, its lossless `--at` still, the still's scene)]."""
    import av
    import numpy as np
    from PIL import Image

    from scenes.kit.settings import SceneSettings
    from scenes.output.render_one import render_scene
    from scenes.output.request import RenderRequest

    made: dict = {}

    def ends(name: str, theme: str = "dark"):
        if (name, theme) in made:
            return made[name, theme]
        out = tmp_path_factory.mktemp(f"{name}-{theme}")
        settings = SceneSettings(theme=theme)
        video = render_scene(RenderRequest(name, settings, output_dir=out, resolution=VIDEO_SIZE, fps=VIDEO_FPS),
                             force=True)
        starts = video.scene.next_section.starts
        with av.open(str(video.path)) as container:
            frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
        finish = [t for _, t in starts[1:]] + [len(frames) / VIDEO_FPS]
        made[name, theme] = []
        for (beat, _), end in zip(starts, finish):
            still = render_scene(RenderRequest(name, settings, fmt="png", output_dir=out, resolution=VIDEO_SIZE,
                                               fps=VIDEO_FPS, at=beat), force=True)
            last = min(len(frames) - 1, round(end * VIDEO_FPS) - 1)
            nearby = frames[max(0, last - 3):last + 4]
            made[name, theme].append((beat, frames[last], nearby, np.asarray(Image.open(still.path).convert("RGB")),
                                      still.scene))
        return made[name, theme]

    return ends


@pytest.mark.parametrize("name,theme", [(n, "dark") for n in NUMBER_BEATS] + [("CausalMask", "light")])
def test_each_beat_ends_in_the_video_as_its_lossless_still(beat_ends, name, theme):
    """No ghosts of earlier numbers: each beat's last MP4 frame is its `--at` still to ≥ 44 dB (luma PSNR;
    the best of the frames within 0.3 s of the beat's end, as the encoder may shift a frame or two)."""
    for beat, _, nearby, still, _ in beat_ends(name, theme):
        best = max(luma_psnr(frame, still) for frame in nearby)
        assert best >= 44, f"{name} {theme}, {beat}: {best:.1f} dB"


@pytest.mark.parametrize("name,theme", [(n, "dark") for n in NUMBER_BEATS] + [("CausalMask", "light")])
def test_numbers_read_from_the_video_are_the_trace(beat_ends, name, theme):
    """OCR of the encoded video at each numbers beat's end: at least 95% of the cells read exactly as the
    trace's value (masked cells' −∞ included), and no number's ink crosses its cell's border."""
    from tests.ocr import grid_readings, tesseract_available

    if not tesseract_available():
        if os.environ.get("CI"):
            pytest.fail("tesseract is missing: `make test-all` installs it (tesseract-ocr)")
        pytest.skip("tesseract is not installed (make test installs it)")
    for beat, frame, _, _, scene in beat_ends(name, theme):
        if beat not in NUMBER_BEATS[name]:
            continue
        values = scene.trace().on_screen(NUMBER_BEATS[name][beat], scene.head)
        readings = grid_readings(frame, scene, values)
        assert len(readings) == values.size, f"{name} {beat}: {len(readings)} numbers for {values.size} cells"
        wrong = [f"({r.row},{r.col}) {r.expected} read {r.read!r}" for r in readings if not r.right]
        assert len(wrong) <= 0.05 * len(readings), f"{name} {theme}, {beat}: {len(wrong)} misread: {wrong[:5]}"
        assert not [r for r in readings if r.on_border], f"{name} {beat}: numbers on a cell border"
        if beat == "mask":
            assert sum(r.expected == "−∞" for r in readings) >= 0.4 * len(readings)     # the masked cells were read
