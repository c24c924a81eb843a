"""Output names that never collide: ``<Scene>_<theme>_<quality>`` for the default content, plus a
short readable tag when the content differs (``ScaledSoftmax_dark_low_minilm-L3H2-1f0c9a``), or
the name the user chose with ``--name``.

The tag's readable parts name the model, layer, head, focus and the sentence's first words; its
last part is a hash of every setting that shapes the frames, so two renders that differ in
anything (a colour, the pacing, a scene's own setting) get two names.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import unicodedata
from typing import Any

from attention_math.errors import InputError

from scenes.kit.model_rules import CAUSAL_STORY, DEFAULT_LAYER_HEAD
from scenes.kit.settings import SceneSettings

NOT_CONTENT = ("device", "theme")      # the device does not change the frames; the theme is named already
HASH_CHARS = 6
# scenes that show no single layer and head (the result table says so)
WITHOUT_HEAD = {"ParameterCount": "—", "QuadraticScaling": "—", "ContextShiftsMeaning": "every layer"}


def content_changes(scene: str, settings: SceneSettings) -> dict[str, Any]:
    """The settings that differ from the defaults and shape what ``scene`` shows."""
    default = SceneSettings()
    changes = {f.name: getattr(settings, f.name) for f in dataclasses.fields(SceneSettings)
               if f.name not in NOT_CONTENT and getattr(settings, f.name) != getattr(default, f.name)}
    fixed_model = None if scene in CAUSAL_STORY else "minilm"     # the causal story's default depends on the words
    if changes.get("model") is not None and changes["model"] == fixed_model:
        del changes["model"]
    model = settings.model or fixed_model
    if settings.focus is None and model in DEFAULT_LAYER_HEAD:
        layer, head = DEFAULT_LAYER_HEAD[model]
        if changes.get("layer") == layer:
            del changes["layer"]
        if changes.get("head") == head:
            del changes["head"]
    return changes


def slug(text: str, words: int = 2, width: int = 10) -> str:
    """The first ``words`` words of ``text`` in lowercase ASCII letters and digits ('' if none)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(w[:width] for w in re.findall(r"[a-z0-9]+", ascii_text)[:words])


def content_tag(scene: str, settings: SceneSettings) -> str:
    """'' for the default content, else readable parts and a short hash of every changed setting."""
    changes = content_changes(scene, settings)
    if not changes:
        return ""
    parts = []
    if "model" in changes:
        parts.append(str(changes["model"]))
    layer_head = (f"L{changes['layer']}" if "layer" in changes else "") + (f"H{changes['head']}" if "head" in changes else "")
    parts += [layer_head] if layer_head else []
    if "focus" in changes:
        parts.append("focus-" + (slug(str(changes["focus"]).split(":")[0], 1) or "q"))
    if "sentence" in changes:
        parts.append(slug(str(changes["sentence"])))
    digest = hashlib.sha256(json.dumps(changes, sort_keys=True, ensure_ascii=False, default=list).encode()).hexdigest()
    parts.append(digest[:HASH_CHARS])
    return "-".join(p for p in parts if p)


def check_name(name: str) -> str:
    """A name chosen with --name: a plain file name (InputError for folders, dots and control characters)."""
    if not name.strip():
        raise InputError("--name is empty: give a file name such as intro-softmax")
    if "/" in name or "\\" in name or (os.altsep and os.altsep in name):
        raise InputError(f"--name {name!r} contains a path separator: give a plain file name, and the folder with --output")
    if name.startswith(".") or any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InputError(f"--name {name!r} starts with a dot or has a control character: give a plain file name")
    if len(name.encode()) > 200:
        raise InputError("--name is longer than 200 bytes: give a shorter file name")
    return name


def head_label(scene: str, model_layer_head: tuple[str, int, int] | None, focus: str | None = None) -> str:
    """'minilm L5 H6' (with ', by --focus' when the head finder chose), for the result table."""
    if scene in WITHOUT_HEAD:
        return WITHOUT_HEAD[scene]
    if model_layer_head is None:
        return ""
    model, layer, head = model_layer_head
    return f"{model} L{layer} H{head}" + (" (focus)" if focus else "")


def match_scene(name: str) -> str:
    """The scene called ``name``, ignoring case; InputError with "did you mean …" for a typo."""
    import difflib

    from scenes import SCENES

    if name in SCENES:
        return name
    by_lower = {scene.lower(): scene for scene in SCENES}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    hint = f"did you mean {by_lower[close[0]]}? " if close else ""
    raise InputError(f"unknown scene {name!r}: {hint}choose one of {', '.join(SCENES)} (see `list`)")
