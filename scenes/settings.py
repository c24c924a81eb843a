"""Scene settings: one place every scene reads its sentence, model and choices from.

The CLI fills a ``SceneSettings``; plain ``manim scenes/<file>.py <Scene>`` reads the
environment variable ATTENTION_SETTINGS (a JSON object of the same fields), else defaults.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from dataclasses import dataclass

from attention_math import AttentionTrace, InputError, build_trace

ENV_VAR = "ATTENTION_SETTINGS"
DEFAULT_SENTENCE = "a fluffy blue creature roamed the verdant forest"
MAX_TOKENS = 14   # the grid scenes stay readable at 480p up to this many tokens


@dataclass(frozen=True)
class SceneSettings:
    sentence: str = DEFAULT_SENTENCE
    model: str = "minilm"
    layer: int | None = None  # None: the model's default (MiniLM layer 5 head 6, where
    head: int | None = None   # "creature" attends to "blue"; see `attention-render heads`)
    heads: int | None = None  # toy model's head count
    seed: int = 0
    device: str = "cpu"
    theme: str = "dark"
    special_tokens: bool = True   # MiniLM's [CLS]/[SEP]; hidden means the model runs without them
    query_token: str = "creature"
    context: str = "le chat était assis sur le tapis"   # cross-attention's other sentence
    decimals: int = 2

    def replace(self, **changes: object) -> SceneSettings:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_mapping(cls, data: dict[str, object], source: str = "settings") -> SceneSettings:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key in data:
            if key not in fields:
                raise InputError(f"unknown setting {key!r} in {source}: known ones are {', '.join(fields)}")
        return cls(**data)  # type: ignore[arg-type]

    def trace(self, causal: bool = False, cross: bool = False) -> AttentionTrace:
        """The trace every scene reads (cached per settings, so scenes of one render share it)."""
        return _trace(self, causal, cross)


DEFAULT_LAYER_HEAD = {"minilm": (5, 6), "toy": (0, 0)}


def _model_for(settings: SceneSettings) -> tuple[str, int, int]:
    """The model, layer and head to show; None means the model's default."""
    layer, head = DEFAULT_LAYER_HEAD.get(settings.model, (0, 0))
    return (settings.model, layer if settings.layer is None else settings.layer,
            head if settings.head is None else settings.head)


@functools.lru_cache(maxsize=16)
def _trace(settings: SceneSettings, causal: bool, cross: bool) -> AttentionTrace:
    model, layer, head = _model_for(settings)
    sentence = settings.sentence
    trace = build_trace(sentence, model=model, layer=layer, heads=settings.heads, causal=causal,
                        seed=settings.seed, device=settings.device,
                        context=settings.context if cross else None,
                        special_tokens=settings.special_tokens)
    if not 0 <= head < trace.n_heads:
        raise InputError(f"head {head} is out of range: {trace.model} has heads 0–{trace.n_heads - 1}")
    for tokens in (trace.tokens, trace.key_tokens):
        if len(tokens) > MAX_TOKENS:
            raise InputError(f"the sentence is {len(tokens)} tokens long; scenes show at most {MAX_TOKENS}: "
                             "shorten it" + (" or hide special tokens" if settings.special_tokens and model == "minilm" else ""))
    if len(trace.tokens) < 2:
        raise InputError("the sentence has one token; attention needs at least two: add a word")
    return trace


def head_of(settings: SceneSettings) -> int:
    return _model_for(settings)[2]


_active: SceneSettings | None = None


def set_active(settings: SceneSettings | None) -> None:
    """Used by the renderer: the settings the next scene will read."""
    global _active
    _active = settings


def active_settings() -> SceneSettings:
    if _active is not None:
        return _active
    raw = os.environ.get(ENV_VAR)
    if raw:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{ENV_VAR} is not valid JSON ({exc.msg}): fix or unset it") from None
        return SceneSettings.from_mapping(data, source=ENV_VAR)
    return SceneSettings()
