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
from pathlib import Path
from typing import Any, Mapping

from attention_math import InputError

from scenes import SCENES
from scenes.kit.choices import DEFAULT_QUALITY
from scenes.kit.settings import SceneSettings
from scenes.kit.settings_table import SettingsFile, load_settings_file
from scenes.output.naming import match_scene
from scenes.output.request import RenderRequest, parse_resolution


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
    """One RenderRequest from merged options (checked as it is made)."""
    scene_fields = {f.name for f in dataclasses.fields(SceneSettings)}
    settings = SceneSettings(**{k: v for k, v in options.items() if k in scene_fields})
    resolution = options.get("resolution")
    return RenderRequest(
        scene, settings,
        quality=options.get("quality", DEFAULT_QUALITY), fmt=options.get("format", default_format(options)),
        output_dir=Path(options.get("output", "media")),
        resolution=parse_resolution(resolution) if isinstance(resolution, str) else resolution,
        fps=options.get("fps"), transparent=bool(options.get("transparent", False)),
        sections=bool(options.get("sections", False)), name=options.get("name"), at=options.get("at"),
    )


def plan_renders(names: list[str], all_scenes: bool, command_line: Mapping[str, Any],
                 config: str | Path | None = None,
                 defaults: Mapping[str, Any] | None = None) -> tuple[list[RenderRequest], int]:
    """The requests to render and the number of parallel jobs, from names, options and a settings file
    (precedence: ``defaults`` < the file < its scene's table < ``command_line``)."""
    from scenes.scene_file import class_name, is_scene_file, resolve_quickly

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
    if any(options.get("transparent") and "format" not in options for options in merged):
        logging.getLogger("attention_animated").warning(ALPHA_DEFAULT_NOTE)
    requests = [build_request(spec, options) for spec, options in zip(specs, merged)]   # each checked, once
    paths: dict[Path, str] = {}
    for request in requests:
        path = request.output_path()
        if path in paths:
            raise InputError(f"{paths[path]} and {request.scene_name} would both write {path.name}: "
                             "--name names one scene's output; render one scene with it")
        paths[path] = request.scene_name
    jobs = merged_options("", settings_file, command_line).get("jobs", 1)
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {jobs}")
    return requests, jobs
