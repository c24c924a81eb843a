"""ParameterCount: the blocks' braces and proportions, the factored value map, and digits aligned, for two presets."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DL, UR

from attention_math import count_parameters
from attention_math import preset as get_preset
from attention_math.params import value_map_counts
from tests.test_scenes import assert_inside_frame, shown_text

pytestmark = pytest.mark.render

PX_720 = 8 / 720


@pytest.mark.parametrize("preset", ["gpt3-175b", "gpt2-small"])
def test_blocks_and_figures_come_from_the_counter(preset, rendered):
    _, scene = rendered("ParameterCount", fmt="png", model="toy", preset=preset)
    cfg = get_preset(preset)
    count, values = count_parameters(cfg), value_map_counts(cfg.d_model, cfg.d_head)
    texts, shown = shown_text(scene, "block_sizes")
    assert list(shown) == [cfg.d_model, cfg.d_head] and texts == [f"{cfg.d_model:,}", f"{cfg.d_head:,}"]
    if preset == "gpt3-175b":
        assert texts == ["12,288", "128"]
    texts, shown = shown_text(scene, "value_counts")
    assert list(shown) == [values.full, values.factored]
    assert texts[0] == f"{values.full:,}" and texts[1].endswith(f"={values.factored:,}")   # Text drops spaces
    for name, (rows, cols) in {"W_Q": (cfg.d_head, cfg.d_model), "value map": (cfg.d_model, cfg.d_model),
                               "value-up": (cfg.d_model, cfg.d_head), "value-down": (cfg.d_head, cfg.d_model)}.items():
        block = scene.blocks[name]
        assert [block.cols_label.text, block.rows_label.text] == [f"{cols:,}", f"{rows:,}"]
        if block.to_scale:      # honest proportions; otherwise the caption says the thin side is thickened
            assert block.rect.width / block.rect.height == pytest.approx(cols / rows, rel=1e-6)
    full, up = scene.blocks["value map"], scene.blocks["value-up"]
    assert up.rect.height == pytest.approx(full.rect.height)        # one scale for the map and its factors
    texts, shown = shown_text(scene, "tally")
    assert list(shown) == [count.per_matrix, count.per_head, count.per_block_attention, count.attention_total]
    assert texts == [f"{v:,}" for v in shown]
    figures = [row[1] for row in scene.tally_rows]
    rights = [f.get_right()[0] for f in figures]
    assert max(rights) - min(rights) < 1e-6, "the figures are right-aligned on their last digit"
    widths = [f.width / len(f.text) for f in figures if "," not in f.text[-3:]]
    assert np.ptp(widths) < 0.02, "a monospaced font: every character one advance"
    assert min(f.height for f in figures) >= 12 * PX_720
    assert_inside_frame(scene)


@pytest.mark.parametrize("preset", ["gpt3-175b", "gpt2-small"])
def test_the_cross_strikes_the_value_map_not_its_name(preset, rendered):
    _, scene = rendered("ParameterCount", fmt="png", model="toy", preset=preset)
    full, cross = scene.blocks["value map"], scene.value_cross
    low, high = cross.get_corner(DL)[:2], cross.get_corner(UR)[:2]
    name_low, name_high = full.name_label.get_corner(DL)[:2], full.name_label.get_corner(UR)[:2]
    assert (high < name_low).any() or (name_high < low).any(), "the X's box meets the “value map” label's"
    np.testing.assert_allclose([cross.width, cross.height], [full.rect.width, full.rect.height], rtol=1e-6)
    np.testing.assert_allclose(cross.get_center(), full.rect.get_center(), atol=1e-6)   # across the whole block


@pytest.mark.parametrize("preset", ["gpt3-175b", "gpt2-small"])
def test_a_layer_is_drawn_as_its_heads_and_the_model_as_its_layers(preset, rendered):
    """The tally's rows are pictures too: as many four-bar heads as the layer has, as many layer tiles as
    the model has, one grid under the tally, every one the same size and none on another."""
    _, scene = rendered("ParameterCount", fmt="png", model="toy", preset=preset)
    cfg = get_preset(preset)
    for name, n, tiles in (("heads_drawn", cfg.n_heads, scene.layer_heads), ("layers_drawn", cfg.n_layers,
                                                                             scene.layers_drawn)):
        drawn, counted = scene.shown[name]
        assert list(counted) == [n] and len(drawn) == len(tiles) == n
        boxes = np.array([[*m.get_corner(DL)[:2], *m.get_corner(UR)[:2]] for m in tiles])
        assert np.ptp(boxes[:, 2] - boxes[:, 0]) < 1e-6, "one size"
        order = np.lexsort((boxes[:, 0], -boxes[:, 1]))
        for a, b in zip(boxes[order], boxes[order][1:]):
            assert b[0] >= a[2] - 1e-6 or b[3] <= a[1] + 1e-6, "two tiles overlap"
        assert boxes[:, 3].max() < scene.tally_rows[3].get_bottom()[1], "the picture stands under the tally"
