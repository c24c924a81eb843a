"""One meaning per colour: every meaning of ``MEANINGS`` has a colour no other meaning uses, in every
theme (and, for the colour-blind-safe themes, in simulated deuteranopia and protanopia too), and the
scenes draw each meaning in its colour: masked cells in the masked grey, never a highlight in the
masked or the negative colour, never a highlight tinting a masked cell into a third colour."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from manim import Rectangle, VMobject

from tests.test_outputs import seen_as

# CAM02-UCS ΔE 10: about ten just-noticeable differences; two marks this far apart are told apart at a
# glance on a screen, side by side or not (the core roles of the -cb themes keep 15, tests/test_outputs.py).
MIN_DELTA_E = 10.0
CB_VISIONS = ("normal", "deuteranomaly", "protanomaly")
MIN_CONTRAST = 3.0      # WCAG 2's floor for graphics and large text, against the background


def distance(a: str, b: str, vision: str) -> float:
    from colorspacious import deltaE

    return float(deltaE(seen_as(a, vision), seen_as(b, vision), input_space="sRGB1", uniform_space="CAM02-UCS"))


def contrast(a: str, b: str) -> float:
    def luminance(h: str) -> float:
        c = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_meaning_is_a_role_of_the_theme():
    from dataclasses import fields

    from scenes.kit.palette import MEANINGS, THEMES, Theme

    roles = {f.name for f in fields(Theme)}
    assert set(MEANINGS.values()) <= roles
    for meaning in ("query", "key", "value", "positive", "negative", "masked", "selected", "delta", "updated", "weight"):
        assert meaning in MEANINGS
        assert THEMES["dark"].of(meaning) == getattr(THEMES["dark"], MEANINGS[meaning])
    with pytest.raises(KeyError, match="choose from"):
        THEMES["dark"].of("highlight")


@pytest.mark.parametrize("name", ["dark", "light", "dark-cb", "light-cb"])
def test_no_colour_serves_two_meanings(name):
    """Every two meanings (value and value-down excepted: two reds on purpose) are ΔE ≥ 10 apart; for the
    colour-blind-safe themes in deuteranopia and protanopia too."""
    from scenes.kit.palette import MEANINGS, SAME_FAMILY, THEMES

    theme = THEMES[name]
    colours = {m: theme.of(m).to_hex() for m in MEANINGS}
    visions = CB_VISIONS if name.endswith("-cb") else ("normal",)
    close = [f"{vision}: {a}/{b} ΔE {d:.1f}" for vision in visions for a, b in itertools.combinations(MEANINGS, 2)
             if frozenset((a, b)) not in SAME_FAMILY
             and (d := distance(colours[a], colours[b], vision)) < MIN_DELTA_E]
    assert close == [], f"{name}: meanings that share a colour: {close}"


@pytest.mark.parametrize("name", ["dark", "light", "dark-cb", "light-cb"])
def test_every_meaning_stands_out_and_text_on_a_masked_cell_reads(name):
    from scenes.kit.palette import MEANINGS, THEMES

    theme = THEMES[name]
    background = theme.background.to_hex()
    faint = {m: round(contrast(theme.of(m).to_hex(), background), 2) for m in MEANINGS if m != "masked"}
    assert min(faint.values()) >= MIN_CONTRAST, faint
    assert contrast(theme.masked.to_hex(), theme.text.to_hex()) >= 4.5      # −∞ and 0 written on the grey


# --- the scenes draw each meaning in its colour ---------------------------------------------------

def outlines(scene) -> list[VMobject]:
    """The highlights on screen in the last frame: rectangles drawn as a stroke only."""
    return [m for m in scene.get_mobject_family_members() if isinstance(m, Rectangle)
            and m.get_stroke_width() > 0 and m.get_stroke_opacity() > 0 and m.get_fill_opacity() == 0]


def tinted(scene) -> list[VMobject]:
    """Translucent fills on screen: a tint under or over a masked cell would mix with its grey."""
    return [m for m in scene.get_mobject_family_members() if isinstance(m, VMobject) and m.has_points()
            and 0 < m.get_fill_opacity() < 1 and m.get_stroke_width() == 0]


def overlaps(a: VMobject, b: VMobject) -> bool:
    return (a.get_left()[0] < b.get_right()[0] - 1e-6 and b.get_left()[0] < a.get_right()[0] - 1e-6
            and a.get_bottom()[1] < b.get_top()[1] - 1e-6 and b.get_bottom()[1] < a.get_top()[1] - 1e-6)


@pytest.mark.parametrize("name,settings", [("ScaledSoftmax", {"model": "toy", "causal": True, "query_token": "blue"}),
                                           ("CausalMask", {"model": "toy", "query_token": "blue"}),
                                           ("CausalMask", {"model": "toy", "theme": "light"}),
                                           ("MultiHeadSum", {"model": "toy", "causal": True}),
                                           ("AttentionFormula", {"model": "toy", "causal": True})])
def test_masked_cells_are_the_masked_colour_and_nothing_mixes_with_them(name, settings, rendered):
    _, scene = rendered(name, fmt="png", **settings)
    theme = scene.theme
    marks, cells = scene.shown["mask_marks"]
    assert len(marks) == len(cells) > 0
    assert {mark.color for mark in marks} == {theme.of("masked").to_hex()}, "a masked cell not in the masked grey"
    if name == "MultiHeadSum":         # its panels give way to the sum before the last frame: each panel's own
        grey = [m for p in scene.panels for m in p.masks]
        assert len(grey) == len(cells) and all(m.get_fill_opacity() == pytest.approx(1.0) for m in grey)
        return
    if name == "AttentionFormula":     # its pattern gives way to the values term before the last frame
        return
    # opaque: a band or a tint behind cannot show through it into a third colour
    on_screen = [m for m in scene.get_mobject_family_members() if isinstance(m, Rectangle)
                 and m.get_fill_opacity() == pytest.approx(1.0) and m.get_fill_color().to_hex() == theme.masked.to_hex()]
    grey = [m for m in on_screen if m.width < 1.0]          # the cells (and the legend's swatch), not a panel's back
    assert len(grey) >= len(cells), "every masked cell is still grey in the last frame"
    over = [t for t in tinted(scene) for m in grey if overlaps(t, m) and scene.mobjects.index(
        next(top for top in scene.mobjects if t in top.get_family())) > scene.mobjects.index(
        next(top for top in scene.mobjects if m in top.get_family()))]
    assert over == [], "a translucent tint is drawn over a masked cell"


@pytest.mark.parametrize("name,settings", [("ScaledSoftmax", {"model": "toy", "causal": True, "query_token": "blue"}),
                                           ("CausalMask", {"model": "toy", "query_token": "blue"}),
                                           ("MultiHeadSum", {"model": "toy", "causal": True}),
                                           ("CrossAttention", {"model": "toy"})])
def test_highlights_are_the_selected_colour_never_the_masked_or_negative_one(name, settings, rendered):
    _, scene = rendered(name, fmt="png", **settings)
    theme = scene.theme
    forbidden = {theme.of("masked").to_hex(): "masked", theme.of("negative").to_hex(): "negative",
                 theme.of("query").to_hex(): "query"}
    for outline in outlines(scene):
        colour = outline.get_stroke_color().to_hex()
        assert colour not in forbidden, f"a highlight in the {forbidden.get(colour)} colour"
    if hasattr(scene, "query_band"):
        band = scene.query_band
        assert band.get_stroke_color().to_hex() == theme.of("selected").to_hex()
        assert band.get_fill_opacity() == 0, "the followed column is outlined, not tinted"


@pytest.mark.parametrize("name", ["ScaledSoftmax", "CausalMask"])
def test_the_column_sums_are_weights(name, rendered):
    _, scene = rendered(name, fmt="png", model="toy", cells="numbers")
    drawn, sums = scene.shown["sums"]
    assert np.allclose(sums, 1.0, atol=1e-3)
    assert {d.color for d in drawn} == {scene.theme.of("weight").to_hex()}
