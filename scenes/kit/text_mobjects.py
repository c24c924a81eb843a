"""Text as mobjects: labels, numbers and the caches behind them (FlatText, MonoGlyphs).

``label`` and ``number`` draw text and numbers in a theme's colours; ``format_number``, ``short``,
``grouped`` and ``approx`` write them. Every string goes through ``Text`` (Pango, no markup), never
LaTeX, copied from a prototype made once per distinct string and style.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, WHITE, ManimColor, Text, VGroup, VMobject

from scenes.kit.notation import has_notation
from scenes.kit.palette import FONT, MONO, Theme
from scenes.kit.subscripts import subscripted_outlines
from scenes.kit.text import OutlineText


# Text height in scene units per point of font size (DejaVu, measured).
UNITS_PER_POINT = 0.0105
MONO_CHAR_WIDTH = 0.0078   # width of one DejaVu Sans Mono character per point
MONO_ADVANCE = 0.0081      # a DejaVu Sans Mono number's drawn width per character and point (measured, with its ink)
CELL_CHARACTERS = 5        # a grid cell's font fits five characters of a number ("−0.42")


def format_number(value: float, decimals: int = 2) -> str:
    """'0.42', '−1.30' (a real minus sign), '−∞' for a masked entry.

    Parameters
    ----------
    value : float
        The number (−∞ for a masked entry).
    decimals : int
        Digits after the point.

    Returns
    -------
    str
        The text drawn; "−0.00" is written "0.00".

    Examples
    --------
    >>> from scenes.kit import format_number
    >>> format_number(0.4242), format_number(-1.3), format_number(float("-inf")), format_number(-0.001)
    ('0.42', '−1.30', '−∞', '0.00')
    """
    if value == -math.inf:
        return "−∞"
    text = f"{value:.{decimals}f}"
    if text.startswith("-"):
        text = "−" + text[1:] if float(text) != 0 else text[1:]
    return text


MAX_TOKEN_CHARS = 12


def short(token: str, limit: int = MAX_TOKEN_CHARS) -> str:
    """A token as drawn: a long one is cut with a visible '…' (the trace keeps it whole).

    Parameters
    ----------
    token : str
        The token as the trace has it.
    limit : int
        The most characters drawn, '…' included.

    Returns
    -------
    str
        The token, or its first ``limit - 1`` characters and '…'.

    Examples
    --------
    >>> from scenes.kit import short
    >>> short("creature"), short("pneumonoultramicroscopic")
    ('creature', 'pneumonoult…')
    """
    return token if len(token) <= limit else token[: limit - 1] + "…"


class FlatText(VMobject):
    """Text (Pango, no markup) flattened into one path: its glyphs' outlines, one fill.

    Speed: Cairo pays per path, and a grid of numbers is hundreds of glyphs a frame; one path
    per label instead of one per glyph draws the same pixels with a fraction of the calls.
    ``text`` is the string, as on ``Text``; ``outlines`` are the glyphs' points.

    Parameters
    ----------
    text : str
        The string the outlines draw (kept as ``.text``).
    outlines : sequence of numpy.ndarray
        Each glyph's points (``[n, 3]``), joined into one path.
    color : ManimColor
        The fill colour (no stroke).
    **kwargs
        As for ``VMobject``.

    Examples
    --------
    >>> from manim import Text
    >>> from scenes.kit.mobjects import FlatText
    >>> flat = FlatText.of(Text("ab", font_size=24))
    >>> flat.text, len(flat.submobjects), bool(flat.width > 0)
    ('ab', 0, True)
    """

    baseline_fraction: float | None = None     # where the baseline is, up from the bottom, in heights (if known)

    def __init__(self, text: str, outlines: Sequence[np.ndarray], color: ManimColor, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = text
        self.set_points(np.concatenate(outlines) if len(outlines) else np.zeros((0, 3)))
        self.set_fill(color, opacity=1).set_stroke(width=0)

    @classmethod
    def of(cls, text: Text) -> FlatText:
        """A ``Text`` flattened: its glyphs' points as one path, in its fill colour.

        Parameters
        ----------
        text : Text
            The text to flatten.

        Returns
        -------
        FlatText
            One path; ``.text`` is ``text.text``.

        Examples
        --------
        >>> from manim import Text
        >>> from scenes.kit.mobjects import FlatText
        >>> FlatText.of(Text("cat", font_size=24, color="#FF0000")).get_fill_color().to_hex()
        '#FF0000'
        """
        return cls(text.text, [g.points for g in text.family_members_with_points()], text.get_fill_color())

    def baseline(self) -> float | None:
        """The y of the line the letters sit on (a "g" reaches under it), as the text now is; None when
        unknown (text set with subscripts, or read by manim's own SVG import).

        Returns
        -------
        float or None
            The baseline's y in scene units.

        Examples
        --------
        >>> from scenes.kit import cached_text
        >>> word = cached_text("gap", "DejaVu Sans", 24, "#FFFFFF")
        >>> bool(word.get_bottom()[1] < word.baseline() < word.get_top()[1])     # the g and p reach under it
        True
        """
        if self.baseline_fraction is None:
            return None
        return float(self.get_bottom()[1] + self.baseline_fraction * self.height)

    def get_subpaths_from_points(self, points: np.ndarray) -> list[np.ndarray]:
        """The glyphs' subpaths, split where ``VMobject`` splits them, found in one vectorised pass.

        Speed: a transform between two numbers aligns their subpaths, and ``VMobject`` compares
        every pair of neighbouring points with ``np.allclose`` in a Python loop to find them.

        Parameters
        ----------
        points : numpy.ndarray
            The path's points, ``[n, 3]``.

        Returns
        -------
        list of numpy.ndarray
            One array of points per subpath (a glyph's outline, or one of its holes).

        Examples
        --------
        >>> from manim import Text
        >>> from scenes.kit.mobjects import FlatText
        >>> flat = FlatText.of(Text("o", font_size=24))
        >>> len(flat.get_subpaths_from_points(flat.points))     # the outside and the hole
        2
        """
        ranges = self.get_subpath_split_indices_from_points(points).tolist()
        return [points[start:end] for start, end in ranges if end - start >= self.n_points_per_cubic_curve]


NUMBER_GLYPHS = "0123456789.−∞"   # every character format_number writes


class MonoGlyphs:
    """The outlines of ``NUMBER_GLYPHS`` in one monospaced font and size, set from one ``Text``.

    Speed: a grid shows dozens of distinct numbers and Pango costs ~15 ms a string; in a
    monospaced font a number is its glyphs side by side, one advance apart, so one line of
    Pango per font size gives every number (tests compare the result with ``Text``).

    Parameters
    ----------
    font : str
        A monospaced font (``MONO``).
    font_size : float
        Points, as for ``Text``.

    Examples
    --------
    >>> from scenes.kit.mobjects import MonoGlyphs
    >>> from scenes.kit.palette import MONO
    >>> glyphs = MonoGlyphs(MONO, 20)
    >>> glyphs.can_set("−0.42"), glyphs.can_set("abc"), glyphs.set("−0.42", "#FFFFFF").text
    (True, False, '−0.42')
    """

    def __init__(self, font: str, font_size: float) -> None:
        line = Text("0" + NUMBER_GLYPHS, font=font, font_size=font_size)
        glyphs = line.submobjects                       # one per character: there are no spaces
        self.advance = RIGHT * (glyphs[1].get_left()[0] - glyphs[0].get_left()[0])   # the two zeros
        self.outlines = {c: g.points - self.advance * pen for pen, (c, g) in enumerate(zip(NUMBER_GLYPHS, glyphs[1:]), 1)}

    def can_set(self, text: str) -> bool:
        """Whether every character of ``text`` is one of ``NUMBER_GLYPHS`` (and there is one).

        Parameters
        ----------
        text : str
            A formatted number.

        Returns
        -------
        bool
            True when ``set`` can draw it.

        Examples
        --------
        >>> from scenes.kit.mobjects import MonoGlyphs
        >>> from scenes.kit.palette import MONO
        >>> MonoGlyphs(MONO, 20).can_set("1.00"), MonoGlyphs(MONO, 20).can_set("")
        (True, False)
        """
        return bool(text) and all(c in self.outlines for c in text)

    def set(self, text: str, color: ManimColor) -> FlatText:
        """``text`` as ``Text`` would draw it, centred on the origin.

        Parameters
        ----------
        text : str
            Characters of ``NUMBER_GLYPHS`` only (see ``can_set``).
        color : ManimColor
            The fill colour.

        Returns
        -------
        FlatText
            The number, one path.

        Examples
        --------
        >>> from scenes.kit.mobjects import MonoGlyphs
        >>> from scenes.kit.palette import MONO
        >>> MonoGlyphs(MONO, 20).set("−∞", "#FFFFFF").text
        '−∞'
        """
        outlines = [self.outlines[c] + self.advance * pen for pen, c in enumerate(text)]
        return FlatText(text, outlines, color).center()


_TEXT_PROTOTYPES: dict[tuple, FlatText] = {}
_MONO_GLYPHS: dict[tuple[str, float], MonoGlyphs] = {}


def reset_text_caches() -> None:
    """Empty the kit's in-memory text caches (the text prototypes and the monospace glyphs).

    The renderer calls it before each render, so a render's pixels never depend on what was drawn
    before it in the same process.

    Examples
    --------
    >>> from scenes.kit.mobjects import reset_text_caches
    >>> reset_text_caches()
    """
    _TEXT_PROTOTYPES.clear()
    _MONO_GLYPHS.clear()


def cached_text(text: str, font: str, font_size: float, color: ManimColor, **kwargs) -> FlatText:
    """Text copied from a prototype made once per distinct string and style, then coloured.

    Speed: a grid shows the same few strings again and again (each token as a query and as a
    key, in two colours), and every transform deep-copies its mobjects; a prototype is parsed
    once, and a flat copy is cheap to make and to draw. Plain Pango text: no markup, no LaTeX.

    Parameters
    ----------
    text, font, font_size
        As for manim's ``Text``.
    color
        The fill colour.
    **kwargs
        Other ``Text`` options (part of the cache key).

    Returns
    -------
    FlatText
        One path of the glyphs' outlines; ``.text`` is the string.

    Examples
    --------
    >>> from scenes.kit import cached_text
    >>> word = cached_text("<b>blue</b>", "DejaVu Sans", 24, "#FFD84D")
    >>> word.text                    # drawn literally: markup is not read
    '<b>blue</b>'
    """
    key = (text, font, float(font_size), tuple(sorted(kwargs.items())))
    prototype = _TEXT_PROTOTYPES.get(key)
    if prototype is None:
        if has_notation(text):
            glyphs = subscripted_outlines(text, font, font_size, **kwargs)
            prototype = FlatText(text.replace("\t", " ").replace(" ", "").replace("\n", ""), glyphs, WHITE)  # as Text
        else:
            outline = OutlineText(text, font=font, font_size=font_size, **kwargs)
            prototype = FlatText.of(outline)
            line = outline.baseline_of(0)
            if line is not None and prototype.height > 0 and text.count("\n") == 0:
                prototype.baseline_fraction = (line - prototype.get_bottom()[1]) / prototype.height
        if len(_TEXT_PROTOTYPES) > 20000:
            _TEXT_PROTOTYPES.clear()
        _TEXT_PROTOTYPES[key] = prototype
    return prototype.copy().set_fill(color, opacity=1)


def mono_number_text(text: str, font_size: float, color: ManimColor) -> FlatText:
    """A formatted number in ``MONO``, set from cached glyphs (or by Pango for anything unusual).

    Parameters
    ----------
    text : str
        A formatted number (``format_number``).
    font_size : float
        Points.
    color : ManimColor
        The fill colour.

    Returns
    -------
    FlatText
        The number, one path.

    Examples
    --------
    >>> from scenes.kit.mobjects import mono_number_text
    >>> mono_number_text("0.42", 20, "#FFFFFF").text
    '0.42'
    """
    glyphs = _MONO_GLYPHS.get((MONO, float(font_size)))
    if glyphs is None:
        glyphs = _MONO_GLYPHS[(MONO, float(font_size))] = MonoGlyphs(MONO, font_size)
    if not glyphs.can_set(text):
        return cached_text(text, MONO, font_size, color)
    return glyphs.set(text, ManimColor(color))


def grouped(count: int) -> str:
    """1572864 → '1,572,864'.

    Parameters
    ----------
    count : int
        A count (e.g. of parameters).

    Returns
    -------
    str
        The count with thousands separated by commas.

    Examples
    --------
    >>> from scenes.kit.mobjects import grouped
    >>> grouped(1572864)
    '1,572,864'
    """
    return f"{count:,}"


def approx(count: float) -> str:
    """6291456 → '6.3M', 603979776 → '604M', 57982058496 → '58.0B'.

    Parameters
    ----------
    count : float
        A count (e.g. of parameters).

    Returns
    -------
    str
        Three significant digits at most, with k, M, B or T.

    Examples
    --------
    >>> from scenes.kit.mobjects import approx
    >>> approx(6291456), approx(603979776), approx(57982058496), approx(12)
    ('6.3M', '604M', '58.0B', '12')
    """
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(count) >= size:
            value = count / size
            return f"{value:.0f}{unit}" if value >= 100 else f"{value:.1f}{unit}"
    return f"{count:.0f}"


def label(text: str, theme: Theme, font_size: float = 24, color: ManimColor | None = None, **kwargs) -> FlatText:
    """User or fixed text as plain Pango text: never markup, never LaTeX.

    Parameters
    ----------
    text
        The text, drawn as typed.
    theme
        Its ``text`` colour is the default.
    font_size
        Points, as for manim's ``Text``.
    color
        A palette role instead, e.g. ``theme.query``.

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> from scenes.kit import label
    >>> title = label("Queries", theme, 26, color=theme.query)
    >>> title.text, bool(title.width > 0)
    ('Queries', True)
    """
    return cached_text(text, FONT, font_size, color or theme.text, **kwargs)


def wrapped_label(text: str, theme: Theme, font_size: float, width: float, color: ManimColor | None = None) -> VGroup:
    """``label`` broken between words into lines no wider than ``width`` where it can be (a single
    word wider than that stays one line), left-aligned one under another.

    Parameters
    ----------
    text
        The text, words separated by spaces.
    theme, font_size, color
        As for ``label``.
    width
        The widest a line may be, in scene units.

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> from scenes.kit import wrapped_label
    >>> [line.text for line in wrapped_label("dot area = |score|, colour = sign", themed(SceneSettings()), 18, 2.5)]
    ['dotarea=|score|,', 'colour=sign']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and label(f"{lines[-1]} {word}", theme, font_size).width <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return VGroup(*(label(line, theme, font_size, color=color) for line in lines)).arrange(DOWN, buff=0.1,
                                                                                         aligned_edge=LEFT)


def number(value: float, theme: Theme, font_size: float = 20, decimals: int = 2,
           color: ManimColor | None = None) -> FlatText:
    """A number as drawn on screen, in the monospaced font (see ``format_number``).

    Parameters
    ----------
    value
        The value (from the trace).
    theme, font_size, color
        As for ``label``.
    decimals
        Digits after the point.

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> from scenes.kit import number
    >>> number(-0.4242, theme, 20).text
    '−0.42'
    """
    return mono_number_text(format_number(value, decimals), font_size, color or theme.text)


MIN_TEXT_POINTS = 13.5     # digits and capitals 12 px tall at 720p (0.133 scene units)
