"""Queries and keys: W_q·E and W_k·E take each embedding into a smaller space; their dot products fill the grid."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, FadeIn, FadeOut, LaggedStart, ReplacementTransform, VGroup

from scenes.kit.base import GridScene
from scenes.kit.mobjects import TokenBoxes, VectorColumn, label


class QueriesAndKeys(GridScene):
    description = "W_q·E → queries (yellow), W_k·E → keys (teal), then the grid of their dot products."

    def construct(self) -> None:
        trace = self.trace()
        h, d = self.head, self.settings.decimals
        n = len(trace.tokens)

        # --- embeddings of the traced layer -----------------------------------------------
        self.beat("embeddings")
        tokens = TokenBoxes(trace.tokens, self.theme, font_size=20, max_width=12.2,
                            min_box_width=0.7).to_edge(UP, buff=0.25)
        tokens.shift(RIGHT * 0.6)
        self.play(FadeIn(tokens))
        e_cols = self.projected_columns(trace.embeddings, tokens, self.theme.embedding, buff=0.2)
        row_e = label("E", self.theme, 24, color=self.theme.embedding).next_to(e_cols, LEFT, buff=0.3).to_edge(LEFT, buff=0.3)
        self.play(FadeIn(row_e), LaggedStart(*(FadeIn(c) for c in e_cols), lag_ratio=0.05))
        self.caption(f"each token's embedding E entering layer {trace.layer}: {trace.d_model} numbers")

        # --- queries: W_q · E -------------------------------------------------------------
        self.beat("queries")
        q_cols, row_q = self.project(trace.q[h], e_cols, e_cols, row_e, "Q = W_q·E", self.theme.query)
        self.caption(f"W_q ({trace.d_head} × {trace.d_model}) takes each E into a smaller space: the query, {trace.d_head} numbers")

        # --- keys: W_k · E ----------------------------------------------------------------
        self.beat("keys")
        k_cols, row_k = self.project(trace.k[h], e_cols, q_cols, row_e, "K = W_k·E", self.theme.key)
        self.caption(f"W_k ({trace.d_head} × {trace.d_model}) makes the keys · {self.model_note(trace)}")

        # --- the grid of dot products -----------------------------------------------------
        self.beat("grid")
        self.play(FadeOut(VGroup(tokens, e_cols, q_cols, k_cols, row_e, row_q, row_k)))
        if self._caption is not None:
            self.play(FadeOut(self._caption), run_time=0.3)
            self._caption = None
        scores = trace.on_screen("scores", h)      # [T_k, T_q]
        grid, numbers = self.show_grid(trace, scores, "Every key against every query: K·Q",
                                       query_prefix="", key_prefix="")
        dots = self.record("score_dots", grid.dots(scores), scores)
        self.play(ReplacementTransform(numbers, dots), run_time=1.2)
        self.caption("each dot's area follows the score's size; blue positive, red negative")
        self.wait(1)
        numbers = self.record("scores", grid.numbers(scores, d, color_scale=self.color_scale(scores)), scores)
        self.play(ReplacementTransform(dots, numbers), run_time=1.2)
        self.caption(f"the scores, to {d} decimals: large where a key answers a query")
        self.wait(1.5)

    def project(self, values, sources: VGroup, above: VGroup, row_e, name: str, color) -> tuple[VGroup, VGroup]:
        """Each E column turns into its projection (Q or K), drawn in a new row under ``above``."""
        cols = self.projected_columns(values, above, color, buff=0.3)
        row = label(name, self.theme, 20, color=color).next_to(cols, LEFT, buff=0.2).align_to(row_e, LEFT)
        self.play(FadeIn(row), LaggedStart(*(ReplacementTransform(e.copy(), c) for e, c in zip(sources, cols)),
                                           lag_ratio=0.05, run_time=1.5))
        return cols, row

    def projected_columns(self, values, above: VGroup, color, buff: float) -> VGroup:
        """One short vector column per token, under the matching mobject of ``above``."""
        cols = VGroup()
        for i, item in enumerate(above):
            col = VectorColumn(values[i], self.theme, n_shown=3, decimals=self.settings.decimals, font_size=12,
                               bracket_color=color, color_by_value=True, value_scale=self.color_scale(values),
                               show_dimension=(i == len(above) - 1))
            cols.add(col.next_to(item, DOWN, buff=buff).center_entries_on(item.get_center()[0]))
        return cols
