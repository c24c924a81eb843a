"""Up to 32 tokens in every chapter of the story (and so in AttentionBlock): the beats that show
columns of numbers for a short sentence show signed dots for a long one, say so, and stay readable."""

from __future__ import annotations

import numpy as np
import pytest

from scenes.kit.model_rules import MAX_DOT_TOKENS, MAX_TOKENS
from scenes.kit.settings import SceneSettings
from tests.frame_checks import checked_sections, texts_of

pytestmark = [pytest.mark.render, pytest.mark.slow]   # 32-token renders: make test-all

LONG = " ".join(["the", "lighthouse", "keeper", "watched"] * (MAX_DOT_TOKENS // 4))   # "the" repeats: the same-word beat


def dots_drawn(scene, name: str, expected: np.ndarray, colors=None) -> None:
    """The record ``name`` holds the expected values, its dots' areas are proportional to |value|
    (one scale for the record) and their colours give the sign."""
    drawn, values = scene.shown[name]
    values = np.asarray(values, dtype=float).ravel()
    np.testing.assert_array_equal(values, np.asarray(expected, dtype=float).ravel())
    assert len(drawn) == len(values)
    areas = np.array([(d.width / 2) ** 2 for d in drawn])
    visible = np.abs(values) > 1e-3 * np.abs(values).max()
    ratio = areas[visible] / np.abs(values[visible])
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6, err_msg=f"{name}: dot area must be proportional to |value|")
    positive, negative = colors or (scene.theme.positive, scene.theme.negative)
    for dot, value in zip(drawn, values):
        want = positive if value >= 0 else negative
        assert dot.color.lower() == want.to_hex().lower(), f"{name}: a dot's colour does not give its value's sign"


@pytest.fixture(scope="module")
def long_renders(tmp_path_factory):
    """Each chapter rendered once at 32 tokens, its sections checked (nothing cut, overlapping or small)."""
    from scenes.output.render_one import render_scene
    from scenes.output.request import RenderRequest
    done = {}

    def _render(name: str, **settings):
        if name not in done:
            with checked_sections() as checks:
                result = render_scene(RenderRequest(name, SceneSettings(model="toy", sentence=LONG, **settings), fmt="png",
                                                    output_dir=tmp_path_factory.mktemp(name), resolution=(256, 144),
                                                    fps=5), force=True)
            done[name] = result.scene, checks
        return done[name]
    return _render


@pytest.mark.parametrize("name", ["TokensToEmbeddings", "QueriesAndKeys", "QueriesMeetKeys", "ValuesUpdateEmbeddings"])
def test_every_section_of_a_32_token_chapter_is_readable(name, long_renders):
    scene, checks = long_renders(name)
    assert len(scene.trace().tokens) == MAX_DOT_TOKENS
    assert len(checks.section_names) >= 4, checks.section_names
    assert not checks, checks.report()


def test_tokens_to_embeddings_draws_three_rows_of_dots(long_renders):
    scene, _ = long_renders("TokensToEmbeddings")
    trace = scene.trace()
    assert [t.text for t in scene.shown["tokens"][0]] == list(trace.tokens)
    for name, tensor in (("token_embeddings", trace.token_embeddings), ("positions", trace.positions),
                         ("sums", trace.input_embeddings)):
        assert name not in scene.shown, f"{name}: numbers for {MAX_DOT_TOKENS} tokens"
        dots_drawn(scene, f"{name}_dots", tensor[:, :3])
    assert [t.text for t in texts_of(scene)].count("⋮") == 3, "each row of dots says it shows only the first entries"


def test_queries_and_keys_draws_e_q_k_and_the_scores_as_dots(long_renders):
    scene, _ = long_renders("QueriesAndKeys")
    trace, h = scene.trace(), scene.head
    for name, tensor in (("embeddings", trace.embeddings), ("q", trace.q[h]), ("k", trace.k[h])):
        dots_drawn(scene, f"{name}_dots", tensor[:, :3])
    dots_drawn(scene, "score_dots", trace.on_screen("scores", h))
    sizes = [row.get_dimension()[1].text for row in scene.qk_rows]      # E's size beside Q's and K's smaller one
    assert sizes == [str(trace.d_model), str(trace.d_head), str(trace.d_head)]
    assert "scores" not in scene.shown and "symbols" not in scene.shown, "no numbers or symbols in 1,024 small cells"
    largest = float(np.abs(trace.on_screen("scores", h)).max())       # the legend beside: at the grid's own scale
    legend, samples = scene.shown["legend"]
    np.testing.assert_allclose(samples, [largest, largest / 2, -largest / 2])
    cell_dot = (scene.grid.max_radius * 2)
    np.testing.assert_allclose([d.width for d in legend], [cell_dot, cell_dot / 2 ** 0.5, cell_dot / 2 ** 0.5], rtol=1e-6)
    assert scene.dots_note in scene.mobjects


def test_queries_meet_keys_lists_the_largest_dot_products(long_renders):
    scene, _ = long_renders("QueriesMeetKeys")
    trace = scene.trace()
    qi = scene.settings.query_index(trace)
    drawn, values = scene.shown["plane_scores"]
    scores = trace.scores[scene.head, qi]
    assert MAX_TOKENS - 2 <= len(drawn) < len(scores)
    largest = np.sort(np.argsort(-scores, kind="stable")[:len(drawn)])
    np.testing.assert_array_equal(values, scores[largest], "the largest dot products, in the keys' order")
    shown = {t.text for t in texts_of(scene)}      # the text as drawn (without spaces)
    assert f"…{len(scores) - len(drawn)}smaller" in shown, "the list says how many dot products it leaves out"


def test_values_draw_the_weights_and_values_as_dots_and_the_largest_terms(long_renders):
    scene, _ = long_renders("ValuesUpdateEmbeddings")
    trace, h = scene.trace(), scene.head
    qi = scene.settings.query_index(trace)
    weights = trace.pattern[h, qi]
    dots_drawn(scene, "weights_dots", weights, colors=(scene.theme.of("weight"), scene.theme.of("weight")))   # a weight, not a sign
    dots_drawn(scene, "values_dots", trace.values_up[h][:, :4])
    _, written = scene.shown["sum_weights"]           # the sum of the query whose attention spreads most
    spread = trace.pattern[h, scene.spread_query]
    n = MAX_TOKENS - 1                  # the largest terms, then "(k smaller terms)"
    assert len(written) == n and sorted(written) == sorted(np.sort(spread)[::-1][:n]), "the largest terms"


def test_cross_attention_joins_two_long_sentences_with_lines_and_dots(long_renders):
    """32 queries reading a 20-word second sentence: upright words joined by the weight lines, the
    pattern as dots (area = weight), every section readable."""
    scene, checks = long_renders("CrossAttention", context=" ".join(LONG.split()[:20]))
    assert not checks, checks.report()
    trace, h = scene.trace(cross=True), scene.head
    pattern = trace.on_screen("pattern", h)                       # [20 keys, 32 queries]
    assert pattern.shape == (20, MAX_DOT_TOKENS)
    lines, weights = scene.shown["lines"]
    assert len(lines) == pattern.size
    np.testing.assert_array_equal(np.asarray(weights, dtype=float).ravel(), pattern.ravel())
    dots_drawn(scene, "pattern_dots", pattern)
    assert "pattern" not in scene.shown, "no numbers in 640 small cells"
