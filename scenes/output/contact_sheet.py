"""Contact sheets: many frames of one rendered scene in one PNG, to review a clip at a glance.

A sheet holds the last frame of every section (where each beat ends), the middle of every
section (mid-transform, where morphs garble and brackets smear), and evenly spaced frames in
between, in time order, each captioned with its time and section.

Example
-------
>>> from pathlib import Path
>>> sheet = contact_sheet(Path("media/ScaledSoftmax_dark_medium.mp4"),
...                       Path("media/ScaledSoftmax_dark_medium_sections"),
...                       Path("media/sheets/ScaledSoftmax.png"))      # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from attention_math.files import atomic_write_bytes


@dataclass(frozen=True)
class Pick:
    """One frame chosen for the sheet: its time, the section it belongs to, and why it was chosen."""
    time: float
    section: str
    why: str       # "end", "middle" or "between"


def read_sections(sections_dir: Path | None) -> list[tuple[str, float]]:
    """(name, duration in seconds) of each section, in order, from manim's JSON index."""
    if sections_dir is None:
        return []
    index = next(iter(sorted(Path(sections_dir).glob("*.json"))), None)
    if index is None:
        return []
    return [(s["name"], float(s["duration"])) for s in json.loads(index.read_text()) if float(s.get("duration", 0)) > 0]


def choose_frames(duration: float, fps: float, sections: list[tuple[str, float]], count: int = 24) -> list[Pick]:
    """Every section's end and middle, then evenly spaced frames until ``count`` (at least the ends)."""
    step = 1.0 / fps
    if not sections:
        sections = [("scene", duration)]
    picks: list[Pick] = []
    start = 0.0
    for name, length in sections:
        end = start + length
        picks.append(Pick(max(start, end - step), name, "end"))
        picks.append(Pick(start + length / 2, name, "middle"))
        start = end
    spare = max(0, count - len(picks))
    for k in range(spare):
        t = duration * (k + 0.5) / spare
        owner = _section_at(t, sections)
        picks.append(Pick(t, owner, "between"))
    picks.sort(key=lambda p: p.time)
    unique: list[Pick] = []
    for pick in picks:         # drop frames closer than one frame apart, keeping section ends
        if unique and abs(pick.time - unique[-1].time) < step:
            if pick.why == "end":
                unique[-1] = pick
            continue
        unique.append(pick)
    return unique


def _section_at(t: float, sections: list[tuple[str, float]]) -> str:
    start = 0.0
    for name, length in sections:
        if t < start + length:
            return name
        start += length
    return sections[-1][0]


def decode_frames(video: Path, times: list[float]) -> list[np.ndarray]:
    """The RGB frames shown at each of ``times`` (seconds), decoding the file once."""
    wanted = sorted(range(len(times)), key=lambda i: times[i])
    frames: list[np.ndarray | None] = [None] * len(times)
    last = None
    position = 0
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            t = float(frame.pts * stream.time_base) if frame.pts is not None else 0.0
            while position < len(wanted) and times[wanted[position]] < t - 1e-6:
                frames[wanted[position]] = last if last is not None else frame.to_ndarray(format="rgb24")
                position += 1
            last = frame.to_ndarray(format="rgb24")
            if position == len(wanted):
                break
    for i in wanted[position:]:
        frames[i] = last
    return [f for f in frames if f is not None]


def compose(frames: list[np.ndarray], captions: list[str], columns: int = 4, title: str = "") -> Image.Image:
    """Frames in a grid, each with a caption under it, and a title across the top."""
    h, w = frames[0].shape[:2]
    font = ImageFont.load_default(size=max(14, h // 30))
    pad, text_h, title_h = 8, max(14, h // 30) + 8, (max(18, h // 22) + 16) if title else 0
    rows = -(-len(frames) // columns)
    sheet = Image.new("RGB", (columns * (w + pad) + pad, title_h + rows * (h + text_h + pad) + pad), (128, 128, 128))
    draw = ImageDraw.Draw(sheet)
    if title:
        draw.text((pad, 8), title, fill=(0, 0, 0), font=ImageFont.load_default(size=max(18, h // 22)))
    for k, (frame, caption) in enumerate(zip(frames, captions)):
        x = pad + (k % columns) * (w + pad)
        y = title_h + pad + (k // columns) * (h + text_h + pad)
        sheet.paste(Image.fromarray(frame), (x, y))
        draw.text((x, y + h + 2), caption, fill=(0, 0, 0), font=font)
    return sheet


def contact_sheet(video: Path, sections_dir: Path | None, out: Path, count: int = 24, columns: int = 4,
                  scale: float = 1.0) -> Path:
    """Write the contact sheet of ``video`` (with its sections, if any) to ``out``; returns ``out``."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 15)
        duration = float(stream.duration * stream.time_base) if stream.duration else float(container.duration or 0) / 1e6
    picks = choose_frames(duration, fps, read_sections(sections_dir), count)
    frames = decode_frames(video, [p.time for p in picks])
    if scale != 1.0:
        frames = [np.asarray(Image.fromarray(f).resize((round(f.shape[1] * scale), round(f.shape[0] * scale)),
                                                       Image.LANCZOS)) for f in frames]
    captions = [f"{p.time:5.2f}s  {p.section} ({p.why})" for p in picks]
    image = compose(frames, captions, columns, title=f"{Path(video).name}: {duration:.1f} s, {len(picks)} frames")
    out.parent.mkdir(parents=True, exist_ok=True)
    from io import BytesIO
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    atomic_write_bytes(out, buffer.getvalue())
    return out
