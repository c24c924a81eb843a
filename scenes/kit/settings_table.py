"""Settings files, read and checked: a TOML file's options, its [colors], [pacing] and per-scene tables.

A settings file is data, read with ``tomllib`` (never executed). Its top level holds any
option of ``render`` (``sentence``, ``model``, ``quality``, ``format``…), a ``[colors]`` table
(palette role → "#rrggbb"), a ``[pacing]`` table (``run_time`` and ``wait`` multipliers) and
per-scene tables (``[scenes.ScaledSoftmax] query_token = "creature"``; a scene file's scene by
its class name, ``[scenes.DotsSoftmax]``). The kit reads it for ``use_settings(config=...)`` and
ATTENTION_CONFIG; the engine (scenes/output/settings_file.py) for ``--config``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from attention_math.errors import InputError

from scenes.catalog import CATALOG
from scenes.kit.choices import PACING, RENDER_OPTIONS, RUN_OPTIONS, SCENE_OPTIONS

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


def read_table(table: Mapping[str, Any], allowed: dict[str, type], where: str) -> dict[str, Any]:
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
    options = read_table(raw, {**SCENE_OPTIONS, **RENDER_OPTIONS, **RUN_OPTIONS}, where)
    if not isinstance(per_scene, dict):
        raise InputError(f"{where}: 'scenes' must hold tables like [scenes.ScaledSoftmax]")
    scenes: dict[str, dict[str, Any]] = {}
    for name, table in per_scene.items():
        if name not in CATALOG and name not in own_scenes:
            raise InputError(f"{where}: unknown scene [scenes.{name}]: choose from {', '.join([*CATALOG, *own_scenes])}")
        if not isinstance(table, dict):
            raise InputError(f"{where}: [scenes.{name}] must be a table of options")
        scenes[name] = read_table(table, {**SCENE_OPTIONS, **RENDER_OPTIONS}, f"{where}, [scenes.{name}]")
    return SettingsFile(str(path), options, scenes)
