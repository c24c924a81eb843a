"""The attention-pattern scenes draw pictures: dots whose area is the weight, the followed query's
column marked, numbers that fit their cells, layouts from 2 to 32 tokens, the `cells` setting."""

from __future__ import annotations

import numpy as np
import pytest
from manim import Rectangle

from attention_math import InputError
from scenes.kit.mobjects import format_number
from scenes.kit.model_rules import MAX_DOT_TOKENS, MAX_TOKENS
from scenes.kit.settings import SceneSettings
from tests.test_scenes import assert_apart, assert_inside_frame

pytestmark = pytest.mark.render

PATTERN_SCENES = [("ScaledSoftmax", {"model": "toy"}), ("ScaledSoftmax", {"model": "minilm"}),
                  ("CausalMask", {"model": "toy"}), ("AttentionFormula", {"model": "toy"})]


def words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


def dot_areas(scene, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The drawn dots' areas (from their widths) and the values recorded with them, row-major."""
    drawn, values = scene.shown[name]
    return np.array([(d.width / 2) ** 2 for d in drawn]), np.asarray(values, dtype=float).ravel()


@pytest.mark.parametrize("name,settings", PATTERN_SCENES)
def test_final_pattern_dot_areas_are_proportional_to_the_weights(name, settings, rendered):
    _, scene = rendered(name, fmt="png", **settings)
    trace = scene.trace(causal=True if name == "CausalMask" else None)
    areas, values = dot_areas(scene, "pattern_dots")
    np.testing.assert_array_equal(values, trace.on_screen("pattern", scene.head).ravel())   # keys as rows
    visible = values > 1e-4
    ratio = areas[visible] / values[visible]
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6, err_msg="dot area must be proportional to the weight")
    assert np.all(areas[values == 0] < 1e-5), "a zero weight draws no dot"
    # the followed query's largest weight is its column's largest dot
    qi = scene.settings.query_index(trace)
    t_k, t_q = trace.on_screen("pattern", scene.head).shape
    column_areas, column_values = areas.reshape(t_k, t_q)[:, qi], values.reshape(t_k, t_q)[:, qi]
    assert np.argmax(column_areas) == np.argmax(column_values)


@pytest.mark.parametrize("name,model", [("ScaledSoftmax", "toy"), ("CausalMask", "toy"), ("CausalMask", "minilm")])
def test_the_legend_beside_the_pattern_draws_its_weights_at_the_patterns_scale(name, model, rendered):
    _, scene = rendered(name, fmt="png", model=model)       # minilm: 13 tokens, the narrowest strip
    legend_areas, legend_weights = dot_areas(scene, "legend")
    areas, values = dot_areas(scene, "pattern_dots")
    visible = values > 1e-4
    np.testing.assert_allclose(legend_areas / legend_weights, (areas[visible] / values[visible])[0], rtol=1e-6)
    assert list(legend_weights) == [1.0, 0.5, 0.1]
    (title,) = [m for m in scene.get_mobject_family_members() if getattr(m, "text", None) == "dotarea=weight"]
    assert title.get_left()[0] > scene.grid.frame.get_right()[0], "beside the grid, in the last frame"


@pytest.mark.parametrize("name,settings", [("ScaledSoftmax", {"model": "toy", "query_token": "blue"}),
                                           ("CausalMask", {"model": "toy", "query_token": "blue"}),
                                           ("QueriesAndKeys", {"model": "toy", "query_token": "blue"}),
                                           ("AttentionFormula", {"model": "toy", "query_token": "blue"})])
def test_the_followed_query_column_stays_highlighted(name, settings, rendered):
    _, scene = rendered(name, fmt="png", **settings)
    trace = scene.trace(causal=True if name == "CausalMask" else None)
    qi = trace.tokens.index("blue")
    assert list(scene.shown["query_column"][1]) == [qi]
    band = scene.query_band
    if name != "AttentionFormula":          # there the pattern gives way to the values term
        assert band in scene.get_mobject_family_members(), "the band is still on screen at the end"
    grid = scene.grid
    assert band.get_center()[0] == pytest.approx(grid.cell_center(0, qi)[0])
    assert band.width == pytest.approx(grid.cell_w)


@pytest.mark.parametrize("name,settings,records", [
    ("ScaledSoftmax", {"model": "minilm"}, ("scores", "scaled", "softmax_numbers", "sums")),
    ("ScaledSoftmax", {"model": "toy", "cells": "numbers"}, ("scores", "scaled", "pattern", "sums")),
    ("CausalMask", {"model": "tiny-gpt"}, ("scaled", "masked", "sums")),      # its softmax lifts no column
    ("QueriesAndKeys", {"model": "tiny-gpt"}, ("scores",)),
])
def test_no_number_is_wider_than_85_percent_of_its_cell(name, settings, records, rendered):
    _, scene = rendered(name, fmt="png", **settings)
    for record in records:
        drawn, _ = scene.shown[record]
        widest = max(d.width for d in drawn)
        assert widest <= 0.85 * scene.grid.cell_w, f"{record}: a number fills {widest / scene.grid.cell_w:.0%} of its cell"
        assert all(d.text for d in drawn), f"{record} should be numbers"


def test_masked_cells_stay_marked_to_the_end(rendered):
    _, scene = rendered("CausalMask", fmt="png", model="toy")
    marks, cells = scene.shown["mask_marks"]
    t = scene.grid.n_rows
    assert sorted(map(tuple, cells)) == [(r, c) for r in range(t) for c in range(t) if r > c]
    on_screen = scene.get_mobject_family_members()
    frame = scene.grid.frame
    inside = lambda m: frame.get_left()[0] < m.get_x() < frame.get_right()[0] and \
        frame.get_bottom()[1] < m.get_y() < frame.get_top()[1]        # not the legend's swatch beside the grid
    shades = [m for m in on_screen if isinstance(m, Rectangle) and m.fill_opacity > 0.1 and inside(m)
              and m.fill_color.to_hex() == scene.theme.masked.to_hex() and m.width == pytest.approx(scene.grid.cell_w)]
    assert len(shades) == len(cells), "every masked cell is still shaded in the last frame"
    areas, values = dot_areas(scene, "pattern_dots")
    masked = np.array([r > c for r in range(t) for c in range(t)])
    assert np.all(values[masked] == 0) and np.all(areas[masked] < 1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("n", [2, 14, MAX_DOT_TOKENS])
def test_grid_layout_from_2_to_32_tokens(n, rendered):
    _, scene = rendered("ScaledSoftmax", fmt="png", model="toy", sentence=words(n))
    assert_inside_frame(scene)
    grid = scene.grid
    assert grid.n_cols == n
    assert_apart(grid.key_labels, axis=1)
    assert min(lab.height for lab in grid.key_labels) >= 0.133 - 1e-3, "key labels ≥ 12 px tall at 720p"
    assert scene._caption.get_top()[1] <= scene.sums_row.get_bottom()[1] + 1e-3, "the caption overlaps the sums"
    if n > MAX_TOKENS:
        assert_apart(grid.query_labels, axis=0)          # read upward, one per column
        assert "scores" not in scene.shown and "scores_dots" in scene.shown, "numbers beats show dots"
        assert scene.dots_note in scene.mobjects, "the frame says dots replace numbers"
        assert all(d.text is None for d in scene.shown["sums"][0])
    else:
        assert [d.text for d in scene.shown["scores"][0]] == [format_number(v) for v in scene.shown["scores"][1].ravel()]
        assert min(d.width for d in scene.shown["scores"][0]) > 0


@pytest.mark.slow
def test_attention_formula_takes_32_tokens_as_dots(rendered):
    _, scene = rendered("AttentionFormula", fmt="png", model="toy", sentence=words(MAX_DOT_TOKENS))
    trace = scene.trace()
    assert_inside_frame(scene)
    for name, tensor in (("q", trace.q), ("k", trace.k), ("values_up", trace.values_up)):
        assert name not in scene.shown, f"{name}: numbers for {MAX_DOT_TOKENS} tokens"
        areas, values = dot_areas(scene, f"{name}_dots")
        np.testing.assert_array_equal(values, tensor[scene.head][:, :5].ravel())   # a column per token
        visible = np.abs(values) > 1e-4
        ratio = areas[visible] / np.abs(values[visible])
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6, err_msg="dot area must be proportional to |value|")
    areas, values = dot_areas(scene, "pattern_dots")
    np.testing.assert_array_equal(values, trace.on_screen("pattern", scene.head).ravel())
    _, scaled = dot_areas(scene, "scaled_dots")                  # KᵀQ/√d_k under the fraction, as dots
    np.testing.assert_array_equal(scaled, trace.on_screen("scaled", scene.head).ravel())
    assert_apart(scene.grid.key_labels, axis=1)
    assert min(lab.height for lab in scene.grid.key_labels) >= 0.133 - 1e-3, "key labels ≥ 12 px tall at 720p"
    assert scene.dots_note in scene.mobjects, "the frame says dots replace numbers"


def test_decimals_other_than_two_are_drawn_and_recorded(rendered):
    _, scene = rendered("ScaledSoftmax", fmt="png", model="toy", decimals=1, cells="both")
    trace = scene.trace()
    for name in ("scores", "scaled", "pattern"):
        drawn, values = scene.shown[name]
        np.testing.assert_array_equal(values, trace.on_screen(name, scene.head))
        assert [d.text for d in drawn] == [format_number(float(v), 1) for v in np.ravel(values)]
    sums, values = scene.shown["sums"]
    np.testing.assert_array_equal(values, trace.column_sums("pattern", scene.head))
    assert [d.text for d in sums] == ["1.0"] * len(trace.tokens)
    assert "pattern_dots" in scene.shown, "both: a dot under each number"


def test_queries_and_keys_cells_read_the_symbol_then_a_dot_then_the_number(rendered):
    _, scene = rendered("QueriesAndKeys", fmt="png", model="toy")
    trace = scene.trace()
    t = len(trace.tokens)
    drawn, indices = scene.shown["symbols"]
    assert [tuple(i) for i in indices] == [(r + 1, c + 1) for r in range(t) for c in range(t)]
    assert max(d.width for d in drawn) <= 0.85 * scene.grid.cell_w
    areas, values = dot_areas(scene, "score_dots")
    big = np.abs(values) > 1e-3 * np.abs(values).max()
    ratio = areas[big] / np.abs(values[big])
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6)
    colours = {d.color for d, v in zip(drawn, values)}
    assert {d.color for d, v in zip(scene.shown["score_dots"][0], values) if v < 0} == {scene.theme.negative.to_hex()}
    assert {d.color for d, v in zip(scene.shown["score_dots"][0], values) if v > 0} == {scene.theme.positive.to_hex()}


def test_cells_setting_from_the_command_line_and_the_settings_file(tmp_path):
    from scenes.output.settings_file import plan_renders

    config = tmp_path / "settings.toml"
    config.write_text('cells = "numbers"\n[scenes.CausalMask]\ncells = "both"\n', encoding="utf-8")
    requests, _ = plan_renders(["ScaledSoftmax", "CausalMask"], False, {}, config)
    assert [r.settings.cells for r in requests] == ["numbers", "both"]
    requests, _ = plan_renders(["CausalMask"], False, {"cells": "dots"}, config)
    assert requests[0].settings.cells == "dots"
    assert SceneSettings().cells == "dots"
    with pytest.raises(InputError, match="not a way to draw cells"):
        SceneSettings(cells="pie")


def test_cells_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from render import cli

    result = CliRunner().invoke(cli, ["render", "ScaledSoftmax", "--cells", "pie", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "--cells" in result.output


def test_token_limits_name_themselves():
    long = SceneSettings(model="toy", sentence=words(MAX_TOKENS + 1))
    trace = long.trace()
    long.check_token_count(trace, "ScaledSoftmax")           # dots: fine
    with pytest.raises(InputError, match=f"at most {MAX_TOKENS} with --cells numbers"):
        long.replace(cells="numbers").check_token_count(trace, "ScaledSoftmax")
    long.check_token_count(trace, "QueriesAndKeys")          # every story scene and the block draw dots: fine
    long.check_token_count(trace, "AttentionBlock")
    with pytest.raises(InputError, match=f"QueriesAndKeys shows at most {MAX_TOKENS} with --cells numbers"):
        long.replace(cells="numbers").check_token_count(trace, "QueriesAndKeys")
    long.check_token_count(trace, "MyOwnScene")               # a scene of one's own: dots beyond 14 too
    with pytest.raises(InputError, match=f"at most {MAX_DOT_TOKENS}"):
        SceneSettings(model="toy", sentence=words(MAX_DOT_TOKENS + 1)).trace()


@pytest.mark.slow
def test_queries_and_keys_with_13_minilm_tokens_stays_in_the_frame(tiny, render_dir, monkeypatch):
    """At the end of every beat nothing is cut at the frame's edge, and the row names clear their columns."""
    from scenes.kit.attention_scene import AttentionScene

    ends = []
    original = AttentionScene.beat

    def beat(self, name):
        assert_inside_frame(self)
        ends.append(name)
        original(self, name)

    monkeypatch.setattr(AttentionScene, "beat", beat)
    _, scene = tiny("QueriesAndKeys", render_dir, fmt="png", model="minilm", pieces=True)   # the model's own tokens
    assert len(scene.trace().tokens) == 13 and ends == ["embeddings", "queries", "keys", "grid"]
    assert_inside_frame(scene)
    for name, columns in scene.vector_rows:
        assert name.get_right()[0] < columns.get_left()[0] - 0.1, f"{name.text} touches its first column"
        assert columns.get_right()[0] <= 7.11, "the last column's brace is cut"


def test_attention_formula_shows_the_scores_before_the_division_and_the_weighted_sum_at_the_end(rendered):
    """KᵀQ comes before it is divided; ΔE⁽ʰ⁾ comes as the values under the followed token's weights, and
    their sum: the weights, values and sum drawn are the trace's, and the weights times values give the sum."""
    _, scene = rendered("AttentionFormula", fmt="png", model="toy")
    trace, h = scene.trace(), scene.head
    qi = scene.settings.query_index(trace)
    drawn, values = scene.shown["scores"]
    np.testing.assert_array_equal(np.asarray(values), trace.on_screen("scores", h))
    assert [d.text for d in drawn] == [format_number(v) for v in trace.on_screen("scores", h).ravel()]
    drawn, weights = scene.shown["delta_weights"]
    np.testing.assert_array_equal(np.asarray(weights), trace.pattern[h, qi])
    assert [d.text for d in drawn] == [format_number(w) + "×" for w in trace.pattern[h, qi]]
    _, shown_values = scene.shown["delta_values"]
    np.testing.assert_array_equal(np.asarray(shown_values), trace.values_for(h, qi)[:, :3])
    _, delta = scene.shown["delta"]
    np.testing.assert_array_equal(np.asarray(delta), trace.delta_per_head[h, qi][:5])
    np.testing.assert_allclose(trace.pattern[h, qi] @ trace.values_for(h, qi), trace.delta_per_head[h, qi], atol=1e-5)


def test_attention_formula_shows_the_scaled_scores_under_the_fraction(rendered):
    """Between K and the softmax: the grid KᵀQ/√d_k itself, keys as rows, the divisor beside it."""
    _, scene = rendered("AttentionFormula", fmt="png", model="toy")
    trace = scene.trace()
    drawn, values = scene.shown["scaled"]
    scaled = trace.on_screen("scaled", scene.head)               # [keys, queries]
    np.testing.assert_array_equal(np.asarray(values), scaled)
    assert [d.text for d in drawn] == [format_number(v) for v in scaled.ravel()]
