"""The captions of a render as subtitles: the .srt and .vtt beside a video, and a .vtt beside each
section clip in the clip's own time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from scenes.output.formats import Cue, cues_from, subtitle_texts, vtt_text
from scenes.output.request import RenderRequest

if TYPE_CHECKING:
    from scenes.output.render_one import SectionStarts


def write_subtitles(request: RenderRequest, subcaptions, seconds: float, work: Path) -> list[tuple[Path, Path]]:
    """The .srt and .vtt, written in ``work``; (written, destination) pairs to move into place."""
    texts = subtitle_texts(subcaptions, seconds)
    pairs = []
    for path in request.subtitle_paths():
        written = work / ("subtitles" + path.suffix)
        written.write_text(texts[path.suffix], encoding="utf-8")
        pairs.append((written, path))
    return pairs


def write_section_subtitles(sections_dir: Path, subcaptions, starts: SectionStarts, seconds: float) -> None:
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
