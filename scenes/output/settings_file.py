"""Settings files and option merging: what to render, from a TOML file and the command line.

A settings file is data, read with ``tomllib`` (never executed). Its top level holds any
option of ``render`` (``sentence``, ``model``, ``quality``, ``format``…), a ``[colors]`` table
(palette role → "#rrggbb"), a ``[pacing]`` table (``run_time`` and ``wait`` multipliers) and
per-scene tables (``[scenes.ScaledSoftmax] query_token = "creature"``; a scene file's scene by
its class name, ``[scenes.DotsSoftmax]``). Precedence, lowest first: defaults, the file's top
level, the file's table for that scene, the command line.
"""

from __future__ import annotations

import dataclasses
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from attention_math import InputError

from scenes import SCENES
from scenes.output.naming import match_scene
from scenes.output.rendering import RenderRequest, parse_resolution
from scenes.kit.scene_settings import SceneSettings

# option name → (type, where it goes): "scene" fields of SceneSettings, "render" fields of RenderRequest
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
TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", float: "a number",
              list: "a list of strings"}


@dataclass(frozen=True)
class SettingsFile:
    """A parsed settings file: top-level options and per-scene overrides (both validated)."""
    path: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    scenes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _check_type(key: str, value: Any, expected: type, where: str) -> Any:
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        ok, value = True, float(value)
    if expected is list and ok:
        ok = all(isinstance(item, str) for item in value)
        value = tuple(value)
    if not ok:
        raise InputError(f"{where}: {key!r} must be {TYPE_NAMES[expected]}, not {value!r}")
    return value


def _read_table(table: Mapping[str, Any], allowed: dict[str, type], where: str) -> dict[str, Any]:
    """Validate one table's keys and types; [colors] and [pacing] are flattened into it."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "colors" and "colors" not in allowed:
            if not isinstance(value, dict):
                raise InputError(f"{where}: 'colors' must be a table of role = \"#rrggbb\"")
            out["colors"] = tuple((role, _check_type(f"colors.{role}", c, str, where)) for role, c in value.items())
        elif key == "pacing":
            if not isinstance(value, dict):
                raise InputError(f"{where}: 'pacing' must be a table with run_time and wait")
            for name, number in value.items():
                if name not in PACING:
                    raise InputError(f"{where}: unknown key 'pacing.{name}': known ones are {', '.join(PACING)}")
                out[name] = _check_type(f"pacing.{name}", number, float, where)
        elif key in allowed:
            out[key] = _check_type(key, value, allowed[key], where)
        else:
            raise InputError(f"{where}: unknown key {key!r}: known ones are "
                             f"{', '.join([*allowed, 'colors', 'pacing'])}")
    return out


def load_settings_file(path: str | Path, own_scenes: tuple[str, ...] = ()) -> SettingsFile:
    """Parse and validate a TOML settings file; InputError naming the file and key for any problem.

    ``own_scenes``: class names of scene files being rendered, whose tables are allowed too."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"settings file {str(path)!r} does not exist: check the path given to --config") from None
    except IsADirectoryError:
        raise InputError(f"settings file {str(path)!r} is a directory: pass a .toml file to --config") from None
    except PermissionError:
        raise InputError(f"settings file {str(path)!r} is not readable: check its permissions") from None
    except OSError as exc:
        raise InputError(f"settings file {str(path)!r} cannot be read ({exc.strerror}): check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"settings file {str(path)!r} is not UTF-8 text: save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"settings file {str(path)!r} is not valid TOML ({exc}): fix the syntax") from None
    where = f"settings file {str(path)!r}"
    per_scene = raw.pop("scenes", {})
    options = _read_table(raw, {**SCENE_OPTIONS, **RENDER_OPTIONS, **RUN_OPTIONS}, where)
    if not isinstance(per_scene, dict):
        raise InputError(f"{where}: 'scenes' must hold tables like [scenes.ScaledSoftmax]")
    scenes: dict[str, dict[str, Any]] = {}
    for name, table in per_scene.items():
        if name not in SCENES and name not in own_scenes:
            raise InputError(f"{where}: unknown scene [scenes.{name}]: choose from {', '.join([*SCENES, *own_scenes])}")
        if not isinstance(table, dict):
            raise InputError(f"{where}: [scenes.{name}] must be a table of options")
        scenes[name] = _read_table(table, {**SCENE_OPTIONS, **RENDER_OPTIONS}, f"{where}, [scenes.{name}]")
    return SettingsFile(str(path), options, scenes)


def merged_options(scene: str, settings_file: SettingsFile | None, command_line: Mapping[str, Any],
                   defaults: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults < file < file's [scenes.<scene>] < command line (only options the user gave).

    ``defaults``: a command's own defaults (``slides`` renders at high quality, ``sheet`` at medium),
    below everything the user set."""
    merged: dict[str, Any] = dict(defaults or {})
    if settings_file is not None:
        merged.update(settings_file.options)
        merged.update(settings_file.scenes.get(scene, {}))
    merged.update({k: v for k, v in command_line.items() if v is not None})
    return merged


ALPHA_DEFAULT_NOTE = ("--transparent without --format: writing MOV (QuickTime RLE keeps the alpha channel "
                      "and plays in slide software); pass --format webm or png for another")


def default_format(options: Mapping[str, Any]) -> str:
    """mp4, or mov when transparency is asked for without a format (mp4 cannot hold alpha)."""
    return "mov" if options.get("transparent") else "mp4"


def build_request(scene: str, options: Mapping[str, Any]) -> RenderRequest:
    """One RenderRequest from merged options."""
    scene_fields = {f.name for f in dataclasses.fields(SceneSettings)}
    settings = SceneSettings(**{k: v for k, v in options.items() if k in scene_fields})
    resolution = options.get("resolution")
    return RenderRequest(
        scene, settings,
        quality=options.get("quality", "low"), fmt=options.get("format", default_format(options)),
        output_dir=Path(options.get("output", "media")),
        resolution=parse_resolution(resolution) if isinstance(resolution, str) else resolution,
        fps=options.get("fps"), transparent=bool(options.get("transparent", False)),
        sections=bool(options.get("sections", False)), name=options.get("name"),
    )


def plan_renders(names: list[str], all_scenes: bool, command_line: Mapping[str, Any],
                 config: str | Path | None = None,
                 defaults: Mapping[str, Any] | None = None) -> tuple[list[RenderRequest], int]:
    """The requests to render and the number of parallel jobs, from names, options and a settings file
    (precedence: ``defaults`` < the file < its scene's table < ``command_line``)."""
    from scenes.output.scene_file import class_name, is_scene_file, resolve_quickly

    if all_scenes and names:
        raise InputError("name scenes or pass --all, not both")
    if not all_scenes and not names:
        raise InputError("name at least one scene (see `list`), or pass --all")
    names = list(SCENES) if all_scenes else list(dict.fromkeys(names))
    specs: list[str] = []
    for name in names:
        if is_scene_file(name):            # a scene file of your own: path/to/file.py[:SceneName]
            specs.extend(resolve_quickly(name))
        else:
            specs.append(match_scene(name))   # built-in, any case; a typo gets "did you mean …"
    specs = list(dict.fromkeys(specs))
    own = tuple(class_name(s) for s in specs if s not in SCENES)
    settings_file = load_settings_file(config, own) if config else None
    merged = [merged_options(class_name(spec), settings_file, command_line, defaults) for spec in specs]
    requests = [build_request(spec, options) for spec, options in zip(specs, merged)]
    if any(options.get("transparent") and "format" not in options for options in merged):
        logging.getLogger("attention_animated").warning(ALPHA_DEFAULT_NOTE)
    paths: dict[Path, str] = {}
    for request in requests:
        request.check()
        path = request.output_path()
        if path in paths:
            raise InputError(f"{paths[path]} and {request.scene_name} would both write {path.name}: "
                             "--name names one scene's output; render one scene with it")
        paths[path] = request.scene_name
    jobs = merged_options("", settings_file, command_line).get("jobs", 1)
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {jobs}")
    return requests, jobs
