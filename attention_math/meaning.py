"""Context shifts meaning: one word's hidden state in several sentences, layer by layer.

The word starts from the same token embedding in every sentence; attention moves its hidden
states apart. ``meaning_shift`` measures that on a real model: the states, their cosine
similarities at each layer, and a 2-D PCA projection fitted on every token of every sentence
at every layer (one projection for all, so the trails are comparable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .device import resolve_device
from .errors import InputError
from .heads import _indices
from .sources import Encoding
from .weights import get_source

DEFAULT_SENTENCES = ("American shrew mole", "one mole of carbon dioxide", "take a biopsy of the mole")


@dataclass(frozen=True)
class MeaningShift:
    word: str
    sentences: tuple[str, ...]
    model: str
    tokens: tuple[tuple[str, ...], ...]   # each sentence's tokens
    positions: tuple[int, ...]            # where the word is in each sentence
    token_embeddings: np.ndarray          # [S, d]  the word's initial embedding in each sentence (identical)
    states: np.ndarray                    # [L+1, S, d]  its hidden state entering each layer (last: output)
    cosine: np.ndarray                    # [L+1, S, S]  cosine similarity of the states at each layer
    projected: np.ndarray                 # [L+1, S, 2]  the states in the shared PCA plane
    explained: tuple[float, float]        # fraction of variance along the two PCA axes


def cosine_similarity(states: torch.Tensor) -> torch.Tensor:
    """[..., S, d] → [..., S, S]: cos θ between every pair of vectors."""
    unit = states / states.norm(dim=-1, keepdim=True)        # [..., S, d]
    return unit @ unit.transpose(-1, -2)                      # [..., S, S]


def pca_plane(points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The mean [d], the top two principal axes [2, d] (signs fixed) and their variance fractions [2]."""
    mean = points.mean(dim=0)                                 # [d]
    _, s, vh = torch.linalg.svd(points - mean, full_matrices=False)
    axes = vh[:2]                                             # [2, d]
    signs = torch.sign(axes[torch.arange(2), axes.abs().argmax(dim=1)])
    axes = axes * signs[:, None]                              # largest loading positive: deterministic
    variance = s**2 / (s**2).sum()
    return mean, axes, variance[:2]


def project(points: torch.Tensor, mean: torch.Tensor, axes: torch.Tensor) -> torch.Tensor:
    """[..., d] → [..., 2]: coordinates in the PCA plane."""
    return (points - mean) @ axes.T


def meaning_shift(sentences: tuple[str, ...] | list[str] = DEFAULT_SENTENCES, word: str = "mole", *,
                  model: str = "minilm", device: str = "cpu", special_tokens: bool = True) -> MeaningShift:
    """Follow ``word`` through every layer of ``model`` in each sentence."""
    if len(sentences) < 2:
        raise InputError("compare at least two sentences that share a word")
    source = get_source(model, device=resolve_device(device))
    with torch.no_grad():
        encodings: list[Encoding] = [source.encode(s, special_tokens=special_tokens) for s in sentences]
        try:
            positions = [_indices(enc, word, first_only=True)[0] for enc in encodings]
        except InputError:
            raise InputError(f"every sentence must contain {word!r}: check the sentences or the word") from None
        states = torch.stack([enc.hidden_states[:, i] for enc, i in zip(encodings, positions)], dim=1)  # [L+1, S, d]
        everything = torch.cat([enc.hidden_states.flatten(0, 1) for enc in encodings])                 # [N, d]
        mean, axes, variance = pca_plane(everything.double())
        projected = project(states.double(), mean, axes)                                               # [L+1, S, 2]
        cosine = cosine_similarity(states.double())                                                     # [L+1, S, S]
        initial = torch.stack([enc.token_embeddings[i] for enc, i in zip(encodings, positions)])       # [S, d]
    return MeaningShift(
        word=word, sentences=tuple(sentences), model=source.name, tokens=tuple(enc.tokens for enc in encodings),
        positions=tuple(positions), token_embeddings=initial.cpu().numpy(), states=states.cpu().numpy(),
        cosine=cosine.cpu().numpy(), projected=projected.cpu().numpy(),
        explained=(float(variance[0]), float(variance[1])),
    )
