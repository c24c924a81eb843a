"""Vectors and tokens as mobjects: token boxes, vector columns and matrices of dots.

They draw numbers they are given (from the trace); they compute nothing.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Brace, Dot, ManimColor, RoundedRectangle, VGroup, VMobject

from scenes.kit.palette import Theme
from scenes.kit.text_mobjects import MIN_TEXT_POINTS, UNITS_PER_POINT, label, number, short


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
        half_capital = label("H", theme, font_size).height / 2     # words sit a capital's half-height under the middle
        for token in self.tokens:
            text = label(short(token), theme, font_size, color=color)
            box = RoundedRectangle(corner_radius=0.08, width=max(text.width + 0.25, min_box_width), height=font_size * UNITS_PER_POINT + 0.3,
                                   stroke_color=theme.box, stroke_width=2, fill_color=theme.box, fill_opacity=0.15)
            text.move_to(box)
            line = text.baseline()
            if line is not None:     # every word on one baseline, a capital's height centred: "fluffy" sits with "blue"
                text.shift(UP * (box.get_y() - half_capital - line))
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
            number(v, theme, font_size, decimals, color=theme.value_color(v, value_scale, decimals) if color_by_value else None)
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


def weight_opacity(weights: Sequence[float], faint: float) -> np.ndarray:
    """How strongly to draw what each weight scales: ``faint`` for a weight of 0, fully for the largest,
    in proportion between (for ``VectorColumn.fade_to`` or ``set_opacity``).

    Parameters
    ----------
    weights : sequence of float
        The weights (e.g. one query's column of the pattern), not all zero.
    faint : float
        The opacity of a zero weight, 0 to 1.

    Returns
    -------
    numpy.ndarray
        One opacity per weight.

    Examples
    --------
    >>> from scenes.kit.vectors import weight_opacity
    >>> weight_opacity([0.0, 0.25, 0.5], faint=0.2).round(6).tolist()
    [0.2, 0.6, 1.0]
    """
    weights = np.asarray(weights, dtype=float)
    return faint + (1 - faint) * weights / weights.max()


def _bracket(height: float, side: np.ndarray, color: ManimColor) -> VMobject:
    """A square bracket [ or ] of the given height, drawn as one stroke."""
    tick = RIGHT * 0.08 * (1 if side is LEFT else -1)
    top, bottom = UP * height / 2, DOWN * height / 2
    return VMobject(stroke_color=color, stroke_width=2).set_points_as_corners([top + tick, top, bottom, bottom + tick])
