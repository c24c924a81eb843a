"""The kit scenes are built from: the base scene, the mobjects, the palette, text and settings.

This is the one documented import path for your own scenes::

    from scenes.kit import GridScene, AttentionGrid, label, use_settings

Every name in ``__all__`` has a numpydoc docstring with an example (``help(GridScene.show_grid)``);
docs/your-own-scene.md walks from ``attention-render new`` to a GIF. Names are imported on first
use, so ``import scenes.kit`` stays cheap until a scene needs manim.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name → the module that defines it
_WHERE: dict[str, str] = {
    # the base scenes: beats, captions, pacing, settings, trace access
    "AttentionScene": "scenes.kit.attention_scene",
    "GridScene": "scenes.kit.grid_scene",
    # mobjects
    "AttentionGrid": "scenes.kit.grid",
    "VectorColumn": "scenes.kit.vectors",
    "weight_opacity": "scenes.kit.vectors",
    "DotMatrix": "scenes.kit.vectors",
    "TokenBoxes": "scenes.kit.vectors",
    # vectors in a plane (the geometry scenes)
    "plane_to_screen": "scenes.kit.geometry",
    "vector_arrow": "scenes.kit.geometry",
    "tip_to_tail_arrows": "scenes.kit.geometry",
    # the palette
    "Theme": "scenes.kit.palette",
    "themed": "scenes.kit.palette",
    "MEANINGS": "scenes.kit.palette",
    # text
    "label": "scenes.kit.text_mobjects",
    "wrapped_label": "scenes.kit.text_mobjects",
    "number": "scenes.kit.text_mobjects",
    "cached_text": "scenes.kit.text_mobjects",
    "format_number": "scenes.kit.text_mobjects",
    "short": "scenes.kit.text_mobjects",
    "sub": "scenes.kit.notation",            # W_Q with a real subscript, in plain text
    "plain": "scenes.kit.notation",
    # settings
    "SceneSettings": "scenes.kit.settings",
    "use_settings": "scenes.kit.settings_env",
    "active_settings": "scenes.kit.settings_env",
    # notebooks and examples: run a scene's construct, draw its last frame
    "render_frame": "scenes.kit.notebook",
}

__all__ = list(_WHERE)


def _quiet_in_notebook() -> None:
    from scenes.kit.notebook import quiet_in_notebook

    quiet_in_notebook()


_quiet_in_notebook()


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'scenes.kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
