"""The head finder: which (layer, head) of a model shows the relation a lecturer wants to teach."""

from __future__ import annotations

from dataclasses import dataclass

import torch

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
