"""The formats manim does not make the way bloggers and lecturers need them.

* GIF: manim encodes H.264 and converts that (lossy, noisy) video with one dithered palette,
  so flat backgrounds shimmer and every frame is stored whole. Here manim writes a lossless
  intermediate (QuickTime RLE, RGB) and :func:`write_gif` converts it in two passes:
  ``palettegen`` (64 colours) over every frame, then ``paletteuse`` without dithering, so a pixel that
  does not change keeps its palette index. Repeated frames become one frame with a longer
  delay; the encoder stores only the rectangle that changed (``gifflags offsetting+transdiff``);
  the first frame is the scene's last (its full picture, for previews and reduced-motion
  readers), which also makes the loop seamless; the blank frames before anything is drawn go.
* WebM: libvpx-vp9 at its default ``good`` deadline is ~10× slower than x264; the realtime
  deadline with row multithreading brings it near the MP4's time (:func:`webm_encoder_options`).
* Subtitles: the captions a scene showed, with their times, as SubRip (.srt) and WebVTT (.vtt)
  (:func:`subtitle_texts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from scenes.kit.notation import plain

GIF_TIME_BASE = Fraction(1, 100)         # GIF delays are in hundredths of a second
GIF_OPENING_SECONDS = 0.5                # the opening frame (the scene's last picture) shows this long
GIF_PALETTE = "palettegen=max_colors=64:stats_mode=full:reserve_transparent=0"   # 64: ~20% smaller than 256, alike to the eye
GIF_PALETTE_USE = "paletteuse=dither=none:diff_mode=rectangle"
# The lossless intermediate manim writes for a GIF (its own GIF path starts from lossy H.264).
GIF_INTERMEDIATE = {"format": "mov", "video_codec": "qtrle", "pixel_format": "rgb24"}


def manim_format_options(fmt: str) -> dict:
    """The manim config entries that make ``fmt``'s video (GIF: the lossless intermediate)."""
    return dict(GIF_INTERMEDIATE) if fmt == "gif" else {"format": fmt}


def webm_encoder_options(threads: int) -> dict[str, str]:
    """libvpx-vp9 settings for a render's speed: the realtime deadline (cpu-used 6: as fast as
    x264 here, smaller files than 8) and row multithreading."""
    return {"deadline": "realtime", "cpu-used": "6", "row-mt": "1", "threads": str(threads)}


# --- GIF ---------------------------------------------------------------------------------------

def _palette(source: Path):
    """Pass one: the 256-colour palette of every frame of ``source`` (a 16×16 image), and the
    last frame."""
    import av

    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        graph = av.filter.Graph()
        buffer = graph.add_buffer(template=stream)
        name, _, args = GIF_PALETTE.partition("=")
        palettegen = graph.add(name, args)
        sink = graph.add("buffersink")
        buffer.link_to(palettegen)
        palettegen.link_to(sink)
        graph.configure()
        last = None
        for last in container.decode(stream):
            graph.push(last)
        if last is None:
            raise ValueError(f"{source} has no frames to make a GIF of")
        graph.push(None)
        return graph.pull(), last


def _is_blank(frame) -> bool:
    """A frame of one colour (nothing drawn yet)."""
    pixels = frame.to_ndarray(format="rgb24")
    return bool((pixels == pixels[0, 0]).all())


def _paletted_frames(source: Path, palette, opening):
    """Pass two: ``opening``, then each frame of ``source`` after the blank lead-in, mapped onto
    ``palette`` (pal8), in order. Without dithering a pixel's index depends on its colour alone."""
    import av

    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        graph = av.filter.Graph()
        video = graph.add_buffer(template=stream)
        colours = graph.add_buffer(width=palette.width, height=palette.height, format=palette.format.name,
                                   time_base=stream.time_base)
        name, _, args = GIF_PALETTE_USE.partition("=")
        paletteuse = graph.add(name, args)
        sink = graph.add("buffersink")
        video.link_to(paletteuse, 0, 0)
        colours.link_to(paletteuse, 0, 1)
        paletteuse.link_to(sink)
        graph.configure()
        palette.pts = 0
        colours.push(palette)
        colours.push(None)
        opening.pts = 0
        video.push(opening)
        yield from _drain(graph)
        pts, started = 1, False
        for frame in container.decode(stream):
            if not started and _is_blank(frame):
                continue                    # the blank frames before anything is drawn
            started = True
            frame.pts, pts = pts, pts + 1
            video.push(frame)
            yield from _drain(graph)
        video.push(None)
        yield from _drain(graph)


def _drain(graph):
    import av

    while True:
        try:
            yield graph.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return


def _runs(frames, opening_count: int):
    """Consecutive identical frames as one run (frame, how many frames it lasts): a GIF frame
    with a longer delay. The first frame (the opening) lasts ``opening_count``. Streams: only
    the run being extended is held."""
    run, key, count = None, None, 0
    for i, frame in enumerate(frames):
        this = bytes(frame.planes[0])
        if i > 1 and this == key:
            count += 1
            continue
        if run is not None:
            yield run, count
        run, key, count = frame, this, opening_count if i == 0 else 1
    if run is not None:
        yield run, count


def write_gif(source: Path, target: Path, fps: int) -> int:
    """Convert the lossless video ``source`` into a blog GIF at ``target``; returns the frames stored.

    Example
    -------
    >>> write_gif(Path("scene.mov"), Path("scene.gif"), fps=15)   # doctest: +SKIP
    """
    import av

    palette, last = _palette(source)
    runs = _runs(_paletted_frames(source, palette, last), max(1, round(GIF_OPENING_SECONDS * fps)))
    stored = 0
    with av.open(str(target), mode="w", format="gif", options={"loop": "0"}) as container:
        stream = container.add_stream("gif", rate=fps)
        stream.width, stream.height, stream.pix_fmt = last.width, last.height, "pal8"
        stream.time_base = GIF_TIME_BASE
        stream.codec_context.time_base = GIF_TIME_BASE
        stream.codec_context.options = {"gifflags": "+offsetting+transdiff"}
        ticks = 0.0                                 # hundredths of a second since the start
        for frame, count in runs:
            start = round(ticks)
            ticks += count * 100 / fps
            frame.pts, frame.time_base = start, GIF_TIME_BASE
            for packet in stream.encode(frame):
                packet.duration = round(ticks) - start
                container.mux(packet)
            stored += 1
        for packet in stream.encode():
            container.mux(packet)
    return stored


# --- subtitles ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cue:
    """One caption: its text and the seconds it is on screen."""
    start: float
    end: float
    text: str


def cues_from(subcaptions, video_seconds: float) -> list[Cue]:
    """The scene's captions (manim subcaptions, in order) as cues: each lasts until the next one
    starts, the last until the video ends. Notation is written plainly (``scenes.kit.notation.plain``)."""
    starts = [(s.start.total_seconds(), plain(s.content)) for s in subcaptions]   # W_Q: subtitles cannot subscript
    cues = []
    for i, (start, text) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else video_seconds
        start = min(start, video_seconds)
        if end > start:
            cues.append(Cue(start, min(end, video_seconds), text))
    return cues


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def srt_text(cues: list[Cue]) -> str:
    """SubRip: numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``."""
    return "".join(f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n{c.text}\n\n"
                   for i, c in enumerate(cues, 1))


def vtt_text(cues: list[Cue]) -> str:
    """WebVTT: the header, then cues with ``HH:MM:SS.mmm`` times."""
    return "WEBVTT\n\n" + "".join(f"{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{c.text}\n\n" for c in cues)


def subtitle_texts(subcaptions, video_seconds: float) -> dict[str, str]:
    """{".srt": ..., ".vtt": ...} for the scene's captions."""
    cues = cues_from(subcaptions, video_seconds)
    return {".srt": srt_text(cues), ".vtt": vtt_text(cues)}


def _seconds(clock: str) -> float:
    hours, minutes, rest = clock.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def parse_subtitles(text: str) -> list[Cue]:
    """The cues of an .srt or .vtt (as written above): blocks of an optional number, a time line, text."""
    cues = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        timing = next((i for i, line in enumerate(lines) if " --> " in line), None)
        if timing is None:
            continue                         # the WEBVTT header
        start, end = (_seconds(part.strip().split(" ")[0]) for part in lines[timing].split(" --> "))
        cues.append(Cue(start, end, "\n".join(lines[timing + 1:])))
    return cues
