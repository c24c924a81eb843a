"""Scene settings: one place every scene reads its sentence, model and choices from.

The CLI (and a settings file) fill a ``SceneSettings``; plain ``manim scenes/<file>.py <Scene>``
reads the environment variable ATTENTION_SETTINGS (a JSON object of the same fields), else
the defaults.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from attention_math.errors import InputError

if TYPE_CHECKING:
    from attention_math import AttentionTrace

ENV_VAR = "ATTENTION_SETTINGS"
DEFAULT_SENTENCE = "a fluffy blue creature roamed the verdant forest"
DEFAULT_QUERY_TOKEN = "creature"
DEFAULT_CONTEXT = "le chat était assis sur le tapis"
MAX_TOKENS = 14   # the grid scenes stay readable at 480p up to this many tokens


@dataclass(frozen=True)
class SceneSettings:
    sentence: str = DEFAULT_SENTENCE
    model: str | None = None  # None: tiny-gpt for the causal scenes when it knows every word, else minilm
    layer: int | None = None  # None: the model's default (MiniLM layer 5 head 6, where
    head: int | None = None   # "creature" attends to "blue"; see `attention-render heads`)
    heads: int | None = None  # toy model's head count
    focus: str | None = None  # "QUERY:KEY,KEY": pick layer and head with the head finder
    causal: bool = False      # mask future keys in the scenes whose story allows either
    seed: int = 0
    device: str = "cpu"
    theme: str = "dark"
    colors: tuple[tuple[str, str], ...] = ()   # (palette role, "#rrggbb") overrides of the theme
    run_time: float = 1.0     # pacing: multiplies every animation's run time
    wait: float = 1.0         # pacing: multiplies every pause
    special_tokens: bool = True   # MiniLM's [CLS]/[SEP]; hidden means the model runs without them
    query_token: str | None = None   # None: "creature" if the sentence has it, else its last word
    context: str = DEFAULT_CONTEXT   # cross-attention's other sentence (minilm, toy)
    target: str | None = None   # the translator's translation of the sentence (None: its own, greedy)
    decimals: int = 2
    preset: str = "gpt3-175b"         # ParameterCount's model (see `attention-render params --list`)
    shift_word: str = "mole"          # ContextShiftsMeaning: the word followed through the layers …
    shift_sentences: tuple[str, ...] = ("American shrew mole", "one mole of carbon dioxide",
                                        "take a biopsy of the mole")   # … in these sentences

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
        data = dict(data)
        if isinstance(data.get("shift_sentences"), list):
            data["shift_sentences"] = tuple(data["shift_sentences"])
        if isinstance(data.get("colors"), (list, dict)):
            items = data["colors"].items() if isinstance(data["colors"], dict) else data["colors"]
            data["colors"] = tuple(tuple(pair) for pair in items)
        return cls(**data)  # type: ignore[arg-type]

    def trace(self, causal: bool | None = None, cross: bool = False) -> AttentionTrace:
        """The trace every scene reads (cached, so the scenes of one render share it)."""
        model, layer, head = self.model_layer_head()
        causal = self.causal if causal is None else causal
        if model == "tiny-gpt" and not cross:
            causal = True          # a decoder: its patterns are causal, as it was trained
        if model == "translator":
            if not cross:
                raise InputError("the translator is shown by CrossAttention only: choose --model tiny-gpt, minilm "
                                 "or toy for this scene")
            return _translation_trace(self.sentence, self.target, layer, head, self.device)
        return _trace(self.sentence, model, layer, head, self.heads, self.seed, self.device,
                      self.special_tokens, self.context if cross else None, causal)

    def parameter_count(self):
        """The counter's tally for ``preset``."""
        from attention_math import count_parameters, preset

        return count_parameters(preset(self.preset))

    def meaning_shift(self):
        """``shift_word`` through every layer of the model, in each of ``shift_sentences`` (cached)."""
        return _meaning_shift(self.shift_sentences, self.shift_word, self.model or "minilm", self.device,
                              self.special_tokens)

    def scaling(self):
        """The scaling probe on this machine's ``device`` (cached per process)."""
        return _scaling(self.device)

    def query_index(self, trace: AttentionTrace) -> int:
        """The token whose update the scenes follow (InputError if the chosen one is not in the sentence)."""
        if self.query_token is not None:
            return trace.token_index(self.query_token)
        words = [i for i, t in enumerate(trace.tokens) if any(ch.isalnum() for ch in t) and t not in ("[CLS]", "[SEP]")]
        try:
            return trace.token_index(DEFAULT_QUERY_TOKEN)
        except InputError:
            return words[-1] if words else len(trace.tokens) - 1

    def for_scene(self, scene: str) -> SceneSettings:
        """Settings with the model chosen: the given one, else the default rule for ``scene`` (see ``default_model``)."""
        if self.model is not None:
            return self
        if scene == "CrossAttention" and self.context != DEFAULT_CONTEXT and self.target is None:
            return self.replace(model="minilm")      # a second sentence was given: an encoder reads it
        return self.replace(model=default_model(scene, self.sentence, self.device))

    def model_layer_head(self) -> tuple[str, int, int]:
        """The model, layer and head to show: given ones, else the focus's best head, else the model's default."""
        model = self.model or "minilm"
        if self.focus and (self.layer is None or self.head is None):
            layer, head = _focus_head(self.sentence, self.focus, model, self.device, self.heads, self.seed)
        elif model == "tiny-gpt":
            layer, head = _tiny_gpt(self.device).head    # the adjective→noun head the head finder found
        elif model == "translator":
            layer, head = _translator(self.device).head  # the alignment head the head finder ranks first
        else:
            layer, head = DEFAULT_LAYER_HEAD.get(model, (0, 0))
        return (model, layer if self.layer is None else self.layer, head if self.head is None else self.head)


DEFAULT_LAYER_HEAD = {"minilm": (5, 6), "toy": (0, 0)}
CAUSAL_STORY = ("QueriesAndKeys", "CausalMask", "ValuesUpdateEmbeddings")   # told with a decoder when possible
log = logging.getLogger("attention_animated")


def _tiny_gpt(device: str):
    from attention_math.device import resolve_device
    from attention_math.weights import load_tiny_gpt

    return load_tiny_gpt(resolve_device(device))


def _translator(device: str):
    from attention_math.device import resolve_device
    from attention_math.weights import load_translator

    return load_translator(resolve_device(device))


def default_model(scene: str, sentence: str, device: str = "cpu") -> str:
    """tiny-gpt for the causal story (masking, the Q/K grid, values) when it knows every word; the
    translator for cross-attention when it knows every word; else minilm."""
    if scene == "CrossAttention":
        try:
            fits = _translator(device).fits(sentence)
        except InputError:
            fits = False
        if not fits:
            log.warning("%s: the translator does not know every word of the sentence, so it uses minilm "
                        "reading --context (pass --model to choose)", scene)
        return "translator" if fits else "minilm"
    if scene not in CAUSAL_STORY:
        return "minilm"
    try:
        fits = _tiny_gpt(device).fits(sentence)
    except InputError:
        fits = False
    if not fits:
        log.warning("%s: tiny-gpt does not know every word of the sentence, so it uses minilm "
                    "(pass --model to choose)", scene)
    return "tiny-gpt" if fits else "minilm"


@functools.lru_cache(maxsize=8)
def _focus_head(sentence: str, focus: str, model: str, device: str, heads: int | None, seed: int) -> tuple[int, int]:
    from attention_math import find_heads, parse_focus

    query, keys = parse_focus(focus)
    best = find_heads(sentence, query, keys, model=model, device=device, heads=heads, seed=seed)[0]
    return best.layer, best.head


@functools.lru_cache(maxsize=4)
def _meaning_shift(sentences: tuple[str, ...], word: str, model: str, device: str, special_tokens: bool):
    from attention_math.meaning import meaning_shift

    shift = meaning_shift(sentences, word, model=model, device=device, special_tokens=special_tokens)
    if len(sentences) > 4:
        raise InputError(f"ContextShiftsMeaning compares at most 4 sentences, got {len(sentences)}: drop some")
    return shift


SCALING_SIZES = (2, 4, 8, 16, 128, 256, 512, 768, 1024, 1536, 2048)


@functools.lru_cache(maxsize=2)
def _scaling(device: str):
    from attention_math import scaling_probe

    return scaling_probe(list(SCALING_SIZES), device=device)


@functools.lru_cache(maxsize=4)
def _translation_trace(sentence: str, target: str | None, layer: int, head: int, device: str) -> AttentionTrace:
    from attention_math import build_trace

    trace = build_trace(sentence, model="translator", layer=layer, device=device, target=target)
    if not 0 <= head < trace.n_heads:
        raise InputError(f"head {head} is out of range: {trace.model} has heads 0–{trace.n_heads - 1}")
    return trace


@functools.lru_cache(maxsize=16)
def _trace(sentence: str, model: str, layer: int, head: int, heads: int | None, seed: int, device: str,
           special_tokens: bool, context: str | None, causal: bool) -> AttentionTrace:
    from attention_math import build_trace

    trace = build_trace(sentence, model=model, layer=layer, heads=heads, causal=causal, seed=seed,
                        device=device, context=context, special_tokens=special_tokens)
    if not 0 <= head < trace.n_heads:
        raise InputError(f"head {head} is out of range: {trace.model} has heads 0–{trace.n_heads - 1}")
    for tokens in (trace.tokens, trace.key_tokens):
        if len(tokens) > MAX_TOKENS:
            raise InputError(f"the sentence is {len(tokens)} tokens long; scenes show at most {MAX_TOKENS}: "
                             "shorten it" + (" or hide special tokens" if special_tokens and model == "minilm" else ""))
    if len(trace.tokens) < 2:
        raise InputError("the sentence has one token; attention needs at least two: add a word")
    return trace


def head_of(settings: SceneSettings) -> int:
    return settings.model_layer_head()[2]


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
        if not isinstance(data, dict):
            raise InputError(f"{ENV_VAR} must be a JSON object of settings, e.g. '{{\"theme\": \"light\"}}'")
        return SceneSettings.from_mapping(data, source=ENV_VAR)
    return SceneSettings()
