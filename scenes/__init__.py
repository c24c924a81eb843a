"""Manim CE scenes of the attention story. Each reads the trace; none computes.

``SCENES`` maps a scene's name to its module; ``scene_class(name)`` imports it. A name may
also be a scene file of your own, ``path/to/file.py:SceneName`` (see scenes/scene_file.py).
"""

from __future__ import annotations

import importlib

from scenes.catalog import CATALOG

# name → module, in the order of the story (the catalog, scenes/catalog.py, describes each)
SCENES: dict[str, str] = {name: entry.module for name, entry in CATALOG.items()}


def scene_class(name: str):
    """The scene class called ``name`` (or a scene file's ``path.py:Scene``); InputError naming the scenes when unknown."""
    from attention_math import InputError

    if name not in SCENES:
        from scenes.scene_file import is_scene_file, scene_class_of

        if is_scene_file(name):
            return scene_class_of(name)
        raise InputError(f"unknown scene {name!r}: choose one of {', '.join(SCENES)} (see `list`)")
    return getattr(importlib.import_module(SCENES[name]), name)
