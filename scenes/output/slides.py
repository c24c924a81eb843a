"""A lecture slide deck: one slide per section clip, in a folder that plays offline.

manim-slides 5.7 (the reveal.js route) does not run with manim 0.22, and reveal.js from a CDN
would not play offline; so the deck is one self-contained ``index.html`` (inline CSS and
JavaScript, no network) beside a ``clips/`` folder of manim's own section videos.
Keys: → / Space / PageDown next, ← / PageUp back, Home / End, F full screen, R replay (either case).
Every clip is scaled to fill the window above its caption line, its aspect kept, so a low-quality
deck is not a small box. Each clip's captions (the .vtt manim's render wrote beside it) play under
the video: the cues are inlined in the page, because browsers refuse <track> files on pages opened
from disk; the .vtt files are copied beside the clips for players that read them.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Sequence

from attention_math import InputError
from attention_math.files import check_output_dir

from scenes.output.formats import Cue, parse_subtitles
from scenes.output.request import RenderResult
from scenes.output.workspace import TEMP_PREFIX

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  html, body {{ margin: 0; height: 100%; background: {background}; color: #aaa; font: 14px sans-serif; }}
  .slide {{ display: none; position: absolute; inset: 0; flex-direction: column; align-items: center;
            justify-content: center; }}
  .slide.current {{ display: flex; }}
  video {{ width: 100vw; height: calc(100vh - 3em); object-fit: contain; }}  /* any quality fills the window, aspect kept */
  .caption {{ min-height: 1.4em; margin: 0.3em 1em 0; font-size: 18px; text-align: center; }}
  #where {{ position: fixed; right: 12px; bottom: 8px; opacity: 0.6; }}
</style>
</head>
<body>
{slides}
<div id="where"></div>
<script>
  const slides = Array.from(document.querySelectorAll(".slide"));
  let current = 0;
  function show(i) {{
    current = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach((s, j) => {{
      s.classList.toggle("current", j === current);
      const v = s.querySelector("video");
      if (j === current) {{ v.currentTime = 0; v.play(); }} else {{ v.pause(); }}
      showCaption(s);
    }});
    document.getElementById("where").textContent =
      slides[current].dataset.name + "  " + (current + 1) + " / " + slides.length;
  }}
  function showCaption(s) {{
    const t = s.querySelector("video").currentTime;
    const cue = JSON.parse(s.dataset.cues).find((c) => c[0] <= t && t < c[1]);
    s.querySelector(".caption").textContent = cue ? cue[2] : "";
  }}
  slides.forEach((s) => s.querySelector("video").addEventListener("timeupdate", () => showCaption(s)));
  document.addEventListener("keydown", (e) => {{
    if (["ArrowRight", " ", "PageDown"].includes(e.key)) show(current + 1);
    else if (["ArrowLeft", "PageUp"].includes(e.key)) show(current - 1);
    else if (e.key === "Home") show(0);
    else if (e.key === "End") show(slides.length - 1);
    else if (e.key.toLowerCase() === "r") show(current);
    else if (e.key.toLowerCase() === "f") document.documentElement.requestFullscreen();
    else return;
    e.preventDefault();
  }});
  document.addEventListener("click", () => show(current + 1));
  show(0);
</script>
</body>
</html>
"""

SLIDE = ('<div class="slide" data-name="{name}" data-cues="{cues}"><video src="clips/{clip}" preload="auto" muted '
         'playsinline></video><p class="caption"></p></div>')


def clip_cues(clip: Path) -> list[Cue]:
    """The captions of a section clip, from the .vtt beside it (none when it has none)."""
    vtt = clip.with_suffix(".vtt")
    return parse_subtitles(vtt.read_text(encoding="utf-8")) if vtt.is_file() else []


def section_clips(result: RenderResult) -> list[tuple[str, Path]]:
    """(section name, clip path) of a render made with sections, in order, from manim's index."""
    assert result.sections is not None
    index = next(result.sections.glob("*.json"), None)
    if index is None:
        raise InputError(f"no section index in {result.sections}: re-render with --force")
    return [(entry["name"], result.sections / entry["video"]) for entry in json.loads(index.read_text())]


def write_deck(results: Sequence[RenderResult], deck: str | Path, background: str = "#000000") -> Path:
    """Assemble the deck folder from renders made with sections; the folder is replaced atomically."""
    deck = Path(deck)
    parent = check_output_dir(deck.parent if str(deck.parent) else ".", create=True)
    if deck.exists() and not deck.is_dir():
        raise InputError(f"{str(deck)!r} is a file: pick a folder for the deck with --output")
    work = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-deck-", dir=parent))
    try:
        clips = work / "deck" / "clips"
        clips.mkdir(parents=True)
        slides = []
        for result in results:
            for n, (name, clip) in enumerate(section_clips(result)):
                file = f"{result.request.scene_name}_{n:02d}{clip.suffix}"
                shutil.copyfile(clip, clips / file)
                cues = clip_cues(clip)
                if cues:
                    shutil.copyfile(clip.with_suffix(".vtt"), (clips / file).with_suffix(".vtt"))
                cue_data = json.dumps([[round(c.start, 3), round(c.end, 3), c.text] for c in cues], ensure_ascii=False)
                slides.append(SLIDE.format(name=html.escape(f"{result.request.scene_name} · {name}", quote=True),
                                           clip=html.escape(file, quote=True), cues=html.escape(cue_data, quote=True)))
        title = html.escape(", ".join(r.request.scene_name for r in results))
        (work / "deck" / "index.html").write_text(PAGE.format(title=title, background=background,
                                                              slides="\n".join(slides)), encoding="utf-8")
        if deck.exists():
            os.replace(deck, work / "previous")
        os.replace(work / "deck", deck)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return deck / "index.html"
