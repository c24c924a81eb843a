"""Every scene renders at a tiny size, lays out from the token count, and shows the trace."""

from __future__ import annotations

import re

import av
import numpy as np
import pytest

from attention_math import InputError
from scenes import SCENES
from scenes.kit.mobjects import format_number
from scenes.kit.palette import THEMES
from scenes.kit.model_rules import MAX_DOT_TOKENS, MAX_TOKENS
from scenes.kit.settings import SceneSettings

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


def assert_inside_frame(scene) -> None:
    """Nothing on screen at the end pokes out of the 16:9 frame."""
    from manim import config

    half_w, half_h = config.frame_width / 2 + 1e-3, config.frame_height / 2 + 1e-3
    for mob in scene.mobjects:
        if mob.width == 0 and mob.height == 0:
            continue
        assert mob.get_left()[0] >= -half_w and mob.get_right()[0] <= half_w, f"{mob} is off screen horizontally"
        assert mob.get_bottom()[1] >= -half_h and mob.get_top()[1] <= half_h, f"{mob} is off screen vertically"


def assert_apart(mobjects, axis: int) -> None:
    """No two labels' boxes overlap. Labels along ``axis`` (0: x, 1: y) that share a span on it must
    stand side by side on the other axis (staggered labels: every other one a column or row further out)."""
    other = 1 - axis
    boxes = [(m.get_critical_point(-np.eye(3)[axis])[axis], m.get_critical_point(np.eye(3)[axis])[axis],
              m.get_critical_point(-np.eye(3)[other])[other], m.get_critical_point(np.eye(3)[other])[other])
             for m in mobjects]
    boxes.sort()
    for i, (start, end, low, high) in enumerate(boxes):
        for start2, end2, low2, high2 in boxes[i + 1:]:
            if start2 >= end - 1e-3:
                break                                         # sorted by start: no later box reaches back
            assert low2 >= high - 1e-3 or high2 <= low + 1e-3, "two labels overlap"


STORY = list(SCENES)[:8]                       # the story's eight chapters: both models, both themes
MORE = [n for n in list(SCENES)[7:] if n != "AttentionBlock"]
MATRIX = ([(n, m, t) for n in STORY for m, t in [("minilm", "dark"), ("toy", "light"), ("toy", "dark")]]
          + [(n, m, t) for n in MORE for m, t in [("minilm", "dark"), ("toy", "light")]])


@pytest.mark.slow
@pytest.mark.parametrize("name,model,theme", MATRIX)
def test_scene_renders_a_video(name, model, theme, rendered, render_dir):
    path, scene = rendered(name, model=model, theme=theme)
    assert path.exists() and re.fullmatch(rf"{name}_{theme}_256x144p5(_{model}-[0-9a-f]+)?\.mp4", path.name)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
        assert stream.average_rate == 5
    assert_not_blank(last_frame(path), theme)
    assert_inside_frame(scene)
    names = [s.name for s in scene.renderer.file_writer.sections]
    assert len(names) >= 3, f"every beat is a section lecturers can cut, got {names}"
    assert not [p for p in render_dir.iterdir() if p.name.startswith(".render-")], "temporary folder left behind"


def shown_text(scene, name):
    drawn, values = scene.shown[name]
    return [d.text for d in drawn], values


def expected_text(values, decimals=2):
    return [format_number(float(v), decimals) for v in np.asarray(values).flatten()]


@pytest.mark.parametrize("model", ["minilm", "toy"])
def test_scaled_softmax_shows_the_trace(model, rendered):
    _, scene = rendered("ScaledSoftmax", model=model, theme="dark")
    trace = scene.trace()
    for name in ("scores", "scaled"):
        texts, values = shown_text(scene, name)
        np.testing.assert_array_equal(values, trace.on_screen(name, scene.head))   # keys as rows
        assert texts == expected_text(values)
    np.testing.assert_array_equal(scene.shown["pattern_dots"][1], trace.on_screen("pattern", scene.head))
    texts, values = shown_text(scene, "softmax_numbers")      # the first two columns, lifted out
    np.testing.assert_array_equal(values, trace.on_screen("pattern", scene.head)[:, :2].T.ravel())
    assert texts == expected_text(values)
    sums, _ = shown_text(scene, "sums")
    assert sums == ["1.00"] * len(trace.tokens)


def test_causal_mask_shows_minus_infinity_then_zero(rendered):
    _, scene = rendered("CausalMask", model="minilm", theme="dark")
    trace = scene.trace(causal=True)
    masked, values = shown_text(scene, "masked")
    pattern = scene.shown["pattern_dots"][1].ravel()
    t = len(trace.tokens)
    for r in range(t):          # on screen: row = key, column = query
        for c in range(t):
            if r > c:
                assert masked[r * t + c] == "−∞" and pattern[r * t + c] == 0
            else:
                assert masked[r * t + c] != "−∞"
    assert shown_text(scene, "sums")[0] == ["1.00"] * t


def test_score_dots_grow_with_the_score(rendered):
    _, scene = rendered("QueriesAndKeys", model="minilm", theme="dark")
    dots, values = scene.shown["score_dots"]
    radii = np.array([d.width for d in dots])
    order = np.argsort(np.abs(values).flatten(), kind="stable")
    assert np.all(np.diff(radii[order]) >= -1e-9), "dot size must be monotone in |score|"
    colours = {d.color for d, v in zip(dots, values.flatten()) if v < 0}
    assert colours == {THEMES["dark"].negative.to_hex()}
    texts, values = shown_text(scene, "scores")
    assert texts == expected_text(values)


def test_user_text_is_shown_literally(rendered):
    """TeX and Pango markup in the sentence are drawn as characters, never interpreted."""
    _, scene = rendered("TokensToEmbeddings", fmt="png", model="toy", sentence=r"\input <b> & $ %")
    drawn = {m.text for mob in scene.mobjects for m in mob.get_family() if hasattr(m, "text")}
    for token in ("\\", "input", "<", "b", ">", "&", "$", "%"):
        assert token in drawn


@pytest.mark.parametrize("sentence", ["a cat", "one two three four five six seven eight nine ten eleven twelve"])
def test_grid_layout_fits_from_two_to_twelve_tokens(sentence, rendered):
    _, scene = rendered("ScaledSoftmax", fmt="png", model="toy", sentence=sentence)
    assert_inside_frame(scene)
    grid = scene.grid
    assert grid.n_cols == len(sentence.split())
    assert_apart(grid.query_labels, axis=0)
    assert_apart(grid.key_labels, axis=1)
    assert scene._caption.get_top()[1] <= scene.sums_row.get_bottom()[1] + 1e-3, "the caption overlaps the sums"


def test_long_input_is_refused_naming_the_limit():
    words = " ".join(["word"] * (MAX_DOT_TOKENS + 1))
    with pytest.raises(InputError, match=f"at most {MAX_DOT_TOKENS}: shorten it to {MAX_DOT_TOKENS} words"):
        SceneSettings(model="toy", sentence=words).check_input("MyOwnScene")      # a scene of one's own: dots' limit
    with pytest.raises(InputError, match="one token"):
        SceneSettings(model="toy", sentence="alone").trace()


def test_long_words_are_elided_with_a_visible_ellipsis(rendered):
    word = "pneumonoultramicroscopic"
    _, scene = rendered("ScaledSoftmax", fmt="png", model="toy", sentence=f"a {word} cat")
    labels = [m.text for m in scene.grid.query_labels]
    assert labels[1] == word[:11] + "…" and scene.trace().tokens[1] == word
    assert_inside_frame(scene)


# --- scenes II ----------------------------------------------------------------------------------

@pytest.mark.parametrize("preset", ["gpt3-175b", "gpt2-small"])
def test_parameter_count_shows_the_counter(preset, rendered):
    from attention_math import count_parameters
    from attention_math import preset as get_preset

    if preset == "gpt3-175b":
        _, scene = rendered("ParameterCount", model="minilm", theme="dark")
    else:
        _, scene = rendered("ParameterCount", fmt="png", model="toy", preset=preset)
    count = count_parameters(get_preset(preset))
    texts, values = shown_text(scene, "tally")
    assert list(values) == [count.per_matrix, count.per_head, count.per_block_attention, count.attention_total]
    assert texts == [f"{v:,}" for v in values]
    assert shown_text(scene, "total")[0] == [f"{count.total:,}"]
    if preset == "gpt3-175b":
        assert texts == ["1,572,864", "6,291,456", "603,979,776", "57,982,058,496"]


def test_cross_attention_shows_the_cross_trace(rendered):
    _, scene = rendered("CrossAttention", model="minilm", theme="dark")
    trace = scene.trace(cross=True)
    assert trace.context_tokens is not None and scene.grid.n_rows == len(trace.key_tokens)
    for name in ("scores", "pattern"):
        texts, values = shown_text(scene, name)
        np.testing.assert_array_equal(values, trace.on_screen(name, scene.head))
        assert texts == expected_text(values)
    assert shown_text(scene, "sums")[0] == ["1.00"] * len(trace.tokens)


def test_context_shifts_meaning_shows_the_measured_similarities(rendered):
    _, scene = rendered("ContextShiftsMeaning", model="minilm", theme="dark")
    shift = scene.settings.meaning_shift()
    initial, values = shown_text(scene, "initial")
    assert len(set(map(tuple, np.asarray(values)))) == 1, "the three initial columns are identical"
    for layer in range(shift.states.shape[0]):
        texts, values = shown_text(scene, f"similarity_{layer}")
        np.testing.assert_array_equal(values, shift.similarity[layer].flatten())
        assert texts == expected_text(values, 3)
    # the closing claim holds for what the scene drew: each word's dot is nearest its own landmark's ring
    words, marks = scene.drawn_positions["words"], scene.drawn_positions["landmarks"]
    drawn_nearest = np.linalg.norm(words[:, None] - marks[None], axis=-1).argmin(axis=1)
    np.testing.assert_array_equal(drawn_nearest, shift.nearest[-1])
    np.testing.assert_array_equal(drawn_nearest, np.arange(3))
    claim, own = shown_text(scene, "claim")
    assert own.all() and claim[0].startswith("each")


def test_context_shifts_meaning_notes_are_read_and_paths_seen(rendered):
    """The panel's notes: capitals at least 12 px at 720p (as tall as the same words at MIN_TEXT_POINTS), in
    the text colour; the paths the words took stay plainly visible to the end."""
    from manim import config

    from scenes.kit.mobjects import MIN_TEXT_POINTS, label

    _, scene = rendered("ContextShiftsMeaning", model="minilm", theme="dark")
    notes = list(scene.plane_note)
    assert notes and len(notes) <= 2
    for line in notes:
        floor = label(line.text, scene.theme, MIN_TEXT_POINTS)         # capitals 12 px at 720p
        assert line.height >= floor.height - 1e-9, f"{line.text!r}: {line.height / 8 * 720:.1f} px at 720p"
        assert line.get_fill_color().to_hex() == scene.theme.text.to_hex()
    assert scene.plane_note.width <= config.frame_width / 2, "over the panel, in the right half"
    assert len(scene.trails) == 3 * (scene.settings.meaning_shift().states.shape[0] - 1)
    for path in scene.trails:
        assert path.get_stroke_opacity() >= 0.7, "the paths stay plainly visible"
        assert path.get_stroke_width() >= 4


def test_quadratic_scaling_plots_the_probe(rendered):
    from attention_math.scaling import axis_ticks

    _, scene = rendered("QuadraticScaling", model="minilm", theme="dark")
    result = scene.settings.scaling()
    assert shown_text(scene, "cells")[0] == [f"T={n}:{n * n:,}cells" for n in (2, 4, 8, 16)]   # Text drops spaces
    measured = [p for p in result.points if p.n > 16]
    assert list(scene.shown["seconds"][1]) == [p.seconds for p in measured]
    assert list(scene.shown["bytes"][1]) == [p.peak_bytes for p in measured]
    for plot, top in zip(scene.plots, (max(p.seconds * 1e3 for p in measured), max(p.peak_bytes / 2**20 for p in measured))):
        assert [m.text for m in plot.x_labels] == [f"{int(x):,}".replace(",", ",") for x in axis_ticks(measured[-1].n * 1.05)]
        assert len(plot.y_labels) >= 3, "tick labels on both axes"


def test_quadratic_scaling_grids_share_one_cell_size(rendered):
    _, scene = rendered("QuadraticScaling", model="minilm", theme="dark")
    sides = {round(sq.width, 9) for grid in scene.grids for sq in grid}
    assert len(sides) == 1, "one cell size for every T"
    areas = [grid.width * grid.height for grid in scene.grids]
    np.testing.assert_allclose(np.array(areas[1:]) / areas[:-1], 4, rtol=1e-9)


def test_quadratic_scaling_long_pattern_dots_are_the_weights(rendered):
    from scenes.quadratic_scaling import MIN_DOT_PIXELS

    _, scene = rendered("QuadraticScaling", model="minilm", theme="dark")
    info = scene.long_pattern
    weights, masked, corner = info["weights"], info["masked"], info["corner"]
    trace = scene.settings.long_context()
    t = len(trace.tokens)
    assert t >= 128 and weights.shape == (t, t)
    assert (trace.layer, info["head"]) == (5, 6), "the paragraph's own layer and head, not the short sentence's"
    np.testing.assert_array_equal(weights, trace.on_screen("pattern", info["head"]))
    assert masked.sum() == t * (t - 1) // 2
    stages = scene.long_stages
    assert [s["T"] for s in stages] == [16, 32, 64, 128, t]
    kinds = [s["kind"] for s in stages]
    assert "dots" in kinds, "256×144: the first stage's dots are 2 px wide"
    # dots while the typical dot is at least MIN_DOT_PIXELS on screen at this resolution, then pixels
    assert kinds == ["dots" if s["dot_pixels"] >= MIN_DOT_PIXELS else "image" for s in stages]
    assert kinds == sorted(kinds, key=["dots", "image"].index), "dots, then pixels: never back"
    stage = [s for s in stages if s["kind"] == "dots"][-1]
    n, cell = stage["T"], stage["cell"]
    circles = stage["dots"].reshape(-1, 16, 3)                                             # [dots, 16, 3]
    anchors = circles[:, ::4, :2]                                                          # [dots, 4, 2]
    centres, radii = anchors.mean(axis=1), (anchors[:, :, 0].max(axis=1) - anchors[:, :, 0].min(axis=1)) / 2
    cols = np.floor((centres[:, 0] - corner[0]) / cell + 1e-6).astype(int)
    rows = np.floor((corner[1] - centres[:, 1]) / cell + 1e-6).astype(int)
    cells = set(zip(rows.tolist(), cols.tolist()))
    assert len(cells) == len(centres), "one dot per cell"
    assert cells == set(zip(*map(lambda a: a.tolist(), np.nonzero(~masked[:n, :n])))), \
        "a dot in every unmasked cell, none masked"
    full_radius = 0.45 * cell
    np.testing.assert_allclose((radii / full_radius) ** 2, weights[rows, cols] / info["full_weight"],
                               rtol=1e-6, atol=1e-9)                                       # area ∝ weight


def test_quadratic_scaling_long_pattern_pixels_are_the_weights(rendered):
    """Where dots would be under 2 px, the pattern is an image, a pixel per cell: its pixels are the
    pattern's √weight map at the stage's T (masked cells shaded), and it alone fills the frame."""
    from manim.constants import RESAMPLING_ALGORITHMS

    from attention_math.scaling import pattern_intensity
    from scenes.quadratic_scaling import MASK_SHADE

    _, scene = rendered("QuadraticScaling", model="minilm", theme="dark")
    info, theme = scene.long_pattern, scene.theme
    weights, masked, full = info["weights"], info["masked"], info["full_weight"]
    images = [s for s in scene.long_stages if s["kind"] == "image"]
    assert images, "256×144: the later stages are drawn a pixel per cell"
    background, ink = np.array(theme.background.to_rgb()), np.array(theme.positive.to_rgb())
    shade = np.round(255 * (background + MASK_SHADE * (np.array(theme.masked.to_rgb()) - background)))
    for stage in images:
        n = stage["T"]
        expected = pattern_intensity(weights[:n, :n], masked[:n, :n], full)
        np.testing.assert_array_equal(stage["intensity"], expected)                        # NaN where masked
        assert np.isnan(expected).sum() == n * (n - 1) // 2
        pixels = stage["pixels"]
        assert pixels.shape == (n, n, 4), "one pixel per cell, rows keys, columns queries"
        np.testing.assert_array_equal(pixels[masked[:n, :n], :3], np.broadcast_to(shade, (n * (n - 1) // 2, 3)))
        level = np.sqrt(np.clip(weights[:n, :n] / full, 0, 1))[..., None]
        drawn = np.round(255 * (background + level * (ink - background)))
        np.testing.assert_array_equal(pixels[~masked[:n, :n], :3], drawn[~masked[:n, :n]])
        assert (pixels[..., 3] == 255).all()
        image = stage["image"]
        assert image.resampling_algorithm == RESAMPLING_ALGORITHMS["nearest"], "crisp cells"
        top_left, width, height = stage["box"]            # as it came in: the frame's square (zoomed out later)
        np.testing.assert_allclose([width, height], [info["side"]] * 2, rtol=1e-6)
        np.testing.assert_allclose(top_left[:2], info["corner"][:2], atol=1e-6)
    # no doubled content: at the end the frame holds the last image alone, the legend reads pixels
    assert scene.long_content == [images[-1]["image"]]
    dots_legend, pixel_legend = scene.long_legends
    assert "dotarea" in dots_legend[0].text and "√weight" in pixel_legend[0].text     # Text drops spaces
    assert info["legend"] is pixel_legend


def test_quadratic_scaling_long_pattern_switches_to_pixels_at_720p(rendered):
    """At 720p the typical dot is under 2 px from T = 64 on (under a pixel by 128): those stages are pixels."""
    from manim import config

    from attention_math.scaling import median_dot_pixels
    from scenes.quadratic_scaling import MIN_DOT_PIXELS

    _, scene = rendered("QuadraticScaling", model="minilm", theme="dark")
    info = scene.long_pattern                 # the layout is in scene units: the same at every resolution
    weights, masked, full, side = info["weights"], info["masked"], info["full_weight"], info["side"]
    assert info["pixels_per_unit"] == pytest.approx(256 / config.frame_width)
    per_unit = 1280 / config.frame_width
    sizes = {s["T"]: median_dot_pixels(weights[:s["T"], :s["T"]], masked[:s["T"], :s["T"]], full, s["cell"] * per_unit)
             for s in scene.long_stages}
    assert [n for n, px in sizes.items() if px < MIN_DOT_PIXELS] == [64, 128, len(weights)], sizes


@pytest.mark.slow
def test_attention_block_is_the_seven_chapters_one_section_each(rendered):
    from scenes.attention_block import CHAPTERS

    path, scene = rendered("AttentionBlock", model="toy", theme="light")
    assert [s.name for s in scene.renderer.file_writer.sections] == [c.__name__ for c in CHAPTERS]
    assert_not_blank(last_frame(path), "light")


def test_chapter_helpers_do_not_collide():
    """AttentionBlock inherits every chapter: two chapters must not define a helper of the same name."""
    from scenes.attention_block import CHAPTERS
    from scenes.kit.grid_scene import GridScene

    seen: dict[str, str] = {}
    for chapter in CHAPTERS:
        for name in vars(chapter):
            if callable(getattr(chapter, name)) and name != "construct" and not hasattr(GridScene, name):
                assert name not in seen, f"{chapter.__name__}.{name} shadows {seen[name]}.{name}"
                seen[name] = chapter.__name__


def test_captions_change_one_at_a_time_and_never_alone_on_an_empty_frame(tiny, tmp_path, monkeypatch):
    """A caption never cross-fades over the previous one (two half-visible lines read as neither), and
    after a beat clears the frame the next caption comes in with that beat's content."""
    from manim import Scene

    from scenes.kit.attention_scene import AttentionScene

    captions, plays = [], []        # the mobjects themselves, kept alive (an id could be reused)
    said = AttentionScene.caption

    def caption(self, text, *args, **kwargs):
        new = said(self, text, *args, **kwargs)
        captions.append(new)
        return new

    played = Scene.play

    def play(self, *animations, **kwargs):
        plays.append(([getattr(a, "mobject", None) for a in animations], len(self.mobjects)))
        return played(self, *animations, **kwargs)

    monkeypatch.setattr(AttentionScene, "caption", caption)
    monkeypatch.setattr(Scene, "play", play)
    tiny("ValuesUpdateEmbeddings", tmp_path, fmt="png", model="toy")
    plays = [([any(m is c for c in captions) for m in moved], on_screen) for moved, on_screen in plays]
    assert plays and any(any(flags) for flags, _ in plays), "captions were seen being played"
    assert all(sum(flags) <= 1 for flags, _ in plays), "a play fades one caption out while another fades in"
    alone = [flags for flags, on_screen in plays if flags and all(flags) and on_screen == 0]
    assert not alone, "a caption faded in alone on an empty frame"
