"""Formats for blogs and lectures: GIFs, stills (--at), WebM settings, subtitles, the deck's captions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageSequence

from render import cli
from scenes.output.formats import parse_subtitles, write_gif

pytestmark = pytest.mark.render
FPS = 5
TINY = ("--resolution", "256x144", "--fps", str(FPS), "--model", "toy")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def render(out: Path, *args: str) -> Path:
    result = run("render", *TINY, "-o", str(out), "--quiet", *args)
    assert result.exit_code == 0, result.output
    (path,) = [Path(line) for line in result.stdout.split()]
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("formats")


def video_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24").astype(int) for f in container.decode(video=0)]


def gif_timeline(path: Path, fps: int) -> tuple[list[np.ndarray], list[int]]:
    """The GIF's frames as stored, and each one's length in frames at ``fps``."""
    frames, lengths = [], []
    with Image.open(path) as image:
        for frame in ImageSequence.Iterator(image):
            frames.append(np.asarray(frame.convert("RGB")).astype(int))
            lengths.append(round(frame.info["duration"] * fps / 1000))
    return frames, lengths


# --- GIF ---------------------------------------------------------------------------------------

def write_source(path: Path, frames: list[np.ndarray], fps: int) -> None:
    """A lossless (QuickTime RLE) video, as manim writes the GIF's intermediate."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("qtrle", rate=fps)
        stream.width, stream.height, stream.pix_fmt = frames[0].shape[1], frames[0].shape[0], "rgb24"
        for pixels in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels.astype(np.uint8), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_write_gif_keeps_still_frames_identical_and_opens_on_the_last_picture(tmp_path):
    background = np.zeros((48, 64, 3), np.uint8) + (250, 248, 244)
    gradient = np.linspace(0, 255, 64, dtype=np.uint8)[None, :, None].repeat(16, 0).repeat(3, 2)
    frames = [background.copy() for _ in range(3)]                    # blank lead-in
    for x in range(0, 40, 4):                                         # a square moves…
        f = background.copy()
        f[10:26, x:x + 16] = (40, 120, 200)
        f[30:46] = gradient                                           # …over a gradient
        frames.append(f)
    frames += [frames[-1].copy() for _ in range(8)]                   # …then nothing moves
    write_source(tmp_path / "src.mov", frames, FPS)
    stored = write_gif(tmp_path / "src.mov", tmp_path / "out.gif", FPS)

    gif, lengths = gif_timeline(tmp_path / "out.gif", FPS)
    assert stored == len(gif)
    with Image.open(tmp_path / "out.gif") as image:
        assert image.info["loop"] == 0                               # loops forever
    assert np.array_equal(gif[0], gif[-1]), "opens on the scene's last picture"
    assert gif[0].std() > 0, "the opening frame is not blank"
    assert not any(np.all(g == g[0, 0]) for g in gif), "the blank lead-in frames are gone"
    # the moving part: one stored frame per source frame; the still part: one frame, eight long
    assert lengths[1:] == [1] * 9 + [9]
    # no dither noise: the flat background keeps its exact colour in every frame
    for g in gif:
        assert np.array_equal(g[0:8, :], np.broadcast_to(background[0:8, :], g[0:8, :].shape))
    # palette error small everywhere (no error diffusion, but the right colours)
    assert np.abs(gif[-1] - frames[-1]).max() <= 8


@pytest.mark.slow
def test_rendered_gif_is_small_stores_changed_rectangles_and_holds_still_frames(out):
    gif = render(out, "CausalMask", "--format", "gif", "--theme", "light")
    mp4 = render(out, "CausalMask", "--theme", "light")
    assert gif.stat().st_size <= 3 * mp4.stat().st_size
    frames, lengths = gif_timeline(gif, FPS)
    source = video_frames(mp4)
    assert frames[0].std() > 0 and np.array_equal(frames[0], frames[-1])
    # decoded at the video's rate, the GIF lasts as long as the video after its blank lead-in
    # the lead-in: frames of one colour, as the GIF writer drops them (here within the video codec's noise;
    # not the frame's spread of values: a light background's R, G and B differ, so a blank frame has one)
    lead_in = next(i for i, f in enumerate(source) if np.abs(f.astype(int) - f[0, 0].astype(int)).max() > 8)
    assert abs(sum(lengths[1:]) - (len(source) - lead_in)) <= 1
    # the scene's waits are single frames held long: consecutive frames of a still stretch are equal
    assert max(lengths[1:]) >= FPS, "a wait of a second or more is one stored frame"
    expanded = [f for f, n in zip(frames[1:], lengths[1:]) for _ in range(n)]
    calm = [np.abs(source[i] - source[i + 1]).max() <= 3 for i in range(len(source) - 1)]
    # a wait: two or more still steps in a row (one still step between two animations is a boundary
    # where the GIF's frames may fall one step from the video's)
    video_still = [i for i in range(lead_in, len(source) - 1)
                   if calm[i] and ((i > 0 and calm[i - 1]) or (i + 1 < len(calm) and calm[i + 1]))]
    assert len(video_still) >= 3, "the scene's waits give still stretches to check"   # H.264 noise hides some
    for i in video_still:
        if i + 1 - lead_in < len(expanded):
            assert np.array_equal(expanded[i - lead_in], expanded[i + 1 - lead_in]), f"frame {i} shimmers"
    moving = [i for i in range(lead_in, len(source) - 1) if np.abs(source[i] - source[i + 1]).max() > 30]
    assert any(not np.array_equal(expanded[i - lead_in], expanded[i + 1 - lead_in]) for i in moving[:20])
    # only the changed rectangle of a frame is stored
    with Image.open(gif) as image:
        boxes = []
        for frame in ImageSequence.Iterator(image):
            boxes.append(frame.tile[0][1] if frame.tile else (0, 0) + image.size)
    partial = [b for b in boxes[1:] if (b[2] - b[0]) * (b[3] - b[1]) < image.size[0] * image.size[1]]
    assert len(partial) > len(boxes) // 2


# --- stills ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sections(out):
    """CausalMask as an mp4 with its section clips (the oracle for the stills)."""
    path = render(out, "CausalMask", "--sections")
    folder = path.with_name(path.stem + "_sections")
    index = json.loads(next(folder.glob("*.json")).read_text())
    return path, {entry["name"]: folder / entry["video"] for entry in index}


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to H.264's loss."""
    return np.abs(a - b).mean() < 3


def test_png_still_is_the_videos_last_frame(out, sections):
    mp4, _ = sections
    still = np.asarray(Image.open(render(out, "CausalMask", "--format", "png")).convert("RGB")).astype(int)
    frames = video_frames(mp4)
    assert close(still, frames[-1])
    assert not close(still, frames[len(frames) // 3]), "a frame from the middle differs (the oracle can fail)"


@pytest.mark.parametrize("scene", ["ScaledSoftmax", "QueriesAndKeys", "MultiHeadSum", "QueriesMeetKeys",
                                   "ContextShiftsMeaning", "QuadraticScaling"])
@pytest.mark.slow
def test_still_shortcuts_draw_the_same_pixels_as_manims_skipping(tmp_path, monkeypatch, scene):
    """Stills jump every animation to its end state without drawing: pixel for pixel what manim's
    own last-frame mode draws (between them, these scenes use every kind of animation the
    shortcut knows: fades, drawings, .animate, ReplacementTransform, FadeTransform, groups)."""
    from scenes.output.render_one import render_scene
    from scenes.output.request import RenderRequest
    from scenes.kit.settings import SceneSettings

    def still(folder: Path) -> np.ndarray:
        folder.mkdir()
        request = RenderRequest(scene, SceneSettings(model="toy"), fmt="png", output_dir=folder,
                                resolution=(256, 144), fps=FPS)
        return np.asarray(Image.open(render_scene(request, force=True).path))

    fast = still(tmp_path / "fast")
    from scenes.kit import stills

    monkeypatch.setattr(stills, "jump_to_the_end", lambda scene: None)     # render_scene imports it when it needs it
    slow = still(tmp_path / "manim")
    assert np.abs(fast.astype(int) - slow.astype(int)).max() <= 1   # float rounding at most, never a shape


def test_at_section_is_the_still_at_the_end_of_that_beat(out, sections):
    _, clips = sections
    path = render(out, "CausalMask", "--at", "mask")
    assert path.name.startswith("CausalMask_dark_256x144p5") and path.name.endswith("_at-mask.png")
    still = np.asarray(Image.open(path).convert("RGB")).astype(int)
    assert close(still, video_frames(clips["mask"])[-1])
    assert not close(still, video_frames(clips["softmax"])[-1])


def test_at_unknown_section_is_one_line_listing_the_sections(out):
    before = set(out.iterdir())
    result = run("render", "CausalMask", *TINY, "-o", str(out), "--at", "nowhere")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: CausalMask has no section 'nowhere': choose one of scaled, mask, softmax, why"]
    assert set(out.iterdir()) == before, "no file left behind"


def test_at_with_a_video_format_is_a_usage_error(out):
    result = run("render", "CausalMask", *TINY, "-o", str(out), "--at", "mask", "--format", "mp4")
    assert result.exit_code == 2 and "--at" in result.output and "png" in result.output


# --- WebM --------------------------------------------------------------------------------------

def test_webm_encoder_runs_at_realtime_speed_with_row_threads():
    from scenes.output.render_one import encoder_settings

    options = encoder_settings(854, 480, "webm")["video_encoder_options"]
    assert options["deadline"] == "realtime" and options["row-mt"] == "1" and int(options["cpu-used"]) >= 5
    assert "deadline" not in encoder_settings(854, 480, "mp4")["video_encoder_options"]
    assert encoder_settings(1920, 1080, "mp4")["video_encoder_options"]["rc-lookahead"] == "10"   # memory at 1080p


@pytest.mark.slow
def test_transparent_webm_keeps_its_alpha(out):
    path = render(out, "CausalMask", "--format", "webm", "--transparent")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoder = av.codec.CodecContext.create("libvpx-vp9", "r")     # alpha-aware (ffmpeg's vp9 drops it)
        frame = None
        for packet in container.demux(stream):
            for frame in decoder.decode(packet):
                pass
    assert frame.format.name == "yuva420p"
    alpha = frame.to_ndarray(format="rgba")[..., 3]
    assert (alpha == 0).mean() > 0.5 and (alpha > 128).mean() > 0.005


# --- subtitles ---------------------------------------------------------------------------------

def test_srt_and_vtt_hold_the_captions_the_scene_showed_with_their_times(out, monkeypatch):
    from scenes.kit.attention_scene import AttentionScene
    from scenes.output.render_one import render_scene
    from scenes.output.request import RenderRequest
    from scenes.kit.settings import SceneSettings

    shown: list[tuple[float, str]] = []      # when each caption was said (after the last one had been read)
    add_subcaption = AttentionScene.add_subcaption

    def spy(self, text, *args, **kwargs):
        shown.append((self.time, text))
        return add_subcaption(self, text, *args, **kwargs)

    monkeypatch.setattr(AttentionScene, "add_subcaption", spy)
    folder = out / "subtitles"
    folder.mkdir()
    request = RenderRequest("CausalMask", SceneSettings(model="toy"), output_dir=folder, resolution=(256, 144), fps=FPS)
    path = render_scene(request, force=True).path
    with av.open(str(path)) as container:
        seconds = sum(1 for _ in container.decode(video=0)) / FPS
    srt = parse_subtitles(path.with_suffix(".srt").read_text(encoding="utf-8"))
    vtt = parse_subtitles(path.with_suffix(".vtt").read_text(encoding="utf-8"))
    assert path.with_suffix(".vtt").read_text(encoding="utf-8").startswith("WEBVTT\n")
    assert len(shown) >= 3
    assert [c.text for c in srt] == [t for _, t in shown]
    ends = [t for t, _ in shown[1:]] + [seconds]
    for cue, (start, _), end in zip(srt, shown, ends):
        assert cue.start == pytest.approx(start, abs=1e-3) and cue.end == pytest.approx(end, abs=1e-3)
    assert srt == vtt


@pytest.mark.slow
def test_subtitles_are_part_of_the_cached_output(out):
    path = render(out, "CausalMask")
    srt = path.with_suffix(".srt")
    text = srt.read_text(encoding="utf-8")
    srt.unlink()
    assert render(out, "CausalMask") == path
    assert srt.read_text(encoding="utf-8") == text, "a missing .srt is rendered again, not answered from the stamp"


def test_stills_and_gifs_have_no_subtitles(tmp_path):
    for fmt in ("png", "gif"):
        path = render(tmp_path, "CausalMask", "--format", fmt)
        assert not path.with_suffix(".srt").exists() and not path.with_suffix(".vtt").exists()


@pytest.mark.slow
def test_slide_deck_shows_each_clips_captions(tmp_path):
    result = run("slides", "CausalMask", *TINY, "-o", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    deck = tmp_path / "slides"
    page = (deck / "index.html").read_text()
    import html

    cues = [json.loads(html.unescape(c)) for c in re.findall(r'data-cues="([^"]*)"', page)]
    assert len(cues) == 4 and all(cues), "every slide has its captions"
    srt = parse_subtitles(next(tmp_path.glob("CausalMask_*.srt")).read_text(encoding="utf-8"))
    assert {c[2] for slide in cues for c in slide} == {c.text for c in srt}
    for slide, clip in zip(cues, sorted((deck / "clips").glob("*.mp4"))):
        with av.open(str(clip)) as container:
            length = float(container.duration / 1e6)
        assert all(0 <= start < end <= length + 0.25 for start, end, _ in slide), "times are the clip's own"
        assert clip.with_suffix(".vtt").is_file()
    assert 'class="caption"' in page
