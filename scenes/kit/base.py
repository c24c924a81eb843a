"""The base scenes, by their former import path: the names live in

- scenes.kit.attention_scene: ``AttentionScene`` (settings, trace, beats, titles, pacing) and ``Drawn``;
- scenes.kit.captions: its captions (``caption_seconds``, ``CAPTION_TOP``…);
- scenes.kit.story_notes: its words about the model (``MODEL_NAMES``);
- scenes.kit.grid_scene: ``GridScene``, the grid's layout (``GRID_WIDTH``);
- scenes.kit.grid_beats: what the grid's cells show, beat by beat (``LIFT_GAP``);
- scenes.kit.fades: cross-fades (``OUT_FIRST``, ``IN_SECOND``).

Examples
--------
>>> from scenes.kit.base import AttentionScene, GridScene, caption_seconds
>>> AttentionScene.__module__, GridScene.__module__, caption_seconds.__module__
('scenes.kit.attention_scene', 'scenes.kit.grid_scene', 'scenes.kit.captions')
"""

from __future__ import annotations

from scenes.kit.attention_scene import AttentionScene, Drawn
from scenes.kit.captions import (CAPTION_MIN_SECONDS, CAPTION_POINTS, CAPTION_TOP, CAPTION_WORDS_PER_SECOND, Captions,
                                 caption_seconds)
from scenes.kit.fades import IN_SECOND, OUT_FIRST, RGBA_ARRAYS
from scenes.kit.grid_beats import LIFT_GAP, GridBeats
from scenes.kit.grid_scene import GRID_WIDTH, GridScene
from scenes.kit.story_notes import MODEL_NAMES, StoryNotes

__all__ = ["CAPTION_MIN_SECONDS", "CAPTION_POINTS", "CAPTION_TOP", "CAPTION_WORDS_PER_SECOND", "GRID_WIDTH", "IN_SECOND",
           "LIFT_GAP", "MODEL_NAMES", "OUT_FIRST", "RGBA_ARRAYS", "AttentionScene", "Captions", "Drawn", "GridBeats",
           "GridScene", "StoryNotes", "caption_seconds"]
