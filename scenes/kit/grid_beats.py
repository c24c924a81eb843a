"""What the grid's cells show, beat by beat: numbers or dots, cross-fades, the softmax column by column,
the dot legend and the column sums.

``GridScene`` mixes ``GridBeats`` in; they place nothing themselves but read its layout (``numbers_fit``,
``pattern_mode``, ``lift_x``).

Examples
--------
>>> from scenes.kit.grid_beats import LIFT_GAP
>>> LIFT_GAP
0.55
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, FadeIn, FadeOut, LaggedStart, Rectangle, VGroup, config

from attention_math import AttentionTrace

from scenes.kit.fades import IN_SECOND, OUT_FIRST, _OpacityFade
from scenes.kit.grid import AttentionGrid
from scenes.kit.text_mobjects import MIN_TEXT_POINTS, format_number, label, wrapped_label

LIFT_GAP = 0.55         # between the grid and a column lifted out of it


class GridBeats:
    """The beats of a ``GridScene`` that fill its grid: ``number_cells``, ``pattern_cells``, ``cross_fade``,
    ``softmax_by_column``, ``show_dot_legend``, ``show_column_sums``.

    A mixin of ``GridScene`` (it reads the scene's ``settings`` and ``theme``, and its grid layout).

    Examples
    --------
    >>> import numpy as np
    >>> from scenes.kit import GridScene
    >>> GridScene.color_scale(np.array([[0.5, -1.5]]))
    1.5
    """

    # --- what the cells show ----------------------------------------------------------------
    def number_cells(self, grid: AttentionGrid, name: str | None, values, max_abs: float | None = None) -> VGroup:
        """A beat about numbers: the numbers, or signed dots when numbers do not fit; recorded as ``name``
        (numbers) or ``name_dots`` (dots).

        Parameters
        ----------
        grid : AttentionGrid
            The grid the cells sit in.
        name : str or None
            The name to record the cells under (nothing recorded when None).
        values : numpy.ndarray
            ``[n_keys, n_queries]`` in screen orientation.
        max_abs : float or None
            The |value| of a dot that fills its cell (default: the largest finite |value|).

        Returns
        -------
        VGroup
            The cells, row-major, not yet shown.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Scaled(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scores = self.show_grid(trace, trace.on_screen("scores", self.head))
        ...         scaled = self.number_cells(grid, "scaled", trace.on_screen("scaled", self.head))
        ...         self.cross_fade(scores, scaled)
        >>> sorted(render_frame(Scaled).shown)
        ['query_column', 'scaled']

        """
        if self.numbers_fit(grid):
            cells = grid.numbers(values, self.settings.decimals, color_scale=self.color_scale(values))
            return self.record(name, cells, values) if name else cells
        cells = grid.dots(values, max_abs=max_abs)
        return self.record(f"{name}_dots", cells, values) if name else cells

    def pattern_cells(self, grid: AttentionGrid, name: str, values, max_abs: float | None = 1.0,
                      mode: str | None = None) -> VGroup:
        """A beat about the pattern: per ``mode`` (default ``pattern_mode``) dots whose area is ∝ the value
        (a full cell at ``max_abs``), numbers, or a dot under each number; recorded as ``name_dots`` and ``name``.

        Parameters
        ----------
        grid : AttentionGrid
            The grid the cells sit in.
        name : str
            The name to record the cells under.
        values : numpy.ndarray
            The weights, ``[n_keys, n_queries]`` in screen orientation.
        max_abs : float or None
            The weight of a dot that fills its cell (None: the largest weight).
        mode : str or None
            "dots", "numbers" or "both" (a faint dot under each number); None: ``pattern_mode(grid)``.

        Returns
        -------
        VGroup
            The cells, row-major, not yet shown ("both": a (dot, number) group per cell).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Pattern(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scaled = self.show_grid(trace, trace.on_screen("scaled", self.head))
        ...         weights = self.pattern_cells(grid, "pattern", trace.on_screen("pattern", self.head), mode="dots")
        ...         self.cross_fade(scaled, weights)
        >>> sorted(render_frame(Pattern).shown)
        ['pattern_dots', 'query_column']

        """
        mode = mode or self.pattern_mode(grid)
        if mode == "numbers":
            return self.record(name, grid.numbers(values, self.settings.decimals, color_scale=self.color_scale(values)),
                               values)
        dots = self.record(f"{name}_dots", grid.dots(values, max_abs=max_abs, opacity=0.45 if mode == "both" else 1.0),
                           values)
        if mode == "dots":
            return dots
        numbers = self.record(name, grid.numbers(values, self.settings.decimals), values)
        return grid.paired(dots, numbers)

    def cross_fade(self, old: VGroup, new: VGroup, run_time: float = 1.2) -> None:
        """Old cells out, then new cells in, in place, in one animation: numbers never morph into other
        numbers' glyphs, and old and new are never drawn over each other (the old are gone before the new
        appear).

        Parameters
        ----------
        old : VGroup
            The cells on screen; removed at the end.
        new : VGroup
            The cells that replace them (not yet added).
        run_time : float
            Seconds of the whole animation: the first half fades out, the second fades in.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Fade(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scores = self.show_grid(trace, trace.on_screen("scores", self.head))
        ...         self.cross_fade(scores, grid.numbers(trace.on_screen("scaled", self.head)), run_time=1)
        >>> sorted(render_frame(Fade).shown)
        ['query_column']

        """
        # out, then in: half-faded numbers on top of each other read as neither
        self.play(_OpacityFade(old, fade_in=False, rate_func=OUT_FIRST),
                  _OpacityFade(new, fade_in=True, rate_func=IN_SECOND), run_time=run_time)
        self.remove(*old)        # the faded cells, wherever they were added

    @staticmethod
    def color_scale(values) -> float:
        """The largest finite |value|: the scale numbers are coloured against.

        Parameters
        ----------
        values : numpy.ndarray
            The numbers drawn (−∞ allowed).

        Returns
        -------
        float
            The scale (1.0 when nothing is finite).

        Examples
        --------
        >>> import numpy as np
        >>> from scenes.kit import GridScene
        >>> GridScene.color_scale(np.array([[0.5, -2.0], [-np.inf, 1.0]]))
        2.0
        """
        finite = values[np.isfinite(values)]
        return float(np.abs(finite).max()) if finite.size else 1.0

    # --- the softmax, column by column ------------------------------------------------------
    def softmax_by_column(self, grid: AttentionGrid, old: VGroup, new: VGroup,
                          numbered: tuple[np.ndarray, np.ndarray] | None = None, slow_columns: int = 2,
                          rest_caption: str | None = None) -> None:
        """The softmax down each column, labelled "softmax" beside the grid: the first ``slow_columns`` one by
        one, each lifted out of the grid into the strip beside it, replaced by its softmax there and put
        back; then all the other columns together, in place, in one step (``slow_columns=0``: every column
        at once, for a viewer who has already seen it column by column).

        Nothing moves across the grid: a lifted column cross-fades between the grid and the strip, so no
        cell passes over another's digits; and old cells fade out before new ones fade in, in the strip
        and in the grid, so old and new numbers are never drawn over each other.

        ``numbered`` (the values before and after) shows the slow columns' numbers beside the lifted
        cells when the cells themselves are dots and numbers fit.

        Parameters
        ----------
        grid
            The grid both groups sit in.
        old, new
            The cells before and after (row-major).
        numbered
            The values before and after, to write beside the lifted dots.
        slow_columns
            How many columns go one by one before the rest go together.
        rest_caption
            A caption for the step where the other columns go together (none when None).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Softmax(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scaled = self.show_grid(trace, trace.on_screen("scaled", self.head))
        ...         pattern = self.pattern_cells(grid, "pattern", trace.on_screen("pattern", self.head))
        ...         self.softmax_by_column(grid, scaled, pattern, rest_caption="the other columns, at once")
        >>> sorted(render_frame(Softmax).shown)
        ['pattern_dots', 'query_column']

        """
        x = self.lift_x(grid)
        name = label("softmax", self.theme, 20, color=self.theme.of("selected"))
        name.next_to(grid.frame, DOWN, buff=0.12).set_x(x).align_to(grid.frame.get_right() + RIGHT * 0.15, LEFT)
        self.play(FadeIn(name), run_time=0.4)
        before_numbers = after_numbers = None
        if numbered is not None and self.numbers_fit(grid):
            d = self.settings.decimals
            before_numbers = grid.numbers(numbered[0], d, color_scale=self.color_scale(numbered[0]))
            after_numbers = grid.numbers(numbered[1], d, color_scale=1.0)
        slow = min(max(0, slow_columns), grid.n_cols)
        shown = []
        for col in range(slow):
            highlight = grid.column_highlight(col, self.theme.of("selected"))
            offset = grid.lift_offset(col, x)
            before, after = grid.column(old, col), grid.column(new, col)
            lifted, lifted_after = before.copy().shift(offset), after.copy().shift(offset)
            slot = highlight.copy().shift(offset)
            extra_in, extra_out = [], []
            if before_numbers is not None:
                beside = offset + RIGHT * (grid.cell_w / 2 + 0.15 + grid.column(before_numbers, col).width / 2)
                b, a = grid.column(before_numbers, col).shift(beside), grid.column(after_numbers, col).shift(beside)
                extra_in, extra_out = [FadeIn(b)], [FadeOut(b, rate_func=OUT_FIRST), FadeIn(a, rate_func=IN_SECOND)]
                shown.append((a, numbered[1][:, col]))
            # lifted by a cross-fade into the strip (moving cells would pass over their neighbours' numbers)
            self.play(FadeIn(highlight), FadeIn(slot), FadeOut(before), FadeIn(lifted), *extra_in, run_time=0.7)
            self.play(FadeOut(lifted, rate_func=OUT_FIRST), FadeIn(lifted_after, rate_func=IN_SECOND), *extra_out,
                      run_time=0.9)
            back = [FadeOut(shown[-1][0])] if extra_out else []
            self.play(FadeOut(lifted_after), FadeIn(after), FadeOut(highlight), FadeOut(slot), *back, run_time=0.6)
            self.remove(*before, *lifted, *lifted_after)
        if slow < grid.n_cols:           # the other columns: the same softmax, all in one step, in place
            if rest_caption:
                self.caption(rest_caption)
            outline = grid.columns_highlight(slow, grid.n_cols, self.theme.of("selected"))
            rest = range(slow, grid.n_cols)
            before = VGroup(*(cell for col in rest for cell in grid.column(old, col)))
            after = VGroup(*(cell for col in rest for cell in grid.column(new, col)))
            self.play(FadeIn(outline), run_time=0.4)
            self.cross_fade(before, after, run_time=1.2)
            self.play(FadeOut(outline), FadeOut(name), run_time=0.4)
        else:
            self.play(FadeOut(name), run_time=0.3)
        if shown:
            self.record("softmax_numbers", VGroup(*(m for group, _ in shown for m in group)),
                        np.concatenate([values for _, values in shown]))

    def show_dot_legend(self, grid: AttentionGrid, masked: bool = False, scores: np.ndarray | None = None) -> VGroup | None:
        """Beside the grid, in the strip the softmax used: how to read a dot, drawn at the pattern's own
        scale (``pattern_cells``: a weight of 1 fills its cell) for 1, 0.5 and 0.1, and the masked
        cells' shade when ``masked``. Given signed ``scores`` (drawn by ``grid.dots(scores)``: the largest
        |score| fills its cell), dots for the largest |score|, half of it and minus half of it instead.
        Nothing when the cells are numbers only or the strip is too narrow; recorded as ``legend``.

        Parameters
        ----------
        grid : AttentionGrid
            The grid whose dots the legend explains (drawn at its dot size, in its strip).
        masked : bool
            Add a swatch of the masked cells' shade.
        scores : numpy.ndarray or None
            Signed values the dots show instead of weights (their largest |value| fills a cell).

        Returns
        -------
        VGroup or None
            The legend, shown; None when nothing was drawn.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Legend(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         pattern = trace.on_screen("pattern", self.head)
        ...         grid, _ = self.show_grid(trace, pattern)
        ...         self.show_dot_legend(grid)
        >>> sorted(render_frame(Legend).shown)
        ['legend', 'query_column']

        """
        if self.pattern_mode(grid) == "numbers" and scores is None:
            return None
        scale = 1.0                                               # as pattern_cells draws weights (max_abs=1)
        weights = [1.0, 0.5, 0.1]
        heading = "dot area = weight"
        if scores is not None:                                    # as grid.dots draws scores: the largest is full
            scale = float(np.abs(scores[np.isfinite(scores)]).max()) or 1.0
            weights, heading = [scale, scale / 2, -scale / 2], "dot area = |score|, colour = sign"
        d = self.settings.decimals
        dots = VGroup(*(grid.dot(w, scale, np.zeros(3)) for w in weights))
        rows, y = VGroup(), 0.0
        for dot, w in zip(dots, weights):                           # the dots on one vertical line, each number beside
            number = label(format_number(w, d), self.theme, MIN_TEXT_POINTS + 2, color=self.theme.text)
            dot.move_to([0, y, 0])
            number.move_to([grid.max_radius + 0.2 + number.width / 2, y, 0])
            rows.add(VGroup(dot, number))
            y -= max(2 * grid.max_radius, number.height) + 0.25
        left = grid.frame.get_right()[0] + LIFT_GAP
        room = config.frame_width / 2 - 0.25 - left
        legend = VGroup(wrapped_label(heading, self.theme, 18, room, color=self.theme.muted), rows)
        if masked:
            side = min(grid.cell_w, grid.cell_h, 0.45)           # a swatch of the cells' shade, small enough to fit
            shade = Rectangle(width=side, height=side, stroke_width=0, fill_color=self.theme.of("masked"), fill_opacity=1)
            legend.add(VGroup(shade, label("masked: −∞ → 0", self.theme, 18, color=self.theme.muted))
                       .arrange(RIGHT, buff=0.2))
        legend.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        if legend.width > room:
            return None
        legend.move_to([left + legend.width / 2, grid.frame.get_center()[1], 0])
        self.record("legend", dots, weights)
        self.play(FadeIn(legend), run_time=0.5)
        return legend

    def show_column_sums(self, grid: AttentionGrid, trace: AttentionTrace) -> VGroup:
        """The Σ row: every column's weights add up to 1 (numbers, or dots when numbers do not fit).

        Parameters
        ----------
        grid : AttentionGrid
            The grid of the pattern; the sums stand under its columns.
        trace : AttentionTrace
            The trace whose pattern is summed (``trace.column_sums("pattern", head)``).

        Returns
        -------
        VGroup
            The Σ and the sums (also ``self.sums_row``).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Sums(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, _ = self.show_grid(trace, trace.on_screen("pattern", self.head))
        ...         self.show_column_sums(grid, trace)
        >>> sorted(render_frame(Sums).shown)
        ['query_column', 'sums']

        """
        sums = trace.column_sums("pattern", self.head)
        if self.numbers_fit(grid):
            drawn = grid.below_columns(sums, self.settings.decimals, color=self.theme.of("weight"))
        else:
            drawn = grid.dots_below_columns(sums)
        self.record("sums", drawn, sums)
        sigma = label("Σ", self.theme, max(MIN_TEXT_POINTS * 1.3, grid.font_size * 1.3), color=self.theme.of("weight"))
        sigma.next_to(drawn, LEFT, buff=0.3).align_to(grid.key_labels, LEFT)
        self.play(FadeIn(sigma), LaggedStart(*(FadeIn(s, shift=DOWN * 0.1) for s in drawn), lag_ratio=0.05))
        self.sums_row = VGroup(sigma, drawn)
        return self.sums_row
