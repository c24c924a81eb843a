"""Weight sources: where the embeddings and attention weights come from.

A source tokenizes a sentence, runs its forward pass, and hands over one layer's
attention weights. The trace does not care which source it got.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Protocol

import torch
from torch import Tensor

from .attention import HeadWeights, attend
from .errors import InputError
from .tokenize import word_tokenize


@dataclass(frozen=True)
class Encoding:
    """One sentence run through a model: its tokens and every layer's hidden state."""

    tokens: tuple[str, ...]
    words: tuple[tuple[str, tuple[int, ...]], ...]  # each word of the sentence → its token indices
    token_embeddings: Tensor   # [T, d]   looked up by token only
    positions: Tensor          # [T, d]   the positional part
    input_embeddings: Tensor   # [T, d]   token + position (+ segment), before any normalisation
    hidden_states: Tensor      # [L+1, T, d]  input of each layer; the last is the model's output
    patterns: Tensor           # [L, h, T, T]  every layer's attention pattern in the forward pass


class WeightSource(Protocol):
    name: str
    description: str
    n_layers: int
    n_heads: int
    d_model: int
    d_head: int
    device: torch.device

    def encode(self, sentence: str, causal: bool = False, special_tokens: bool = True) -> Encoding: ...

    def layer_weights(self, layer: int) -> HeadWeights: ...


def check_layer(source: WeightSource, layer: int) -> None:
    if not 0 <= layer < source.n_layers:
        last = source.n_layers - 1
        choices = "0" if last == 0 else f"0–{last}"
        raise InputError(f"layer {layer} is out of range: {source.name} has layers {choices}")


def check_head(source: WeightSource, head: int) -> None:
    if not 0 <= head < source.n_heads:
        raise InputError(f"head {head} is out of range: {source.name} has heads 0–{source.n_heads - 1}")


# --- toy -------------------------------------------------------------------------------------

def sinusoidal_positions(n_positions: int, d_model: int) -> Tensor:
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d))."""
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]                # [T, 1]
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)[None, :]            # [1, ⌈d/2⌉]
    angle = pos / 10000 ** (two_i / d_model)                                     # [T, ⌈d/2⌉]
    pe = torch.zeros(n_positions, d_model, dtype=torch.float64)                  # [T, d]
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe.float()


def _stable_seed(*parts: object) -> int:
    """A seed from text that is the same in every process (Python's hash() is salted)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little") & 0x7FFF_FFFF_FFFF_FFFF


def _normal(shape: tuple[int, ...], seed: int, std: float = 1.0) -> Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen, dtype=torch.float32) * std


class ToyModel:
    """A seeded one-layer model, small enough that every entry can be shown.

    Token embeddings are keyed by the token's text (case-folded), so the same word starts
    from the same vector in every sentence; positions are sinusoidal.
    """

    name = "toy"
    n_layers = 1

    def __init__(self, d_model: int = 12, n_heads: int = 3, seed: int = 0, device: torch.device | None = None) -> None:
        if d_model < 2 or d_model > 4096:
            raise InputError(f"toy d_model must be between 2 and 4096, got {d_model}")
        if n_heads < 1 or d_model % n_heads:
            divisors = ", ".join(str(n) for n in range(1, d_model + 1) if d_model % n == 0)
            raise InputError(f"{n_heads} heads do not divide d_model {d_model}: choose one of {divisors}")
        if seed < 0:
            raise InputError(f"the seed must be a non-negative integer, got {seed}")
        self.d_model = d_model
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.seed = seed
        self.device = device or torch.device("cpu")
        self.description = f"toy model (seed {seed}, d_model {d_model}, {n_heads} heads)"
        self._weights = self._make_weights().to(self.device)

    def _make_weights(self) -> HeadWeights:
        h, d, c = self.n_heads, self.d_model, self.d_head
        s = self.seed
        return HeadWeights(
            w_q=_normal((h, d, c), _stable_seed(s, "w_q"), 1 / math.sqrt(d)),
            b_q=torch.zeros(h, c),
            w_k=_normal((h, d, c), _stable_seed(s, "w_k"), 1 / math.sqrt(d)),
            b_k=torch.zeros(h, c),
            w_v_down=_normal((h, d, c), _stable_seed(s, "w_v_down"), 1 / math.sqrt(d)),
            b_v=torch.zeros(h, c),
            w_v_up=_normal((h, c, d), _stable_seed(s, "w_v_up"), 1 / math.sqrt(h * c)),
            b_o=torch.zeros(d),
        )

    def token_embedding(self, token: str) -> Tensor:
        """The initial embedding of a token: a function of its text and the seed only."""
        return _normal((self.d_model,), _stable_seed(self.seed, "token", token.casefold()))  # [d]

    def encode(self, sentence: str, causal: bool = False, special_tokens: bool = True) -> Encoding:
        """Word tokens (the toy model has no special tokens), embeddings, one attention layer."""
        tokens = word_tokenize(sentence)
        tok = torch.stack([self.token_embedding(t) for t in tokens]).to(self.device)   # [T, d]
        pos = sinusoidal_positions(len(tokens), self.d_model).to(self.device)          # [T, d]
        e = tok + pos                                                                  # [T, d]
        out = attend(e, e, self._weights, causal)
        return Encoding(
            tokens=tuple(tokens),
            words=tuple((t, (i,)) for i, t in enumerate(tokens)),
            token_embeddings=tok,
            positions=pos,
            input_embeddings=e,
            hidden_states=torch.stack([e, out["updated"]]),   # [2, T, d]
            patterns=out["pattern"][None],                      # [1, h, T, T]
        )

    def layer_weights(self, layer: int) -> HeadWeights:
        check_layer(self, layer)
        return self._weights
