"""Rendering scenes to files, by its former import path: the names live in

- request.py: ``RenderRequest`` (checked as it is made) and ``RenderResult``;
- render_one.py: one render (``render_scene``, ``check_render``, ``run_render``), encoder settings;
- pool.py: many renders in parallel processes (``render_many``), interrupts;
- stamps.py: unchanged re-renders answered from a stamp;
- workspace.py: temporary folders and shared caches;
- subtitles.py: the captions as .srt and .vtt.
"""

from __future__ import annotations

from scenes.kit.choices import QUALITIES
from scenes.output.pool import ProgressCallback, interruption_behind, render_many, terminate_as_interrupt
from scenes.output.render_one import (ENCODER_BYTES_1080P, ENCODER_MEMORY, MAX_ENCODERS_IN_FLIGHT, X264_CRF,
                                      X264_LOOKAHEAD, CheckedRender, FrameCallback, FrameCounter, SectionStarts,
                                      check_render, encoder_settings, make_scene, render, render_scene, run_render)
from scenes.output.request import (MAX_PIXELS, SUBTITLE_SUFFIXES, RenderRequest, RenderResult, parse_resolution,
                                   section_slug)
from scenes.output.workspace import TEMP_PREFIX, sweep_stale_temporaries

__all__ = ["ENCODER_BYTES_1080P", "ENCODER_MEMORY", "MAX_ENCODERS_IN_FLIGHT", "MAX_PIXELS", "QUALITIES",
           "SUBTITLE_SUFFIXES", "TEMP_PREFIX", "X264_CRF", "X264_LOOKAHEAD", "CheckedRender", "FrameCallback",
           "FrameCounter", "ProgressCallback", "RenderRequest", "RenderResult", "SectionStarts", "check_render",
           "encoder_settings", "interruption_behind", "make_scene", "parse_resolution", "render", "render_many",
           "render_scene", "run_render", "section_slug", "sweep_stale_temporaries", "terminate_as_interrupt"]
