"""Cross-fades: the old cells out, then the new ones in, never both half-drawn at once.

``OUT_FIRST`` and ``IN_SECOND`` split one animation's time between a fade-out and a fade-in;
``_OpacityFade`` fades a group by scaling its own opacities (no copies of it).

Examples
--------
>>> from scenes.kit.fades import IN_SECOND, OUT_FIRST
>>> [round(float(OUT_FIRST(t)), 2) for t in (0.25, 0.5, 0.75)]     # done at half time
[0.5, 1.0, 1.0]
>>> [round(float(IN_SECOND(t)), 2) for t in (0.25, 0.5, 0.75)]     # starts at half time
[0.0, 0.0, 0.5]
"""

from __future__ import annotations

from manim.animation.animation import Animation
from manim.utils.rate_functions import smooth, squish_rate_func

OUT_FIRST = squish_rate_func(smooth, 0.0, 0.5)    # a cross-fade in one animation: the old fade out first,
IN_SECOND = squish_rate_func(smooth, 0.5, 1.0)    # then the new fade in, never both half-drawn at once

RGBA_ARRAYS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")   # the colour arrays a fade scales


class _OpacityFade(Animation):
    """A fade in or out that scales the mobject's own opacities: no copies of it (manim's FadeIn and
    FadeOut deep-copy the whole group twice, which for a grid of glyphs cost more than drawing it)."""

    def __init__(self, mobject, fade_in: bool, introducer: bool | None = None, **kwargs) -> None:
        self.fade_in = fade_in      # introducer=False: fade in where it already is in the scene's order
        super().__init__(mobject, introducer=fade_in if introducer is None else introducer, remover=not fade_in,
                         **kwargs)

    def create_starting_mobject(self):
        return self.mobject                     # nothing to copy: the opacities are kept below

    def begin(self) -> None:
        self.parts = [(p, {k: a[:, 3].copy() for k in RGBA_ARRAYS if (a := getattr(p, k, None)) is not None and len(a)})
                      for p in self.mobject.family_members_with_points()]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        shown = self.rate_func(alpha) if self.fade_in else 1 - self.rate_func(alpha)
        for part, alphas in self.parts:
            for key, original in alphas.items():
                getattr(part, key)[:, 3] = original * shown

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        if not self.fade_in:
            self.interpolate_mobject(0)          # removed, and left as it was (as FadeOut leaves it)
