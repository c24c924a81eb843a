"""Scene settings, by their former import path: the names live in

- scenes.kit.settings: ``SceneSettings`` and ``head_of``;
- scenes.kit.settings_env: ``use_settings`` and ``active_settings`` (plain ``manim``, notebooks);
- scenes.kit.model_rules: token limits, the default model, layer and head, the story's scenes, notes;
- scenes.kit.settings_cache: what the settings compute, cached.

Examples
--------
>>> from scenes.kit.scene_settings import MAX_TOKENS, SceneSettings
>>> SceneSettings(model="toy").token_limit("ScaledSoftmax") > MAX_TOKENS
True
"""

from __future__ import annotations

from scenes.kit.choices import DEFAULT_CONTEXT, DEFAULT_QUERY_TOKEN, DEFAULT_SENTENCE
from scenes.kit.model_rules import (AUTO_HEAD_MODELS, CAUSAL_STORY, DECODERS, DEFAULT_LAYER_HEAD, DOT_SCENES,
                                    LONG_CONTEXT_LAYER_HEAD, MAX_DOT_TOKENS, MAX_TOKENS, STORY_SCENES, default_model,
                                    is_decoder, models_like, note_once, story_fits_tiny_gpt, too_long)
from scenes.kit.settings import SceneSettings, head_of
from scenes.kit.settings_cache import SCALING_SIZES
from scenes.kit.settings_env import CONFIG_ENV_VAR, ENV_VAR, active_settings, use_settings

__all__ = ["AUTO_HEAD_MODELS", "CAUSAL_STORY", "CONFIG_ENV_VAR", "DECODERS", "DEFAULT_CONTEXT", "DEFAULT_LAYER_HEAD",
           "DEFAULT_QUERY_TOKEN", "DEFAULT_SENTENCE", "DOT_SCENES", "ENV_VAR", "LONG_CONTEXT_LAYER_HEAD",
           "MAX_DOT_TOKENS", "MAX_TOKENS", "SCALING_SIZES", "STORY_SCENES", "SceneSettings", "active_settings",
           "default_model", "head_of", "is_decoder", "models_like", "note_once", "story_fits_tiny_gpt", "too_long",
           "use_settings"]
