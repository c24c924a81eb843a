"""Context shifts meaning: one word's hidden state in several sentences, layer by layer.

The word starts from the same state in every sentence (same token, same position); attention
moves it. Where to? ``meaning_shift`` measures it against landmarks: the same word in a
reference sentence for each meaning ("the mole is a small animal that digs tunnels", …). At
every layer it gives the cosine similarity of each sentence's word to each landmark, which
landmark is nearest, and a 2-D picture that keeps that exact: the plane through the landmarks'
unit vectors (for three landmarks), in which the distance from a word to each landmark keeps
its order in the full space, so the nearest landmark on screen is the most similar one.
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

# "mole" is the second word of each, so it enters layer 0 with the same state in all three
DEFAULT_SENTENCES = ("the mole dug a tunnel under the garden", "one mole of carbon dioxide",
                     "a mole on her skin was removed")
DEFAULT_REFERENCES = ("the mole is a small animal that digs tunnels",
                      "a mole is a unit of amount of substance in chemistry", "a mole is a dark spot on the skin")
DEFAULT_MEANINGS = ("animal", "chemistry", "skin")


@dataclass(frozen=True)
class MeaningShift:
    word: str
    sentences: tuple[str, ...]
    references: tuple[str, ...]           # one sentence per meaning, the word used unambiguously
    meanings: tuple[str, ...]             # a name for each reference ("animal", …)
    model: str
    tokens: tuple[tuple[str, ...], ...]   # each sentence's tokens
    positions: tuple[int, ...]            # where the word is in each sentence
    token_embeddings: np.ndarray          # [S, d]  the word's token embedding in each sentence (identical)
    states: np.ndarray                    # [L+1, S, d]  its hidden state entering each layer (last: output)
    landmarks: np.ndarray                 # [L+1, M, d]  the word's hidden state in each reference sentence
    cosine: np.ndarray                    # [L+1, S, S]  cosine similarity of the sentences' states
    similarity: np.ndarray                # [L+1, S, M]  cosine of each sentence's state to each landmark
    nearest: np.ndarray                   # [L+1, S]  index of the most similar landmark (-1: a tie, e.g. layer 0)
    projected: np.ndarray                 # [L+1, S, 2]  the unit states in each layer's landmark plane
    landmarks_projected: np.ndarray       # [L+1, M, 2]  the unit landmarks in the same plane
    exact: bool                           # the plane holds every landmark (≤ 3), so nearest on screen = most similar

    def own_meaning_nearest(self, layer: int = -1) -> np.ndarray:
        """[S] bool: sentence s's word is nearest landmark s at ``layer``."""
        return self.nearest[layer] == np.arange(len(self.sentences))


def cosine_similarity(states: torch.Tensor) -> torch.Tensor:
    """[..., S, d] → [..., S, S]: cos θ between every pair of vectors."""
    unit = states / states.norm(dim=-1, keepdim=True)        # [..., S, d]
    return unit @ unit.transpose(-1, -2)                      # [..., S, S]


def cross_cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """[..., S, d], [..., M, d] → [..., S, M]: cos θ between each vector of ``a`` and each of ``b``."""
    a = a / a.norm(dim=-1, keepdim=True)                      # [..., S, d]
    b = b / b.norm(dim=-1, keepdim=True)                      # [..., M, d]
    return a @ b.transpose(-1, -2)                            # [..., S, M]


def nearest_landmark(similarity: torch.Tensor, tie: float = 1e-9) -> torch.Tensor:
    """[..., S, M] → [..., S]: the most similar landmark, or -1 where the top two tie (no nearest one)."""
    top = similarity.topk(min(2, similarity.shape[-1]), dim=-1)
    if similarity.shape[-1] < 2:
        return top.indices[..., 0]
    return torch.where(top.values[..., 0] - top.values[..., 1] > tie, top.indices[..., 0], -1)


def landmark_plane(landmarks: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """[M, d] unit landmarks → origin [d] and two orthonormal axes [2, d] of a plane through them.

    With M ≤ 3 the plane holds every landmark, so for any point x, |x − Lₖ|² = |P(x) − Lₖ|² + |x − P(x)|²:
    the distances to the landmarks keep their order. Oriented so that landmark 0 is straight up
    and landmark 1 to the left (the same picture at every layer).
    """
    origin = landmarks.mean(dim=0)                            # [d]
    centred = landmarks - origin                              # [M, d]
    _, s, vh = torch.linalg.svd(centred, full_matrices=True)
    axes = vh[:2]                                             # [2, d]
    if s.numel() == 0 or s[0] < 1e-9:                         # all landmarks at one point
        return origin, axes
    coords = centred @ axes.T                                 # [M, 2]
    angle = torch.atan2(coords[0, 1], coords[0, 0])           # landmark 0's direction …
    turn = torch.pi / 2 - angle                               # … turned to straight up
    c, n = torch.cos(turn), torch.sin(turn)
    axes = torch.stack([c * axes[0] - n * axes[1], n * axes[0] + c * axes[1]])   # rotated in the plane
    if landmarks.shape[0] > 1 and float((centred[1] @ axes[0])) > 0:
        axes = torch.stack([-axes[0], axes[1]])               # landmark 1 on the left
    return origin, axes


def project(points: torch.Tensor, origin: torch.Tensor, axes: torch.Tensor) -> torch.Tensor:
    """[..., d] → [..., 2]: coordinates in the plane."""
    return (points - origin) @ axes.T


def unit(x: torch.Tensor) -> torch.Tensor:
    return x / x.norm(dim=-1, keepdim=True)


def _word_states(encodings: list[Encoding], word: str, what: str) -> tuple[list[int], torch.Tensor]:
    try:
        positions = [_indices(enc, word, first_only=True)[0] for enc in encodings]
    except InputError:
        raise InputError(f"every sentence must contain {word!r}: check the {what} or the word") from None
    return positions, torch.stack([enc.hidden_states[:, i] for enc, i in zip(encodings, positions)], dim=1)


def meaning_shift(sentences: tuple[str, ...] | list[str] = DEFAULT_SENTENCES, word: str = "mole", *,
                  references: tuple[str, ...] | list[str] = DEFAULT_REFERENCES,
                  meanings: tuple[str, ...] | list[str] = DEFAULT_MEANINGS,
                  model: str = "minilm", device: str = "cpu", special_tokens: bool = True) -> MeaningShift:
    """Follow ``word`` through every layer of ``model`` in each sentence, against the references' ``word``."""
    if len(sentences) < 2:
        raise InputError("compare at least two sentences that share a word")
    if len(references) != len(sentences) or len(meanings) != len(sentences):
        raise InputError(f"give one reference sentence and one meaning name per sentence: {len(sentences)} "
                         f"sentences, {len(references)} references, {len(meanings)} meanings")
    source = get_source(model, device=resolve_device(device))
    with torch.no_grad():
        encodings = [source.encode(s, special_tokens=special_tokens) for s in sentences]
        positions, states = _word_states(encodings, word, "sentences")                          # [L+1, S, d]
        _, landmarks = _word_states([source.encode(s, special_tokens=special_tokens) for s in references],
                                    word, "reference sentences")                                  # [L+1, M, d]
        states, landmarks = states.double(), landmarks.double()
        cosine = cosine_similarity(states)                                                        # [L+1, S, S]
        similarity = cross_cosine(states, landmarks)                                              # [L+1, S, M]
        projected, landmarks_projected = [], []
        for layer in range(states.shape[0]):
            origin, axes = landmark_plane(unit(landmarks[layer]))
            projected.append(project(unit(states[layer]), origin, axes))                          # [S, 2]
            landmarks_projected.append(project(unit(landmarks[layer]), origin, axes))             # [M, 2]
        initial = torch.stack([enc.token_embeddings[i] for enc, i in zip(encodings, positions)])  # [S, d]
    return MeaningShift(
        word=word, sentences=tuple(sentences), references=tuple(references), meanings=tuple(meanings),
        model=source.name, tokens=tuple(enc.tokens for enc in encodings), positions=tuple(positions),
        token_embeddings=initial.cpu().numpy(), states=states.cpu().numpy(), landmarks=landmarks.cpu().numpy(),
        cosine=cosine.cpu().numpy(), similarity=similarity.cpu().numpy(),
        nearest=nearest_landmark(similarity).cpu().numpy(),
        projected=torch.stack(projected).cpu().numpy(), landmarks_projected=torch.stack(landmarks_projected).cpu().numpy(),
        exact=len(references) <= 3,
    )
