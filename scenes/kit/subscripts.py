"""Text with real subscripts (W_Q, d_head): one Pango text of the characters drawn, each subscript run
smaller and lowered on the text's own baseline, the rest of its line closed up (see ``scenes.kit.notation``
for the markers). ``scenes.kit.text_mobjects.cached_text`` sets marked text with it."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT

from scenes.kit.notation import subscript_runs
from scenes.kit.text import OutlineText

SUBSCRIPT_SCALE = 0.7       # a subscript's glyphs against the text's (TeX's script size): a capital in a
                            # 20-point caption stays over 12 px at 720p
SUBSCRIPT_DROP = 0.25       # its baseline under the text's, in capital heights

_GLYPH_COUNTS: dict[tuple, int] = {}
_CAPITAL_HEIGHTS: dict[tuple, float] = {}


def _glyph_count(text: str, font: str, font_size: float, **kwargs) -> int:
    """How many outlines ``OutlineText`` draws for ``text`` (a space draws none; a ligature one for two)."""
    if not text.strip():
        return 0
    key = (text, font, float(font_size), tuple(sorted(kwargs.items())))
    if key not in _GLYPH_COUNTS:
        _GLYPH_COUNTS[key] = len(OutlineText(text, font=font, font_size=font_size, **kwargs).family_members_with_points())
    return _GLYPH_COUNTS[key]


def _capital_height(font: str, font_size: float, **kwargs) -> float:
    key = (font, float(font_size), tuple(sorted(kwargs.items())))
    if key not in _CAPITAL_HEIGHTS:
        _CAPITAL_HEIGHTS[key] = OutlineText("H", font=font, font_size=font_size, **kwargs).height
    return _CAPITAL_HEIGHTS[key]


def subscripted_outlines(text: str, font: str, font_size: float, **kwargs) -> list[np.ndarray]:
    """The glyphs of ``text`` (with ``scenes.kit.notation`` subscripts) as one ``Text`` of the characters
    drawn, each subscript run then set smaller and lower: scaled by ``SUBSCRIPT_SCALE`` about its left
    edge on the baseline, lowered ``SUBSCRIPT_DROP`` capital heights, and the rest of its line moved
    left by the width it lost. Every other glyph keeps its place: the text's baseline is unchanged.

    A run's glyphs are found by counting what its prefix draws, so spaces, ligatures and glyphs of
    several outlines (a combining arrow) cannot shift them.

    Parameters
    ----------
    text : str
        Text with subscript markers (``scenes.kit.notation.sub``).
    font : str
        The font family.
    font_size : float
        Points, as for ``Text``.
    **kwargs
        Other ``Text`` options.

    Returns
    -------
    list of numpy.ndarray
        Each glyph's points, in the order ``Text`` draws them.

    Examples
    --------
    >>> from scenes.kit.subscripts import subscripted_outlines
    >>> from scenes.kit.notation import W_Q
    >>> from scenes.kit.palette import FONT
    >>> len(subscripted_outlines(W_Q, FONT, 24))      # W and Q
    2
    """
    drawn, runs = subscript_runs(text)
    whole = OutlineText(drawn, font=font, font_size=font_size, **kwargs)
    glyphs = whole.family_members_with_points()
    baselines = [whole.baseline_of(i) for i in range(len(glyphs))]      # before anything moves
    drop = SUBSCRIPT_DROP * _capital_height(font, font_size, **kwargs)
    for start, end in runs:
        first, last = _glyph_count(drawn[:start], font, font_size, **kwargs), _glyph_count(drawn[:end], font, font_size, **kwargs)
        run = glyphs[first:last]
        if not run:
            continue
        baseline = baselines[first]
        if baseline is None:            # manim's own SVG import: the base glyph's foot, else the run's
            baseline = (glyphs[first - 1] if first else run[0]).get_bottom()[1]
        left, right = min(g.get_left()[0] for g in run), max(g.get_right()[0] for g in run)
        for g in run:
            g.scale(SUBSCRIPT_SCALE, about_point=np.array([left, baseline, 0.0])).shift(DOWN * drop)
        lost = right - max(g.get_right()[0] for g in run)
        for index in range(last, len(glyphs)):
            on_line = baselines[index]
            same_line = (abs(on_line - baseline) < 1e-6 if on_line is not None
                         else abs(glyphs[index].get_bottom()[1] - baseline) < drop * 2)
            if same_line:
                glyphs[index].shift(LEFT * lost)
    return [g.points for g in glyphs]
