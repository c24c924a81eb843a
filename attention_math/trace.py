"""One trace of named tensors: every intermediate of one attention layer, for one sentence.

The math runs in torch (CPU or CUDA); ``build_trace`` converts to numpy once, at the end,
and everything downstream (scenes, exports) reads read-only numpy arrays.

Convention: ``pattern[h, i, j]`` is how much query i attends to key j (rows = queries,
softmax over keys). Scenes show the transpose, queries as columns; they get it from
``AttentionTrace.on_screen``, the one place that transposes.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import torch

from .attention import attend
from .device import resolve_device
from .errors import InputError
from .sources import Encoding, WeightSource, check_layer
from .tokenize import clean_sentence
from .weights import MODELS, get_source
from .words import (MERGE_RULE, SPECIAL_KEY, key_groups, mean_matrix, merge_delta_per_key, merge_pattern, merge_scaled,
                    merge_vectors, needs_merge, query_groups, single_piece_keys, special_share, sum_matrix)

FORMAT_VERSION = 1

# name → what it is, in the order a reader meets them (shapes: h heads, T tokens, d d_model, c d_head)
TENSOR_DOCS: dict[str, str] = {
    "token_embeddings": "[T, d] each token's initial embedding, looked up by the token alone",
    "positions": "[T, d] the positional part added to it",
    "input_embeddings": "[T, d] token + position (+ segment for BERT), before any normalisation",
    "embeddings": "[T, d] E: the input of the traced layer",
    "w_q": "[h, d, c] query matrices W_q",
    "w_k": "[h, d, c] key matrices W_k",
    "w_v_down": "[h, d, c] value-down matrices",
    "w_v_up": "[h, c, d] value-up matrices (stapled together they are W_O)",
    "q": "[h, T_q, c] queries Q = E·W_q + b_q",
    "k": "[h, T_k, c] keys K = E·W_k + b_k",
    "v": "[h, T_k, c] value-down output V = E·W_v↓ + b_v",
    "scores": "[h, T_q, T_k] dot products Q·Kᵀ (rows = queries)",
    "scaled": "[h, T_q, T_k] scores / √d_head",
    "masked": "[h, T_q, T_k] scaled, with future keys set to −∞ when causal",
    "pattern": "[h, T_q, T_k] softmax over keys: each row sums to 1",
    "values_up": "[h, T_k, d] value vectors taken back up to d_model",
    "delta_per_head": "[h, T_q, d] each head's proposed change ΔE_h",
    "delta": "[T_q, d] ΔE = Σ_h ΔE_h + b_O",
    "updated": "[T_q, d] E′ = E + ΔE",
    "hidden_states": "[L+1, T, d] the model's hidden state before each layer and after the last",
    "all_patterns": "[L, h, T, T] every layer's attention pattern in the model's own forward pass "
                    "(the translator: every decoder layer's cross-attention, [L, h, T_q, T_k])",
    "memory": "[T_k, d] the translator: the encoder's output, which every cross-attention layer reads",
    "source_embeddings": "[T_k, d] the translator: the source sentence's token + position, the encoder's input",
    "delta_per_key": "[h, T_q, T_k, d] words only: what each key word added to each query word's ΔE_h, the mean "
                     "over the query's pieces of the sum over the key's pieces of w·V↑ (summed over the keys: "
                     "delta_per_head, exactly); a piece trace's is pattern·values_up (AttentionTrace.delta_terms)",
    "special_share": "[h, T_q] words only: the share of each word's attention that went to [CLS]/[SEP] "
                     "(the same numbers as the pattern's last key, [CLS]+[SEP])",
}
# A word-level trace (build_trace(..., words=True) on a WordPiece model) keeps the model's own tensors
# too, under "pieces.<name>" with the shapes above over the model's tokens (see attention_math.words).
PIECES = "pieces."

# What ``save()`` and ``attention-render trace`` write by default: the traced layer's per-token and
# per-head tensors. On request (full=True, --all-tensors): the weights (w_*), the per-head products
# of width d_model (values_up, delta_per_head: h × T × d, twelve times the rest) and every layer's
# hidden states and patterns.
SHOWN_TENSORS = ("token_embeddings", "positions", "input_embeddings", "embeddings", "q", "k", "v",
                 "scores", "scaled", "masked", "pattern", "delta", "updated",
                 "special_share", "pieces.pattern",   # words: where [CLS]/[SEP]'s weight went, the model's own pattern
                 "memory")   # the translator: the encoder output its keys and values come from


@dataclass(frozen=True, eq=False)
class AttentionTrace:
    """Every intermediate of one attention layer, as read-only numpy arrays under stable names."""

    model: str
    layer: int
    tokens: tuple[str, ...]
    d_model: int
    d_head: int
    n_heads: int
    causal: bool
    tensors: Mapping[str, np.ndarray]
    context_tokens: tuple[str, ...] | None = None   # keys/values come from here in cross-attention
    description: str = ""
    words: tuple[tuple[str, tuple[int, ...]], ...] = field(default=(), compare=False)
    special_key: str | None = None   # words: the label of the extra last key that holds [CLS]+[SEP]'s weight
    merge: Mapping[str, Any] | None = None   # words: which pieces make which word (see attention_math.words)

    def __getattr__(self, name: str) -> np.ndarray:
        tensors = self.__dict__.get("tensors", {})
        if name in tensors:
            return tensors[name]
        raise AttributeError(f"AttentionTrace has no tensor or field {name!r}")

    def __getitem__(self, name: str) -> np.ndarray:
        return self.tensors[name]

    def __eq__(self, other: object) -> bool:
        """Equal metadata, the same tensor names, and element-wise equal values (−∞ equals −∞)."""
        if not isinstance(other, AttentionTrace):
            return NotImplemented
        return (
            self.metadata() == other.metadata()
            and self.tensors.keys() == other.tensors.keys()
            and all(np.array_equal(a, other.tensors[n]) and a.dtype == other.tensors[n].dtype for n, a in self.tensors.items())
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def key_tokens(self) -> tuple[str, ...]:
        """The keys' labels: the tokens (or the context's), then the [CLS]+[SEP] key of a word-level trace."""
        keys = self.context_tokens if self.context_tokens is not None else self.tokens
        return keys + ((self.special_key,) if self.special_key else ())

    @property
    def is_words(self) -> bool:
        """Whether the model's pieces were merged into words (the model's own tensors are under ``pieces.``)."""
        return self.merge is not None

    def delta_terms(self, head: int, query: int) -> np.ndarray:
        """[T_k, d] what each key added to query ``query``'s ΔE_h of head ``head``: summed over the keys,
        ``delta_per_head[head, query]``. A piece trace's is wⱼ·V↑ⱼ; a word trace's is its stored
        ``delta_per_key`` (a word's pieces each weighted by their own weight, not the mean value)."""
        if "delta_per_key" in self.tensors:
            return self.tensors["delta_per_key"][head, query]                               # [T_k, d]
        weights = self.tensors["pattern"][head, query].astype(np.float64)                  # [T_k]
        return (weights[:, None] * self.tensors["values_up"][head].astype(np.float64)).astype(np.float32)  # [T_k, d]

    def values_for(self, head: int, query: int) -> np.ndarray:
        """[T_k, d] the value vectors V↑ⱼ whose weighted sum Σ wⱼ·V↑ⱼ is query ``query``'s ΔE_h: ``values_up``
        on a piece trace; on words, a key word's pieces' values averaged with the weights this query gave
        them (``delta_terms`` / w), its mean ``values_up`` where the query gave it no weight."""
        up = self.tensors["values_up"][head]                                                # [T_k, d]
        if "delta_per_key" not in self.tensors:
            return up
        weights = self.tensors["pattern"][head, query].astype(np.float64)                  # [T_k]
        seen = self.tensors["delta_per_key"][head, query].astype(np.float64) / np.where(weights > 0, weights, 1.0)[:, None]
        return np.where((weights > 0)[:, None], seen, up).astype(np.float32)                # [T_k, d]

    def exact_score_keys(self, query: int) -> list[int]:
        """The keys whose Q⃗·K⃗ (of ``q`` and ``k``) is this trace's score for query ``query``: every key of a
        piece trace; on words, only one-piece key words, and only when the query word is one piece
        (a word's vectors are means of its pieces, so their dot product is not its merged score)."""
        if self.merge is None:
            return list(range(len(self.key_tokens)))
        groups = lambda name: tuple((text, tuple(idx)) for text, idx in self.merge[name])   # noqa: E731
        return single_piece_keys(groups("queries"), query, groups("keys"))

    def on_screen(self, name: str, head: int) -> np.ndarray:
        """A [h, T_q, T_k] grid as scenes draw it: keys as rows, queries as columns (the transpose)."""
        return self.tensors[name][head].T  # [T_k, T_q]

    @property
    def added_to_tokens(self) -> np.ndarray:
        """[T, d] what the model adds to each token's embedding to make its input: the position, and for
        BERT (MiniLM) also the segment embedding every token of one sentence gets. token + this = input."""
        return self.input_embeddings - self.token_embeddings          # [T, d]

    @property
    def scale_factor(self) -> float:
        """√d_head, the number the scores are divided by."""
        return math.sqrt(self.d_head)

    def column_sums(self, name: str, head: int) -> np.ndarray:
        """Sums down each on-screen column (one per query): 1 for every column of the pattern."""
        return self.on_screen(name, head).sum(axis=0)  # [T_q]

    def token_index(self, word: str) -> int:
        """The index of a query token by its text (or its word's first piece); InputError if absent."""
        wanted = word.strip().casefold()
        for i, t in enumerate(self.tokens):
            if t.casefold() == wanted:
                return i
        for text, indices in self.words:
            if text.casefold() == wanted:
                return indices[0]
        raise InputError(f"{word!r} is not a token of the sentence; its tokens are: {' '.join(self.tokens)}")

    # --- export ------------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        meta = {
            "format_version": FORMAT_VERSION,
            "model": self.model,
            "layer": self.layer,
            "tokens": list(self.tokens),
            "d_model": self.d_model,
            "d_head": self.d_head,
            "n_heads": self.n_heads,
            "causal": self.causal,
            "description": self.description,
            "words": [[text, list(idx)] for text, idx in self.words],
        }
        if self.context_tokens is not None:
            meta["context_tokens"] = list(self.context_tokens)
        if self.special_key is not None:
            meta["special_key"] = self.special_key
        if self.merge is not None:
            meta["merge"] = self.merge
        return meta

    def to_json(self, names: list[str] | None = None) -> str:
        """Strict JSON (JSON.parse reads it): −∞ is written as null, every other value is finite.
        ``names``: the tensors to write (default: all of them)."""
        doc = self.metadata()
        doc["tensors"] = {name: _nested(self.tensors[name]) for name in (names or self.tensors)}
        return json.dumps(doc, allow_nan=False, ensure_ascii=False)

    def to_npz_bytes(self, names: list[str] | None = None) -> bytes:
        buffer = io.BytesIO()
        meta = np.frombuffer(json.dumps(self.metadata(), ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
        np.savez(buffer, __meta__=meta, **{name: self.tensors[name] for name in (names or self.tensors)})
        return buffer.getvalue()

    def shown_tensors(self) -> list[str]:
        """The tensors a saved trace holds by default (see SHOWN_TENSORS), in the trace's order."""
        return [name for name in self.tensors if name in SHOWN_TENSORS]

    def save(self, path: str | Path, full: bool = False) -> Path:
        """Write .json or .npz by the file's suffix (atomically). By default the tensors the scenes
        show (SHOWN_TENSORS, under 1 MB for 14 tokens); ``full=True`` adds the weights, the per-head
        d-wide products and every layer's hidden states and patterns."""
        from .files import atomic_write_bytes

        path = Path(path)
        names = None if full else self.shown_tensors()
        if path.suffix == ".json":
            data = self.to_json(names).encode("utf-8")
        elif path.suffix == ".npz":
            data = self.to_npz_bytes(names)
        else:
            raise InputError(f"cannot save a trace as {path.suffix or 'a file without suffix'}: use .json or .npz")
        return atomic_write_bytes(path, data)


def _nested(array: np.ndarray) -> Any:
    """Nested lists with −∞ as None (JSON null). A float32 is written with the fewest digits that
    read back as the same float32 (0.1, not 0.10000000149011612): exact, and half the text."""
    if array.dtype == np.float32:
        shortest = np.fromiter((float(str(v)) for v in array.ravel()), dtype=np.float64, count=array.size)
        as_object = shortest.reshape(array.shape).astype(object)
    else:
        as_object = array.astype(object)
    as_object[np.isneginf(array)] = None
    return as_object.tolist()


def _from_meta(meta: Mapping[str, Any], tensors: dict[str, np.ndarray]) -> AttentionTrace:
    context = meta.get("context_tokens")
    return AttentionTrace(
        model=meta["model"], layer=meta["layer"], tokens=tuple(meta["tokens"]),
        d_model=meta["d_model"], d_head=meta["d_head"], n_heads=meta["n_heads"], causal=meta["causal"],
        tensors=_freeze(tensors), context_tokens=tuple(context) if context is not None else None,
        description=meta.get("description", ""),
        words=tuple((text, tuple(idx)) for text, idx in meta.get("words", [])),
        special_key=meta.get("special_key"), merge=meta.get("merge"),
    )


def trace_from_json(text: str) -> AttentionTrace:
    doc = json.loads(text)
    tensors = {}
    for name, nested in doc["tensors"].items():
        array = np.array(nested, dtype=object)
        array[array == None] = -math.inf  # noqa: E711 (elementwise comparison)
        tensors[name] = array.astype(np.float32)
    return _from_meta(doc, tensors)


def trace_from_npz_bytes(data: bytes) -> AttentionTrace:
    with np.load(io.BytesIO(data)) as npz:
        meta = json.loads(npz["__meta__"].tobytes().decode("utf-8"))
        tensors = {name: npz[name] for name in npz.files if name != "__meta__"}
    return _from_meta(meta, tensors)


def load_trace(path: str | Path) -> AttentionTrace:
    path = Path(path)
    if path.suffix == ".json":
        return trace_from_json(path.read_text(encoding="utf-8"))
    if path.suffix == ".npz":
        return trace_from_npz_bytes(path.read_bytes())
    raise InputError(f"cannot read a trace from {path.suffix or 'a file without suffix'}: use .json or .npz")


def _freeze(tensors: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    for array in tensors.values():
        array.setflags(write=False)
    return MappingProxyType(dict(tensors))


def _to_numpy(tensors: Mapping[str, torch.Tensor]) -> Mapping[str, np.ndarray]:
    """The one boundary from torch (any device) to numpy."""
    return _freeze({name: t.detach().to("cpu", torch.float32).numpy().copy() for name, t in tensors.items()})


# --- building ----------------------------------------------------------------------------

def build_trace(
    sentence: str,
    *,
    model: str = "minilm",
    layer: int = 0,
    heads: int | None = None,
    causal: bool = False,
    seed: int = 0,
    device: str = "cpu",
    context: str | None = None,
    special_tokens: bool = True,
    target: str | None = None,
    words: bool = False,
) -> AttentionTrace:
    """Run ``sentence`` through ``model`` and trace attention layer ``layer``.

    ``heads`` sets the toy model's head count; ``context`` makes it cross-attention
    (queries from ``sentence``, keys and values from ``context``, no mask).
    ``special_tokens=False`` runs MiniLM without [CLS]/[SEP] (what you see is what it read).
    ``model="translator"``: ``sentence`` is English, and the trace is the cross-attention of its
    translation (greedy, or ``target``) reading it: queries from the translation (``tokens``),
    keys and values from the English sentence (``context_tokens``).
    ``words=True``: one row and column per word of the sentence, not per model token (WordPiece
    pieces merged, [CLS]/[SEP]'s weight in one last key; see ``attention_math.words``), the model's
    own tensors kept under ``pieces.<name>``. A model whose tokens are words already is unchanged.
    """
    if model == "translator" or target is not None:
        return trace_translation(sentence, target=target, layer=layer, heads=heads, causal=causal, device=device,
                                 context=context, model=model)
    source = get_source(model, device=resolve_device(device), heads=heads, seed=seed)
    check_layer(source, layer)
    if context is not None and causal:
        raise InputError("cross-attention has no causal mask: drop --causal, or drop the context sentence")
    enc = source.encode(sentence, causal=causal, special_tokens=special_tokens)
    ctx = source.encode(context, causal=causal, special_tokens=special_tokens) if context is not None else enc
    return trace_layer(source, enc, ctx, layer, causal, cross=context is not None, words=words)


def trace_translation(sentence: str, *, target: str | None = None, layer: int = 0, heads: int | None = None,
                      causal: bool = False, device: str = "cpu", context: str | None = None,
                      model: str = "translator") -> AttentionTrace:
    """The translator's cross-attention in decoder layer ``layer``: its translation of ``sentence`` reading it."""
    if model != "translator":
        raise InputError("--target applies to --model translator: add it, or drop --target")
    if context is not None:
        raise InputError("the translator reads the English --sentence and writes its own translation: "
                         "give a translation with --target, not --context")
    if causal:
        raise InputError("cross-attention has no causal mask: drop --causal")
    source = get_source("translator", device=resolve_device(device), heads=heads)
    check_layer(source, layer)
    target_enc, source_enc = source.encode_pair(clean_sentence(sentence), None if target is None else clean_sentence(target))
    trace = trace_layer(source, target_enc, source_enc, layer, causal=False, cross=True)
    memory = {"memory": source_enc.hidden_states[0], "source_embeddings": source_enc.input_embeddings}
    return dataclasses.replace(trace, tensors=_freeze({**trace.tensors, **_to_numpy(memory)}))


def trace_layer(source: WeightSource, enc: Encoding, ctx: Encoding, layer: int, causal: bool, cross: bool,
                words: bool = False) -> AttentionTrace:
    """Trace one layer of a model given the encodings of the query and the context sequences
    (``words``: merged into the sentence's words where the model's tokens are not words)."""
    weights = source.layer_weights(layer)
    e = enc.hidden_states[layer]                              # [T_q, d]
    e_ctx = ctx.hidden_states[layer]                          # [T_k, d]
    with torch.no_grad():
        steps = attend(e, e_ctx, weights, causal)
    tensors = {
        "token_embeddings": enc.token_embeddings,
        "positions": enc.positions,
        "input_embeddings": enc.input_embeddings,
        "embeddings": e,
        "w_q": weights.w_q, "w_k": weights.w_k, "w_v_down": weights.w_v_down, "w_v_up": weights.w_v_up,
        **steps,
        "hidden_states": enc.hidden_states,
        "all_patterns": enc.patterns,
    }
    if words and (needs_merge(enc.words, enc.tokens) or needs_merge(ctx.words, ctx.tokens)):
        return _word_trace(source, enc, ctx, layer, causal, cross, tensors)
    return AttentionTrace(
        model=source.name, layer=layer, tokens=enc.tokens, d_model=source.d_model, d_head=source.d_head,
        n_heads=source.n_heads, causal=causal, tensors=_to_numpy(tensors),
        context_tokens=ctx.tokens if cross else None, description=source.description, words=enc.words,
    )


QUERY_VECTORS = ("token_embeddings", "positions", "input_embeddings", "embeddings", "q", "delta_per_head",
                 "delta", "updated", "hidden_states")   # one row per query token: averaged per word
KEY_VECTORS = ("k", "v", "values_up")                   # one row per key token: averaged per key word


def _word_trace(source: WeightSource, enc: Encoding, ctx: Encoding, layer: int, causal: bool, cross: bool,
                pieces: Mapping[str, torch.Tensor]) -> AttentionTrace:
    """The trace over words: the tensors of ``pieces`` merged (attention_math.words), and kept as ``pieces.<name>``."""
    q_groups = query_groups(enc.words, enc.tokens)
    k_groups = key_groups(ctx.words, ctx.tokens)
    self_keys = key_groups(enc.words, enc.tokens)                     # all_patterns: the query sentence's own
    mean_q = mean_matrix(q_groups, len(enc.tokens))                   # [W, T_q]
    mean_k = mean_matrix(k_groups, len(ctx.tokens))                   # [K, T_k]
    sum_k = sum_matrix(k_groups, len(ctx.tokens))                     # [K, T_k]
    special = dict(k_groups).get(SPECIAL_KEY)
    merged: dict[str, torch.Tensor] = {}
    for name, t in pieces.items():
        if name in QUERY_VECTORS:
            merged[name] = merge_vectors(t, mean_q)                   # [..., W, d]
        elif name in KEY_VECTORS:
            merged[name] = merge_vectors(t, mean_k)                   # [h, K, c]
        elif name in ("scaled", "masked"):
            merged[name] = merge_scaled(t, mean_q, sum_k)             # [h, W, K]  effective scores
        elif name == "scores":
            merged[name] = merge_scaled(pieces["scaled"], mean_q, sum_k) * math.sqrt(source.d_head)  # [h, W, K]
        elif name == "pattern":
            merged[name] = merge_pattern(t, mean_q, sum_k)            # [h, W, K]
        elif name == "all_patterns":
            merged[name] = merge_pattern(t, mean_q, sum_matrix(self_keys, len(enc.tokens)))   # [L, h, W, K]
        else:
            merged[name] = t                                          # weights: no token axis
    merged["delta_per_key"] = merge_delta_per_key(pieces["pattern"], pieces["values_up"], mean_q, sum_k)  # [h, W, K, d]
    if special:
        merged["special_share"] = special_share(pieces["pattern"], mean_q, special)   # [h, W]
    merged.update({PIECES + name: t for name, t in pieces.items() if name not in WEIGHT_NAMES})
    words = tuple(text for text, _ in q_groups)
    merge = {
        "rule": MERGE_RULE,
        "pieces": list(enc.tokens),
        "queries": [[text, list(idx)] for text, idx in q_groups],
        "keys": [[text, list(idx)] for text, idx in k_groups],
    }
    if cross:
        merge["context_pieces"] = list(ctx.tokens)
    key_words = tuple(text for text, _ in k_groups if text != SPECIAL_KEY)
    return AttentionTrace(
        model=source.name, layer=layer, tokens=words, d_model=source.d_model, d_head=source.d_head,
        n_heads=source.n_heads, causal=causal, tensors=_to_numpy(merged),
        context_tokens=key_words if cross else None, description=source.description,
        words=tuple((text, (i,)) for i, text in enumerate(words)),
        special_key=SPECIAL_KEY if special else None, merge=merge,
    )


WEIGHT_NAMES = ("w_q", "w_k", "w_v_down", "w_v_up")


__all__ = ["AttentionTrace", "build_trace", "load_trace", "trace_from_json", "trace_from_npz_bytes", "TENSOR_DOCS", "MODELS"]
