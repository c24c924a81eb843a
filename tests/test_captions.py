"""Captions a viewer can read: every cue stays on screen at least 1.5 s and asks at most 3 words a
second (the scene pauses until the caption has been read before it changes, a beat begins or the
scene ends), in the scene's own record and in the .srt/.vtt written beside the video."""

from __future__ import annotations

import pytest

from scenes import SCENES
from scenes.kit.captions import CAPTION_MIN_SECONDS, CAPTION_WORDS_PER_SECOND, caption_seconds
from scenes.output.formats import cues_from, parse_subtitles

pytestmark = pytest.mark.render


def too_fast(cues) -> list[str]:
    """The cues shown for less than they need: under 1.5 s, or more than 3 words a second."""
    return [f"{c.end - c.start:.2f} s for {c.text!r}" for c in cues if c.end - c.start < caption_seconds(c.text) - 1e-6]


def test_caption_seconds_counts_words_not_symbols():
    assert caption_seconds("K·Q") == CAPTION_MIN_SECONDS
    assert caption_seconds("a b c d e f g h i j k l") == 12 / CAPTION_WORDS_PER_SECOND
    assert caption_seconds("one · two → three 4") == CAPTION_MIN_SECONDS      # 4 words: 1.33 s, so 1.5


def test_too_fast_notices_a_hurried_cue():
    from scenes.output.formats import Cue

    assert too_fast([Cue(0.0, 1.0, "short")]) and too_fast([Cue(0.0, 2.0, "one two three four five six seven")])
    assert not too_fast([Cue(0.0, 2.4, "one two three four five six seven")])


@pytest.mark.parametrize("name", [n for n in SCENES if n != "AttentionBlock"])
def test_every_caption_is_on_screen_long_enough_to_read(name, rendered):
    _, scene = rendered(name, fmt="png")          # the still's scene keeps its clock and its captions
    cues = cues_from(scene.renderer.file_writer.subcaptions, float(scene.time))
    assert len(cues) >= 3
    assert not too_fast(cues), f"{name}: {too_fast(cues)}"


def test_the_subtitle_files_of_a_video_keep_the_pace(rendered):
    path, _ = rendered("CausalMask", model="minilm", theme="dark")
    for suffix in (".srt", ".vtt"):
        cues = parse_subtitles(path.with_suffix(suffix).read_text(encoding="utf-8"))
        assert len(cues) >= 3 and not too_fast(cues), too_fast(cues)


@pytest.mark.slow
def test_attention_block_keeps_the_pace_across_its_chapters(rendered):
    _, scene = rendered("AttentionBlock", fmt="png")
    cues = cues_from(scene.renderer.file_writer.subcaptions, float(scene.time))
    assert len(cues) >= 30 and not too_fast(cues), too_fast(cues)


@pytest.mark.parametrize("words", [6, 16, 32])
def test_a_long_caption_is_never_under_12_px_and_stays_in_its_band(words):
    """Scaled to the frame's width down to the 12 px floor; longer, it breaks into two lines at the floor."""
    from manim import config

    from scenes.kit import AttentionScene, render_frame
    from scenes.kit.captions import CAPTION_POINTS, CAPTION_TOP
    from scenes.kit.mobjects import MIN_TEXT_POINTS, label

    text = " ".join(["Attention", "weighs", "every", "key", "for", "each", "query"] * 9)
    text = " ".join(text.split()[:words])

    class Captioned(AttentionScene):
        def construct(self) -> None:
            self.caption(text)

    scene = render_frame(Captioned)
    drawn = scene._caption
    lines = list(drawn) if len(drawn.submobjects) and all(hasattr(m, "text") for m in drawn) else [drawn]
    assert len(lines) == (2 if words == 32 else 1)
    for line in lines:
        points = line.height / label(line.text, scene.theme, CAPTION_POINTS).height * CAPTION_POINTS
        assert points >= MIN_TEXT_POINTS - 1e-6, f"{points:.1f} pt: under 12 px at 720p"
    assert drawn.width <= config.frame_width - 0.6 + 1e-6
    assert drawn.get_top()[1] <= CAPTION_TOP + 0.05 and drawn.get_bottom()[1] >= -config.frame_height / 2
