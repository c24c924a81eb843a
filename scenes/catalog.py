"""The built-in scenes as data: module, one-line description and beats, in the story's order
(as the original video tells it: one token's question, then the grid of every query and key).

This module imports neither manim nor torch, so ``attention-render list`` (and ``list NAME``,
the beats that ``--at`` takes) answer at once. Each scene class reads its description from
here (``description = about("ScaledSoftmax").description``); ``tests/test_catalog.py`` checks
that every rendered scene's sections appear here, in this order.

Examples
--------
>>> from scenes.catalog import CATALOG, about
>>> list(CATALOG)[:2]
['TokensToEmbeddings', 'QueriesMeetKeys']
>>> about("CausalMask").beats
('scaled', 'mask', 'softmax', 'why')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SceneEntry:
    """One built-in scene: where its class lives, what it shows, and its beats (sections) in order.

    ``beats`` lists every beat the scene can have; a few appear only for some settings (``when``
    names them and says when).
    """
    module: str
    description: str
    beats: tuple[str, ...]
    when: tuple[tuple[str, str], ...] = ()     # (beat, the settings under which it appears)


CATALOG: dict[str, SceneEntry] = {
    "TokensToEmbeddings": SceneEntry(
        "scenes.tokens_to_embeddings",
        "The sentence becomes tokens; each token a column of numbers; the position is added.",
        ("tokens", "embeddings", "positions", "same word", "followed token"),
        (("same word", "a word that appears twice"),)),
    "QueriesMeetKeys": SceneEntry(
        "scenes.queries_meet_keys",
        "One token's question as a query: W_Q·E⃗ row by row, then query and keys as arrows in a plane "
        "through the query, every drawn dot product exact.",
        ("question", "W_Q·E row by row", "keys", "mapped to query/key space", "dot products")),
    "QueriesAndKeys": SceneEntry(
        "scenes.queries_and_keys",
        "W_Q·E → queries (yellow), W_K·E → keys (teal), then the grid of their dot products.",
        ("embeddings", "queries", "keys", "grid")),
    "ScaledSoftmax": SceneEntry(
        "scenes.scaled_softmax",
        "Scores ÷ √d_head, then softmax down each column: every column sums to 1.",
        ("scores", "scale", "softmax", "sums")),
    "CausalMask": SceneEntry(
        "scenes.causal_mask",
        "Future keys set to −∞ before the softmax, so they get weight 0; columns still sum to 1.",
        ("scaled", "mask", "softmax", "why")),
    "ValuesUpdateEmbeddings": SceneEntry(
        "scenes.values_update_embeddings",
        "Value-down and value-up; one head's weighted values sum to ΔE⁽ʰ⁾; a query whose attention spreads: its wⱼ·V⃗ⱼ "
        "as arrows, then tip to tail onto its ΔE⁽ʰ⁾; E + ΔE = E′.",
        ("value map", "weighted values", "sum", "values in space", "update")),
    "MultiHeadSum": SceneEntry(
        "scenes.multi_head_sum",
        "A stack of heads spread into panels, each its own pattern and ΔE⁽ʰ⁾ added into E⃗; W_O staples the value-ups.",
        ("stack of heads", "panels", "proposals", "added into E", "output matrix")),
    "AttentionFormula": SceneEntry(
        "scenes.attention_formula",
        "ΔE = V·softmax(KᵀQ/√d_k), each term highlighted with its real numbers.",
        ("formula", "queries", "keys", "scale", "softmax", "values", "delta")),
    "ParameterCount": SceneEntry(
        "scenes.parameter_count",
        "GPT-3's attention parameters from the counter: the matrices as blocks, the value map factored, "
        "~58B of 175B.",
        ("query and key matrices", "value map factored", "per head", "per layer", "all layers", "share")),
    "CrossAttention": SceneEntry(
        "scenes.cross_attention",
        "A translation's queries read the English sentence's keys and values: the learned alignment.",
        ("two sentences", "scores", "softmax", "alignment", "values")),
    "ContextShiftsMeaning": SceneEntry(
        "scenes.context_shifts_meaning",
        "“mole” in three sentences: one state at first, moved layer by layer toward the reference “mole” "
        "of its own meaning (cosine, measured).",
        ("same start", "landmarks", "layers", "nearest")),
    "QuadraticScaling": SceneEntry(
        "scenes.quadratic_scaling",
        "T tokens make T² pattern cells: grids at one cell size, a real paragraph's masked pattern, and the "
        "measured time and memory against c·T².",
        ("cells", "long context", "time", "memory")),
}

# AttentionBlock: the story's chapters, one section each (the chapters' own beats are not sections there).
CHAPTERS: tuple[str, ...] = ("TokensToEmbeddings", "QueriesMeetKeys", "QueriesAndKeys", "ScaledSoftmax",
                             "CausalMask", "ValuesUpdateEmbeddings", "MultiHeadSum", "AttentionFormula")
CATALOG["AttentionBlock"] = SceneEntry(
    "scenes.attention_block", "The story's chapters in one video, one section per chapter.", CHAPTERS)


def about(name: str) -> SceneEntry:
    """The catalog's entry for built-in scene ``name`` (KeyError for any other name).

    Examples
    --------
    >>> about("ScaledSoftmax").module
    'scenes.scaled_softmax'
    """
    return CATALOG[name]
