"""Notation (W_Q, d_head) is typeset with real subscripts on screen and written plainly everywhere else."""

from __future__ import annotations

import numpy as np
import pytest

from scenes.kit.notation import MARKERS, W_K, W_O, W_Q, b_O, d_head, d_k, d_model, plain, shown, sub, subscript_runs

FONT_SIZE = 24


def outlines(text: str) -> list[np.ndarray]:
    """The glyph outlines ``label`` would draw for ``text``, one array per glyph, before centring."""
    from scenes.kit.subscripts import subscripted_outlines
    from scenes.kit.palette import FONT
    from scenes.kit.text import OutlineText

    if any(c in MARKERS for c in text):
        return subscripted_outlines(text, FONT, FONT_SIZE)
    return [g.points for g in OutlineText(text, font=FONT, font_size=FONT_SIZE).family_members_with_points()]


def bounds(points: np.ndarray) -> tuple[float, float, float, float]:
    """(left, bottom, right, top)."""
    return points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max()


def test_the_notation_reads_plainly_and_draws_without_its_markers():
    assert [plain(n) for n in (W_Q, W_K, W_O, b_O, d_k, d_head, d_model)] == \
        ["W_Q", "W_K", "W_O", "b_O", "d_k", "d_head", "d_model"]
    assert shown(f"{W_Q}·E and {d_model}") == "WQ·E and dmodel"
    assert subscript_runs(f"{W_Q}·E and {d_model}") == ("WQ·E and dmodel", [(1, 2), (10, 15)])
    for broken in ("W\x0eQ", "WQ\x0f", "\x0ea\x0eb\x0f\x0f"):
        with pytest.raises(ValueError):
            subscript_runs(broken)
    with pytest.raises(ValueError):
        sub("W", "")


@pytest.mark.parametrize("marker", list(MARKERS))
def test_no_user_sentence_can_hold_a_marker(marker):
    """The markers are control characters the sentence checks reject (whitespace ones would pass)."""
    from attention_math.errors import InputError
    from scenes.kit.settings import SceneSettings

    assert not marker.isspace()
    with pytest.raises(InputError, match="control character"):
        SceneSettings(sentence=f"a fluffy{marker} creature").check_input("ScaledSoftmax")


def test_a_subscript_is_smaller_and_lower_and_the_baseline_stays():
    typeset, flat = outlines(f"{W_Q}·E x"), outlines("WQ·E x")         # the same glyphs, the second all on the line
    assert len(typeset) == len(flat) == 5
    w, q, dot, e, x = (bounds(g) for g in typeset)
    w0, q0, dot0, e0, x0 = (bounds(g) for g in flat)
    np.testing.assert_array_equal(typeset[0], flat[0])                  # the base glyph has not moved
    assert (q[3] - q[1]) == pytest.approx(0.7 * (q0[3] - q0[1]), rel=1e-6), "the subscript is set smaller"
    assert q[3] - q[1] < w[3] - w[1]
    assert q[1] < w[1] - 0.02 and q[3] < w[3] - 0.1, "the subscript sits lower than its base"
    assert q[0] > w[2] - 0.05, "and after it, not on it"
    for moved, still in ((dot, dot0), (e, e0), (x, x0)):                 # the rest: the same baseline, moved left
        assert moved[1] == pytest.approx(still[1], abs=1e-9) and moved[3] == pytest.approx(still[3], abs=1e-9)
        assert moved[0] < still[0]
    assert dot[0] - q[2] == pytest.approx(dot0[0] - q0[2], abs=1e-6), "the gap after the subscript is kept"
    assert e[0] - dot[2] == pytest.approx(e0[0] - dot0[2], abs=1e-9)


def test_a_subscript_on_the_second_line_moves_only_its_line():
    typeset, flat = outlines(f"ab cd\nx {d_k} y"), outlines("ab cd\nx dk y")
    assert len(typeset) == len(flat) == 8
    for i in range(5):             # the first line and the "x d" before the subscript: untouched
        np.testing.assert_array_equal(typeset[i], flat[i])
    k, y = bounds(typeset[6]), bounds(typeset[7])
    k0, y0 = bounds(flat[6]), bounds(flat[7])
    assert k[1] < k0[1] and k[3] - k[1] < k0[3] - k0[1]
    assert y[1] == pytest.approx(y0[1], abs=1e-9) and y[0] < y0[0]


def test_a_label_without_notation_is_drawn_as_before():
    """No markers, no change: the same points as manim's ``Text`` read through ``OutlineText``."""
    from scenes.kit import SceneSettings, label, themed
    from scenes.kit.palette import FONT
    from scenes.kit.text import OutlineText

    theme = themed(SceneSettings())
    drawn = label("W_Q: 64 × 64", theme, FONT_SIZE)
    expected = np.concatenate([g.points for g in OutlineText("W_Q: 64 × 64", font=FONT, font_size=FONT_SIZE)
                               .family_members_with_points()])
    np.testing.assert_array_equal(drawn.points, expected)
    typeset = label(f"{W_O}: 64 × 64", theme, FONT_SIZE)
    assert typeset.text == f"{W_O}:64×64"     # as Text keeps it: no spaces
    assert typeset.width < label("WO: 64 × 64", theme, FONT_SIZE).width


def test_caption_timing_and_subtitles_read_the_notation_plainly():
    from types import SimpleNamespace
    from datetime import timedelta

    from scenes.kit.captions import caption_seconds
    from scenes.output.formats import cues_from, srt_text

    said = f"{W_Q} ({d_head} × {d_model}) takes each E into a smaller space: the query, 64 numbers"
    assert caption_seconds(said) == caption_seconds(plain(said))
    cues = cues_from([SimpleNamespace(start=timedelta(seconds=0), content=said)], 3.0)
    assert cues[0].text == "W_Q (d_head × d_model) takes each E into a smaller space: the query, 64 numbers"
    assert not any(c in MARKERS for c in srt_text(cues))


NOTATION_STILLS = [("ParameterCount", {"model": "toy", "preset": "gpt2-small"}),
                   ("MultiHeadSum", {"model": "toy", "query_token": "blue"}),
                   ("QueriesAndKeys", {"model": "toy"}),
                   ("AttentionFormula", {"model": "toy"}),
                   ("QueriesMeetKeys", {}),
                   ("ScaledSoftmax", {"model": "toy"})]


@pytest.mark.render
@pytest.mark.parametrize("name,settings", NOTATION_STILLS, ids=[n for n, _ in NOTATION_STILLS])
def test_no_scene_writes_its_notation_with_an_underscore(name, settings, rendered):
    """Checked after every animation of the still's render (tests/frame_checks.py), and at its end."""
    from tests.frame_checks import texts_of

    _, scene = rendered(name, fmt="png", **settings)
    assert not [p for p in scene.frame_checks.problems if p.kind == "notation"], scene.frame_checks.report()
    assert not [t.text for t in texts_of(scene) if "_" in t.text]


@pytest.mark.render
def test_the_scenes_draw_their_notation_typeset(rendered):
    _, scene = rendered("ParameterCount", fmt="png", model="toy", preset="gpt2-small")
    assert scene.blocks["W_Q"].name_label.text == W_Q and scene.blocks["W_K"].name_label.text == W_K


@pytest.mark.render
def test_subtitles_hold_no_markers(tiny, render_dir):
    path, scene = tiny("QueriesAndKeys", render_dir / "subtitles", model="toy")
    for suffix in (".srt", ".vtt"):
        text = path.with_suffix(suffix).read_text(encoding="utf-8")
        assert not any(c in MARKERS for c in text)
        assert "W_Q (" in text and "W_K (" in text
