"""The settings a scene given none reads (plain ``manim``, a notebook), lowest precedence first: the
defaults; the settings file named by the environment variable ATTENTION_CONFIG (a TOML file as for
``--config``, its ``[scenes.<Name>]`` table included); ATTENTION_SETTINGS (a JSON object of the
fields); ``use_settings(...)``. The renderer gives each scene its own instead."""

from __future__ import annotations

import dataclasses
import json
import os

from attention_math.errors import InputError

from scenes.kit.settings import SceneSettings

ENV_VAR = "ATTENTION_SETTINGS"
CONFIG_ENV_VAR = "ATTENTION_CONFIG"


_chosen: dict[str, object] = {}          # what use_settings(...) chose, validated
_chosen_file: str | None = None          # the settings file use_settings(config=...) named


def _file_options(path: str, scene: str | None, source: str) -> dict[str, object]:
    """The scene settings of a TOML settings file: its top level, then its table for ``scene``."""
    from scenes.kit.settings_table import load_settings_file

    scenes = (scene,) if scene else ()
    settings_file = load_settings_file(path, own_scenes=scenes)
    merged = {**settings_file.options, **settings_file.scenes.get(scene or "", {})}
    fields = {f.name for f in dataclasses.fields(SceneSettings)}
    return {k: v for k, v in merged.items() if k in fields}      # quality, format… belong to the renderer


def use_settings(config: str | os.PathLike | None = None, **settings: object) -> SceneSettings:
    """Choose the sentence, model and options of scenes rendered by plain ``manim`` or in a notebook.

    Later calls replace earlier ones; ``use_settings()`` goes back to the defaults (and the
    environment). The command line (``attention-render render``) ignores this call: there, its
    options and ``--config`` decide, given to each scene it renders.

    Parameters
    ----------
    config
        A TOML settings file, as for ``--config`` (docs/settings.example.toml): its top level
        and its ``[scenes.<SceneName>]`` tables; ``settings`` override it.
    **settings
        Any field of :class:`SceneSettings` (``sentence``, ``model``, ``layer``, ``head``,
        ``theme``, ``query_token``…), plus ``colors`` (role → "#rrggbb") and ``pacing``
        (``run_time``/``wait`` multipliers), checked as a settings file's are.

    Returns
    -------
    SceneSettings
        The settings a scene without a table of its own will read.

    Examples
    --------
    >>> from scenes.kit import use_settings
    >>> use_settings(sentence="the cat sat on the mat", model="toy", theme="light").sentence
    'the cat sat on the mat'
    >>> use_settings(colors={"query": "#ff8800"}).colors
    (('query', '#ff8800'),)
    >>> use_settings().model is None          # back to the defaults
    True
    """
    from scenes.kit.choices import PACING, SCENE_OPTIONS
    from scenes.kit.settings_table import read_table

    global _chosen, _chosen_file
    chosen = read_table(settings, {**SCENE_OPTIONS, **PACING}, "use_settings(...)")
    if config is not None:
        _file_options(str(config), None, "use_settings(config=...)")       # fail now, not at render time
    _chosen, _chosen_file = chosen, (str(config) if config is not None else None)
    return active_settings()


def active_settings(scene: str | None = None) -> SceneSettings:
    """The settings a scene given none reads (plain ``manim``, a notebook): those of the environment and
    ``use_settings``. The renderer gives each scene its request's settings instead (``AttentionScene(settings=...)``).

    Parameters
    ----------
    scene
        The scene's class name, for the ``[scenes.<Name>]`` table of a settings file.

    Examples
    --------
    >>> from scenes.kit import active_settings, use_settings
    >>> _ = use_settings(sentence="a small red fox", model="toy")
    >>> active_settings("ScaledSoftmax").sentence
    'a small red fox'
    >>> _ = use_settings()
    """
    data: dict[str, object] = {}
    if os.environ.get(CONFIG_ENV_VAR):
        data.update(_file_options(os.environ[CONFIG_ENV_VAR], scene, CONFIG_ENV_VAR))
    raw = os.environ.get(ENV_VAR)
    if raw:
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{ENV_VAR} is not valid JSON ({exc.msg}): fix or unset it") from None
        if not isinstance(parsed, dict):
            raise InputError(f"{ENV_VAR} must be a JSON object of settings, e.g. '{{\"theme\": \"light\"}}'")
        data.update(parsed)
    if _chosen_file is not None:
        data.update(_file_options(_chosen_file, scene, "use_settings(config=...)"))
    data.update(_chosen)
    if not data:
        return SceneSettings()
    return SceneSettings.from_mapping(data, source=ENV_VAR if raw and not _chosen else "settings")
