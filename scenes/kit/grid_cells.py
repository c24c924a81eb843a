"""What an attention grid's cells show: numbers, dots or symbols, and the row under its columns.

``AttentionGrid`` mixes ``GridCells`` in; each method builds its mobjects row-major, placed in the
grid's cells (``cell_center``), from values in screen orientation, ``[n_keys, n_queries]``.

Examples
--------
>>> from scenes.kit.grid_cells import NUMBER_FILL
>>> NUMBER_FILL
0.82
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, Dot, ManimColor, VGroup

from scenes.kit.text_mobjects import MONO_ADVANCE, UNITS_PER_POINT, format_number, number

NUMBER_FILL = 0.82         # a number spans at most this share of its cell's width (the rule is 85%)
MAX_GRID_FONT = 24.0


class GridCells:
    """The cells of an ``AttentionGrid``: ``numbers``, ``dots`` and ``symbols`` (row-major), one ``dot``,
    the font sizes that fit a cell, and a row of numbers or dots under the columns.

    A mixin of ``AttentionGrid`` (it reads the grid's ``theme``, ``n_rows``, ``n_cols``, cell size,
    ``font_size`` and ``cell_center``).

    Examples
    --------
    >>> import numpy as np
    >>> from scenes.kit import AttentionGrid, SceneSettings, themed
    >>> grid = AttentionGrid(["a", "b"], ["a", "b"], themed(SceneSettings()))
    >>> len(grid.dots(np.eye(2))), len(grid.numbers(np.eye(2)))
    (4, 4)
    """

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
                    self.theme.value_color(v, color_scale, decimals) if color_scale else self.theme.text)
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
