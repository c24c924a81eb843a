"""QueriesMeetKeys: the drawn arrows keep every query·key dot product; the numbers are the grid's scores."""

from __future__ import annotations

import numpy as np
import pytest

from attention_math.query_plane import matrix_vector_product
from scenes.kit.mobjects import format_number
from tests.test_scenes import assert_inside_frame, shown_text

pytestmark = pytest.mark.render

FOURTEEN = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
PX_720 = 8 / 720      # frame units per pixel at 720p


def drawn_plane(scene) -> tuple[np.ndarray, np.ndarray]:
    """The query and the keys as drawn, in model units: arrow (end − start) / drawing scale."""
    def vec(arrow):
        return (arrow.get_end() - arrow.get_start())[:2] / scene.meet_scale
    return vec(scene.meet_query_arrow), np.array([vec(a) for a in scene.meet_key_arrows])


def texts_in(scene):
    return [m for mob in scene.mobjects for m in mob.get_family() if getattr(m, "text", None)]


def assert_no_text_overlaps(scene) -> None:
    texts = [m for m in texts_in(scene) if m.get_fill_opacity() > 0.05 and m.width > 0]
    for a_i, a in enumerate(texts):
        for b in texts[a_i + 1:]:
            apart = (a.get_right()[0] <= b.get_left()[0] + 1e-3 or b.get_right()[0] <= a.get_left()[0] + 1e-3
                     or a.get_top()[1] <= b.get_bottom()[1] + 1e-3 or b.get_top()[1] <= a.get_bottom()[1] + 1e-3)
            assert apart, f"{a.text!r} overlaps {b.text!r}"


@pytest.mark.parametrize("settings", [{}, {"model": "minilm"}, {"model": "toy", "query_token": "blue"},
                                      {"model": "minilm", "query_token": "verdant"}])
def test_the_drawn_dot_products_are_the_traces_scores(settings, rendered):
    """Every key drawn as an arrow, and every dot product written, is the trace's score for that pair: on
    MiniLM's words, only one-piece words are drawn (a word's vectors are its pieces' mean), and a followed
    word of several pieces is shown in the model's own tokens."""
    _, scene = rendered("QueriesMeetKeys", fmt="png", **settings)
    if not settings:
        assert scene.settings.model == "tiny-gpt", "the default story's model (tiny-gpt knows every word)"
    trace, h, keys = scene.meet_trace, scene.head, scene.meet_keys
    words = scene.trace()
    qi = scene.meet_query
    if settings.get("query_token") != "verdant":
        assert qi == scene.settings.query_index(trace)
    if settings.get("query_token") == "blue":
        assert trace.tokens[qi] == "blue"
    if settings.get("query_token") == "verdant":          # 3 pieces: the model's own tokens, its first piece
        assert words.is_words and not trace.is_words and trace.tokens[qi] == "ve"
        assert keys == list(range(len(trace.key_tokens))) and "[CLS]" in trace.key_tokens
        assert any(t.startswith("“verdant”is3tokens") for t in (m.text for m in texts_in(scene)))
    elif settings.get("model") == "minilm":                # a one-piece word: the one-piece words, no [CLS]+[SEP]
        assert trace is words and trace.is_words
        pieces = dict((text, idx) for text, idx in trace.merge["keys"])
        assert keys == [j for j, t in enumerate(trace.key_tokens) if len(pieces[t]) == 1 and t != trace.special_key]
        assert 0 < len(keys) < len(trace.key_tokens)
        own = trace.merge["queries"][qi][1][0]
        np.testing.assert_allclose(trace.scores[h, qi, keys],           # the model's own scores, piece by piece
                                   trace["pieces.scores"][h, own, [pieces[trace.key_tokens[j]][0] for j in keys]],
                                   rtol=1e-5, atol=1e-5)
        shown = "".join(m.text for m in texts_in(scene))
        assert "notdrawn:" in shown and "[CLS]+[SEP]" in shown.split("notdrawn:")[1]
    else:
        assert keys == list(range(len(trace.key_tokens)))
    q, drawn = drawn_plane(scene)
    np.testing.assert_allclose(np.linalg.norm(q), np.linalg.norm(trace.q[h, qi]), rtol=1e-5)  # the plane holds Q⃗
    np.testing.assert_allclose(drawn @ q, trace.scores[h, qi, keys], rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(trace.k[h, keys] @ trace.q[h, qi], trace.scores[h, qi, keys], rtol=1e-4, atol=1e-3)
    texts, values = shown_text(scene, "plane_scores")
    np.testing.assert_array_equal(values, trace.on_screen("scores", h)[keys, qi])   # the grid's column of this query
    assert texts == [format_number(float(v), scene.settings.decimals) for v in values]
    tip_texts = [m.text for m in texts_in(scene) if m.text.startswith(tuple(trace.key_tokens))]
    assert scene.meet_tip_keys, "at least the largest visible key carries its dot product at its tip"
    for j in scene.meet_tip_keys:
        assert j in keys
        want = f"{trace.key_tokens[j]}{format_number(float(trace.scores[h, qi, j]))}"      # Text drops the space
        assert want in tip_texts


def test_every_arrow_is_named_on_the_default_sentence(rendered):
    """Each visible key's arrow carries its word and dot product at its tip, and each embedding arrow its word
    (on the default sentence there is room for all of them); keys the mask hides later get their word where
    there is room (a short arrow near the origin may have none)."""
    _, scene = rendered("QueriesMeetKeys", fmt="png")
    trace, keys = scene.meet_trace, scene.meet_keys
    visible = [j for j in keys if not scene.meet_masked(trace, scene.meet_query, j)]
    assert sorted(scene.meet_tip_keys) == visible
    words = [m.text for m in scene.meet_tips[1:]]                      # after the query's own label
    scored = [f"{trace.key_tokens[j]}{format_number(float(trace.scores[scene.head, scene.meet_query, j]))}"
              for j in visible]
    assert sorted(words[:len(visible)]) == sorted(scored)               # every visible key, with its dot product
    masked = [trace.key_tokens[j] for j in keys if j not in visible]
    assert set(words[len(visible):]) <= set(masked), "then masked keys' words alone, where there is room"
    assert sorted(m.text for m in scene.meet_embedding_words) == sorted(trace.tokens)
    for group in (scene.meet_tips, scene.meet_embedding_words):        # no two names on each other
        boxes = [(m.get_left()[0], m.get_bottom()[1], m.get_right()[0], m.get_top()[1]) for m in group]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_the_product_row_by_row_shows_the_real_matrix_and_query(rendered):
    _, scene = rendered("QueriesMeetKeys", fmt="png")
    trace, h = scene.trace(), scene.head
    qi = scene.settings.query_index(trace)
    texts, values = shown_text(scene, "w_q")
    np.testing.assert_array_equal(values, trace.w_q[h][:5, :4].T)
    assert texts == [format_number(float(v)) for v in np.asarray(values).flatten()]
    _, product = shown_text(scene, "qk_product")
    np.testing.assert_allclose(product, matrix_vector_product(trace.w_q[h], trace.embeddings[qi])[:4])
    texts, bias = shown_text(scene, "qk_bias")
    assert texts == [format_number(float(v)) for v in bias]
    np.testing.assert_allclose(product + bias, trace.q[h, qi][:4], atol=1e-5)   # W_Q·E⃗ + b⃗ = Q⃗
    texts, values = shown_text(scene, "qk_query")
    np.testing.assert_array_equal(values, trace.q[h, qi][:4])
    assert texts == [format_number(float(v)) for v in values]
    digits = [m for eq in scene.meet_equations for m in eq.matrix_entries]
    assert min(m.height for m in digits) >= 12 * PX_720, "matrix digits under 12 px at 720p"


@pytest.mark.parametrize("sentence", ["a cat", FOURTEEN])
def test_layout_from_two_to_fourteen_tokens(sentence, rendered, tiny, tmp_path):
    from tests.frame_checks import checked_sections

    with checked_sections() as checks:       # every section's end: inside the frame, no overlaps, ≥ 12 px
        _, scene = tiny("QueriesMeetKeys", tmp_path, fmt="mp4" if sentence == "a cat" else "png", model="toy",
                        sentence=sentence)
    assert not checks, checks.report()
    assert len(scene.trace().tokens) == len(sentence.split())
    if sentence == "a cat":   # a video: one section per beat
        names = [s.name for s in scene.renderer.file_writer.sections]
        assert names == ["question", "W_Q·E row by row", "keys", "mapped to query/key space", "dot products"]
    assert_inside_frame(scene)
    assert_no_text_overlaps(scene)
    drawn, _ = scene.shown["plane_scores"]
    assert len(drawn) == len(sentence.split())
