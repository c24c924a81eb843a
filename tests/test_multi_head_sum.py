"""MultiHeadSum records what it draws: each head's pattern and ΔE⁽ʰ⁾, the sum into E⃗, W_O's real shapes."""

from __future__ import annotations

import numpy as np
import pytest

from scenes.kit.mobjects import format_number
from tests.test_scenes import assert_inside_frame, shown_text

pytestmark = pytest.mark.render

PX_720 = 8 / 720


@pytest.mark.parametrize("settings", [{"model": "minilm"}, {"model": "toy", "query_token": "blue"}])
def test_multi_head_sum_shows_the_trace(settings, rendered):
    _, scene = rendered("MultiHeadSum", fmt="png", **settings)
    trace = scene.trace()
    qi = scene.settings.query_index(trace)
    heads = scene.shown_heads
    assert heads[0] == scene.head and len(set(heads)) == len(heads)
    _, patterns = shown_text(scene, "patterns")
    np.testing.assert_array_equal(patterns, np.stack([trace.on_screen("pattern", h) for h in heads]))
    texts, proposals = shown_text(scene, "proposals")
    np.testing.assert_array_equal(proposals, trace.delta_per_head[heads][:, qi, :4])
    assert texts == [format_number(float(v)) for v in proposals.flatten()]
    texts, values = shown_text(scene, "sum")
    np.testing.assert_array_equal(values, np.concatenate([trace.embeddings[qi, :4], trace.updated[qi, :4]]))
    assert texts == [format_number(float(v)) for v in values]
    # the panels carry the followed token's label above its column, and the keys' words
    for panel in scene.panels:
        assert panel.query_label.text == trace.tokens[qi].replace(" ", "")
        column_x = panel.grid.cell_center(0, qi)[0]
        assert abs(panel.query_label.get_x() - column_x) < panel.grid.cell_w / 2
    assert min(p.grid.frame.get_left()[0] for p in scene.panels) > -7.1 + 0.5, "the first panel clear of the edge"
    # the value-ups at their real shapes, stapled into W_O
    texts, shape = shown_text(scene, "value_up_shapes")
    assert list(shape) == [trace.d_model, trace.d_head] and texts == [str(trace.d_model), str(trace.d_head)]
    for rect in scene.stapled:
        assert rect.height / rect.width == pytest.approx(trace.d_model / trace.d_head, rel=1e-6)
    assert scene.stapled.width == pytest.approx(scene.stapled[0].height * trace.n_heads * trace.d_head / trace.d_model,
                                                rel=1e-3)
    assert len(scene.stapled) == trace.n_heads
    assert_inside_frame(scene)


def test_multi_head_sum_digits_are_readable_at_720p(rendered):
    _, scene = rendered("MultiHeadSum", fmt="png", model="minilm")
    numbers = [m for m in scene.sum_line.get_family() if getattr(m, "text", "") and m.text[-1].isdigit()]
    assert len(numbers) >= 4 * 6
    assert min(m.height for m in numbers) >= 12 * PX_720, "digits under 12 px at 720p"


@pytest.mark.parametrize("sentence", ["a cat", "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"])
def test_multi_head_sum_layout_from_two_to_fourteen_tokens(sentence, tiny, tmp_path):
    from tests.frame_checks import checked_sections

    with checked_sections() as checks:       # every section's end: inside the frame, no overlaps, ≥ 12 px
        _, scene = tiny("MultiHeadSum", tmp_path, fmt="png", model="toy", sentence=sentence)
    assert not checks, checks.report()
    assert len(checks.section_names) >= 5
    assert all(len(p.grid.frame.get_left()) and p.grid.n_cols == len(sentence.split()) for p in scene.panels)


@pytest.mark.slow
def test_multi_head_sum_labels_the_keys_that_matter_at_32_tokens(tiny, tmp_path):
    from scenes.kit.mobjects import MIN_TEXT_POINTS, UNITS_PER_POINT
    from tests.frame_checks import checked_sections

    sentence = " ".join(["the", "lighthouse", "keeper", "watched"] * 8)
    with checked_sections() as checks:       # every section's end: inside the frame, no overlaps, ≥ 12 px
        _, scene = tiny("MultiHeadSum", tmp_path, fmt="png", model="toy", sentence=sentence)
    assert not checks, checks.report()
    trace = scene.trace()
    qi = scene.settings.query_index(trace)
    keys = scene.mh_keys
    assert 1 < len(keys) < len(trace.key_tokens) and len(keys.note), "only some keys labelled, and a note says so"
    assert [w.text for w in keys] == [trace.key_tokens[r].replace(" ", "") for r in keys.rows]
    weights = np.stack([trace.on_screen("pattern", h)[:, qi] for h in scene.shown_heads]).max(axis=0)
    assert int(np.argmax(weights)) in keys.rows, "the key the heads weigh most is labelled"
    grid = scene.panels[0].grid
    for r, word in zip(keys.rows, keys):      # each word at its row's height, no smaller than the floor
        assert abs(word.get_y() - grid.cell_center(r, 0)[1]) < 1e-6
        assert word.height >= MIN_TEXT_POINTS * UNITS_PER_POINT * 0.9
    assert len(scene.shown_heads) == 2, "fewer, larger panels for a long sentence"
    assert grid.cell_w >= 12 / 90, "cells at least 12 px wide at 720p (90 px per unit), so their dots are seen"


@pytest.mark.parametrize("settings", [{}, {"model": "minilm"}])
def test_multi_head_sum_keeps_each_head_name_clear_of_the_followed_word(settings, rendered):
    _, scene = rendered("MultiHeadSum", fmt="png", **settings)
    for panel in scene.panels:
        word, name = panel.query_label, panel.name
        apart_x = max(name.get_left()[0] - word.get_right()[0], word.get_left()[0] - name.get_right()[0])
        apart_y = max(name.get_bottom()[1] - word.get_top()[1], word.get_bottom()[1] - name.get_top()[1])
        assert apart_x > 0 or apart_y > 0, f"“{word.text}” and “{name.text}” overlap"
        assert apart_x >= 0.15 or apart_y >= 0.05, \
            f"“{word.text}” runs into “{name.text}”: {apart_x / 8 * 720:.0f} px apart at 720p"
