"""Every scene renders at a tiny size, and what it shows is the trace."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from scenes import SCENES
from scenes.components import format_number
from scenes.palette import THEMES

pytestmark = pytest.mark.render


def last_frame(path) -> np.ndarray:
    with av.open(str(path)) as container:
        frame = None
        for frame in container.decode(video=0):
            pass
        return frame.to_ndarray(format="rgb24")


def assert_not_blank(image: np.ndarray, theme: str) -> None:
    background = np.array(THEMES[theme].background.to_rgb()) * 255
    differs = np.abs(image.astype(float) - background).sum(axis=-1) > 60
    assert differs.mean() > 0.01, "the last frame is (almost) only background"


@pytest.mark.parametrize("name", list(SCENES))
@pytest.mark.parametrize("model,theme", [("minilm", "dark"), ("toy", "light")])
def test_scene_renders_a_video(name, model, theme, tiny, render_dir):
    path, scene = tiny(name, render_dir, model=model, theme=theme)
    assert path.exists() and path.name == f"{name}_{theme}_256x144p5.mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
        assert stream.average_rate == 5
    assert_not_blank(last_frame(path), theme)
    names = [s.name for s in scene.renderer.file_writer.sections]
    assert len(names) >= 3, f"every beat is a section lecturers can cut, got {names}"
    assert not [p for p in render_dir.iterdir() if p.name.startswith(".render-")], "temporary folder left behind"


def shown_text(scene, name):
    group, values = scene.shown[name]
    return [m.text for m in group], values


def expected_text(values, decimals=2):
    return [format_number(float(v), decimals) for v in np.asarray(values).flatten()]


@pytest.mark.parametrize("model", ["minilm", "toy"])
def test_scaled_softmax_shows_the_trace(model, tiny, render_dir):
    _, scene = tiny("ScaledSoftmax", render_dir, fmt="png", model=model)
    trace = scene.trace()
    for name in ("scores", "scaled", "pattern"):
        texts, values = shown_text(scene, name)
        np.testing.assert_array_equal(values, trace.on_screen(name, scene.head))   # keys as rows
        assert texts == expected_text(values)
    sums, _ = shown_text(scene, "sums")
    assert sums == ["1.00"] * len(trace.tokens)


def test_causal_mask_shows_minus_infinity_then_zero(tiny, render_dir):
    _, scene = tiny("CausalMask", render_dir, fmt="png")
    trace = scene.trace(causal=True)
    masked, values = shown_text(scene, "masked")
    pattern, _ = shown_text(scene, "pattern")
    t = len(trace.tokens)
    for r in range(t):          # on screen: row = key, column = query
        for c in range(t):
            if r > c:
                assert masked[r * t + c] == "−∞" and pattern[r * t + c] == "0.00"
            else:
                assert masked[r * t + c] != "−∞"
    assert shown_text(scene, "sums")[0] == ["1.00"] * t


def test_score_dots_grow_with_the_score(tiny, render_dir):
    _, scene = tiny("QueriesAndKeys", render_dir, fmt="png")
    dots, values = scene.shown["score_dots"]
    radii = np.array([d.width for d in dots])
    order = np.argsort(np.abs(values).flatten(), kind="stable")
    assert np.all(np.diff(radii[order]) >= -1e-9), "dot size must be monotone in |score|"
    colours = {d.get_color().to_hex() for d, v in zip(dots, values.flatten()) if v < 0}
    assert colours == {THEMES["dark"].negative.to_hex()}
    texts, values = shown_text(scene, "scores")
    assert texts == expected_text(values)


def test_user_text_is_shown_literally(tiny, render_dir):
    """TeX and Pango markup in the sentence are drawn as characters, never interpreted."""
    sentence = r"\input <b> & $ %"
    _, scene = tiny("TokensToEmbeddings", render_dir, fmt="png", model="toy", sentence=sentence)
    drawn = {m.text for m in scene.mobjects[0].get_family() if hasattr(m, "text")} | {
        m.text for mob in scene.mobjects for m in mob.get_family() if hasattr(m, "text")}
    for token in ("\\", "input", "<", "b", ">", "&", "$", "%"):
        assert token in drawn
