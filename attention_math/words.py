"""From the model's tokens to the sentence's words: one word per row and column of the picture.

A WordPiece model splits "verdant" into ``ve ##rdan ##t`` and adds [CLS] and [SEP]. The merge
follows the attention-analysis literature (Clark et al. 2019, "What does BERT look at?"):

- attention *to* a word is the SUM over its pieces (keys): the weight a query gave to any of them;
- attention *from* a word is the MEAN over its pieces (queries);

so each word's row of the merged pattern still sums to 1 over the keys. Vectors (E, Q, K, V, ΔE,
E′) are averaged over a word's pieces.

[CLS] and [SEP] are no query words (their own attention is left out of the picture), but the
weight every word gave them stays in ONE extra key, last, labelled ``[CLS]+[SEP]``: nothing is
renormalised, so the columns on screen still sum to 1 and say where the rest went.

The pre-softmax grids (``scores``, ``scaled``, ``masked``) of a word cannot be summed. The merged
``scaled`` is the *effective score*: the logit whose softmax is the merged pattern exactly,

    scaled_w[i, J] = log( mean_{a∈i} Σ_{p∈J} softmax(scaled)[a, p] ) + mean_{a∈i} logsumexp_p scaled[a, p]

For a one-piece query word this is logsumexp_{p∈J} scaled[a, p]; for one-piece query and key it is
the model's own number. ``scores_w = √d_head · scaled_w`` (so scaled = scores / √d_head still holds),
and ``masked_w`` is the same formula on the masked grid (−∞ where every piece of the key is masked).
Since the merged vectors are means, Q_w·K_w is not scores_w, and Σ_J A_w[i, J]·V_w[J] is not ΔE_w
exactly when a key word has several pieces: ΔE_w is the mean of what the model computed. Two things
stay exact, and pictures draw only them:

- ``single_piece_keys``: a one-piece query word and a one-piece key word have the model's own Q·K;
- ``merge_delta_per_key``: what key word J added to query word i's ΔE_h, the mean over i's pieces of
  the sum over J's pieces of A[h, a, p]·V↑[h, p] (``delta_per_key``). Its sum over the keys (the
  [CLS]+[SEP] key included) is the merged ΔE_h exactly, whatever the pieces.

Causal masking: word J is visible to word i when any piece of J is visible to any piece of i. With
pieces in sentence order that is J ≤ i, the triangle of a word-level mask; [CLS] (position 0) is
visible to every piece, so the [CLS]+[SEP] key is never masked.

Shapes: T pieces, W words (queries), K = W (+1 with the special key), h heads, d width.
"""

from __future__ import annotations

import torch
from torch import Tensor

SPECIAL_TOKENS = ("[CLS]", "[SEP]")
SPECIAL_KEY = "[CLS]+[SEP]"
MERGE_RULE = ("to a word: sum over its pieces; from a word: mean over its pieces; vectors: mean over pieces; "
              "scores: effective (log of the merged weight + mean log-normaliser); "
              "[CLS]/[SEP]: no query rows, one key row " + SPECIAL_KEY)

Groups = tuple[tuple[str, tuple[int, ...]], ...]


def query_groups(words: Groups, tokens: tuple[str, ...]) -> Groups:
    """The words that are queries: every group of pieces but the special tokens."""
    return tuple((text, idx) for text, idx in words if not _is_special(tokens, idx))


def key_groups(words: Groups, tokens: tuple[str, ...]) -> Groups:
    """The keys: the query words, then one [CLS]+[SEP] key holding every special token (if any)."""
    special = tuple(i for text, idx in words if _is_special(tokens, idx) for i in idx)
    return query_groups(words, tokens) + (((SPECIAL_KEY, special),) if special else ())


def needs_merge(words: Groups, tokens: tuple[str, ...]) -> bool:
    """Whether merging changes anything: a word of several pieces, or a special token."""
    return any(len(idx) != 1 for _, idx in words) or any(t in SPECIAL_TOKENS for t in tokens)


def mean_matrix(groups: Groups, n_tokens: int) -> Tensor:
    """M[g, t] = 1/|g| for each piece t of group g: M @ X averages over pieces."""
    m = torch.zeros(len(groups), n_tokens, dtype=torch.float64)     # [G, T]
    for g, (_, idx) in enumerate(groups):
        m[g, list(idx)] = 1.0 / len(idx)
    return m


def sum_matrix(groups: Groups, n_tokens: int) -> Tensor:
    """S[g, t] = 1 for each piece t of group g: S @ x sums over pieces."""
    return (mean_matrix(groups, n_tokens) > 0).to(torch.float64)   # [G, T]


def merge_vectors(x: Tensor, mean: Tensor) -> Tensor:
    """One vector per word: the mean over its pieces, X_w = M · X."""
    return mean.to(x.device) @ x.double()                          # [..., G, d]


def merge_pattern(pattern: Tensor, mean_q: Tensor, sum_k: Tensor) -> Tensor:
    """A_w = M_q · A · S_kᵀ: mean over the query's pieces of the sum over the key's pieces."""
    from_words = mean_q.to(pattern.device) @ pattern.double()      # [..., W, T_k]
    return from_words @ sum_k.to(pattern.device).T                 # [..., W, K]


def merge_scaled(scaled: Tensor, mean_q: Tensor, sum_k: Tensor) -> Tensor:
    """The effective scaled score of each (query word, key word): softmax over keys of it is A_w exactly."""
    s = scaled.double()                                            # [h, T_q, T_k]
    log_norm = torch.logsumexp(s, dim=-1)                          # [h, T_q]  each piece's log-normaliser
    weights = merge_pattern(torch.softmax(s, dim=-1), mean_q, sum_k)   # [h, W, K]
    mean_norm = log_norm @ mean_q.to(s.device).T                   # [h, W]
    return torch.log(weights) + mean_norm[..., None]               # [h, W, K]  (−∞ where A_w is 0)


def merge_delta_per_key(pattern: Tensor, values_up: Tensor, mean_q: Tensor, sum_k: Tensor) -> Tensor:
    """C[h, i, J] = mean_{a∈i} Σ_{p∈J} A[h, a, p] · V↑[h, p]: what key word J adds to query word i's ΔE_h.

    Σ_J C[h, i, J] = mean_{a∈i} Σ_p A[h, a, p]·V↑[h, p] = mean_{a∈i} ΔE_h[a], the merged ΔE_h, exactly
    (every piece is in one key group)."""
    from_words = mean_q.to(pattern.device) @ pattern.double()      # [h, W, T_k]  mean over the query's pieces
    return torch.einsum("hwp,kp,hpd->hwkd", from_words, sum_k.to(pattern.device), values_up.double())   # [h, W, K, d]


def single_piece_keys(groups: Groups, query: int, keys: Groups) -> list[int]:
    """The keys whose Q·K is the model's own score for query word ``query``: none unless that word is one
    piece; then every key word of one piece (never the [CLS]+[SEP] key, which holds two tokens or more).

    >>> words = (("a", (1,)), ("verdant", (2, 3, 4)), ("cat", (5,)))
    >>> single_piece_keys(words, 0, words + ((SPECIAL_KEY, (0, 6)),)), single_piece_keys(words, 1, words)
    ([0, 2], [])
    """
    if len(groups[query][1]) != 1:
        return []
    return [j for j, (text, idx) in enumerate(keys) if len(idx) == 1 and text != SPECIAL_KEY]


def special_share(pattern: Tensor, mean_q: Tensor, special: tuple[int, ...]) -> Tensor:
    """How much of each query word's attention went to [CLS]/[SEP]: mean over its pieces of their sum."""
    to_special = pattern.double()[..., list(special)].sum(dim=-1)  # [h, T_q]
    return to_special @ mean_q.to(pattern.device).T                # [h, W]


def _is_special(tokens: tuple[str, ...], idx: tuple[int, ...]) -> bool:
    return len(idx) == 1 and tokens[idx[0]] in SPECIAL_TOKENS
