"""One story across the clips: the story's scenes read one model for a sentence; what each draws is the trace."""

from __future__ import annotations

import numpy as np
import pytest

from scenes import SCENES
from scenes.kit.model_rules import STORY_SCENES, is_decoder
from scenes.kit.settings import SceneSettings

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
    seen = trace.values_for(h, qi)                              # [T_k, d] the values the weights multiply
    assert shown == [format_number(v) for v in seen[:, :4].ravel()]
    np.testing.assert_allclose(column[:, None].astype(np.float64) * seen, trace.delta_terms(h, qi), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(trace.delta_terms(h, qi).astype(np.float64).sum(axis=0), trace.delta_per_head[h, qi],
                               atol=1e-5)                       # Σ wⱼ·V⃗ⱼ = ΔE⁽ʰ⁾, as the scene writes
    if not trace.is_words:
        np.testing.assert_array_equal(seen, trace.values_up[h])
    shown, products = texts(scene, "products")                 # each wⱼ·V⃗ⱼ under its value: the terms summed next
    np.testing.assert_array_equal(products, trace.delta_terms(h, qi)[:, :4])
    assert shown == [format_number(v) for v in trace.delta_terms(h, qi)[:, :4].ravel()]
    assert texts(scene, "delta_head")[0] == [format_number(v) for v in trace.delta_per_head[h, qi, :4]]
    for name, tensor in (("E", trace.embeddings), ("delta", trace.delta), ("updated", trace.updated)):
        assert texts(scene, name)[0] == [format_number(v) for v in tensor[qi, :6]]

    assert "sum_weights" in scene.shown and "chain" in scene.shown      # the values in space: tested below
    e, delta, updated = scene.update_arrows
    np.testing.assert_allclose(delta.get_end(), updated.get_end(), atol=1e-6)   # E + ΔE = E′ as arrows


@pytest.mark.render
@pytest.mark.parametrize("settings", [{}, {"sentence": UNKNOWN_WORD, "query_token": "forest", "theme": "light"},
                                      {"model": "toy"}, {"sentence": "my cat ignores every word I say", "model": "minilm",
                                                                        "query_token": "cat"}],
                         ids=["tiny-gpt", "minilm-forest", "toy", "minilm-one-key"])
def test_values_in_space_follow_a_query_whose_attention_spreads(settings, rendered):
    """The tip-to-tail picture is a sum only if two weights are large: the scene picks the query whose
    second weight is largest (spreading_query), names it, draws each wⱼ·V⃗ⱼ from one point, then tip to
    tail onto the projected ΔE⁽ʰ⁾ of that query. On MiniLM's words a key word's arrow is the sum over
    its pieces of their own w·V⃗ (mean over the query word's pieces): the arrows still sum to ΔE⁽ʰ⁾."""
    from attention_math.planes import SPREAD_WEIGHT, largest_weights, project, spread_plane, spreading_query
    from scenes.kit.mobjects import format_number, short

    _, scene = rendered("ValuesUpdateEmbeddings", fmt="png", **settings)
    trace, h = scene.trace(), scene.head
    followed = trace.token_index(settings.get("query_token", "creature"))
    qi = scene.spread_query
    assert qi == spreading_query(trace.pattern[h], followed)
    weights = trace.pattern[h, qi].astype(np.float64)                     # [T_k] the chosen query's row
    spreading = np.sum(weights >= SPREAD_WEIGHT) >= 2
    if np.sort(trace.pattern[h, followed])[-2] >= SPREAD_WEIGHT:
        assert qi == followed

    (title,), recorded = texts(scene, "spread_title")
    title = title.replace(" ", "")
    named = largest_weights(weights)
    assert recorded[0] == qi and len(named) >= 1
    # a head where no query spreads (MiniLM's previous-word head on this sentence) says so, never "spreads"
    assert ("spreadsitsattention:" in title) == spreading
    assert ("noqueryofthisheadspreads" in title) == (not spreading)
    assert spreading == (settings.get("sentence") != "my cat ignores every word I say")
    assert title.startswith(f"“{short(trace.tokens[qi])}”".replace(" ", "")), "the chosen token is named on screen"
    for j in named:
        assert f"{format_number(weights[j])}on“{short(trace.key_tokens[j])}”".replace(" ", "") in title

    keys = [j for j in range(len(trace.key_tokens)) if not (trace.causal and j > qi)]
    shown, values = texts(scene, "sum_weights")
    np.testing.assert_array_equal(values, weights[keys])
    assert shown == [format_number(w) for w in weights[keys]]

    products = weights[keys, None] * trace.values_up[h][keys].astype(np.float64)    # [n, d] each wⱼ·V⃗ⱼ
    if trace.is_words:                  # each key word: its pieces' own w·V⃗, summed; mean over the query's pieces
        assert trace.special_key in trace.key_tokens and any(len(idx) > 1 for _, idx in trace.merge["keys"])
        pattern, up = trace["pieces.pattern"][h].astype(np.float64), trace["pieces.values_up"][h].astype(np.float64)
        mine = trace.merge["queries"][qi][1]
        products = np.array([np.mean([sum(pattern[a, p] * up[p] for p in idx) for a in mine], axis=0)
                             for _, idx in (trace.merge["keys"][j] for j in keys)])                    # [n, d]
    delta = trace.delta_per_head[h, qi].astype(np.float64)                           # [d] ΔE⁽ʰ⁾ of the query
    np.testing.assert_allclose(products.sum(axis=0), delta, atol=1e-5)               # the terms sum to ΔE⁽ʰ⁾ exactly
    basis = spread_plane(delta, products)
    np.testing.assert_allclose(basis @ basis.T, np.eye(2), atol=1e-12)
    fan = scene.shown["fan"][1]
    scale = float(np.abs(products @ basis.T).max())                                   # float32 terms: relative to the largest
    np.testing.assert_allclose(fan, products @ basis.T, rtol=1e-5, atol=1e-6 * scale)  # weight × value, projected
    chain = scene.shown["chain"][1]
    np.testing.assert_allclose(chain[0], [0, 0])
    end = project(delta, basis)                                                       # [2] ΔE⁽ʰ⁾ in the plane
    np.testing.assert_allclose(chain[-1], end, rtol=1e-5, atol=1e-5 * np.linalg.norm(end))   # tip to tail ends at ΔE⁽ʰ⁾
    np.testing.assert_allclose(np.diff(chain, axis=0), fan, rtol=1e-5, atol=1e-6 * scale)

    arrows, band = scene.value_chain, scene.delta_head_arrow
    start, tip = band.get_start(), band.get_end()
    unit = np.linalg.norm(tip - start) / np.linalg.norm(project(delta, basis))       # scene units per plane unit
    assert len(arrows) == len(keys) >= 2
    np.testing.assert_allclose(scene.fan_tails, np.tile(start, (len(keys), 1)), atol=1e-6)   # first: all from one point
    drawn = np.array([a.get_end() - a.get_start() for a in arrows])[:, :2]
    np.testing.assert_allclose(drawn, fan * unit, atol=1e-6)
    np.testing.assert_allclose(arrows[0].get_start(), start, atol=1e-6)               # then tip to tail …
    for before, after in zip(arrows[:-1], arrows[1:]):
        np.testing.assert_allclose(after.get_start(), before.get_end(), atol=1e-6)
    np.testing.assert_allclose(arrows[-1].get_end(), tip, atol=1e-6)                 # … onto ΔE⁽ʰ⁾


def test_spreading_query_keeps_a_followed_query_that_spreads_and_breaks_ties_toward_it():
    from attention_math.planes import largest_weights, spreading_query

    pattern = np.array([[1.0, 0.0, 0.0, 0.0],
                        [0.5, 0.5, 0.0, 0.0],
                        [0.01, 0.99, 0.0, 0.0],
                        [0.2, 0.3, 0.3, 0.2],
                        [0.5, 0.5, 0.0, 0.0]])
    assert spreading_query(pattern, followed=2) == 1, "second weight 0.5: rows 1 and 4 tie, 1 is nearer"
    assert spreading_query(pattern, followed=3) == 3, "0.3 and 0.3: it spreads, so it stays"
    assert spreading_query(pattern, followed=4) == 4
    assert spreading_query(pattern, followed=0) == 1
    assert spreading_query(np.ones((3, 1)), followed=2) == 2, "one key: nothing to spread over"
    assert largest_weights(pattern[3]) == [1, 2, 0]
    assert largest_weights(pattern[2]) == [1, 0], "two keys are named even when one is small"


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
    added = trace.added_to_tokens if trace.model == "minilm" else trace.positions     # BERT adds a segment too
    np.testing.assert_allclose(trace.token_embeddings + added, trace.input_embeddings, atol=1e-5)
    if trace.model != "minilm":
        np.testing.assert_array_equal(added, trace.positions)
    for name, tensor in (("token_embeddings", trace.token_embeddings), ("positions", added),
                         ("sums", trace.input_embeddings)):
        drawn, values = scene.shown[name]
        np.testing.assert_array_equal(values, tensor[:, :4])
        assert [d.text for d in drawn] == [format_number(v) for row in tensor[:, :4] for v in row]
    qi = trace.token_index(settings.get("query_token", "creature"))
    labels = [m for m in scene.mobjects for m in m.get_family() if getattr(m, "text", None) == trace.tokens[qi]]
    assert labels and all(ManimColor(m.get_fill_color()).to_hex() == scene.theme.query.to_hex() for m in labels[:1])


def test_captions_claim_next_token_prediction_only_over_a_decoder():
    from types import SimpleNamespace

    from scenes.kit.attention_scene import AttentionScene

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


@pytest.mark.render
@pytest.mark.slow
def test_values_scene_never_morphs_digits_into_other_digits(tiny, tmp_path, monkeypatch):
    """The sum ΔE⁽ʰ⁾ once came out of a FadeTransform of every weighted column: stretched digits, eight
    shrunken copies of the row over one another. Numbers come in by fading, and nothing with text in it
    is transformed into something else."""
    from manim import Scene
    from manim.animation.fading import _Fade
    from manim.animation.transform import Transform, _MethodAnimation

    from scenes.kit.mobjects import FlatText

    morphed = []
    played = Scene.play

    def play(self, *animations, **kwargs):
        for animation in animations:
            for part in [animation, *getattr(animation, "animations", [])]:
                if isinstance(part, Transform) and not isinstance(part, (_Fade, _MethodAnimation)):  # fades, recolours
                    texts = [m for m in part.mobject.get_family() if isinstance(m, FlatText)]
                    if texts:
                        morphed.append(f"{type(part).__name__}: {[t.text for t in texts][:4]}")
        return played(self, *animations, **kwargs)

    monkeypatch.setattr(Scene, "play", play)
    tiny("ValuesUpdateEmbeddings", tmp_path, fmt="png")
    assert not morphed, morphed
