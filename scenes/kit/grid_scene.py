"""The scene of the attention grid: its layout, the followed query's column, the masked cells.

``GridScene`` places the grid (``place_grid``, ``show_grid``) and marks it; what its cells show, beat by
beat, comes from ``scenes.kit.grid_beats``.
"""

from __future__ import annotations

from manim import DOWN, RIGHT, UP, Create, FadeIn, LaggedStart, Rectangle, VGroup, config
from manim.utils.rate_functions import smooth, squish_rate_func

from attention_math import AttentionTrace

from scenes.kit.attention_scene import AttentionScene
from scenes.kit.captions import CAPTION_TOP
from scenes.kit.fades import _OpacityFade
from scenes.kit.grid import UPRIGHT_PITCH, AttentionGrid
from scenes.kit.grid_beats import LIFT_GAP, GridBeats
from scenes.kit.model_rules import MAX_TOKENS
from scenes.kit.text_mobjects import label

GRID_WIDTH = 9.0        # the grid's cells; the strip to their right holds what is lifted out of the grid


class GridScene(GridBeats, AttentionScene):
    """Shared beats of the scenes built on the attention grid.

    Up to ``MAX_TOKENS`` tokens a cell can hold a number; beyond (up to ``MAX_DOT_TOKENS``) the
    beats that would show numbers show dots, and the frame says so. The pattern itself is drawn
    as the ``cells`` setting asks: dots (area ∝ weight), numbers, or both.

    Examples
    --------
    >>> from manim import ReplacementTransform
    >>> from scenes.kit import GridScene, render_frame
    >>> class DotsSoftmax(GridScene):
    ...     def construct(self) -> None:
    ...         trace = self.trace()
    ...         pattern = trace.on_screen("pattern", self.head)    # [keys, queries]
    ...         # --- the grid ---
    ...         self.beat("grid")
    ...         grid, numbers = self.show_grid(trace, pattern, "Who attends to whom")
    ...         # --- dots ---
    ...         self.beat("dots")
    ...         self.play(ReplacementTransform(numbers, grid.dots(pattern)))
    ...         self.show_column_sums(grid, trace)
    >>> sorted(render_frame(DotsSoftmax).shown)
    ['query_column', 'sums']

    """

    # --- the grid and its layout ------------------------------------------------------------
    def place_grid(self, trace: AttentionTrace, title: str | None = None, query_prefix: str = "",
                   key_prefix: str = "", width: float = GRID_WIDTH, strip: float = 2.8) -> AttentionGrid:
        """Build the grid from the token counts: title on top (beside it for long sentences), key labels at
        the left edge, the strip on the right free for the lifted column, room under it for the Σ row.

        Parameters
        ----------
        trace : AttentionTrace
            The trace whose tokens label the rows (keys) and the columns (queries).
        title : str or None
            A title (none when None): on top, or in the top right corner beside the grid of a long sentence.
        query_prefix, key_prefix : str
            Written before each column's and row's token (e.g. "Q·").
        width : float
            The most scene units the cells may take across.
        strip : float
            Scene units kept free right of the grid for a lifted column (0: none, the grid centred alone).

        Returns
        -------
        AttentionGrid
            Placed, not yet shown (``show_grid`` places and shows).

        Examples
        --------
        >>> from manim import Create
        >>> from scenes.kit import GridScene, render_frame
        >>> class Empty(GridScene):
        ...     def construct(self) -> None:
        ...         grid = self.place_grid(self.trace(), "An empty grid")
        ...         self.play(Create(grid.lines))
        >>> render_frame(Empty).grid.n_rows
        3

        """
        n = max(len(trace.key_tokens), len(trace.tokens))
        big = n > MAX_TOKENS
        top = config.frame_height / 2 - 0.2
        if title and not big:
            top = self.title(title).get_bottom()[1] - 0.15
        height = 5.8 if big else 4.9
        for _ in range(3):            # shrink until the grid, its labels and the Σ row clear the caption
            across = min(width, max(height, len(trace.tokens) * UPRIGHT_PITCH)) if big else width   # upright labels clear
            grid = AttentionGrid(trace.key_tokens, trace.tokens, self.theme, width=across,
                                 height=height, query_prefix=query_prefix, key_prefix=key_prefix,
                                 max_cell_w=1.6, max_cell_h=1.0)
            block = grid.width + (LIFT_GAP + strip if strip else 0)      # centred, with the strip, when it fits
            left = max(-config.frame_width / 2 + 0.35, -block / 2)
            grid.shift(RIGHT * (left - grid.get_left()[0]) + UP * (top - grid.get_top()[1]))
            overflow = CAPTION_TOP - (grid.frame.get_bottom()[1] - grid.cell_h * 1.5)
            if overflow <= 0:
                break
            height -= overflow
        if title and big:
            heading = label(title, self.theme, 26).to_corner(UP + RIGHT, buff=0.25)
            room = config.frame_width / 2 - 0.25 - (grid.get_right()[0] + 0.2)     # right of the upright labels
            if heading.width > room:          # two lines before a smaller font, never under MIN_TEXT_POINTS
                words = title.split(" ")
                cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(title) / 2), default=0)
                if cut:
                    heading = label(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]), self.theme, 26)
                    heading.to_corner(UP + RIGHT, buff=0.25)
            if heading.width > room:
                heading.scale_to_fit_width(room).to_corner(UP + RIGHT, buff=0.25)
            self.play(FadeIn(heading, shift=DOWN * 0.2), run_time=0.6)
            self.title_mobject = heading
        self.grid = grid
        return grid

    def numbers_fit(self, grid: AttentionGrid) -> bool:
        """Whether the grid is small enough for numbers in its cells (else dots).

        Parameters
        ----------
        grid : AttentionGrid
            The placed grid.

        Returns
        -------
        bool
            True up to ``MAX_TOKENS`` rows and columns.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Fits(GridScene):
        ...     def construct(self) -> None:
        ...         grid = self.place_grid(self.trace())
        ...         self.caption("numbers" if self.numbers_fit(grid) else "dots")
        >>> render_frame(Fits).renderer.file_writer.subcaptions[-1].content
        'numbers'

        """
        return max(grid.n_rows, grid.n_cols) <= MAX_TOKENS

    def pattern_mode(self, grid: AttentionGrid) -> str:
        """How the pattern's cells are drawn: the ``cells`` setting, dots where numbers do not fit.

        Parameters
        ----------
        grid : AttentionGrid
            The placed grid.

        Returns
        -------
        str
            "dots", "numbers" or "both".

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Mode(GridScene):
        ...     def construct(self) -> None:
        ...         grid = self.place_grid(self.trace())
        ...         self.caption(f"cells drawn as {self.pattern_mode(grid)}")     # dots, numbers or both
        >>> render_frame(Mode).renderer.file_writer.subcaptions[-1].content
        'cells drawn as dots'

        """
        return self.settings.cells if self.numbers_fit(grid) else "dots"

    def lift_x(self, grid: AttentionGrid) -> float:
        """Where a lifted column stands: in the strip right of the grid.

        Parameters
        ----------
        grid : AttentionGrid
            The placed grid.

        Returns
        -------
        float
            The scene x of the lifted column's centre.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Lift(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, cells = self.show_grid(trace, trace.on_screen("scores", self.head))
        ...         column = grid.column(cells, 0)
        ...         self.play(column.animate.shift(grid.lift_offset(0, self.lift_x(grid))))
        >>> sorted(render_frame(Lift).shown)
        ['query_column']

        """
        return grid.frame.get_right()[0] + LIFT_GAP + grid.cell_w / 2

    def show_grid(self, trace: AttentionTrace, values, title: str | None = None,
                  query_prefix: str = "", key_prefix: str = "", name: str | None = None) -> tuple[AttentionGrid, VGroup]:
        """Draw the grid (keys as rows, queries as columns), the followed query's column marked, and fill
        it with ``values`` [T_k, T_q]: numbers, or dots when the sentence is too long for numbers.

        Parameters
        ----------
        trace
            The trace whose tokens label the rows and columns.
        values
            Numbers in screen orientation, from ``trace.on_screen(name, head)``.
        title
            A title above the grid (none when None).
        query_prefix, key_prefix
            Written before each column's and row's token (e.g. "Q·").
        name
            Record the cells under this name (``self.shown``), for tests.

        Returns
        -------
        tuple of (AttentionGrid, VGroup)
            The grid (also ``self.grid``) and its cells, row-major.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Scores(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, numbers = self.show_grid(trace, trace.on_screen("scores", self.head), "K·Q", name="scores")
        >>> render_frame(Scores).shown["scores"][1].shape
        (3, 3)

        """
        grid = self.place_grid(trace, title, query_prefix, key_prefix)
        band = self.mark_query_column(grid, trace)
        self.play(Create(grid.lines), FadeIn(grid.query_labels), FadeIn(grid.key_labels), FadeIn(band), run_time=1)
        cells = self.number_cells(grid, name, values)
        self.play(LaggedStart(*(FadeIn(n) for n in cells), lag_ratio=min(0.01, 2 / len(cells)), run_time=1.2))
        if not self.numbers_fit(grid):
            self.say_dots_not_numbers(grid)
        return grid, cells

    def mark_query_column(self, grid: AttentionGrid, trace: AttentionTrace) -> Rectangle:
        """An outline around the followed query's column (``--query-token``), kept to the end.

        Parameters
        ----------
        grid : AttentionGrid
            The placed grid.
        trace : AttentionTrace
            The trace drawn (the settings' ``query_token`` is found in its tokens).

        Returns
        -------
        Rectangle
            The outline, not yet shown (also ``self.query_band``, recorded as ``query_column``).

        Examples
        --------
        >>> from manim import FadeIn
        >>> from scenes.kit import GridScene, render_frame
        >>> class Band(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid = self.place_grid(trace)
        ...         self.play(FadeIn(grid), FadeIn(self.mark_query_column(grid, trace)))
        >>> sorted(render_frame(Band).shown)
        ['query_column']

        """
        qi = self.settings.query_index(trace)
        band = grid.column_highlight(qi, self.theme.of("selected")).set_stroke(width=2)    # an outline: no tint
        self.query_band = self.record("query_column", VGroup(band), [qi])[0]             # to mix with a masked cell
        return band

    def show_mask_marks(self, grid: AttentionGrid, lag_ratio: float = 0.0, run_time: float = 0.6) -> VGroup:
        """Shade the masked cells (a later key than the query) in the masked grey, behind everything on the
        grid, and keep them marked to the end; recorded as ``mask_marks``.

        Parameters
        ----------
        grid : AttentionGrid
            The grid whose ``future_cells`` are shaded.
        lag_ratio : float
            The delay between two marks' fade-ins, as a fraction of one fade (0: all at once).
        run_time : float
            Seconds of the whole fade-in.

        Returns
        -------
        VGroup
            The marks, one square per masked cell.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Masked(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace(causal=True)
        ...         grid, _ = self.show_grid(trace, trace.on_screen("masked", self.head))
        ...         self.show_mask_marks(grid)
        >>> sorted(render_frame(Masked).shown)
        ['mask_marks', 'query_column']

        """
        marks = grid.mask_marks()
        self.record("mask_marks", marks, grid.future_cells())
        self.add(marks)
        self.bring_to_back(marks)       # under the grid lines, the outline and the numbers: they fade in there
        span = 1 + (len(marks) - 1) * lag_ratio        # lagged by hand: a LaggedStart's group would be added on top
        self.play(*(_OpacityFade(m, fade_in=True, introducer=False,
                                 rate_func=squish_rate_func(smooth, i * lag_ratio / span, (i * lag_ratio + 1) / span))
                    for i, m in enumerate(marks)), run_time=run_time)
        return marks

    def say_dots_not_numbers(self, grid: AttentionGrid) -> VGroup:
        """The note on screen when beats that would show numbers show dots.

        Parameters
        ----------
        grid : AttentionGrid
            The grid the note is about (its size is written), placed under the title or above the grid.

        Returns
        -------
        VGroup
            The note, shown (also ``self.dots_note``).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Long(GridScene):
        ...     def construct(self) -> None:
        ...         grid = self.place_grid(self.trace())
        ...         if not self.numbers_fit(grid):
        ...             self.say_dots_not_numbers(grid)
        >>> hasattr(render_frame(Long), "dots_note")        # 3 tokens: numbers fit, no note
        False

        """
        note = self._dots_note(max(grid.n_rows, grid.n_cols), aligned_edge=RIGHT)
        if note.width > config.frame_width / 2 - 0.25 - (grid.get_right()[0] + 0.15):     # clear of the grid's labels
            note = self._dots_note(max(grid.n_rows, grid.n_cols), aligned_edge=RIGHT, short=True)
        anchor = self.title_mobject.get_bottom()[1] - 0.2 if self.title_mobject is not None else grid.frame.get_top()[1]
        note.move_to(RIGHT * (config.frame_width / 2 - 0.25 - note.width / 2) + UP * (anchor - note.height / 2))
        self.play(FadeIn(note), run_time=0.5)
        self.dots_note = note
        return note
