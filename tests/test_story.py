"""One story across the clips: the story's scenes read one model for a sentence; what each draws is the trace."""

from __future__ import annotations

import numpy as np
import pytest

from scenes import SCENES
from scenes.kit.scene_settings import STORY_SCENES, SceneSettings, is_decoder

CORE = ("TokensToEmbeddings", "QueriesAndKeys", "ScaledSoftmax", "CausalMask", "ValuesUpdateEmbeddings",
        "MultiHeadSum", "AttentionFormula", "AttentionBlock")
UNKNOWN_WORD = "a fluffy blue creature roamed the enchanted forest"   # "enchanted": not in tiny-gpt's vocabulary


def test_the_story_is_every_core_scene():
    assert set(CORE) <= set(STORY_SCENES) and set(STORY_SCENES) <= set(SCENES)


def test_every_story_scene_reads_tiny_gpt_for_the_default_sentence():
    resolved = {name: SceneSettings().for_scene(name) for name in CORE}
    assert {s.model for s in resolved.values()} == {"tiny-gpt"}
    traces = [s.trace() for s in resolved.values()]
    assert len({t.tokens for t in traces}) == 1 and len({(t.layer, s.model_layer_head()) for t, s in
                                                          zip(traces, resolved.values())}) == 1
    assert all(t is traces[0] for t in traces), "one trace, shared: the same numbers in every clip"
    assert traces[0].causal and is_decoder(traces[0].model)
    assert "[CLS]" not in traces[0].tokens


def test_a_word_tiny_gpt_does_not_know_sends_the_whole_story_to_minilm(caplog):
    with caplog.at_level("WARNING", logger="attention_animated"):
        resolved = {name: SceneSettings(sentence=UNKNOWN_WORD).for_scene(name) for name in CORE}
    assert {s.model for s in resolved.values()} == {"minilm"}
    assert "tiny-gpt does not know every word" in caplog.text
    assert len({s.trace().tokens for s in resolved.values()}) == 1
    assert not is_decoder("minilm")


def test_scenes_outside_the_story_keep_minilm_and_model_always_wins():
    for name in set(SCENES) - set(STORY_SCENES) - {"CrossAttention"}:     # CrossAttention: the translator
        assert SceneSettings().for_scene(name).model == "minilm"
    assert {SceneSettings(model="toy").for_scene(n).model for n in CORE} == {"toy"}


# --- what the value scene draws is the trace --------------------------------------------------

def texts(scene, name):
    drawn, values = scene.shown[name]
    return [d.text for d in drawn], values


@pytest.mark.render
@pytest.mark.parametrize("settings", [{}, {"sentence": UNKNOWN_WORD, "query_token": "forest", "theme": "light"}],
                         ids=["tiny-gpt", "minilm-forest"])
def test_values_scene_draws_the_followed_tokens_weights_values_and_sums(settings, rendered):
    from attention_math.planes import project, spread_plane, tip_to_tail, weighted_values
    from scenes.kit.mobjects import format_number

    _, scene = rendered("ValuesUpdateEmbeddings", fmt="png", **settings)
    trace, h = scene.trace(), scene.head
    qi = trace.token_index(settings.get("query_token", "creature"))
    assert scene.value_query == qi
    column = trace.pattern[h, qi]                               # the query's weights over the keys
    shown, values = texts(scene, "weights")
    np.testing.assert_array_equal(values, column)
    assert shown == [format_number(w) + "×" for w in column]
    assert not np.allclose(values, trace.scaled[h, qi]), "weights, not scaled scores"
    shown, values = texts(scene, "values")
    assert shown == [format_number(v) for v in trace.values_up[h, :, :4].ravel()]
    assert texts(scene, "delta_head")[0] == [format_number(v) for v in trace.delta_per_head[h, qi, :4]]
    for name, tensor in (("E", trace.embeddings), ("delta", trace.delta), ("updated", trace.updated)):
        assert texts(scene, name)[0] == [format_number(v) for v in tensor[qi, :6]]

    keys = [j for j in range(len(trace.tokens)) if not (trace.causal and j > qi)]
    shown, values = texts(scene, "sum_weights")
    np.testing.assert_array_equal(values, column[keys])
    assert shown == [format_number(w) for w in column[keys]]

    arrows, tip = scene.value_chain, scene.delta_head_arrow.get_end()
    assert len(arrows) == len(keys)
    for before, after in zip(arrows[:-1], arrows[1:]):
        np.testing.assert_allclose(after.get_start(), before.get_end(), atol=1e-6)
    np.testing.assert_allclose(arrows[-1].get_end(), tip, atol=1e-6)     # tip to tail lands on ΔE⁽ʰ⁾
    np.testing.assert_allclose(arrows[0].get_start(), scene.delta_head_arrow.get_start(), atol=1e-6)
    steps = weighted_values(column, trace.values_up[h])[keys]
    expected = tip_to_tail(project(steps, spread_plane(trace.delta_per_head[h, qi], steps)))
    np.testing.assert_allclose(scene.shown["chain"][1], expected)
    steps = np.array([a.get_end() - a.get_start() for a in arrows])[:, :2]
    unit = np.linalg.norm(tip - scene.delta_head_arrow.get_start()) / np.linalg.norm(expected[-1])
    np.testing.assert_allclose(steps, np.diff(expected, axis=0) * unit, atol=1e-6)
    e, delta, updated = scene.update_arrows
    np.testing.assert_allclose(delta.get_end(), updated.get_end(), atol=1e-6)   # E + ΔE = E′ as arrows


def test_a_sum_of_projections_is_the_projection_of_the_sum():
    from attention_math.planes import plane_basis, project, spread_plane, tip_to_tail

    rng = np.random.default_rng(0)
    vectors, a, b = rng.normal(size=(5, 32)), rng.normal(size=32), rng.normal(size=32)
    basis = plane_basis(a, b)
    np.testing.assert_allclose(basis @ basis.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(tip_to_tail(project(vectors, basis))[-1], project(vectors.sum(0), basis), atol=1e-12)
    np.testing.assert_allclose(project(a, basis), [np.linalg.norm(a), 0], atol=1e-12)   # the first vector is exact
    assert np.linalg.norm(project(b, basis)) == pytest.approx(np.linalg.norm(b))
    spread = spread_plane(vectors.sum(0), vectors)
    np.testing.assert_allclose(spread @ spread.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(project(vectors.sum(0), spread), [np.linalg.norm(vectors.sum(0)), 0], atol=1e-12)
    np.testing.assert_allclose(tip_to_tail(project(vectors, spread))[-1], project(vectors.sum(0), spread), atol=1e-12)


@pytest.mark.render
@pytest.mark.parametrize("settings", [{}, {"sentence": UNKNOWN_WORD, "query_token": "forest"}], ids=["tiny-gpt", "minilm-forest"])
def test_tokens_scene_draws_the_trace_and_highlights_the_followed_token(settings, rendered):
    from manim import ManimColor

    from scenes.kit.mobjects import format_number

    _, scene = rendered("TokensToEmbeddings", fmt="png", **settings)
    trace = scene.trace()
    drawn, _ = scene.shown["tokens"]
    assert [d.text for d in drawn] == [t.replace(" ", "") for t in trace.tokens]
    for name, tensor in (("token_embeddings", trace.token_embeddings), ("positions", trace.positions),
                         ("sums", trace.input_embeddings)):
        drawn, values = scene.shown[name]
        np.testing.assert_array_equal(values, tensor[:, :4])
        assert [d.text for d in drawn] == [format_number(v) for row in tensor[:, :4] for v in row]
    qi = trace.token_index(settings.get("query_token", "creature"))
    labels = [m for m in scene.mobjects for m in m.get_family() if getattr(m, "text", None) == trace.tokens[qi]]
    assert labels and all(ManimColor(m.get_fill_color()).to_hex() == scene.theme.query.to_hex() for m in labels[:1])


def test_captions_claim_next_token_prediction_only_over_a_decoder():
    from types import SimpleNamespace

    from scenes.kit.base import AttentionScene

    decoder = SimpleNamespace(model="tiny-gpt", causal=True)
    encoder = SimpleNamespace(model="minilm", causal=True)
    assert AttentionScene.is_decoder(decoder) and not AttentionScene.is_decoder(encoder)
    assert "predicts the next token" in AttentionScene.next_token_note(AttentionScene, decoder)
    assert "masked here for illustration" in AttentionScene.next_token_note(AttentionScene, encoder)
    assert "illustration" in AttentionScene.mask_note(AttentionScene, encoder)
    assert "decoder" in AttentionScene.mask_note(AttentionScene, decoder)
    assert "illustration" not in AttentionScene.mask_note(AttentionScene, SimpleNamespace(model="minilm", causal=False))


def test_a_faint_column_keeps_its_brackets_as_strokes():
    """The weighted values' faint columns once drew their brackets as filled bars (set_opacity fills them)."""
    from scenes.kit.mobjects import VectorColumn
    from scenes.kit.palette import THEMES

    column = VectorColumn(np.arange(8.0), THEMES["dark"], show_dimension=True).fade_to(0.3)
    for bracket in column.get_brackets():
        assert bracket.get_fill_opacity() == 0 and bracket.get_stroke_opacity() == pytest.approx(0.3)
    assert all(e.get_fill_opacity() == pytest.approx(0.3) for e in column.get_entries())
    assert column.brace.get_fill_opacity() == pytest.approx(0.3)
    filled = VectorColumn(np.arange(8.0), THEMES["dark"]).set_opacity(0.3)     # the cause, kept visible here
    assert all(b.get_fill_opacity() > 0 for b in filled.get_brackets())


@pytest.mark.render
def test_queries_and_keys_says_a_decoders_later_keys_are_masked_next(rendered):
    """The grid of scores shows the later keys' scores too; over a decoder the clip says they are masked
    next (the later clips mask them), over an unmasked encoder it says nothing of a mask."""
    _, decoder = rendered("QueriesAndKeys", fmt="png")
    assert decoder.trace().causal
    assert "tiny-gpt" in decoder._caption.text and "maskedbeforethesoftmax" in decoder._caption.text
    _, encoder = rendered("QueriesAndKeys", fmt="png", model="toy")
    assert not encoder.trace().causal and "masked" not in encoder._caption.text
