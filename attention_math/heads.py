"""The head finder: which (layer, head) of a model shows the relation a lecturer wants to teach."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .device import resolve_device
from .errors import InputError
from .sources import Encoding
from .weights import get_source


@dataclass(frozen=True)
class HeadScore:
    layer: int
    head: int
    weight: float   # attention from the query token to the chosen key tokens, summed


def _indices(enc: Encoding, word: str, first_only: bool) -> tuple[int, ...]:
    """Token indices of a word of the sentence (all its pieces, or the first for a query)."""
    wanted = word.strip().casefold()
    for text, indices in enc.words:
        if text.casefold() == wanted:
            return indices[:1] if first_only else indices
    for i, token in enumerate(enc.tokens):
        if token.casefold() == wanted:
            return (i,)
    words = " ".join(text for text, _ in enc.words)
    raise InputError(f"{word!r} is not a word of the sentence ({words})")


def rank_heads(enc: Encoding, query: str, keys: list[str]) -> list[HeadScore]:
    """Every (layer, head), best first, by the weight the query word puts on the key words."""
    if not keys:
        raise InputError("name at least one key word, e.g. --focus creature:fluffy,blue")
    q = _indices(enc, query, first_only=True)[0]
    ks = sorted({i for word in keys for i in _indices(enc, word, first_only=False)})
    weight = enc.patterns[:, :, q, ks].sum(dim=-1)            # [L, h]
    order = torch.argsort(weight.flatten(), descending=True, stable=True)
    n_heads = weight.shape[1]
    return [HeadScore(int(i) // n_heads, int(i) % n_heads, float(weight.flatten()[i])) for i in order]


def find_heads(sentence: str, query: str, keys: list[str], *, model: str = "minilm",
               device: str = "cpu", heads: int | None = None, seed: int = 0) -> list[HeadScore]:
    """Rank every head of ``model`` on ``sentence`` by attention from ``query`` to ``keys``."""
    if model == "translator":
        raise InputError("the translator's heads are ranked for alignment (`attention-render train --model translator` "
                         "reports the best); `heads` ranks self-attention: choose another --model")
    source = get_source(model, device=resolve_device(device), heads=heads, seed=seed)
    with torch.no_grad():
        return rank_heads(source.encode(sentence), query, keys)


def parse_focus(text: str) -> tuple[str, list[str]]:
    """'creature:fluffy,blue' → ('creature', ['fluffy', 'blue'])."""
    query, sep, keys = text.partition(":")
    key_list = [k.strip() for k in keys.split(",") if k.strip()]
    if not sep or not query.strip() or not key_list:
        raise InputError(f"--focus {text!r} is not QUERY:KEY[,KEY...]; e.g. --focus creature:fluffy,blue")
    return query.strip(), key_list


# --- the teaching head: chosen for any sentence ------------------------------------------------

TEACHING_RULE = "most attention on words"   # what the scenes say about an automatic choice


@dataclass(frozen=True)
class TeachingScore:
    layer: int
    head: int
    score: float     # content × focus × variety, in [0, 1]
    content: float   # mean share of a word's attention on the other words (not itself, [CLS]/[SEP], punctuation)
    focus: float     # mean 1 − normalised entropy of that share: 0 spread evenly, 1 on one word
    variety: float   # 1 − the largest share of all that attention one word receives: 0 when all park on one


def is_content(word: str) -> bool:
    """A word that carries meaning: it has a letter or digit ([CLS]+[SEP] and punctuation do not count)."""
    return any(ch.isalnum() for ch in word) and not word.startswith("[")


def word_level_patterns(enc: Encoding) -> tuple[Tensor, tuple[str, ...]]:
    """Every layer's pattern over the sentence's words ([L, h, W, K], the [CLS]+[SEP] key last) and the key labels."""
    from .words import key_groups, mean_matrix, merge_pattern, query_groups, sum_matrix

    q_groups, k_groups = query_groups(enc.words, enc.tokens), key_groups(enc.words, enc.tokens)
    mean_q = mean_matrix(q_groups, len(enc.tokens))                 # [W, T]
    sum_k = sum_matrix(k_groups, len(enc.tokens))                   # [K, T]
    return merge_pattern(enc.patterns, mean_q, sum_k), tuple(text for text, _ in k_groups)   # [L, h, W, K]


def teaching_scores(patterns: Tensor, keys: tuple[str, ...]) -> Tensor:
    """Score every head of word-level ``patterns`` [L, h, W, K] (query words first among the keys):
    returns [L, h, 4] = (score, content, focus, variety), score = content × focus × variety.

    content: per content query word, the attention on the *other* content words (not itself, not
    [CLS]/[SEP], not punctuation), averaged over the query words. focus: 1 − the entropy of that
    attention normalised by log(number of other content words), averaged: a head that spreads evenly
    over every word scores 0, one that picks a word scores 1. variety: 1 − the largest share of all
    the heads' word-to-word attention that one key word receives, so a head where every query parks
    on the same word scores near 0.
    """
    w = patterns.shape[-2]
    p = patterns.double()[..., :w]                                    # [L, h, W, W]  word keys only
    content = torch.tensor([is_content(k) for k in keys[:w]], dtype=torch.float64)   # [W]
    others = content[None, :] * (1 - torch.eye(w, dtype=torch.float64))             # [W, W]  content keys ≠ self
    to_words = p * others                                             # [L, h, W, W]
    mass = to_words.sum(-1)                                           # [L, h, W]
    share = to_words / mass.clamp_min(1e-12)[..., None]               # [L, h, W, W]  rows sum to 1
    entropy = -(share * torch.log(share.clamp_min(1e-12))).sum(-1)    # [L, h, W]
    n_others = others.sum(-1)                                         # [W]
    focus = torch.where(n_others > 1, 1 - entropy / torch.log(n_others.clamp_min(2)), torch.ones_like(entropy))  # [L, h, W]
    queries = content / content.sum().clamp_min(1)                    # [W]  mean over content query words
    mean_mass = mass @ queries                                        # [L, h]
    mean_focus = focus @ queries                                      # [L, h]
    received = (to_words * content[:, None]).sum(-2)                  # [L, h, W]  from content queries
    variety = 1 - received.max(-1).values / received.sum(-1).clamp_min(1e-12)   # [L, h]
    return torch.stack([mean_mass * mean_focus * variety, mean_mass, mean_focus, variety], dim=-1)  # [L, h, 4]


def rank_teaching_heads(enc: Encoding) -> list[TeachingScore]:
    """Every (layer, head), best first, by ``teaching_scores`` on the sentence's words."""
    patterns, keys = word_level_patterns(enc)
    table = teaching_scores(patterns, keys)                           # [L, h, 4]
    n_heads = table.shape[1]
    flat = table.reshape(-1, 4)
    order = torch.argsort(flat[:, 0], descending=True, stable=True)
    return [TeachingScore(int(i) // n_heads, int(i) % n_heads, *(float(x) for x in flat[i])) for i in order]


def teaching_head(sentence: str, *, model: str = "minilm", device: str = "cpu", heads: int | None = None,
                  seed: int = 0, special_tokens: bool = True) -> tuple[int, int]:
    """The (layer, head) that shows ``sentence``'s words attending to each other most clearly."""
    source = get_source(model, device=resolve_device(device), heads=heads, seed=seed)
    with torch.no_grad():
        best = rank_teaching_heads(source.encode(sentence, special_tokens=special_tokens))[0]
    return best.layer, best.head
