"""The attention grid: the pattern of every query against every key, as dots, numbers or an image.

It draws numbers it is given (from the trace); it computes nothing.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Dot, ImageMobject, Line, ManimColor, Rectangle, Text, VGroup
from manim.constants import RESAMPLING_ALGORITHMS

from scenes.kit.palette import Theme
from scenes.kit.text_mobjects import (CELL_CHARACTERS, MIN_TEXT_POINTS, MONO_ADVANCE, UNITS_PER_POINT, format_number,
                                      label, number, short)


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


NUMBER_FILL = 0.82         # a number spans at most this share of its cell's width (the rule is 85%)
MAX_GRID_FONT = 24.0
LABEL_GAP = 0.02           # scene units between two key labels one above the other
UPRIGHT_PITCH = 0.19       # the narrowest column whose label, read upward, clears its neighbours' at MIN_TEXT_POINTS


class AttentionGrid(VGroup):
    """The grid of the video: keys as rows (left labels), queries as columns (top labels).

    Cell size follows the token counts so that 2 to 48 tokens fit the frame (numbers up to 14,
    dots beyond); every label stays at ``MIN_TEXT_POINTS`` or more: when rows are thinner than a
    label (about 40 keys and more), every other key label stands one column further left, with a
    leader to its row (``staggered``); when columns are thinner than an upright label, every other
    query label stands one label higher, with a leader to its column (``columns_staggered``). Values are given in screen orientation, ``[n_keys, n_queries]``
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
        thickest = max((lab.width for lab in self.query_labels), default=0.0)
        self.columns_staggered = upright and self.n_cols > 1 and self.cell_w < thickest + LABEL_GAP
        column_leaders = VGroup()
        if self.columns_staggered:   # columns thinner than an upright label: every other label one row of labels higher
            near = max(lab.height for lab in self.query_labels[::2])
            for c in range(1, self.n_cols, 2):
                lab = self.query_labels[c]
                lab.shift(UP * (near + 0.15))
                column_leaders.add(Line(self.cell_center(0, c) + UP * (self.cell_h / 2 + 0.04),
                                        lab.get_bottom() + DOWN * 0.04,
                                        stroke_width=0.8, stroke_opacity=0.5, color=theme.query))
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
        if self.columns_staggered:
            self.lines.add(column_leaders)   # … and a high label's to its column
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
