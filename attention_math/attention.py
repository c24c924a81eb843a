"""Scaled dot-product attention, one formula step per function.

Convention (the standard one): rows are queries, columns are keys, and the softmax
runs over keys (the last axis). Scenes display the transpose: queries as columns,
keys as rows, softmax down each column. See ``AttentionTrace.pattern_on_screen``.

Shapes: T tokens, d = d_model, h = n_heads, c = d_head; T_q / T_k where queries and
keys may come from different sequences (cross-attention). Every step also takes a leading
batch axis (training the tiny decoder uses that); the shape comments show one sequence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass(frozen=True)
class HeadWeights:
    """One layer's attention weights, split per head (value-down/value-up factored)."""

    w_q: Tensor        # [h, d, c]
    b_q: Tensor        # [h, c]
    w_k: Tensor        # [h, d, c]
    b_k: Tensor        # [h, c]
    w_v_down: Tensor   # [h, d, c]
    b_v: Tensor        # [h, c]
    w_v_up: Tensor     # [h, c, d]   rows of W_O that belong to each head
    b_o: Tensor        # [d]

    @property
    def n_heads(self) -> int:
        return self.w_q.shape[0]

    @property
    def d_model(self) -> int:
        return self.w_q.shape[1]

    @property
    def d_head(self) -> int:
        return self.w_q.shape[2]

    def output_matrix(self) -> Tensor:
        """W_O: the value-up matrices stapled together, [h·c, d]."""
        return self.w_v_up.reshape(self.n_heads * self.d_head, self.d_model)  # [h·c, d]

    def to(self, device: torch.device) -> HeadWeights:
        return HeadWeights(**{name: getattr(self, name).to(device) for name in self.__dataclass_fields__})


def project(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """Per-head projection: P_h = X · W_h + b_h (queries, keys, or value-down)."""
    return torch.einsum("...td,hdc->...htc", x, w) + b[:, None, :]  # [h, T, c] (or [B, h, T, c])


def scores(q: Tensor, k: Tensor) -> Tensor:
    """Dot products: S[h, i, j] = Q_h[i] · K_h[j]  (rows = queries i, columns = keys j)."""
    return q @ k.transpose(-1, -2)  # [h, T_q, T_k]


def scale(s: Tensor, d_head: int) -> Tensor:
    """Divide by the square root of the key dimension: S / √d_head."""
    return s / math.sqrt(d_head)  # [h, T_q, T_k]


def causal_mask(s: Tensor) -> Tensor:
    """Set entries where the key comes after the query (j > i) to −∞."""
    t_q, t_k = s.shape[-2:]
    future = torch.ones(t_q, t_k, dtype=torch.bool, device=s.device).triu(diagonal=1)  # [T_q, T_k]
    return s.masked_fill(future, float("-inf"))  # [h, T_q, T_k]


def padding_mask(s: Tensor, key_padding: Tensor) -> Tensor:
    """Set the entries of padded keys to −∞, for every query: the softmax gives them weight 0.

    Parameters
    ----------
    s : Tensor
        Scores, [B, h, T_q, T_k] (or [h, T_q, T_k] for one sequence).
    key_padding : Tensor
        bool, [B, T_k] (or [T_k]): True at each key that is <pad>.

    Returns
    -------
    Tensor
        ``s`` with the padded keys' columns at −∞, [B, h, T_q, T_k].

    Examples
    --------
    >>> padding_mask(torch.zeros(1, 1, 2, 3), torch.tensor([[False, False, True]]))[0, 0]
    tensor([[0., 0., -inf],
            [0., 0., -inf]])
    """
    return s.masked_fill(key_padding[..., None, None, :], float("-inf"))  # [B, h, T_q, T_k]


def softmax_over_keys(s: Tensor) -> Tensor:
    """A[h, i, :] = softmax(S[h, i, :]): each query's weights over the keys sum to 1."""
    return torch.softmax(s, dim=-1)  # [h, T_q, T_k]


def value_up(v: Tensor, w_v_up: Tensor) -> Tensor:
    """Value-up: V↑_h = V_h · W↑_h takes each value vector back to d_model."""
    return v @ w_v_up  # [h, T_k, d]


def weighted_sum(pattern: Tensor, values: Tensor) -> Tensor:
    """ΔE_h[i] = Σ_j A[h, i, j] · V↑_h[j]: each head's proposed change to each position."""
    return pattern @ values  # [h, T_q, d]


def sum_heads(delta_per_head: Tensor, b_o: Tensor) -> Tensor:
    """ΔE = Σ_h ΔE_h + b_O: the heads' proposals add up."""
    return delta_per_head.sum(dim=-3) + b_o  # [T_q, d]


def concat_heads_output(pattern: Tensor, v: Tensor, w_o: Tensor, b_o: Tensor) -> Tensor:
    """The same ΔE written as concat_h(A_h · V_h) · W_O + b_O (W_O = stapled value-ups)."""
    heads = pattern @ v  # [h, T_q, c]
    concat = heads.transpose(0, 1).reshape(heads.shape[1], -1)  # [T_q, h·c]
    return concat @ w_o + b_o  # [T_q, d]


def add_residual(e: Tensor, delta: Tensor) -> Tensor:
    """E′ = E + ΔE."""
    return e + delta  # [T_q, d]


def attend(x_query: Tensor, x_context: Tensor, w: HeadWeights, causal: bool,
           key_padding: Tensor | None = None) -> dict[str, Tensor]:
    """Every intermediate of multi-head attention, named; self-attention when x_context is x_query.

    Parameters
    ----------
    x_query : Tensor
        The queries' hidden states, [T_q, d] (or [B, T_q, d]).
    x_context : Tensor
        The keys' and values' hidden states, [T_k, d] (or [B, T_k, d]); ``x_query`` itself for self-attention.
    w : HeadWeights
        One layer's attention weights.
    causal : bool
        Set the scores of keys after their query to −∞ (``causal_mask``).
    key_padding : Tensor, optional
        bool, [B, T_k]: True at each padded key, whose scores are set to −∞ (``padding_mask``), so a
        batch of sentences of different lengths gives each sentence its own attention. None: no padding.

    Returns
    -------
    dict[str, Tensor]
        q, k, v, scores, scaled, masked (after the causal and padding masks), pattern, values_up,
        delta_per_head, delta, updated.

    Examples
    --------
    >>> from attention_math.sources import ToyModel
    >>> w = ToyModel(d_model=12, n_heads=3).layer_weights(0)
    >>> x = torch.randn(2, 5, 12)                                            # two sequences of 5
    >>> pads = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])         # the second: 3 words, 2 <pad>
    >>> out = attend(x, x, w, causal=False, key_padding=pads)
    >>> out["pattern"].shape
    torch.Size([2, 3, 5, 5])
    >>> bool((out["pattern"][1, :, :, 3:] == 0).all())                     # no weight on a <pad>
    True
    """
    q = project(x_query, w.w_q, w.b_q)                 # [h, T_q, c]
    k = project(x_context, w.w_k, w.b_k)               # [h, T_k, c]
    v = project(x_context, w.w_v_down, w.b_v)          # [h, T_k, c]   value-down
    s = scores(q, k)                                   # [h, T_q, T_k]
    scaled = scale(s, w.d_head)                        # [h, T_q, T_k]
    masked = causal_mask(scaled) if causal else scaled # [h, T_q, T_k]
    if key_padding is not None:
        masked = padding_mask(masked, key_padding)     # [B, h, T_q, T_k]
    pattern = softmax_over_keys(masked)                # [h, T_q, T_k]
    values_up = value_up(v, w.w_v_up)                  # [h, T_k, d]
    delta_per_head = weighted_sum(pattern, values_up)  # [h, T_q, d]
    delta = sum_heads(delta_per_head, w.b_o)           # [T_q, d]
    updated = add_residual(x_query, delta)             # [T_q, d]
    return {
        "q": q, "k": k, "v": v,
        "scores": s, "scaled": scaled, "masked": masked, "pattern": pattern,
        "values_up": values_up, "delta_per_head": delta_per_head,
        "delta": delta, "updated": updated,
    }
