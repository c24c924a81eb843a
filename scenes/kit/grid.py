"""The attention grid: the pattern of every query against every key, as dots, numbers or an image.

It draws numbers it is given (from the trace); it computes nothing. The grid's frame, lines, labels
and cell geometry live here; what its cells show comes from ``scenes.kit.grid_cells``, the pattern
as an image from ``scenes.kit.grid_image``.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, ManimColor, Rectangle, VGroup

from scenes.kit.grid_cells import MAX_GRID_FONT, NUMBER_FILL, GridCells  # noqa: F401  (the former names, kept here)
from scenes.kit.grid_image import pattern_image  # noqa: F401
from scenes.kit.palette import Theme
from scenes.kit.text_mobjects import CELL_CHARACTERS, MIN_TEXT_POINTS, UNITS_PER_POINT, label, short

LABEL_GAP = 0.02           # scene units between two key labels one above the other
UPRIGHT_PITCH = 0.19       # the narrowest column whose label, read upward, clears its neighbours' at MIN_TEXT_POINTS


class AttentionGrid(GridCells, VGroup):
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
