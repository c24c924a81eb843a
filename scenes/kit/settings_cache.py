"""What scene settings compute, cached per process so the scenes of one render share it: traces, the
head finder's and the teaching rule's heads, ContextShiftsMeaning's shift, the scaling probe. Called
by ``SceneSettings``' methods (scenes.kit.settings), which are the API."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from attention_math.errors import InputError

from scenes.kit.model_rules import MAX_DOT_TOKENS, too_long

if TYPE_CHECKING:
    from attention_math import AttentionTrace


@functools.lru_cache(maxsize=8)
def focus_head(sentence: str, focus: str, model: str, device: str, heads: int | None, seed: int) -> tuple[int, int]:
    from attention_math import find_heads, parse_focus

    query, keys = parse_focus(focus)
    best = find_heads(sentence, query, keys, model=model, device=device, heads=heads, seed=seed)[0]
    return best.layer, best.head


@functools.lru_cache(maxsize=16)
def teaching_head(sentence: str, model: str, device: str, special_tokens: bool) -> tuple[int, int]:
    from attention_math.heads import teaching_head as chosen_head

    return chosen_head(sentence, model=model, device=device, special_tokens=special_tokens)


@functools.lru_cache(maxsize=4)
def meaning_shift(sentences: tuple[str, ...], word: str, model: str, device: str, special_tokens: bool,
                   references: tuple[str, ...] = (), meanings: tuple[str, ...] = ()):
    from attention_math.meaning import meaning_shift as shift_of

    shift = shift_of(sentences, word, references=references, meanings=meanings, model=model, device=device,
                          special_tokens=special_tokens)
    if len(sentences) > 4:
        raise InputError(f"ContextShiftsMeaning compares at most 4 sentences, got {len(sentences)}: drop some")
    return shift


SCALING_SIZES = (2, 4, 8, 16, 128, 256, 512, 768, 1024, 1536, 2048)


@functools.lru_cache(maxsize=2)
def scaling(device: str):
    from attention_math import scaling_probe

    return scaling_probe(list(SCALING_SIZES), device=device)


@functools.lru_cache(maxsize=2)
def long_context(layer: int, device: str):
    from attention_math.scaling import long_context_trace

    return long_context_trace(layer=layer, device=device)


@functools.lru_cache(maxsize=4)
def translation_trace(sentence: str, target: str | None, layer: int, head: int, device: str) -> AttentionTrace:
    from attention_math import build_trace

    trace = build_trace(sentence, model="translator", layer=layer, device=device, target=target)
    if not 0 <= head < trace.n_heads:
        raise InputError(f"head {head} is out of range: {trace.model} has heads 0–{trace.n_heads - 1}")
    return trace


@functools.lru_cache(maxsize=16)
def trace(sentence: str, model: str, layer: int, head: int, heads: int | None, seed: int, device: str,
           special_tokens: bool, context: str | None, causal: bool, words: bool = True) -> AttentionTrace:
    from attention_math import build_trace

    trace = build_trace(sentence, model=model, layer=layer, heads=heads, causal=causal, seed=seed,
                        device=device, context=context, special_tokens=special_tokens, words=words)
    if not 0 <= head < trace.n_heads:
        raise InputError(f"head {head} is out of range: {trace.model} has heads 0–{trace.n_heads - 1}")
    for tokens in (trace.tokens, trace.key_tokens[:len(trace.key_tokens) - bool(trace.special_key)]):
        if len(tokens) > MAX_DOT_TOKENS:
            raise InputError(too_long(len(tokens), "words" if trace.is_words else "tokens", "every scene",
                                      MAX_DOT_TOKENS, special_tokens and model == "minilm" and not trace.is_words))
    if len(trace.tokens) < 2:
        raise InputError("the sentence has one token; attention needs at least two: add a word")
    return trace
