"""The registry of weight sources: a name → a loaded source."""

from __future__ import annotations

import functools

import torch

from .errors import InputError
from .sources import ToyModel, WeightSource

MODELS: dict[str, str] = {
    "toy": "a seeded toy model, small enough to show every entry",
    "minilm": "all-MiniLM-L6-v2, a real pretrained BERT encoder (6 layers, 12 heads, d_model 384)",
    "tiny-gpt": "a 2-layer causal decoder trained in this project on a synthetic adjective language",
    "translator": "a 2+2-layer encoder–decoder trained in this project on a parallel English → French-like language",
}


@functools.lru_cache(maxsize=4)
def load_tiny_gpt(device: torch.device):
    from .tiny_gpt import TinyGPTSource

    return TinyGPTSource(device)


@functools.lru_cache(maxsize=4)
def load_translator(device: torch.device):
    from .translator import TranslatorSource

    return TranslatorSource(device)


def get_source(model: str, *, device: torch.device, heads: int | None = None, seed: int = 0) -> WeightSource:
    """Load the named weight source on ``device``. ``heads`` and ``seed`` apply to the toy model."""
    if model == "toy":
        return ToyModel(n_heads=3 if heads is None else heads, seed=seed, device=device)
    if model == "minilm":
        if heads is not None and heads != 12:
            raise InputError(f"minilm has 12 heads; --heads {heads} applies to the toy model only")
        from .minilm import load_minilm

        return load_minilm(device)
    if model == "tiny-gpt":
        if heads is not None and heads != 4:
            raise InputError(f"tiny-gpt has 4 heads; --heads {heads} applies to the toy model only")
        return load_tiny_gpt(device)
    if model == "translator":
        if heads is not None and heads != 4:
            raise InputError(f"the translator has 4 heads; --heads {heads} applies to the toy model only")
        return load_translator(device)
    raise InputError(f"unknown model {model!r}: choose one of {', '.join(MODELS)}")
