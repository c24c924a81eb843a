"""Words, not pieces: the merge of WordPiece tokens, the [CLS]+[SEP] key, the teaching head, new scenes' model."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from attention_math import build_trace, load_trace
from attention_math.heads import rank_teaching_heads, teaching_scores
from attention_math.words import (SPECIAL_KEY, key_groups, mean_matrix, merge_delta_per_key, merge_pattern, merge_scaled,
                                  query_groups, single_piece_keys, sum_matrix)

from .conftest import DEFAULT_SENTENCE

MY_CAT = "my cat ignores every word I say"


def _softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


# --- a tiny example, by hand ------------------------------------------------------------------

TOKENS = ("[CLS]", "ve", "##rdan", "forest", "[SEP]")
WORDS = (("[CLS]", (0,)), ("verdan", (1, 2)), ("forest", (3,)), ("[SEP]", (4,)))


def test_groups_drop_special_queries_and_pool_special_keys():
    assert query_groups(WORDS, TOKENS) == (("verdan", (1, 2)), ("forest", (3,)))
    assert key_groups(WORDS, TOKENS) == (("verdan", (1, 2)), ("forest", (3,)), (SPECIAL_KEY, (0, 4)))


def test_merged_pattern_is_mean_over_query_pieces_of_sum_over_key_pieces_by_hand():
    a = torch.tensor([[.2, .2, .2, .2, .2],
                      [.1, .3, .2, .4, .0],
                      [.5, .1, .1, .1, .2],
                      [.0, .6, .2, .1, .1],
                      [.3, .3, .3, .0, .1]], dtype=torch.float64)[None]      # [1, T, T]
    q, k = query_groups(WORDS, TOKENS), key_groups(WORDS, TOKENS)
    merged = merge_pattern(a, mean_matrix(q, 5), sum_matrix(k, 5))[0]
    # verdan = mean of rows 1, 2; to verdan = cols 1+2, to forest = col 3, to [CLS]+[SEP] = cols 0+4
    want = np.array([[((.3 + .2) + (.1 + .1)) / 2, (.4 + .1) / 2, ((.1 + .0) + (.5 + .2)) / 2],
                     [.6 + .2, .1, .0 + .1]])
    np.testing.assert_allclose(merged.numpy(), want)
    np.testing.assert_allclose(merged.sum(-1).numpy(), 1.0)


def test_softmax_of_merged_scaled_is_the_merged_pattern_by_hand():
    s = torch.randn(2, 5, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    q, k = query_groups(WORDS, TOKENS), key_groups(WORDS, TOKENS)
    mq, sk = mean_matrix(q, 5), sum_matrix(k, 5)
    np.testing.assert_allclose(_softmax(merge_scaled(s, mq, sk).numpy()),
                               merge_pattern(torch.softmax(s, -1), mq, sk).numpy(), atol=1e-12)
    # a one-piece query word: the log-sum-exp of the key word's pieces' scores
    forest = merge_scaled(s, mq, sk)[:, 1]
    np.testing.assert_allclose(forest[:, 0].numpy(), torch.logsumexp(s[:, 3, [1, 2]], -1).numpy(), atol=1e-12)
    np.testing.assert_allclose(forest[:, 1].numpy(), s[:, 3, 3].numpy(), atol=1e-12)


def test_delta_per_key_sums_each_key_words_pieces_own_terms_by_hand():
    a = torch.softmax(torch.randn(1, 5, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(4)), -1)
    up = torch.randn(1, 5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    q, k = query_groups(WORDS, TOKENS), key_groups(WORDS, TOKENS)
    c = merge_delta_per_key(a, up, mean_matrix(q, 5), sum_matrix(k, 5))[0]          # [W, K, d]
    term = lambda i, j: a[0, i, j] * up[0, j]                                          # noqa: E731
    # from "verdan" (rows 1, 2) to "verdan" (cols 1, 2), to [CLS]+[SEP] (cols 0, 4); from "forest" to "forest"
    np.testing.assert_allclose(c[0, 0].numpy(), ((term(1, 1) + term(1, 2)) + (term(2, 1) + term(2, 2))).numpy() / 2)
    np.testing.assert_allclose(c[0, 2].numpy(), ((term(1, 0) + term(1, 4)) + (term(2, 0) + term(2, 4))).numpy() / 2)
    np.testing.assert_allclose(c[1, 1].numpy(), term(3, 3).numpy())
    np.testing.assert_allclose(c.sum(1).numpy(), (mean_matrix(q, 5) @ (a[0] @ up[0])).numpy(), atol=1e-12)


def test_single_piece_keys_are_the_exact_pairs():
    q, k = query_groups(WORDS, TOKENS), key_groups(WORDS, TOKENS)
    assert single_piece_keys(q, 1, k) == [1], "forest: itself; not verdan (2 pieces) nor [CLS]+[SEP]"
    assert single_piece_keys(q, 0, k) == [], "verdan: no key's Q·K is its score"


# --- on MiniLM --------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=[False, True], ids=["both-ways", "causal"])
def pair(request):
    kwargs = dict(model="minilm", layer=3, causal=request.param)
    return build_trace(DEFAULT_SENTENCE, **kwargs), build_trace(DEFAULT_SENTENCE, words=True, **kwargs)


def test_words_are_the_sentence_and_special_weight_is_one_last_key(pair):
    pieces, words = pair
    assert words.tokens == tuple(DEFAULT_SENTENCE.split())
    assert words.key_tokens == words.tokens + (SPECIAL_KEY,)
    assert words.merge["pieces"] == list(pieces.tokens)
    assert ["verdant", [8, 9, 10]] in words.merge["queries"]
    assert words.merge["keys"][-1] == [SPECIAL_KEY, [0, 12]]
    assert words.pattern.shape == (12, 8, 9) and words.k.shape == (12, 9, 32) and words.q.shape == (12, 8, 32)


def test_merged_tensors_against_the_piece_tensors(pair):
    pieces, words = pair
    p = pieces.pattern                                                    # [h, 13, 13]
    verdant, roamed = [8, 9, 10], [5, 6]
    # from "verdant" (mean over its 3 query pieces) to "roamed" (sum over its 2 key pieces)
    np.testing.assert_allclose(words.pattern[:, 6, 4], p[:, verdant][:, :, roamed].sum(-1).mean(-1), atol=1e-6)
    np.testing.assert_allclose(words.pattern[:, 6, 8], p[:, verdant][:, :, [0, 12]].sum(-1).mean(-1), atol=1e-6)
    np.testing.assert_allclose(words.special_share, words.pattern[:, :, -1], atol=1e-6)
    np.testing.assert_allclose(words.embeddings[6], pieces.embeddings[verdant].mean(0), atol=1e-6)
    np.testing.assert_allclose(words.k[:, -1], pieces.k[:, [0, 12]].mean(1), atol=1e-6)
    np.testing.assert_array_equal(words["pieces.pattern"], pieces.pattern)
    np.testing.assert_array_equal(words["pieces.masked"], pieces.masked)


def test_delta_per_key_sums_to_the_merged_delta_and_exact_keys_have_the_models_scores(pair):
    pieces, words = pair
    for h in range(words.n_heads):
        np.testing.assert_allclose(words.delta_per_key[h].astype(np.float64).sum(1), words.delta_per_head[h], atol=2e-6)
    # the [CLS]+[SEP] key: what [CLS] and [SEP] added, from "creature" (one piece, 4)
    np.testing.assert_allclose(words.delta_per_key[:, 3, -1],
                               (pieces.pattern[:, 4, [0, 12], None] * pieces.values_up[:, [0, 12]]).sum(1), atol=1e-6)
    np.testing.assert_allclose(words.delta_terms(2, 3), words.delta_per_key[2, 3])
    assert words.exact_score_keys(3) == [0, 1, 2, 3, 5, 7], "one-piece words: not roamed, verdant, [CLS]+[SEP]"
    assert words.exact_score_keys(6) == [] and pieces.exact_score_keys(4) == list(range(13))
    one = [1, 2, 3, 4, 7, 11]                                             # the pieces of a, fluffy, blue, creature, the, forest
    np.testing.assert_allclose(words.scores[:, 3][:, [0, 1, 2, 3, 5, 7]], pieces.scores[:, 4][:, one], rtol=1e-5, atol=1e-5)


def test_merged_pattern_columns_sum_to_one_and_are_the_softmax_of_merged_scores(pair):
    _, words = pair
    for head in range(words.n_heads):
        np.testing.assert_allclose(words.column_sums("pattern", head), 1.0, atol=1e-5)
    np.testing.assert_allclose(_softmax(words.masked.astype(np.float64)), words.pattern, atol=1e-5)
    np.testing.assert_allclose(words.scaled, words.scores / math.sqrt(words.d_head), rtol=1e-5, atol=1e-5)
    if not words.causal:                                  # the model's own forward pass reads both ways
        np.testing.assert_allclose(words.all_patterns[words.layer], words.pattern, atol=1e-6)


def test_causal_words_see_earlier_words_and_the_special_key(pair):
    _, words = pair
    if not words.causal:
        return
    w = len(words.tokens)
    future = np.triu(np.ones((w, w), dtype=bool), k=1)
    assert np.all(np.isneginf(words.masked[:, :, :w][:, future]))
    assert np.all(words.pattern[:, :, :w][:, future] == 0)
    assert np.all(np.isfinite(words.masked[:, :, :w][:, ~future])) and np.all(np.isfinite(words.masked[:, :, -1]))


def test_one_piece_words_without_specials_give_the_piece_trace_unchanged():
    kwargs = dict(model="minilm", layer=2, special_tokens=False)
    assert build_trace(MY_CAT, words=True, **kwargs) == build_trace(MY_CAT, **kwargs)
    assert build_trace(DEFAULT_SENTENCE, model="toy", words=True) == build_trace(DEFAULT_SENTENCE, model="toy")


def test_word_trace_round_trips_through_json_and_npz(tmp_path):
    words = build_trace("the verdant forest", model="minilm", layer=1, words=True)
    for suffix in (".json", ".npz"):
        back = load_trace(words.save(tmp_path / f"t{suffix}", full=True))
        assert back == words and back.key_tokens[-1] == SPECIAL_KEY and back.is_words


# --- the teaching head --------------------------------------------------------------------------

def test_teaching_score_prefers_a_head_on_words_over_parking_and_uniform():
    w = 4
    keys = ("the", "red", "fox", "ran", SPECIAL_KEY)
    parked = torch.zeros(w, w + 1, dtype=torch.float64)
    parked[:, -1] = 1                                               # everything on [CLS]+[SEP]
    uniform = torch.full((w, w + 1), 1 / (w + 1), dtype=torch.float64)
    relation = torch.zeros(w, w + 1, dtype=torch.float64)
    for i, j in enumerate((2, 2, 1, 2)):                            # each word on one other word
        relation[i, j if j != i else 0] = 1
    one_key = torch.zeros(w, w + 1, dtype=torch.float64)
    one_key[:, 0], one_key[0, 1] = 1, 1
    one_key[0, 0] = 0                                               # every word parks on "the"
    table = teaching_scores(torch.stack([parked, uniform, relation, one_key])[None], keys)[0]   # [4, 4]
    score = table[:, 0]
    assert int(score.argmax()) == 2
    assert float(score[0]) == 0.0 and float(score[1]) < 0.05 and float(score[3]) < 0.3
    assert torch.all((table >= 0) & (table <= 1 + 1e-9))


@pytest.mark.parametrize("sentence,want", [(DEFAULT_SENTENCE, (0, 2)), (MY_CAT, (0, 2))])
def test_teaching_head_of_minilm(sentence, want, minilm_source):
    ranked = rank_teaching_heads(minilm_source.encode(sentence))
    assert len(ranked) == 72 and (ranked[0].layer, ranked[0].head) == want
    assert ranked[0].score >= ranked[1].score >= ranked[-1].score


def test_settings_choose_the_teaching_head_and_say_so():
    from scenes.kit import SceneSettings

    auto = SceneSettings(model="minilm", sentence=MY_CAT)
    assert auto.model_layer_head() == ("minilm", 0, 2)
    assert auto.head_reason() == "chosen: most attention on words"
    assert auto.replace(layer=4, head=1).model_layer_head() == ("minilm", 4, 1)
    assert auto.replace(layer=4, head=1).head_reason() is None
    assert SceneSettings(model="toy").model_layer_head() == ("toy", 0, 0)
    assert SceneSettings(model="toy").head_reason() is None


def test_settings_show_words_by_default_and_pieces_on_request():
    from scenes.kit import SceneSettings

    settings = SceneSettings(model="minilm")
    assert settings.trace().tokens == tuple(DEFAULT_SENTENCE.split())
    assert settings.trace().key_tokens[-1] == SPECIAL_KEY
    assert settings.replace(pieces=True).trace().tokens[:2] == ("[CLS]", "a")
    assert SPECIAL_KEY not in settings.replace(special_tokens=False).trace().key_tokens


def test_settings_file_takes_pieces(tmp_path):
    from scenes.output.settings_file import load_settings_file

    path = tmp_path / "s.toml"
    path.write_text("pieces = true\n", encoding="utf-8")
    assert load_settings_file(str(path)).options["pieces"] is True


# --- new scenes follow their built-in's model -----------------------------------------------

@pytest.mark.parametrize("source", [None, "ScaledSoftmax", "QuadraticScaling"])
def test_new_scene_defaults_to_the_model_of_the_scene_it_starts_from(source, tmp_path, monkeypatch):
    from scenes import scene_class
    from scenes.kit import SceneSettings
    from scenes.kit.model_rules import models_like
    from scenes.output.new_scene import write_new_scene

    monkeypatch.chdir(tmp_path)
    path = write_new_scene("MyCopy", from_scene=source)
    cls = scene_class(f"{path.resolve()}:MyCopy")
    like = source or "ScaledSoftmax"
    assert models_like(cls) == like
    assert SceneSettings().for_scene(models_like(cls)).model == SceneSettings().for_scene(like).model
    if source != "QuadraticScaling":
        assert SceneSettings().for_scene(models_like(cls)).model == "tiny-gpt"
