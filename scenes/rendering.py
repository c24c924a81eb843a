"""Rendering a scene to a file: the library function the CLI calls.

Manim renders into a private temporary folder inside the output directory; the finished file
is then renamed into place, so a failed or interrupted render never leaves a half file at the
output path and never destroys the previous good one. Tex and text caches are shared in
``<output>/.cache`` so re-renders are fast.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from attention_math import InputError
from attention_math.files import check_output_dir

from scenes import scene_class
from scenes.settings import SceneSettings, set_active

QUALITIES: dict[str, tuple[int, int, int]] = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
}
FORMATS = ("mp4", "gif", "png")


@dataclass(frozen=True)
class RenderRequest:
    scene: str
    settings: SceneSettings = SceneSettings()
    quality: str = "low"
    fmt: str = "mp4"
    output_dir: Path = Path("media")
    resolution: tuple[int, int] | None = None   # overrides the quality's pixel size
    fps: int | None = None                       # overrides the quality's frame rate

    def output_path(self) -> Path:
        """media/<Scene>_<theme>_<quality>.<ext> (a custom size or rate is named in place of the quality)."""
        w, h, fps = self.size()
        quality = self.quality if (self.resolution, self.fps) == (None, None) else f"{w}x{h}p{fps}"
        return Path(self.output_dir) / f"{self.scene}_{self.settings.theme}_{quality}.{self.fmt}"

    def size(self) -> tuple[int, int, int]:
        if self.quality not in QUALITIES:
            raise InputError(f"unknown quality {self.quality!r}: choose one of {', '.join(QUALITIES)}")
        w, h, fps = QUALITIES[self.quality]
        if self.resolution:
            w, h = self.resolution
        return w, h, self.fps or fps


def render(request: RenderRequest, verbose: bool = False) -> Path:
    """Render one scene; returns the path written. Raises InputError for bad settings."""
    return render_scene(request, verbose)[0]


def render_scene(request: RenderRequest, verbose: bool = False):
    """Render one scene; returns the path written and the scene object (for inspection)."""
    from manim import config, tempconfig

    cls = scene_class(request.scene)
    if request.fmt not in FORMATS:
        raise InputError(f"unknown format {request.fmt!r}: choose one of {', '.join(FORMATS)}")
    if request.settings.theme not in ("dark", "light"):
        raise InputError(f"unknown theme {request.settings.theme!r}: choose dark or light")
    w, h, fps = request.size()
    if w < 16 or h < 16 or w % 2 or h % 2 or fps < 1:
        raise InputError(f"cannot render {w}x{h} at {fps} fps: use even sizes of at least 16 pixels and fps ≥ 1")
    out_dir = check_output_dir(request.output_dir)
    request.settings.trace()                     # bad sentences and settings fail here, before manim starts
    target = request.output_path()
    cache = out_dir / ".cache"
    work = Path(tempfile.mkdtemp(prefix=".render-", dir=out_dir))
    options = {
        "media_dir": str(work), "tex_dir": str(cache / "Tex"), "text_dir": str(cache / "texts"),
        "pixel_width": w, "pixel_height": h, "frame_rate": fps,
        "format": request.fmt, "output_file": request.scene,
        "verbosity": "INFO" if verbose else "WARNING", "progress_bar": "display" if verbose else "none",
        "disable_caching": False,
    }
    logging.getLogger("manim").setLevel(options["verbosity"])
    set_active(request.settings)
    try:
        with tempconfig(options):
            scene = cls()
            scene.render()
            writer = scene.renderer.file_writer
            produced = Path(writer.image_file_path if request.fmt == "png" else writer.final_file_path)
        os.replace(produced, target)
    finally:
        set_active(None)
        shutil.rmtree(work, ignore_errors=True)
    return target, scene
