"""Reusable mobjects: token boxes, vector columns, the attention grid.

They draw numbers they are given (from the trace); they compute nothing. All user text goes
through ``Text`` (Pango, no markup), never LaTeX.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Brace, Dot, ImageMobject, Line, ManimColor, Rectangle, RoundedRectangle,
                   Text, VGroup, VMobject, WHITE)
from manim.constants import RESAMPLING_ALGORITHMS

from scenes.kit.notation import has_notation, subscript_runs
from scenes.kit.palette import FONT, MONO, Theme
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


def pattern_image(intensity: np.ndarray, theme: Theme, mask_shade: float, width: float, height: float) -> ImageMobject:
    """A pattern drawn one pixel per cell, ``width`` × ``height`` scene units, resampled nearest (crisp cells).

    Each cell's colour runs from the background (0) to ``theme.positive`` (1) by its ``intensity``
    (``attention_math.scaling.pattern_intensity``); a NaN cell is masked: the background with
    ``mask_shade`` of ``theme.masked`` over it, as a masked cell's shade is drawn elsewhere. The
    RGBA pixels drawn are kept as ``.pixels`` (rows as the pattern's rows: keys down).

    Parameters
    ----------
    intensity : numpy.ndarray
        ``[rows, cols]`` in 0…1; NaN where a cell is masked.
    theme : Theme
        The palette (background, positive, masked).
    mask_shade : float
        How much of ``theme.masked`` a masked cell shows over the background, 0…1.
    width, height : float
        The image's size in scene units.

    Returns
    -------
    ImageMobject
        The image, with its pixels as ``.pixels``.

    Examples
    --------
    >>> import numpy as np
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> image = pattern_image(np.array([[1.0, 0.0], [np.nan, 0.5]]), theme, 0.18, 2.0, 2.0)
    >>> image.pixels.shape, bool((image.pixels[0, 0, :3] == theme.positive.to_int_rgb()).all())
    ((2, 2, 4), True)
    """
    intensity = np.asarray(intensity, dtype=float)
    masked = np.isnan(intensity)
    background, ink = np.array(theme.background.to_rgb()), np.array(theme.positive.to_rgb())
    shade = background + mask_shade * (np.array(theme.masked.to_rgb()) - background)
    level = np.where(masked, 0.0, intensity)[..., None]
    rgb = np.where(masked[..., None], shade, background + level * (ink - background))
    pixels = np.concatenate([np.round(rgb * 255), np.full(masked.shape + (1,), 255.0)], axis=-1).astype(np.uint8)
    image = ImageMobject(pixels)
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    image.stretch_to_fit_width(width).stretch_to_fit_height(height)
    image.pixels = pixels
    return image


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
            prototype = FlatText.of(OutlineText(text, font=font, font_size=font_size, **kwargs))
        if len(_TEXT_PROTOTYPES) > 20000:
            _TEXT_PROTOTYPES.clear()
        _TEXT_PROTOTYPES[key] = prototype
    return prototype.copy().set_fill(color, opacity=1)


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
    >>> from scenes.kit.mobjects import subscripted_outlines
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


class TokenBoxes(VGroup):
    """The sentence as a row of word boxes, scaled to fit ``max_width``.

    Parameters
    ----------
    tokens
        The tokens (``trace.tokens``); long ones are drawn cut with '…'.
    theme
        The palette (boxes in ``theme.box``).
    font_size
        Points of the words.
    max_width
        Scene units the row may take; wider rows are scaled down.
    color
        The words' colour (default: ``theme.text``).
    min_box_width
        Boxes at least this wide, so short words line up with columns.
    wrap
        Break a row too wide for ``max_width`` into lines instead of scaling the words down (the
        boxes keep the sentence's order: ``boxes[i]`` is token ``i`` on whichever line it lands).

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> from scenes.kit import TokenBoxes
    >>> boxes = TokenBoxes(["a", "fluffy", "blue", "creature"], theme)
    >>> len(boxes), boxes.get_labels()[1].text
    (4, 'fluffy')
    >>> wrapped = TokenBoxes(["lighthouse"] * 12, theme, font_size=20, max_width=6.0, wrap=True)
    >>> bool(wrapped.width <= 6.0), bool(wrapped[-1].get_y() < wrapped[0].get_y())     # several lines, words unscaled
    (True, True)
    """

    def __init__(self, tokens: Sequence[str], theme: Theme, font_size: float = 24, max_width: float = 13.0,
                 color: ManimColor | None = None, min_box_width: float = 0.0, wrap: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.tokens = list(tokens)
        for token in self.tokens:
            text = label(short(token), theme, font_size, color=color)
            box = RoundedRectangle(corner_radius=0.08, width=max(text.width + 0.25, min_box_width), height=font_size * UNITS_PER_POINT + 0.3,
                                   stroke_color=theme.box, stroke_width=2, fill_color=theme.box, fill_opacity=0.15)
            text.move_to(box)
            self.add(VGroup(box, text))
        self.arrange(RIGHT, buff=0.12)
        if self.width > max_width and wrap:
            lines, line, used = VGroup(), VGroup(), -0.12
            for box in self.submobjects:
                if len(line) and used + 0.12 + box.width > max_width:
                    lines.add(line)
                    line, used = VGroup(), -0.12
                line.add(box)
                used += 0.12 + box.width
            lines.add(line)
            for line in lines:
                line.arrange(RIGHT, buff=0.12)
            lines.arrange(DOWN, buff=0.15)
        if self.width > max_width:
            self.scale_to_fit_width(max_width)

    def get_box(self, index: int) -> VGroup:
        """The box (rectangle and word) of token ``index``.

        Parameters
        ----------
        index : int
            The token's position in the sentence.

        Returns
        -------
        VGroup
            The rectangle and the word.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import TokenBoxes
        >>> boxes = TokenBoxes(["the", "cat"], theme)
        >>> boxes.get_box(1)[1].text
        'cat'
        """
        return self[index]

    def get_labels(self) -> VGroup:
        """The words alone, one per box.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import TokenBoxes
        >>> [w.text for w in TokenBoxes(["the", "cat"], theme).get_labels()]
        ['the', 'cat']
        """
        return VGroup(*(box[1] for box in self))


class VectorColumn(VGroup):
    """A bracketed column of numbers: the first ``n_shown`` entries, ⋮, and a brace with the real size.

    Parameters
    ----------
    values
        The vector (e.g. one row of ``trace.embeddings``).
    theme
        The palette.
    n_shown
        Entries written; the rest stand behind a ⋮.
    decimals, font_size
        As for ``number``.
    bracket_color
        The brackets' colour (default: ``theme.muted``).
    color_by_value, value_scale
        Colour each entry by sign and size against ``value_scale``.
    show_dimension
        A brace with the vector's length when entries are hidden.

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> import numpy as np
    >>> from scenes.kit import VectorColumn
    >>> column = VectorColumn(np.array([0.5, -1.25, 2.0, 0.0, 3.0, 1.0]), theme, n_shown=4)
    >>> [e.text for e in column.get_entries()], column.dimension.text
    (['0.50', '−1.25', '2.00', '0.00'], '6')
    """

    def __init__(self, values: np.ndarray, theme: Theme, n_shown: int = 4, decimals: int = 2,
                 font_size: float = 18, bracket_color: ManimColor | None = None, color_by_value: bool = False,
                 value_scale: float = 1.0, show_dimension: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        values = np.asarray(values, dtype=float)
        shown = values[:n_shown]
        self.entries = VGroup(*(
            number(v, theme, font_size, decimals, color=theme.value_color(v, value_scale) if color_by_value else None)
            for v in shown))
        self.entries.arrange(DOWN, buff=0.12, aligned_edge=RIGHT)
        body = VGroup(self.entries)
        if len(values) > n_shown:
            self.ellipsis = label("⋮", theme, font_size, color=theme.muted)
            self.ellipsis.next_to(self.entries, DOWN, buff=0.1)
            body.add(self.ellipsis)
        height = body.height + 0.2
        self.brackets = VGroup(_bracket(height, LEFT, bracket_color or theme.muted),
                               _bracket(height, RIGHT, bracket_color or theme.muted))
        self.brackets[0].next_to(body, LEFT, buff=0.06)
        self.brackets[1].next_to(body, RIGHT, buff=0.06)
        self.add(body, self.brackets)
        if show_dimension and len(values) > n_shown:
            self.brace = Brace(self.brackets, RIGHT, buff=0.05, color=theme.muted)
            self.dimension = label(f"{len(values)}", theme, font_size, color=theme.muted)    # as tall as the digits
            self.dimension.rotate(-math.pi / 2).next_to(self.brace, RIGHT, buff=0.05)
            self.add(self.brace, self.dimension)

    def get_entries(self) -> VGroup:
        """The numbers shown, top to bottom.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import VectorColumn
        >>> len(VectorColumn([1.0, 2.0, 3.0], theme).get_entries())
        3
        """
        return self.entries

    def center_entries_on(self, x: float) -> VectorColumn:
        """Shift sideways so the numbers (not the brackets or the dimension brace) are centred on ``x``.

        Parameters
        ----------
        x : float
            The scene x to centre the numbers on.

        Returns
        -------
        VectorColumn
            The column itself, shifted.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import VectorColumn
        >>> column = VectorColumn([1.0, 2.0, 3.0, 4.0, 5.0], theme).center_entries_on(2.0)
        >>> round(float(column.get_entries().get_center()[0]), 6)
        2.0
        """
        return self.shift(RIGHT * (x - self.entries.get_center()[0]))

    def get_brackets(self) -> VGroup:
        """The two square brackets, left and right.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import VectorColumn
        >>> len(VectorColumn([1.0, 2.0], theme).get_brackets())
        2
        """
        return self.brackets

    def fade_to(self, opacity: float) -> VectorColumn:
        """Make the whole column faint (e.g. by its weight): the numbers' fill, the brackets' stroke.

        ``set_opacity`` would also fill the brackets, which then draw as solid bars.

        Parameters
        ----------
        opacity : float
            0 (invisible) to 1 (as drawn).

        Returns
        -------
        VectorColumn
            The column itself.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import VectorColumn
        >>> column = VectorColumn([0.5, 1.5, 2.5], theme).fade_to(0.3)
        >>> round(float(column.get_entries()[0].get_fill_opacity()), 2), float(column.get_brackets()[0].get_fill_opacity())
        (0.3, 0.0)
        """
        brackets = set(self.brackets.get_family())
        for part in self.family_members_with_points():
            if part in brackets:
                part.set_stroke(opacity=opacity).set_fill(opacity=0)      # strokes only
            elif part.get_fill_opacity() > 0:
                part.set_fill(opacity=opacity)                             # numbers, ⋮, the brace
        return self


class DotMatrix(VGroup):
    """Vectors too many for numbers: one column of signed dots per token (AREA proportional to
    |value|, coloured by sign), the first ``n_shown`` entries, ⋮ under them, all in one
    pair of brackets, each column's token written upward beneath it.

    Parameters
    ----------
    vectors
        ``[n_tokens, d]``: one vector per token (e.g. ``trace.q[head]``).
    tokens
        The columns' labels.
    theme
        The palette.
    n_shown
        Entries drawn per column (the rest stand behind a ⋮).
    width
        The most scene units the columns may take.
    bracket_color, label_color
        The brackets' and the labels' colours (default: ``theme.muted``).
    value_scale
        The |value| of a full dot (default: the largest |value| shown).
    labels_side
        Where the token labels stand, read upward: ``DOWN`` (under the brackets), ``UP`` (over them,
        so matrices stacked under one row of labels line up), or ``None`` (no labels).
    colors
        The dots' colours for positive and negative values (default: ``theme.positive``, ``theme.negative``).
    show_dimension
        A brace right of the matrix with the vectors' real length, when entries are hidden.

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> import numpy as np
    >>> from scenes.kit import DotMatrix
    >>> matrix = DotMatrix(np.array([[1.0, -0.25, 0.5, 2.0], [0.25, 1.0, 0.0, 1.0]]), ["a", "cat"], theme, n_shown=3)
    >>> len(matrix.get_entries()), len(matrix.get_entries()[0])       # a column per token, n_shown dots each
    (2, 3)
    >>> round(float(matrix.get_entries()[1][0].width / matrix.get_entries()[0][0].width), 2)   # ¼ the value: ½ the radius
    0.5
    >>> from manim import UP
    >>> above = DotMatrix(np.ones((2, 4)), ["a", "cat"], theme, labels_side=UP)
    >>> bool(above.get_labels().get_bottom()[1] > above.get_brackets().get_top()[1])
    True
    """

    def __init__(self, vectors: np.ndarray, tokens: Sequence[str], theme: Theme, n_shown: int = 3,
                 width: float = 12.5, bracket_color: ManimColor | None = None, label_color: ManimColor | None = None,
                 value_scale: float | None = None, labels_side: np.ndarray | None = DOWN,
                 colors: tuple[ManimColor, ManimColor] | None = None, show_dimension: bool = False,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        vectors = np.asarray(vectors, dtype=float)
        shown = vectors[:, :n_shown]
        scale = value_scale or float(np.abs(shown).max()) or 1.0
        pitch = min(0.6, width / len(tokens))
        radius = 0.42 * pitch
        self.entries = VGroup()
        for i, column in enumerate(shown):
            dots = VGroup()
            for k, value in enumerate(column):
                magnitude = min(1.0, abs(value) / scale)
                positive, negative = colors or (theme.positive, theme.negative)
                dot = Dot(RIGHT * i * pitch + DOWN * k * pitch, radius=max(radius * math.sqrt(magnitude), 1e-3),
                          color=positive if value >= 0 else negative)
                dots.add(dot.set_fill(opacity=1.0 if magnitude > 0 else 0))
            self.entries.add(dots)
        body = VGroup(self.entries)
        self.ellipsis = VGroup()
        if vectors.shape[1] > n_shown:
            self.ellipsis.add(label("⋮", theme, MIN_TEXT_POINTS, color=theme.muted))
            self.ellipsis.move_to(self.entries.get_center() * RIGHT + DOWN * (n_shown - 0.35) * pitch)
            body.add(self.ellipsis)
        height = n_shown * pitch + (0.3 if vectors.shape[1] > n_shown else 0)
        self.brackets = VGroup(_bracket(height, LEFT, bracket_color or theme.muted),
                               _bracket(height, RIGHT, bracket_color or theme.muted))
        middle = UP * (pitch / 2 - height / 2)      # from half a pitch above the first row to below the ⋮
        self.brackets[0].move_to(RIGHT * (-pitch / 2 - 0.04) + middle)
        self.brackets[1].move_to(RIGHT * ((len(tokens) - 0.5) * pitch + 0.04) + middle)
        self.pitch = pitch
        self.labels = VGroup()
        for i, token in enumerate(tokens if labels_side is not None else ()):
            tag = label(short(token), theme, MIN_TEXT_POINTS, color=label_color or theme.muted).rotate(math.pi / 2)
            edge = self.brackets.get_bottom() if labels_side[1] < 0 else self.brackets.get_top()
            self.labels.add(tag.next_to(RIGHT * i * pitch + UP * edge[1], labels_side, buff=0.12))
        self.add(body, self.brackets, self.labels)
        self.dimension = VGroup()
        if show_dimension and vectors.shape[1] > n_shown:      # as VectorColumn's: the size the dots stand for
            brace = Brace(self.brackets[1], RIGHT, buff=0.05, color=theme.muted)
            count = label(f"{vectors.shape[1]}", theme, MIN_TEXT_POINTS + 2, color=theme.muted)     # upright: short
            self.dimension.add(brace, count.next_to(brace, RIGHT, buff=0.05))
            self.add(self.dimension)

    def get_entries(self) -> VGroup:
        """The dots, one VGroup per token (column), top to bottom within it.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import DotMatrix
        >>> len(DotMatrix([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], ["a", "b", "c"], theme).get_entries())
        3
        """
        return self.entries

    def get_labels(self) -> VGroup:
        """The tokens under the columns, read upward.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import DotMatrix
        >>> [t.text for t in DotMatrix([[1.0], [2.0]], ["a", "cat"], theme).get_labels()]
        ['a', 'cat']
        """
        return self.labels

    def get_dimension(self) -> VGroup:
        """The brace with the vectors' real length (empty unless ``show_dimension`` and entries are hidden).

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import DotMatrix
        >>> DotMatrix([[1.0] * 12, [2.0] * 12], ["a", "b"], theme, show_dimension=True).get_dimension()[1].text
        '12'
        """
        return self.dimension

    def get_ellipsis(self) -> VGroup:
        """The ⋮ under the dots when the vectors have more entries than shown (else empty).

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import DotMatrix
        >>> len(DotMatrix([[1.0, 2.0], [3.0, 4.0]], ["a", "b"], theme, n_shown=1).get_ellipsis())
        1
        """
        return self.ellipsis

    def get_brackets(self) -> VGroup:
        """The matrix's two brackets, left and right.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import DotMatrix
        >>> len(DotMatrix([[1.0], [2.0]], ["a", "b"], theme).get_brackets())
        2
        """
        return self.brackets


def _bracket(height: float, side: np.ndarray, color: ManimColor) -> VMobject:
    """A square bracket [ or ] of the given height, drawn as one stroke."""
    tick = RIGHT * 0.08 * (1 if side is LEFT else -1)
    top, bottom = UP * height / 2, DOWN * height / 2
    return VMobject(stroke_color=color, stroke_width=2).set_points_as_corners([top + tick, top, bottom, bottom + tick])


MIN_TEXT_POINTS = 13.5     # digits and capitals 12 px tall at 720p (0.133 scene units)
NUMBER_FILL = 0.82         # a number spans at most this share of its cell's width (the rule is 85%)
MAX_GRID_FONT = 24.0
LABEL_GAP = 0.02           # scene units between two key labels one above the other
UPRIGHT_PITCH = 0.19       # the narrowest column whose label, read upward, clears its neighbours' at MIN_TEXT_POINTS


class AttentionGrid(VGroup):
    """The grid of the video: keys as rows (left labels), queries as columns (top labels).

    Cell size follows the token counts so that 2 to 48 tokens fit the frame (numbers up to 14,
    dots beyond); every label stays at ``MIN_TEXT_POINTS`` or more: when rows are thinner than a
    label (about 40 keys and more), every other key label stands one column further left, with a
    leader to its row (``staggered``). Values are given in screen orientation, ``[n_keys, n_queries]``
    (``trace.on_screen``); the grid never transposes. What a cell shows is built by
    ``numbers`` (one Text per cell), ``dots`` (one dot per cell, its area proportional to the
    value) or ``symbols`` (K⃗ⱼ·Q⃗ᵢ), each row-major, so that ``column`` picks one query's cells
    out of any of them.

    Parameters
    ----------
    key_tokens, query_tokens
        The rows' and the columns' labels (``trace.key_tokens``, ``trace.tokens``).
    theme
        The palette: queries in ``theme.query``, keys in ``theme.key``.
    width, height
        The most scene units the cells may take.
    query_prefix, key_prefix
        Written before each label.

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> import numpy as np
    >>> from scenes.kit import AttentionGrid
    >>> grid = AttentionGrid(["a", "blue", "cat"], ["a", "blue", "cat"], theme)
    >>> grid.n_rows, grid.n_cols
    (3, 3)
    >>> numbers = grid.numbers(np.full((3, 3), 1 / 3))     # add them with self.play(FadeIn(numbers))
    >>> len(numbers), numbers[0].text
    (9, '0.33')
    """

    def __init__(self, key_tokens: Sequence[str], query_tokens: Sequence[str], theme: Theme,
                 width: float = 11.0, height: float = 4.9, query_prefix: str = "", key_prefix: str = "",
                 max_cell_w: float = 1.1, max_cell_h: float = 0.75, **kwargs) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.n_rows, self.n_cols = len(key_tokens), len(query_tokens)
        self.cell_h = min(max_cell_h, height / self.n_rows)
        self.cell_w = min(max_cell_w, width / self.n_cols, max(self.cell_h, 0.62) * 1.6)
        self.font_size = self.fitting_size(CELL_CHARACTERS)
        label_size = min(22.0, max(MIN_TEXT_POINTS, self.cell_h * 0.5 / UNITS_PER_POINT))
        w, h = self.cell_w * self.n_cols, self.cell_h * self.n_rows
        self.frame = Rectangle(width=w, height=h, stroke_color=theme.muted, stroke_width=1.5)
        lines = VGroup(
            *(Line(self.frame.get_corner(UP + LEFT) + RIGHT * self.cell_w * c,
                   self.frame.get_corner(DOWN + LEFT) + RIGHT * self.cell_w * c) for c in range(1, self.n_cols)),
            *(Line(self.frame.get_corner(UP + LEFT) + DOWN * self.cell_h * r,
                   self.frame.get_corner(UP + RIGHT) + DOWN * self.cell_h * r) for r in range(1, self.n_rows)),
        ).set_stroke(theme.muted, 0.8, opacity=0.6 if self.n_rows <= 14 else 0.3)
        self.lines = VGroup(self.frame, lines)
        self.query_labels = VGroup(*(
            label(query_prefix + short(t), theme, label_size, color=theme.query) for t in query_tokens))
        rotate = any(lab.width > self.cell_w * 0.95 for lab in self.query_labels)
        tallest = max((lab.height for lab in self.query_labels), default=0.0)
        upright = rotate and self.cell_w * math.sqrt(0.5) < tallest * 1.05   # 45° labels would overlap: read them upward
        for c, lab in enumerate(self.query_labels):
            if upright:
                lab.rotate(math.pi / 2)
                lab.next_to(self.cell_center(0, c) + UP * self.cell_h / 2, UP, buff=0.08)
            elif rotate:  # all or none, so the labels share one baseline
                lab.rotate(math.pi / 4)
                lab.next_to(self.cell_center(0, c) + UP * self.cell_h / 2, UP, buff=0.08)
                lab.shift(RIGHT * (lab.width / 2 - self.cell_w * 0.3))
            else:
                lab.next_to(self.cell_center(0, c) + UP * self.cell_h / 2, UP, buff=0.1)
        self.key_labels = VGroup(*(
            label(key_prefix + short(t), theme, label_size, color=theme.key) for t in key_tokens))
        for r, lab in enumerate(self.key_labels):
            lab.next_to(self.cell_center(r, 0) + LEFT * self.cell_w / 2, LEFT, buff=0.12)
        self.staggered = self.n_rows > 1 and self.cell_h < max(lab.height for lab in self.key_labels) + LABEL_GAP
        if self.staggered:       # rows thinner than a label (40 and more): every other label one column further left
            near = max(lab.width for lab in self.key_labels[::2])
            leaders = VGroup()
            for r in range(1, self.n_rows, 2):
                lab = self.key_labels[r]
                lab.shift(LEFT * (near + 0.2))
                leaders.add(Line(lab.get_right() * RIGHT + UP * self.cell_center(r, 0)[1] + RIGHT * 0.05,
                                 self.cell_center(r, 0) + LEFT * (self.cell_w / 2 + 0.04),
                                 stroke_width=0.8, stroke_opacity=0.5, color=theme.key))
            self.lines.add(leaders)      # shown with the grid's lines: a far label's leader to its row
        self.add(self.lines, self.query_labels, self.key_labels)

    def cell_center(self, row: int, col: int) -> np.ndarray:
        """The centre of cell (``row``, ``col``): row = key, column = query.

        Parameters
        ----------
        row : int
            The key's index (0 at the top).
        col : int
            The query's index (0 at the left).

        Returns
        -------
        numpy.ndarray
            The point, in scene coordinates.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b"], ["a", "b"], theme)
        >>> bool(grid.cell_center(0, 1)[0] > grid.cell_center(0, 0)[0])      # columns go right
        True
        """
        corner = self.frame.get_corner(UP + LEFT)
        return corner + RIGHT * self.cell_w * (col + 0.5) + DOWN * self.cell_h * (row + 0.5)

    def fitting_size(self, characters: int) -> float:
        """The font size at which a number of ``characters`` spans ``NUMBER_FILL`` of a cell (and fits its height).

        Parameters
        ----------
        characters : int
            The number's length, e.g. 5 for "−0.42".

        Returns
        -------
        float
            Points.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> bool(grid.fitting_size(6) < grid.fitting_size(4))        # longer numbers, smaller font
        True
        """
        return min(MAX_GRID_FONT, self.cell_h * 0.45 / UNITS_PER_POINT,
                   self.cell_w * NUMBER_FILL / (characters * MONO_ADVANCE))

    def numbers(self, values: np.ndarray, decimals: int = 2, color_scale: float | None = None) -> VGroup:
        """One number per cell, row-major; coloured by sign and size when ``color_scale`` is given.

        Parameters
        ----------
        values
            ``[n_keys, n_queries]``, e.g. ``trace.on_screen("scores", head)``; −∞ is drawn as '−∞'.
        decimals
            Digits after the point.
        color_scale
            The |value| drawn in the strongest colour (None: all in the text colour).

        Returns
        -------
        VGroup
            The numbers, placed in their cells (not yet added to the scene).

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b"], ["a", "b"], theme)
        >>> [n.text for n in grid.numbers(np.array([[1.0, -np.inf], [-0.5, 2.0]]), color_scale=2.0)]
        ['1.00', '−∞', '−0.50', '2.00']
        """
        size = self.number_size(values, decimals)
        group = VGroup()
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                v = float(values[r, c])
                color = self.theme.text if v == -math.inf else (      # on its masked cell's grey
                    self.theme.value_color(v, color_scale) if color_scale else self.theme.text)
                group.add(number(v, self.theme, size, decimals, color=color).move_to(self.cell_center(r, c)))
        return group

    def number_size(self, values: np.ndarray, decimals: int) -> float:
        """The grid's font size; smaller for numbers longer than "−0.42" (e.g. a decoder's "−11.25"),
        so that the longest spans at most ``NUMBER_FILL`` of a cell.

        Parameters
        ----------
        values : numpy.ndarray
            The numbers to draw.
        decimals : int
            Digits after the point.

        Returns
        -------
        float
            Points.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b"], ["a", "b"], theme)
        >>> grid.number_size(np.array([[-11.25, 0.0], [0.0, 0.0]]), 2) < grid.number_size(np.zeros((2, 2)), 2)
        True
        """

        longest = max(len(format_number(float(v), decimals)) for v in np.ravel(values))
        return min(self.font_size, self.fitting_size(longest))

    def dots(self, values: np.ndarray, max_abs: float | None = None, opacity: float = 1.0) -> VGroup:
        """One dot per cell, row-major, its AREA proportional to |value| (a full cell's dot at
        ``max_abs``, default the largest |value|); coloured by sign (positive, negative); −∞ and 0 draw nothing.

        Parameters
        ----------
        values
            ``[n_keys, n_queries]``; a masked (−∞) cell gets no visible dot.
        max_abs
            The |value| of a dot that fills its cell (default: the largest finite |value|).
        opacity
            The dots' fill opacity (lower when numbers are drawn over them).

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b"], ["a", "b"], theme)
        >>> dots = grid.dots(np.array([[1.0, 0.25], [0.0, 0.5]]))
        >>> round(float(dots[1].width / dots[0].width), 2)     # a quarter of the weight, half the radius
        0.5
        """
        finite = np.abs(values[np.isfinite(values)])
        scale = max_abs or (float(finite.max()) if finite.size else 1.0) or 1.0
        group = VGroup()
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                group.add(self.dot(float(values[r, c]), scale, self.cell_center(r, c), opacity))
        return group

    def dot(self, value: float, scale: float, center: np.ndarray, opacity: float = 1.0) -> Dot:
        """One cell's dot: area ∝ |value| / ``scale``, coloured by sign (the theme's positive and negative).

        Parameters
        ----------
        value : float
            The cell's value (−∞ and 0: an invisible dot).
        scale : float
            The |value| of a dot that fills the cell.
        center : numpy.ndarray
            Where the dot goes (``cell_center``).
        opacity : float
            The fill opacity.

        Returns
        -------
        Dot
            The dot.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> full, quarter = grid.dot(1.0, 1.0, grid.cell_center(0, 0)), grid.dot(0.25, 1.0, grid.cell_center(0, 1))
        >>> round(float(quarter.width / full.width), 2)
        0.5
        """
        magnitude = 0.0 if not math.isfinite(value) else min(1.0, abs(value) / scale)
        color = self.theme.positive if value >= 0 else self.theme.negative
        dot = Dot(center, radius=max(self.max_radius * math.sqrt(magnitude), 1e-3), color=color)
        dot.set_fill(opacity=opacity if magnitude > 0 else 0)
        return dot

    @property
    def max_radius(self) -> float:
        """The radius of a full dot (|value| = the scale): nearly the cell's smaller side.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> bool(2 * grid.max_radius < min(grid.cell_w, grid.cell_h))
        True
        """
        return 0.45 * min(self.cell_w, self.cell_h)

    @staticmethod
    def paired(*groups: VGroup) -> VGroup:
        """Per-cell groups (e.g. a dot and its number) out of row-major groups of the same length.

        Parameters
        ----------
        *groups : VGroup
            Row-major groups of the same length.

        Returns
        -------
        VGroup
            One group per cell, holding that cell's part of each group.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> values = np.eye(3)
        >>> cells = AttentionGrid.paired(grid.dots(values), grid.numbers(values))
        >>> len(cells), len(cells[0])
        (9, 2)
        """
        return VGroup(*(VGroup(*parts) for parts in zip(*groups)))

    def symbols(self, key_color: ManimColor, query_color: ManimColor) -> VGroup:
        """K⃗ⱼ·Q⃗ᵢ in every cell, row-major: key j (row), query i (column), numbered from 1.

        Fixed LaTeX (indices only, no user text), two compilations for the whole grid (the example needs LaTeX).

        Parameters
        ----------
        key_color : ManimColor
            The K⃗ⱼ's colour.
        query_color : ManimColor
            The Q⃗ᵢ's colour (the dot between them in ``theme.text``).

        Returns
        -------
        VGroup
            One symbol group per cell, row-major.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> symbols = grid.symbols(theme.key, theme.query)        # doctest: +SKIP
        >>> len(symbols)                                           # doctest: +SKIP
        9
        """
        from manim import MathTex

        keys = MathTex(*(rf"\vec{{K}}_{{{j + 1}}}" for j in range(self.n_rows)), color=key_color)
        queries = MathTex(r"\cdot", *(rf"\vec{{Q}}_{{{i + 1}}}" for i in range(self.n_cols)), color=query_color)
        queries[0].set_color(self.theme.text)
        group = VGroup()
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                cell = VGroup(keys[r].copy(), queries[0].copy(), queries[c + 1].copy()).arrange(RIGHT, buff=0.04)
                cell[1].align_to(cell[0], DOWN).shift(UP * cell[0].height * 0.25)
                cell.scale(min(self.cell_w * NUMBER_FILL / cell.width, self.cell_h * 0.6 / cell.height))
                group.add(cell.move_to(self.cell_center(r, c)))
        return group

    def column(self, cells: VGroup, col: int) -> VGroup:
        """The cells of one on-screen column (one query) out of a row-major group.

        Parameters
        ----------
        cells : VGroup
            Row-major cells of this grid (``numbers``, ``dots``, ``symbols``).
        col : int
            The query's index.

        Returns
        -------
        VGroup
            The column's cells, top to bottom (the same mobjects, not copies).

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b"], ["a", "b"], theme)
        >>> [n.text for n in grid.column(grid.numbers(np.array([[1.0, 2.0], [3.0, 4.0]])), 1)]
        ['2.00', '4.00']
        """
        return VGroup(*(cells[r * self.n_cols + col] for r in range(self.n_rows)))

    def cell_fill(self, row: int, col: int, color: ManimColor, opacity: float = 0.25) -> Rectangle:
        """A filled rectangle over cell (``row``, ``col``), e.g. to mark a masked or chosen cell.

        Parameters
        ----------
        row, col : int
            The cell (key, query).
        color : ManimColor
            The fill colour.
        opacity : float
            The fill opacity.

        Returns
        -------
        Rectangle
            The fill, the cell's size, without stroke.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b"], ["a", "b"], theme)
        >>> bool(abs(grid.cell_fill(1, 0, theme.key).get_center() - grid.cell_center(1, 0)).max() < 1e-9)
        True
        """
        return Rectangle(width=self.cell_w, height=self.cell_h, stroke_width=0, fill_color=color,
                         fill_opacity=opacity).move_to(self.cell_center(row, col))

    def column_highlight(self, col: int, color: ManimColor) -> Rectangle:
        """An outline around one whole column (one query), e.g. while its softmax is taken.

        Parameters
        ----------
        col : int
            The query's index.
        color : ManimColor
            The outline's colour.

        Returns
        -------
        Rectangle
            The outline.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b"], theme)
        >>> round(float(grid.column_highlight(0, theme.query).height / grid.cell_h), 6)
        3.0
        """
        return self.columns_highlight(col, col + 1, color)

    def columns_highlight(self, first: int, stop: int, color: ManimColor) -> Rectangle:
        """One outline around the whole columns ``first`` to ``stop - 1``, e.g. while they change together.

        Parameters
        ----------
        first : int
            The first column outlined.
        stop : int
            One past the last column outlined.
        color : ManimColor
            The outline's colour.

        Returns
        -------
        Rectangle
            The outline.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c", "d"], theme)
        >>> outline = grid.columns_highlight(2, 4, theme.query)
        >>> round(float(outline.width / grid.cell_w), 6), round(float(outline.height / grid.cell_h), 6)
        (2.0, 3.0)
        """
        top_left = self.cell_center(0, first) + (UP * self.cell_h + LEFT * self.cell_w) / 2
        width, height = self.cell_w * (stop - first), self.cell_h * self.n_rows
        return Rectangle(width=width, height=height, stroke_color=color,
                         stroke_width=3).move_to(top_left + (RIGHT * width + DOWN * height) / 2)

    def column_fill(self, col: int, color: ManimColor, opacity: float = 0.12) -> Rectangle:
        """A faint band behind one column, label included (the followed query), drawn behind the cells.

        Parameters
        ----------
        col : int
            The query's index.
        color : ManimColor
            The band's colour.
        opacity : float
            The band's fill opacity.

        Returns
        -------
        Rectangle
            The band, without stroke.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> band = grid.column_fill(1, theme.query)
        >>> round(float(band.height / grid.cell_h), 6), bool(abs(band.get_x() - grid.cell_center(0, 1)[0]) < 1e-9)
        (3.0, True)
        """
        band = Rectangle(width=self.cell_w, height=self.cell_h * self.n_rows, stroke_width=0,
                         fill_color=color, fill_opacity=opacity)
        return band.move_to(self.cell_center(0, col) + DOWN * self.cell_h * (self.n_rows - 1) / 2)

    def mask_marks(self, cells: Sequence[tuple[int, int]] | None = None) -> VGroup:
        """The masked cells (default: ``future_cells``) as solid squares of the masked grey, to draw behind the
        cells' numbers or dots: opaque, so a band or tint behind them never mixes with the grey.

        Parameters
        ----------
        cells : sequence of (int, int) or None
            The (row, column) cells to mark; None: ``future_cells()``.

        Returns
        -------
        VGroup
            One opaque square per cell.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> marks = grid.mask_marks()
        >>> len(marks), marks[0].get_fill_color() == theme.of("masked"), float(marks[0].get_fill_opacity())
        (3, True, 1.0)
        """
        cells = self.future_cells() if cells is None else cells
        return VGroup(*(self.cell_fill(r, c, self.theme.of("masked"), opacity=1.0) for r, c in cells))

    def future_cells(self) -> list[tuple[int, int]]:
        """The cells (row, column) where a key comes after its query: what a causal mask hides. A row
        past the last query (the [CLS]+[SEP] key of a word-level trace, last) is never hidden: [CLS]
        comes first, so every query sees it.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> grid.future_cells()
        [(1, 0), (2, 0), (2, 1)]
        """
        return [(r, c) for r in range(min(self.n_rows, self.n_cols)) for c in range(self.n_cols) if r > c]

    def lift_offset(self, col: int, x: float) -> np.ndarray:
        """The shift that takes column ``col`` to the vertical line at ``x`` (beside the grid).

        Parameters
        ----------
        col : int
            The query's index.
        x : float
            The scene x to move the column to (e.g. ``GridScene.lift_x``).

        Returns
        -------
        numpy.ndarray
            The shift, sideways only.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> x = grid.frame.get_right()[0] + 1.0
        >>> bool(abs(grid.cell_center(0, 2)[0] + grid.lift_offset(2, x)[0] - x) < 1e-9)
        True
        """
        return RIGHT * (x - self.cell_center(0, col)[0])

    def below_columns(self, values: Sequence[float], decimals: int = 2, color: ManimColor | None = None) -> VGroup:
        """A row of numbers under the grid, one per column (e.g. the column sums).

        Parameters
        ----------
        values : sequence of float
            One number per column.
        decimals : int
            Digits after the point.
        color : ManimColor or None
            The numbers' colour (default: ``theme.text``).

        Returns
        -------
        VGroup
            The numbers, left to right.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b"], ["a", "b"], theme)
        >>> [n.text for n in grid.below_columns([1.0, 1.0], color=theme.query)]
        ['1.00', '1.00']
        """
        size = self.number_size(np.asarray(values, dtype=float), decimals)
        return VGroup(*(
            number(float(v), self.theme, size, decimals, color=color).move_to(
                self.cell_center(self.n_rows - 1, c) + DOWN * self.cell_h * 0.95)
            for c, v in enumerate(values)))

    def dots_below_columns(self, values: Sequence[float], max_abs: float = 1.0) -> VGroup:
        """A row of dots under the grid, one per column, area ∝ value (the column sums, when numbers do not fit).

        Parameters
        ----------
        values : sequence of float
            One value per column.
        max_abs : float
            The value of a dot that fills a cell.

        Returns
        -------
        VGroup
            The dots, left to right.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> import numpy as np
        >>> from scenes.kit import AttentionGrid
        >>> grid = AttentionGrid(["a", "b", "c"], ["a", "b", "c"], theme)
        >>> len(grid.dots_below_columns([1.0, 1.0, 1.0]))
        3
        """
        return VGroup(*(self.dot(float(v), max_abs, self.cell_center(self.n_rows - 1, c) + DOWN * self.cell_h * 1.1)
                        for c, v in enumerate(values)))
