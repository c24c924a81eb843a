"""The choices, stated once: defaults, models, themes, qualities, formats, cells, and the options a
settings file, ``use_settings`` and the command line take, with their types.

This module imports neither manim nor torch (nor anything of the project's but its errors), so the
command line's ``--help`` reads its choices from here at once; the kit, the engine and ``render.py``
all take them from here rather than restating them.

Examples
--------
>>> from scenes.kit.choices import DEFAULT_QUALITY, QUALITIES, THEMES
>>> DEFAULT_QUALITY, QUALITIES[DEFAULT_QUALITY], THEMES[:2]
('low', (854, 480, 15), ('dark', 'light'))
"""

from __future__ import annotations

# what a scene shows when nothing is chosen
DEFAULT_SENTENCE = "a fluffy blue creature roamed the verdant forest"
DEFAULT_QUERY_TOKEN = "creature"
DEFAULT_CONTEXT = "le chat était assis sur le tapis"

MODELS = ("toy", "minilm", "tiny-gpt", "translator")     # the weights a scene or a trace can read
THEMES = ("dark", "light", "dark-cb", "light-cb")        # the palette's themes (-cb: colour-blind-safe)
CELLS = ("dots", "numbers", "both")                      # how the attention pattern's cells are drawn

# quality → (width, height, frames per second), as manim's -ql … -qk
QUALITIES: dict[str, tuple[int, int, int]] = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
    "production": (2560, 1440, 60),
    "4k": (3840, 2160, 60),
}
QUALITY_LETTERS = {"l": "low", "m": "medium", "h": "high", "p": "production", "k": "4k"}   # manim's -ql … -qk
DEFAULT_QUALITY = "low"

FORMATS = ("mp4", "gif", "webm", "mov", "png")
ALPHA_FORMATS = ("webm", "mov", "png")      # mp4 (H.264) and manim's GIF cannot carry alpha
SECTION_FORMATS = ("mp4", "webm", "mov")
SUBTITLE_FORMATS = ("mp4", "webm", "mov")    # videos get an .srt and a .vtt of their captions

# option name → type, by where it goes: "scene" fields of SceneSettings, "render" fields of a render request
SCENE_OPTIONS: dict[str, type] = {
    "sentence": str, "model": str, "layer": int, "head": int, "heads": int, "focus": str, "causal": bool,
    "seed": int, "device": str, "theme": str, "query_token": str, "context": str, "target": str, "special_tokens": bool,
    "pieces": bool,
    "decimals": int, "cells": str, "preset": str, "shift_word": str, "shift_sentences": list,
    "shift_references": list, "shift_meanings": list,
}
RENDER_OPTIONS: dict[str, type] = {
    "quality": str, "fps": int, "resolution": str, "format": str, "transparent": bool, "sections": bool,
    "name": str,
}
RUN_OPTIONS: dict[str, type] = {"output": str, "jobs": int}
PACING: dict[str, type] = {"run_time": float, "wait": float}
