"""One render: a checked request rendered by manim into a private temporary folder, then renamed
into place, so a failed or interrupted render never leaves a half file at the output path and never
destroys the previous good one (see workspace.py for the folders, stamps.py for unchanged re-renders)."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from attention_math.errors import InputError
from attention_math.files import check_output_dir, is_no_space, no_space_error

from scenes import scene_class
from scenes.kit.settings import SceneSettings
from scenes.output.formats import manim_format_options, webm_encoder_options, write_gif
from scenes.output.request import RenderRequest, RenderResult, section_slug
from scenes.output.stamps import cached_result, write_stamp
from scenes.output.subtitles import write_section_subtitles, write_subtitles
from scenes.output.workspace import TEMP_PREFIX, link_tree, replace_dir, sweep_stale_temporaries

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

FrameCallback = Callable[[int], None]


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
    if not force and (cached := cached_result(request)) is not None:
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
    link_tree(shared_cache / "Tex", tex_dir)
    link_tree(shared_cache / "texts", text_dir)
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
        subtitles = write_subtitles(request, writer.subcaptions, frames / fps, work)
        if sections_dir is not None:
            write_section_subtitles(sections_dir, writer.subcaptions, starts, frames / fps)
            replace_dir(sections_dir, request.sections_path(), work)
        for written, path in subtitles:
            os.replace(written, path)
        os.replace(produced, target)
        link_tree(tex_dir, shared_cache / "Tex", only_new=True)
        link_tree(text_dir, shared_cache / "texts", only_new=True)
        write_stamp(stamp_request, frames, shown)
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
    from scenes.kit.attention_scene import AttentionScene

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


def _forget_glyphs() -> None:
    """Start each render with empty in-memory text caches (ours and manim's), so a render's pixels
    never depend on what rendered before it in the same process (--jobs 1 equals --jobs 2)."""
    from manim.mobject.svg.svg_mobject import SVG_HASH_TO_MOB_MAP

    from scenes.kit.mobjects import reset_text_caches

    SVG_HASH_TO_MOB_MAP.clear()
    reset_text_caches()
