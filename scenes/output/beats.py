"""A scene's beats (its sections, the names ``--at`` takes), found without importing manim.

Built-in scenes list theirs in the catalog (scenes/catalog.py). A scene file of your own is read
as text: its ``self.beat("…")`` calls, in the order they stand in the class's source.

Examples
--------
>>> from scenes.output.beats import scene_beats
>>> scene_beats("causalmask")["beats"]
['scaled', 'mask', 'softmax', 'why']
"""

from __future__ import annotations

import ast
from typing import Any

from attention_math.errors import InputError


def scene_beats(name: str) -> dict[str, Any]:
    """``{"name", "spec", "description", "beats", "when"}`` for a built-in scene (any case) or a scene file.

    Parameters
    ----------
    name
        A built-in scene's name (a typo gets "did you mean"), or ``path/to/file.py[:SceneName]``.
    """
    from scenes.scene_file import is_scene_file

    if is_scene_file(name):
        return _file_beats(name)
    from scenes.catalog import CATALOG
    from scenes.output.naming import match_scene

    scene = match_scene(name)
    entry = CATALOG[scene]
    return {"name": scene, "spec": scene, "description": entry.description, "beats": list(entry.beats),
            "when": dict(entry.when)}


def _file_beats(spec: str) -> dict[str, Any]:
    """The beats of a scene class in a file, read from its source (the file is not run)."""
    from scenes.scene_file import check_path, drawn_classes, split_spec

    path_text, wanted = split_spec(spec)
    path = check_path(path_text)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"scene file {path_text!r} cannot be read as Python ({type(exc).__name__}): fix it, "
                         "then try again") from None
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    if wanted is None:
        scenes = drawn_classes(path) or []
        if len(scenes) != 1:
            listed = ", ".join(scenes) or "none"
            raise InputError(f"scene file {path_text!r} holds {len(scenes)} scenes ({listed}): name one, "
                             f"e.g. {path_text}:{scenes[0] if scenes else 'MyScene'}")
        wanted = scenes[0]
    if wanted not in classes:
        raise InputError(f"scene file {path_text!r} has no class {wanted!r}: it defines {', '.join(classes) or 'none'}")
    node = classes[wanted]
    beats: list[tuple[str, int]] = []
    description = ""
    for item in ast.walk(node):
        if (isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute) and item.func.attr == "beat"
                and item.args):
            arg = item.args[0]
            beat = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else "(a computed name)"
            beats.append((beat, item.lineno))
        if (isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "description" for t in item.targets)
                and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str)):
            description = item.value.value
    ordered = [beat for beat, _ in sorted(beats, key=lambda pair: pair[1])]
    return {"name": wanted, "spec": f"{path_text}:{wanted}", "description": description,
            "beats": list(dict.fromkeys(ordered)), "when": {}}
