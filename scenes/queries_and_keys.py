"""Queries and keys: W_Q·E and W_K·E take each embedding into a smaller space; their dot products fill the grid."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, VGroup, config

from scenes.catalog import about
from scenes.kit.captions import CAPTION_TOP
from scenes.kit.grid_scene import GridScene
from scenes.kit.mobjects import MIN_TEXT_POINTS, DotMatrix, TokenBoxes, VectorColumn, label
from scenes.kit.notation import W_K, W_Q

ROW_NAMES = ("E", f"Q = {W_Q}·E", f"K = {W_K}·E")
RIGHT_ROOM = 1.05       # the last column's brace and its dimension, beyond its token box
SHOWN = 5               # entries shown of each vector: three rows of them fill the frame
DOT_ROWS = 3            # entries drawn as dots per vector, for sentences too long for numbers


class QueriesAndKeys(GridScene):
    description = about("QueriesAndKeys").description

    def construct(self) -> None:
        trace = self.trace()
        if self.too_many_for_numbers(trace):
            self.queries_keys_as_dots(trace)
            return
        e_cols, row_e, names = self.qk_embeddings(trace)
        q_cols, row_q = self.qk_queries(trace, e_cols, row_e, names[1])
        self.qk_keys(trace, (row_e, e_cols), (row_q, q_cols), names[2])
        self.qk_grid(trace)

    def queries_keys_as_dots(self, trace) -> None:
        """The same beats for a sentence too long for numbers: E, Q and K as rows of signed dots (area ∝
        |value|) under the tokens written upward; the grid goes straight from empty cells to dots."""
        rows, names = self.qk_dots_embeddings(trace)
        texts = (f"{W_Q} ({trace.d_head} × {trace.d_model}) takes each E into a smaller space: the query, {trace.d_head} numbers",
                 f"{W_K} ({trace.d_head} × {trace.d_model}) makes the keys · {self.model_note(trace)}")
        self.qk_dots_projection("queries", rows[1], names[1], texts[0])
        self.qk_dots_projection("keys", rows[2], names[2], texts[1])
        self.wait(1)
        self.qk_dots_grid(trace)

    # --- beats, columns of numbers (prefixed: AttentionBlock inherits every chapter's helpers) --
    def qk_embeddings(self, trace) -> tuple[VGroup, VGroup, list]:
        """The embeddings of the traced layer: the tokens, each over its column E; E's column, its row name,
        and the three rows' names."""
        self.beat("embeddings")
        self.caption(f"each token's embedding E entering layer {trace.layer}: {trace.d_model} numbers")
        names = [label(n, self.theme, 18, color=c) for n, c in
                 zip(ROW_NAMES, (self.theme.embedding, self.theme.query, self.theme.key))]
        tokens, e_cols, start = self.qk_embedding_layout(trace, names)
        row_e = names[0].set_y(e_cols.get_center()[1]).set_x(start - 0.3 - max(n.width for n in names) + names[0].width / 2)
        self.play(FadeIn(tokens))
        self.play(FadeIn(row_e), LaggedStart(*(FadeIn(c) for c in e_cols), lag_ratio=0.05))
        return e_cols, row_e, names

    def qk_embedding_layout(self, trace, names: list) -> tuple[TokenBoxes, VGroup, float]:
        """The token boxes and E's columns at the top, scaled (``self.fit``) to the room the row names leave;
        their left edge."""
        left = -config.frame_width / 2 + 0.3 + max(n.width for n in names) + 0.3
        right = config.frame_width / 2 - 0.25 - RIGHT_ROOM
        probe = self.key_query_column(trace.embeddings[0], self.theme.embedding, False, 1.0)
        for size in (20, 18, 16, MIN_TEXT_POINTS):     # the largest token text that lets the numbers keep their size
            tokens = TokenBoxes(trace.tokens, self.theme, font_size=size, max_width=10 ** 6,
                                min_box_width=probe.width + 0.04)
            if tokens.width <= right - left:
                break
        e_cols = self.projected_columns(trace.embeddings, tokens, self.theme.embedding, buff=0.2)
        self.fit = min(1.0, (right - left) / tokens.width)     # one scale for the boxes and every column
        VGroup(tokens, e_cols).scale(self.fit, about_point=tokens.get_corner(UP + LEFT))
        start = max(left, (left + right) / 2 - tokens.width / 2)        # centred when the sentence is short
        VGroup(tokens, e_cols).shift(RIGHT * (start - tokens.get_left()[0]) + UP * (3.8 - tokens.get_top()[1]))
        return tokens, e_cols, start

    def qk_queries(self, trace, e_cols: VGroup, row_e, name) -> tuple[VGroup, VGroup]:
        """Queries: W_Q · E, a smaller column under each E."""
        self.beat("queries")
        self.caption(f"{W_Q} ({trace.d_head} × {trace.d_model}) takes each E into a smaller space: the query, {trace.d_head} numbers")
        return self.project(trace.q[self.head], e_cols, row_e, name, self.theme.query)

    def qk_keys(self, trace, e_row: tuple, q_row: tuple, name) -> None:
        """Keys: W_K · E, under the queries; the three rows are kept as ``self.vector_rows``."""
        self.beat("keys")
        self.caption(f"{W_K} ({trace.d_head} × {trace.d_model}) makes the keys · {self.model_note(trace)}")
        row_e, _ = e_row
        k_cols, row_k = self.project(trace.k[self.head], q_row[1], row_e, name, self.theme.key)
        self.vector_rows = (e_row, q_row, (row_k, k_cols))
        self.wait(1)

    def qk_grid(self, trace) -> None:
        """The grid of dot products: symbols, then dots, then the scores as numbers."""
        self.beat("grid")
        self.clear_frame()
        scores = trace.on_screen("scores", self.head)      # [T_k, T_q]
        grid = self.place_grid(trace, "Every key against every query: KᵀQ", width=11.3, strip=0)   # nothing is lifted here
        band = self.mark_query_column(grid, trace)
        self.caption("each cell is the dot product of key j (its row) and query i (its column)")
        symbols = self.record("symbols", grid.symbols(self.theme.key, self.theme.query),
                              [(r + 1, c + 1) for r in range(grid.n_rows) for c in range(grid.n_cols)])
        self.play(FadeIn(grid.lines), FadeIn(grid.query_labels), FadeIn(grid.key_labels), FadeIn(band),
                  LaggedStart(*(FadeIn(s) for s in symbols), lag_ratio=min(0.01, 2 / len(symbols))), run_time=1.5)
        self.wait(1)
        self.caption("each dot's area follows the score's size; its colour, the sign")
        dots = self.record("score_dots", grid.dots(scores), scores)
        self.cross_fade(symbols, dots)
        self.wait(1)
        self.caption(f"the scores, to {self.settings.decimals} decimals: large where a key answers a query")
        numbers = self.record("scores", grid.numbers(scores, self.settings.decimals,
                                                     color_scale=self.color_scale(scores)), scores)
        self.cross_fade(dots, numbers)
        self.wait(1.5)
        self.say_later_keys_are_masked(trace, grid)

    # --- beats, rows of dots ------------------------------------------------------------------
    def qk_dots_embeddings(self, trace) -> tuple[list[DotMatrix], list]:
        """The embeddings of the traced layer: the tokens written upward over E's row of dots; the three rows
        (E, Q, K; kept as ``self.qk_rows``) and their names."""
        self.beat("embeddings")
        self.caption(f"each token's embedding E entering layer {trace.layer}: {trace.d_model} numbers")
        names = [label(name, self.theme, 18, color=c) for name, c in
                 zip(ROW_NAMES, (self.theme.embedding, self.theme.query, self.theme.key))]
        rows, note = self.qk_dot_rows(trace, names)
        tokens = rows[0].get_labels()
        self.qk_rows = rows
        self.play(FadeIn(tokens))
        self.play(FadeIn(names[0]), FadeIn(VGroup(*(part for part in rows[0] if part is not tokens))),
                  FadeIn(note))
        return rows, names

    def qk_dot_rows(self, trace, names: list) -> tuple[list[DotMatrix], VGroup]:
        """E, Q and K as rows of dots spread down the frame, each named at its left, their dots recorded;
        and the dots note."""
        h, n = self.head, len(trace.tokens)
        left = -config.frame_width / 2 + 0.3 + max(m.width for m in names) + 0.3
        rows = [DotMatrix(values, trace.tokens, self.theme, n_shown=DOT_ROWS, width=config.frame_width / 2 - 1.1 - left,
                          bracket_color=color, labels_side=UP if i == 0 else None, label_color=self.theme.text,
                          show_dimension=True)       # E's size against Q's and K's smaller one
                for i, (values, color) in enumerate(((trace.embeddings, self.theme.embedding), (trace.q[h], self.theme.query),
                                                     (trace.k[h], self.theme.key)))]
        note = self._dots_note(n, aligned_edge=RIGHT)
        rows[0].shift(RIGHT * (left + 0.1 - rows[0].get_left()[0]) + UP * (config.frame_height / 2 - 0.3 - rows[0].get_top()[1]))
        note.align_to(rows[0], RIGHT).set_y(CAPTION_TOP + 0.1 + note.height / 2)
        gap = min(1.0, (rows[0].get_bottom()[1] - note.get_top()[1] - 0.2 - rows[1].height - rows[2].height) / 2)
        for above, below in zip(rows, rows[1:]):
            below.align_to(above, LEFT).shift(UP * (above.get_bottom()[1] - gap - below.get_top()[1]))
        for name, row in zip(names, rows):
            name.set_y(row.get_entries().get_y()).set_x(left - 0.3 - name.width / 2)
        for key, row, values in zip(("embeddings", "q", "k"), rows, (trace.embeddings, trace.q[h], trace.k[h])):
            self.record(f"{key}_dots", VGroup(*(dot for column in row.get_entries() for dot in column)), values[:, :DOT_ROWS])
        return rows, note

    def qk_dots_projection(self, beat: str, row: DotMatrix, name, text: str) -> None:
        """Queries (W_Q · E) or keys (W_K · E): the row's dots come down into it."""
        self.beat(beat)
        self.caption(text)
        self.play(FadeIn(name), FadeIn(row.get_brackets()), FadeIn(row.get_ellipsis()), FadeIn(row.get_dimension()),
                  LaggedStart(*(FadeIn(c, shift=DOWN * 0.25) for c in row.get_entries()), lag_ratio=0.03,
                              run_time=1.5))        # down into the row: no copy passes over another row's dots

    def qk_dots_grid(self, trace) -> None:
        """The grid of dot products, straight from empty cells to dots."""
        self.beat("grid")
        self.clear_frame()
        scores = trace.on_screen("scores", self.head)      # [T_k, T_q]
        grid = self.place_grid(trace, "Every key against every query: KᵀQ")      # at the left, the note beside it
        band = self.mark_query_column(grid, trace)
        self.caption("each cell is the dot product of key j (its row) and query i (its column)")
        self.play(FadeIn(grid.lines), FadeIn(grid.query_labels), FadeIn(grid.key_labels), FadeIn(band), run_time=1.5)
        self.say_dots_not_numbers(grid)
        self.caption("each dot's area follows the score's size; its colour, the sign")
        dots = self.record("score_dots", grid.dots(scores), scores)
        self.play(LaggedStart(*(FadeIn(dot) for dot in dots), lag_ratio=min(0.01, 2 / len(dots)), run_time=1.5))
        self.show_dot_legend(grid, scores=scores)
        self.wait(1.5)
        self.say_later_keys_are_masked(trace, grid)

    def say_later_keys_are_masked(self, trace, grid) -> None:
        """A causal trace's grid shows every score, the later keys' too: shade them (grey, the masked cells
        of every clip) as the caption says they are masked before the softmax."""
        if not trace.causal:
            return
        self.caption(f"{self.model_name(trace)} is a decoder: the shaded later keys (below the diagonal) are masked "
                     "before the softmax" if self.is_decoder(trace) else
                     "the shaded later keys (below the diagonal) are masked before the softmax, here for illustration")
        self.show_mask_marks(grid)
        self.wait(1.5)

    def project(self, values, above: VGroup, row_e, row, color) -> tuple[VGroup, VGroup]:
        """Each E column turns into its projection (Q or K), drawn in a new row under ``above``."""
        cols = self.projected_columns(values, above, color, buff=0.3 * self.fit, scale=self.fit)
        row.set_y(cols.get_center()[1]).align_to(row_e, LEFT)
        # each column comes down into its row under its token (copies of E sliding down would pass over
        # E's own digits, and the keys' over the queries')
        self.play(FadeIn(row), LaggedStart(*(FadeIn(c, shift=DOWN * 0.25) for c in cols), lag_ratio=0.05, run_time=1.5))
        return cols, row

    def key_query_column(self, values, color, last: bool, value_scale: float) -> VectorColumn:
        """One token's vector: its first few numbers (at the size floor), ⋮, and on the last one the real size."""
        return VectorColumn(values, self.theme, n_shown=SHOWN, decimals=self.settings.decimals, font_size=MIN_TEXT_POINTS,
                            bracket_color=color, color_by_value=True, value_scale=value_scale, show_dimension=last)

    def projected_columns(self, values, above: VGroup, color, buff: float, scale: float = 1.0) -> VGroup:
        """One short vector column per token, under the matching mobject of ``above``."""
        cols = VGroup()
        for i, item in enumerate(above):
            col = self.key_query_column(values[i], color, i == len(above) - 1, self.color_scale(values)).scale(scale)
            cols.add(col.next_to(item, DOWN, buff=buff).center_entries_on(item.get_center()[0]))
        return cols
