"""Causal masking: a later key may not inform an earlier query. −∞ before the softmax, 0 after."""

from __future__ import annotations

from manim import FadeIn, FadeOut, LaggedStart, ReplacementTransform, VGroup

from scenes.kit.base import GridScene


class CausalMask(GridScene):
    description = "Future keys set to −∞ before the softmax, so they get weight 0; columns still sum to 1."

    def construct(self) -> None:
        trace = self.trace(causal=True)
        h, d = self.head, self.settings.decimals
        masked = trace.on_screen("masked", h)      # [T_k, T_q]

        # --- scaled scores ----------------------------------------------------------------
        self.beat("scaled")
        grid, numbers = self.show_grid(trace, trace.on_screen("scaled", h), "Causal masking")
        self.caption(f"scaled scores · {self.model_note(trace)} · keys as rows, queries as columns")

        # --- the future is masked ---------------------------------------------------------
        self.beat("mask")
        self.caption("a key after its query (below the diagonal) would let a later word inform an earlier one")
        future = [(r, c) for r in range(grid.n_rows) for c in range(grid.n_cols) if r > c]
        shades = VGroup(*(grid.cell_fill(r, c, self.theme.masked) for r, c in future))
        self.play(LaggedStart(*(FadeIn(s) for s in shades), lag_ratio=0.01, run_time=1))
        masked_numbers = self.record("masked", grid.numbers(masked, d, color_scale=self.color_scale(masked)), masked)
        self.play(ReplacementTransform(numbers, masked_numbers), run_time=1.2)
        self.caption("those entries become −∞ …")

        # --- softmax: −∞ becomes 0 --------------------------------------------------------
        self.beat("softmax")
        pattern = trace.on_screen("pattern", h)
        self.softmax_by_column(grid, masked_numbers, self.record("pattern", grid.numbers(pattern, d, color_scale=1.0), pattern))
        self.caption("… so after the softmax they are exactly 0")

        # --- columns still sum to one -----------------------------------------------------
        self.beat("why")
        self.show_column_sums(grid, trace)
        self.play(FadeOut(shades), run_time=0.5)
        self.caption("each position predicts the next token from earlier ones only: all trained at once, in parallel")
        self.wait(1.5)
