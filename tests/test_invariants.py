"""Invariants of the trace that hold for any sentence and weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from attention_math import build_trace
from attention_math.attention import concat_heads_output
from attention_math.sources import ToyModel, sinusoidal_positions

from .conftest import DEFAULT_SENTENCE


@pytest.fixture(params=[("toy", 0), ("minilm", 4)], ids=["toy", "minilm"])
def causal_trace(request):
    model, layer = request.param
    return build_trace(DEFAULT_SENTENCE, model=model, layer=layer, causal=True)


def test_rows_sum_to_one_and_on_screen_columns_sum_to_one(causal_trace):
    np.testing.assert_allclose(causal_trace.pattern.sum(axis=-1), 1.0, atol=1e-5)
    for head in range(causal_trace.n_heads):
        np.testing.assert_allclose(causal_trace.on_screen("pattern", head).sum(axis=0), 1.0, atol=1e-5)


def test_on_screen_is_the_transpose(causal_trace):
    """Math: rows = queries. Screen: queries as columns, keys as rows."""
    screen = causal_trace.on_screen("pattern", 1)
    t = len(causal_trace.tokens)
    for query in range(t):
        for key in range(t):
            assert screen[key, query] == causal_trace.pattern[1, query, key]


def test_masked_entries_are_minus_infinity_then_exactly_zero(causal_trace):
    t = len(causal_trace.tokens)
    future = np.triu(np.ones((t, t), dtype=bool), k=1)
    assert np.all(np.isneginf(causal_trace.masked[:, future]))
    assert np.all(np.isfinite(causal_trace.masked[:, ~future]))
    assert np.all(causal_trace.pattern[:, future] == 0.0)
    assert np.all(causal_trace.pattern[:, ~future] > 0.0)


def test_steps_follow_each_other(causal_trace):
    tr = causal_trace
    np.testing.assert_allclose(tr.scores, tr.q @ np.swapaxes(tr.k, -1, -2), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(tr.scaled, tr.scores / math.sqrt(tr.d_head), rtol=1e-6)
    np.testing.assert_allclose(tr.updated, tr.embeddings + tr.delta, rtol=1e-6, atol=1e-6)


def test_concat_times_output_matrix_equals_sum_of_head_deltas(minilm_source):
    trace = build_trace(DEFAULT_SENTENCE, model="minilm", layer=2)
    w = minilm_source.layer_weights(2)
    concat = concat_heads_output(torch.from_numpy(trace.pattern.copy()), torch.from_numpy(trace.v.copy()),
                                 w.output_matrix(), w.b_o)
    np.testing.assert_allclose(concat.numpy(), trace.delta, atol=2e-5)
    np.testing.assert_allclose(trace.delta_per_head.sum(0) + w.b_o.numpy(), trace.delta, atol=2e-5)


def test_not_causal_means_masked_equals_scaled():
    trace = build_trace(DEFAULT_SENTENCE, model="toy")
    np.testing.assert_array_equal(trace.masked, trace.scaled)


def test_same_word_same_initial_toy_embedding_in_two_sentences():
    a = build_trace("American shrew mole", model="toy")
    b = build_trace("take a biopsy of the mole", model="toy")
    np.testing.assert_array_equal(a.token_embeddings[2], b.token_embeddings[5])
    assert not np.array_equal(a.input_embeddings[2], b.input_embeddings[5])  # positions differ


def test_same_word_same_initial_minilm_embedding():
    a = build_trace("American shrew mole", model="minilm")
    b = build_trace("one mole of carbon dioxide", model="minilm")
    np.testing.assert_array_equal(a.token_embeddings[a.token_index("mole")], b.token_embeddings[b.token_index("mole")])


def test_sinusoidal_positions_formula():
    pe = sinusoidal_positions(10, 12)
    for pos in (0, 3, 9):
        for i in range(6):
            assert pe[pos, 2 * i] == pytest.approx(math.sin(pos / 10000 ** (2 * i / 12)), abs=1e-6)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(pos / 10000 ** (2 * i / 12)), abs=1e-6)


def test_toy_positions_are_the_added_part():
    trace = build_trace("one two three", model="toy")
    np.testing.assert_allclose(trace.input_embeddings, trace.token_embeddings + trace.positions)


def test_toy_tokenizer_keeps_punctuation():
    trace = build_trace("Hello, world! It's fine.", model="toy")
    assert trace.tokens == ("Hello", ",", "world", "!", "It's", "fine", ".")


def test_toy_seed_changes_weights_but_not_shapes():
    a, b = ToyModel(seed=0), ToyModel(seed=1)
    assert not torch.equal(a.layer_weights(0).w_q, b.layer_weights(0).w_q)
    assert a.layer_weights(0).w_q.shape == b.layer_weights(0).w_q.shape == (3, 12, 4)
