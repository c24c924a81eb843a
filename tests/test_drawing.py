"""The speed-ups draw what manim draws: the path-caching camera, numbers set from cached glyphs,
text read straight from Pango's SVG, FlatText's vectorised subpaths. Each is compared with
manim's own way of doing the same thing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, Brace, Camera, Circle, Line, Text, VGroup, VMobject, tempconfig

from scenes.kit.camera import PathCachingCamera
from scenes.kit.mobjects import VectorColumn, cached_text, format_number, mono_number_text
from scenes.kit.palette import FONT, MONO, THEMES
from scenes.kit.text import OutlineText, UnexpectedSVG, read_pango_svg


@pytest.fixture
def small_frame():
    with tempconfig({"pixel_width": 480, "pixel_height": 270}):
        yield


def _scene() -> VGroup:
    theme = THEMES["dark"]
    column = VectorColumn(np.array([0.42, -1.3, 0.07, 12.5, 3.0]), theme, color_by_value=True)
    words = cached_text("a fluffy blue creature", "DejaVu Sans", 24, theme.query).to_edge(UP)
    return VGroup(column.shift(LEFT * 3), words, Brace(column, DOWN), Circle().shift(RIGHT * 3),
                  Line(LEFT * 6, RIGHT * 6).shift(DOWN * 3))


def _frame(camera_class: type[Camera], mobjects: VGroup, shifts: list[np.ndarray]) -> list[np.ndarray]:
    camera = camera_class()
    frames = []
    for shift in shifts:
        mobjects.shift(shift)
        camera.reset()
        camera.capture_mobjects([mobjects])
        frames.append(camera.pixel_array.astype(int))
    return frames


def test_path_caching_camera_draws_manims_pixels(small_frame):
    # New paths, the same again (cache hits), moved, and back where they were.
    shifts = [np.zeros(3), np.zeros(3), RIGHT * 0.37 + UP * 0.11, -(RIGHT * 0.37 + UP * 0.11)]
    ours = _frame(PathCachingCamera, _scene(), shifts)
    manims = _frame(Camera, _scene(), shifts)
    for got, want in zip(ours, manims):
        assert want.any(), "the reference frame is blank"
        assert np.array_equal(got, want), f"{(got != want).mean():.3%} of pixel values differ"


def test_path_caching_camera_reuses_paths_and_stays_bounded(small_frame):
    camera = PathCachingCamera()
    mobjects = _scene()
    camera.capture_mobjects([mobjects])
    paths = len(camera._paths)
    camera.capture_mobjects([mobjects])
    assert len(camera._paths) == paths, "unchanged points should find their path, not store it twice"
    mobjects.shift(RIGHT * 0.5)
    camera.capture_mobjects([mobjects])
    assert len(camera._paths) == 2 * paths
    camera.cache_bytes = 4096
    for k in range(20):
        camera.capture_mobjects([Circle(radius=1 + k / 10)])
    assert camera._cached_bytes <= 4096


def test_a_faded_out_mobject_puts_no_ink_down(small_frame):
    camera = PathCachingCamera()
    hidden = Circle(fill_opacity=1).set_opacity(0)
    camera.capture_mobjects([hidden])
    assert not camera.pixel_array[:, :, :3].any()
    assert camera.is_invisible(hidden) and not camera.is_invisible(Circle())


@pytest.mark.parametrize("font_size", [12, 13, 18.5, 20, 36])
def test_numbers_set_from_glyphs_match_pango(font_size):
    for value in [0.42, -1.3, 10.05, -0.0, 123.456, -math.inf, 7.89, -88.01]:
        text = format_number(value, 2)
        ours = mono_number_text(text, font_size, "#ffffff")
        pango = Text(text, font=MONO, font_size=font_size)
        assert ours.text == text
        want = np.concatenate([glyph.points for glyph in pango.family_members_with_points()])
        assert ours.points.shape == want.shape
        assert np.abs(ours.points - want).max() < 1e-5, text


def test_unusual_number_text_falls_back_to_pango():
    ours = mono_number_text("1e-05", 20, "#ffffff")        # 'e' and '-' are not in the glyph set
    pango = Text("1e-05", font=MONO, font_size=20)
    assert np.allclose(ours.points, np.concatenate([g.points for g in pango.family_members_with_points()]))


@pytest.mark.parametrize("text", ["−0.42", "8.88", "a fluffy blue creature", "W_O: 384 × 384"])
def test_flat_text_subpaths_are_vmobjects(text):
    flat = cached_text(text, "DejaVu Sans", 24, "#ffffff")
    ours = flat.get_subpaths()
    manims = VMobject.get_subpaths_from_points(flat, flat.points)
    assert len(ours) == len(manims) > 1
    assert all(np.array_equal(a, b) for a, b in zip(ours, manims))


TEXTS = ["a fluffy blue creature roamed the verdant forest", "W_O: 384 × 384", "Σ", "⋮", "+ position",
         "naïve café — Ünïcödé", "שלום עולם", r"\input{x} <b>bold</b> & %", "##rdan", "a\tb", "two  spaces",
         "line\nbreak", "emoji 🎉 here", "x"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("weight", ["NORMAL", "BOLD"])
def test_outline_text_has_manims_points(text, weight):
    ours, manims = (cls(text, font=FONT, font_size=24.5, weight=weight) for cls in (OutlineText, Text))
    got = [m.points for m in ours.family_members_with_points()]
    want = [m.points for m in manims.family_members_with_points()]
    assert [len(p) for p in got] == [len(p) for p in want]
    if want:
        assert np.abs(np.concatenate(got) - np.concatenate(want)).max() < 1e-9
    assert ours.text == manims.text


@pytest.mark.parametrize("pixels", [(256, 144), (854, 480), (3840, 2160)])
def test_long_text_is_one_line_at_every_resolution(pixels, tmp_path):
    """manim's Text breaks a line at the render's pixel width (and caches that break for every
    resolution); ours is one line whatever the resolution, as wide as at 4K."""
    text = "each column sums to one over all the keys of the sentence " * 3
    with tempconfig({"pixel_width": pixels[0], "pixel_height": pixels[1], "text_dir": str(tmp_path / "texts")}):
        long = OutlineText(text, font=FONT, font_size=20)
        line = OutlineText(text[:59], font=FONT, font_size=20)         # once: the same glyphs, one line
    assert long.height == pytest.approx(line.height, abs=0.02)
    assert long.width > 20


def test_outline_text_leaves_anything_else_to_manim(tmp_path):
    svg = tmp_path / "t.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt" viewBox="0 0 10 10">'
                   '<image href="emoji.png"/></svg>')
    with pytest.raises(UnexpectedSVG):
        read_pango_svg(svg)
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt" viewBox="0 0 20 20"/>')
    with pytest.raises(UnexpectedSVG):
        read_pango_svg(svg)


def test_a_column_under_one_with_a_brace_lines_up_by_its_numbers():
    from scenes.tokens_to_embeddings import TokensToEmbeddings

    theme = THEMES["dark"]
    above = VectorColumn(np.arange(8.0), theme, show_dimension=True)      # the brace widens it to the right
    below = TokensToEmbeddings.under(VectorColumn(np.arange(8.0), theme, show_dimension=False), above)
    assert below.get_center()[1] < above.get_bottom()[1]
    assert below.get_entries().get_center()[0] == pytest.approx(above.get_entries().get_center()[0])
    assert above.get_center()[0] != pytest.approx(above.get_entries().get_center()[0], abs=0.05)


def test_long_grid_numbers_stay_inside_their_cells():
    from scenes.kit.mobjects import AttentionGrid

    words = "a fluffy blue creature roamed the verdant forest".split()
    grid = AttentionGrid(words, words, THEMES["dark"])
    big = np.full((8, 8), -11.25)          # a decoder's raw scores: six characters
    for cell in grid.numbers(big):
        assert cell.width < grid.cell_w * 0.95      # inside the cell, with a gap to the next
    small = np.full((8, 8), -0.42)          # five characters: the grid's own size, as before
    assert grid.number_size(small, 2) == grid.font_size
    assert grid.numbers(small)[0].height == pytest.approx(mono_number_text("−0.42", grid.font_size, "#fff").height)


def test_token_boxes_set_every_word_on_one_baseline():
    """Words centred by their boxes would float: "fluffy" (its y reaches down) rose above "blue"."""
    from scenes.kit.vectors import TokenBoxes

    boxes = TokenBoxes(["a", "fluffy", "blue", "the"], THEMES["dark"])
    lines = [box[1].baseline() for box in boxes]
    assert max(lines) - min(lines) < 1e-9
    assert boxes[1][1].get_bottom()[1] < boxes[2][1].get_bottom()[1] - 0.02, "the y of fluffy reaches under the line"
    for box in boxes:
        assert box[0].get_bottom()[1] < box[1].get_bottom()[1] and box[1].get_top()[1] < box[0].get_top()[1]


def test_a_number_drawn_as_zero_has_no_sign_colour():
    """−0.001 is drawn "0.00": in the muted text colour, not the negative one."""
    theme = THEMES["dark"]
    column = VectorColumn([-0.001, 0.5, -0.5], theme, n_shown=3, color_by_value=True, value_scale=0.5)
    zero, positive, negative = column.get_entries()
    assert zero.text == "0.00" and zero.get_fill_color().to_hex() == theme.muted.to_hex()
    assert positive.get_fill_color().to_hex() == theme.positive.to_hex()
    assert negative.get_fill_color().to_hex() == theme.negative.to_hex()
