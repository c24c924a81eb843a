"""Manim CE scenes of the attention story. Each reads the trace; none computes.

``SCENES`` maps a scene's name to its module; ``scene_class(name)`` imports it. A name may
also be a scene file of your own, ``path/to/file.py:SceneName`` (see scenes/output/scene_file.py).
"""

from __future__ import annotations

import importlib

# name → module, in the order of the story
SCENES: dict[str, str] = {
    "TokensToEmbeddings": "scenes.tokens_to_embeddings",
    "QueriesAndKeys": "scenes.queries_and_keys",
    "QueriesMeetKeys": "scenes.queries_meet_keys",
    "ScaledSoftmax": "scenes.scaled_softmax",
    "CausalMask": "scenes.causal_mask",
    "ValuesUpdateEmbeddings": "scenes.values_update_embeddings",
    "MultiHeadSum": "scenes.multi_head_sum",
    "AttentionFormula": "scenes.attention_formula",
    "ParameterCount": "scenes.parameter_count",
    "CrossAttention": "scenes.cross_attention",
    "ContextShiftsMeaning": "scenes.context_shifts_meaning",
    "QuadraticScaling": "scenes.quadratic_scaling",
    "AttentionBlock": "scenes.attention_block",
}


def scene_class(name: str):
    """The scene class called ``name`` (or a scene file's ``path.py:Scene``); InputError naming the scenes when unknown."""
    from attention_math import InputError

    if name not in SCENES:
        from scenes.output.scene_file import is_scene_file, scene_class_of

        if is_scene_file(name):
            return scene_class_of(name)
        raise InputError(f"unknown scene {name!r}: choose one of {', '.join(SCENES)} (see `list`)")
    return getattr(importlib.import_module(SCENES[name]), name)
