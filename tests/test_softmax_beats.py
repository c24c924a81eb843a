"""The softmax as it plays, not only as it ends: ScaledSoftmax takes two columns slowly and the rest in
one step; CausalMask, after the mask, turns every column at once; masked cells are explained when they
first appear; no two numbers are ever drawn over each other mid-animation."""

from __future__ import annotations

import numpy as np
import pytest
from manim import Line, Rectangle, Scene

from tests.frame_checks import frame_problems

pytestmark = pytest.mark.render


def drawn_cells(scene) -> dict[tuple[int, int], frozenset]:
    """What each grid cell shows now: the visible cell-sized things in it (numbers, dots), by identity.
    Grid lines and filled rectangles (shades, bands, outlines) are not cells' contents."""
    grid = getattr(scene, "grid", None)
    if grid is None:
        return {}
    x0, y0 = grid.cell_center(0, 0)[:2]
    left, top = x0 - grid.cell_w / 2, y0 + grid.cell_h / 2
    cells: dict[tuple[int, int], set] = {}
    for m in scene.get_mobject_family_members():
        if isinstance(m, (Rectangle, Line)) or not m.has_points() or m.width > grid.cell_w or m.height > grid.cell_h:
            continue
        if not (m.get_fill_opacity() > 0.02 or (m.get_stroke_opacity() > 0.02 and m.get_stroke_width() > 0)):
            continue
        x, y = m.get_center()[:2]
        col, row = int(np.floor((x - left) / grid.cell_w)), int(np.floor((top - y) / grid.cell_h))
        if 0 <= row < grid.n_rows and 0 <= col < grid.n_cols:
            cells.setdefault((row, col), set()).add(m)
    return {cell: frozenset(map(id, found)) for cell, found in cells.items()}


def columns_changed_per_play(tiny, out, monkeypatch, name: str, section: str, **settings):
    """Render ``name`` (a still: every play runs, no frames are drawn) and return, for each play in
    beat ``section``, the grid columns whose cells show something else after it (up to the next play)."""
    from scenes.kit.attention_scene import AttentionScene

    states, current, alive = [], {"beat": None}, []
    original_beat, original_play, original_tear_down = AttentionScene.beat, Scene.play, AttentionScene.tear_down

    def snapshot(scene):
        alive.append(list(scene.get_mobject_family_members()))      # ids stay unique while we compare them
        states.append((current["beat"], drawn_cells(scene)))

    def beat(self, name):
        current["beat"] = name
        original_beat(self, name)

    def play(self, *animations, **kwargs):
        snapshot(self)
        return original_play(self, *animations, **kwargs)

    def tear_down(self):
        snapshot(self)
        return original_tear_down(self)

    monkeypatch.setattr(AttentionScene, "beat", beat)
    monkeypatch.setattr(Scene, "play", play)
    monkeypatch.setattr(AttentionScene, "tear_down", tear_down)
    _, scene = tiny(name, out, fmt="png", **settings)
    changed = []
    for (played_in, before), (_, after) in zip(states, states[1:]):
        if played_in == section:
            changed.append({c for cell in before.keys() | after.keys() if before.get(cell) != after.get(cell)
                            for c in [cell[1]]})
    return scene, changed


@pytest.mark.parametrize("settings", [{"model": "tiny-gpt"}, {"model": "toy", "cells": "numbers"}])
def test_scaled_softmax_takes_two_columns_slowly_then_the_rest_in_one_step(settings, tiny, tmp_path, monkeypatch):
    scene, changed = columns_changed_per_play(tiny, tmp_path, monkeypatch, "ScaledSoftmax", "softmax", **settings)
    n = scene.grid.n_cols
    rest = set(range(2, n))
    assert [s for s in changed if s in ({0}, {1})], "the first two columns go one at a time"
    last_slow = max(i for i, s in enumerate(changed) if s & {0, 1} and s != set(range(n)))
    after_slow = [s for s in changed[last_slow + 1:] if s]
    assert after_slow == [rest], f"after the two slow columns the other {len(rest)} change in one step, got {after_slow}"
    assert all(rest <= s for s in changed if s & rest), "no play changes some of the other columns but not all"


@pytest.mark.parametrize("model", ["tiny-gpt", "minilm"])
def test_causal_mask_turns_every_column_at_once(model, tiny, tmp_path, monkeypatch):
    scene, changed = columns_changed_per_play(tiny, tmp_path, monkeypatch, "CausalMask", "softmax", model=model)
    every = set(range(scene.grid.n_cols))
    steps = [s for s in changed if s]
    assert steps and all(s == every for s in steps), f"a play changed only some columns: {steps}"
    assert len(steps) <= 2, "at most the switch to dots, then the softmax of every column in one step"
    trace = scene.trace(causal=True)
    np.testing.assert_array_equal(scene.shown["pattern_dots"][1], trace.on_screen("pattern", scene.head))
    assert "softmax_numbers" not in scene.shown, "no column is lifted out"


def reading_seconds(text: str) -> float:
    """At least 1.5 s, and 1/3 s for every word (a word has a letter or digit in it)."""
    return max(1.5, sum(1 for part in text.split() if any(ch.isalnum() for ch in part)) / 3)


def test_scaled_softmax_explains_masked_cells_when_it_first_shades_them(tiny, tmp_path, monkeypatch):
    """tiny-gpt is a decoder: the shades come in with a caption about masking, read at ≤ 3 words a second."""
    from scenes.kit.attention_scene import AttentionScene

    said, plays = [], []        # (when a caption was said, after the one before had been read; its text)
    original_say, original_play = AttentionScene.add_subcaption, Scene.play

    def say(self, text, *args, **kwargs):
        said.append((float(self.time), text))
        return original_say(self, text, *args, **kwargs)

    def play(self, *animations, **kwargs):
        result = original_play(self, *animations, **kwargs)
        masked = self.theme.masked.to_hex()
        shades = [m for m in self.get_mobject_family_members() if isinstance(m, Rectangle)
                  and m.get_fill_opacity() > 0.1 and m.get_fill_color().to_hex() == masked]
        plays.append((float(self.time), len(shades)))
        return result

    monkeypatch.setattr(AttentionScene, "add_subcaption", say)
    monkeypatch.setattr(Scene, "play", play)
    _, scene = tiny("ScaledSoftmax", tmp_path, fmt="png", model="tiny-gpt")
    assert scene.trace().causal
    first = next(t for t, shades in plays if shades)
    (start, text), *later = [(t, x) for t, x in said if t >= max(t for t, _ in said if t < first)]
    assert "masked" in text, f"the masked cells appear under {text!r}"
    on_screen = (later[0][0] if later else float(scene.time)) - start
    assert on_screen >= reading_seconds(text) - 1e-6, f"{text!r} is on screen {on_screen:.1f} s"
    t = scene.grid.n_rows
    assert [tuple(c) for c in scene.shown["mask_marks"][1]] == [(r, c) for r in range(t) for c in range(t) if r > c]
    assert plays[-1][1] >= t * (t - 1) // 2, "the masked cells stay marked to the end"


@pytest.mark.parametrize("name", ["ScaledSoftmax", "CausalMask"])
def test_numbers_are_never_drawn_over_each_other_mid_animation(name, tiny, tmp_path, monkeypatch):
    """Every frame of a small video, mid-fade included: no two texts overlap (old and new numbers
    in a cell, a lifted column and the numbers beside it)."""
    overlaps = []
    original = Scene.update_to_time

    def update_to_time(self, t):
        original(self, t)
        overlaps.extend(str(p) for p in frame_problems(self) if p.kind == "overlap")

    monkeypatch.setattr(Scene, "update_to_time", update_to_time)
    tiny(name, tmp_path, model="toy", cells="both")
    assert not overlaps, f"{len(overlaps)} overlapping texts mid-animation, e.g. {overlaps[:3]}"
