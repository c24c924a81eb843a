"""The traced attention equals PyTorch's own implementations on the same weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from attention_math import build_trace
from attention_math.attention import HeadWeights

from .conftest import DEFAULT_SENTENCE

CASES = [("toy", 0, 1), ("toy", 0, 3), ("toy", 0, 6), ("minilm", 0, None), ("minilm", 5, None)]


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("model,layer,heads", CASES)
def test_matches_scaled_dot_product_attention(model, layer, heads, causal):
    trace = build_trace(DEFAULT_SENTENCE, model=model, layer=layer, heads=heads, causal=causal)
    q, k = torch.from_numpy(trace.q.copy()), torch.from_numpy(trace.k.copy())
    values_up = torch.from_numpy(trace.values_up.copy())
    expected = F.scaled_dot_product_attention(q, k, values_up, is_causal=causal)   # [h, T, d]
    np.testing.assert_allclose(trace.delta_per_head, expected.numpy(), atol=2e-5, rtol=1e-4)


def _mha_from_trace(trace, b_o: torch.Tensor) -> torch.nn.MultiheadAttention:
    h, d, c = trace.n_heads, trace.d_model, trace.d_head
    mha = torch.nn.MultiheadAttention(d, h, batch_first=True, bias=True)

    def full(w):  # [h, d, c] → [d, h·c], the un-split projection
        return torch.from_numpy(w.copy()).permute(1, 0, 2).reshape(d, h * c)

    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([full(trace.w_q), full(trace.w_k), full(trace.w_v_down)], dim=1).T)
        mha.out_proj.weight.copy_(torch.from_numpy(trace.w_v_up.copy()).reshape(h * c, d).T)
        mha.out_proj.bias.copy_(b_o)
    return mha


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("heads", [1, 3, 4])
def test_matches_nn_multihead_attention(heads, causal):
    """Toy weights have zero biases, so nn.MultiheadAttention with zero in-proj bias is the same layer."""
    trace = build_trace(DEFAULT_SENTENCE, model="toy", heads=heads, causal=causal)
    mha = _mha_from_trace(trace, torch.zeros(trace.d_model))
    with torch.no_grad():
        mha.in_proj_bias.zero_()
        e = torch.from_numpy(trace.embeddings.copy())[None]                       # [1, T, d]
        t = e.shape[1]
        mask = torch.ones(t, t, dtype=torch.bool).triu(1) if causal else None
        out, weights = mha(e, e, e, attn_mask=mask, average_attn_weights=False)
    np.testing.assert_allclose(trace.delta, out[0].numpy(), atol=2e-5)
    np.testing.assert_allclose(trace.pattern, weights[0].numpy(), atol=2e-6)


def test_minilm_layer_matches_nn_multihead_attention(minilm_source):
    """MiniLM's layer (with its real biases) through nn.MultiheadAttention."""
    trace = build_trace(DEFAULT_SENTENCE, model="minilm", layer=3)
    w: HeadWeights = minilm_source.layer_weights(3)
    mha = _mha_from_trace(trace, w.b_o)
    with torch.no_grad():
        mha.in_proj_bias.copy_(torch.cat([w.b_q.flatten(), w.b_k.flatten(), w.b_v.flatten()]))
        e = torch.from_numpy(trace.embeddings.copy())[None]
        out, weights = mha(e, e, e, average_attn_weights=False)
    np.testing.assert_allclose(trace.delta, out[0].numpy(), atol=1e-4)
    np.testing.assert_allclose(trace.pattern, weights[0].numpy(), atol=1e-5)


def test_cross_attention_matches_sdpa():
    trace = build_trace("the cat sat", model="minilm", layer=2, context="le chat était assis")
    assert trace.context_tokens is not None and trace.pattern.shape == (12, len(trace.tokens), len(trace.context_tokens))
    expected = F.scaled_dot_product_attention(
        torch.from_numpy(trace.q.copy()), torch.from_numpy(trace.k.copy()), torch.from_numpy(trace.values_up.copy()))
    np.testing.assert_allclose(trace.delta_per_head, expected.numpy(), atol=2e-5)
    np.testing.assert_allclose(trace.pattern.sum(-1), 1.0, atol=1e-5)


@pytest.mark.parametrize("causal", [False, True])
def test_key_padding_matches_sdpa_with_a_key_mask(causal):
    """attend's key_padding: PyTorch's attention with the padded keys left out of every query's softmax."""
    from attention_math.attention import attend
    from attention_math.sources import ToyModel

    w = ToyModel(d_model=12, n_heads=3, seed=2).layer_weights(0)
    x = torch.randn(2, 5, 12, generator=torch.Generator().manual_seed(0))          # [B, T, d]
    key_padding = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])           # [B, T]: the second has 2 pads
    out = attend(x, x, w, causal=causal, key_padding=key_padding)
    keep = ~key_padding[:, None, None, :]                                           # [B, 1, 1, T]
    if causal:
        keep = keep & torch.ones(5, 5, dtype=torch.bool).tril()
    expected = F.scaled_dot_product_attention(out["q"], out["k"], out["values_up"], attn_mask=keep)   # [B, h, T, d]
    np.testing.assert_allclose(out["delta_per_head"].numpy(), expected.numpy(), atol=2e-5)
    assert torch.all(out["pattern"][1, ..., 3:] == 0)
