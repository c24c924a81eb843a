"""Causal masking: a later key may not inform an earlier query. −∞ before the softmax, 0 after."""

from __future__ import annotations

from scenes.catalog import about
from scenes.kit.base import GridScene


class CausalMask(GridScene):
    description = about("CausalMask").description

    def construct(self) -> None:
        trace = self.trace(causal=True)
        h = self.head
        scaled = trace.on_screen("scaled", h)      # [T_k, T_q]
        masked = trace.on_screen("masked", h)
        pattern = trace.on_screen("pattern", h)

        # --- scaled scores ----------------------------------------------------------------
        self.beat("scaled")
        self.caption(f"scaled scores, keys as rows · {self.model_note(trace)}")
        grid, numbers = self.show_grid(trace, scaled, "Causal masking", name="scaled")

        # --- the future is masked ---------------------------------------------------------
        self.beat("mask")
        self.caption("a key after its query (below the diagonal) would let a later word inform an earlier one")
        shades = len(grid.future_cells())
        self.show_mask_marks(grid, lag_ratio=min(0.01, 1 / max(1, shades)), run_time=1)
        self.caption("those entries become −∞ …", run_time=0.4)
        masked_cells = self.number_cells(grid, "masked", masked)
        self.cross_fade(numbers, masked_cells)

        # --- softmax: −∞ becomes 0, every column at once (ScaledSoftmax went column by column) ---
        self.beat("softmax")
        self.caption("the same softmax as the last clip, all columns at once: each −∞ becomes exactly 0")
        before = self.pattern_cells(grid, "masked_pattern", masked, max_abs=None)
        if self.pattern_mode(grid) != "numbers" and self.numbers_fit(grid):
            self.cross_fade(masked_cells, before, run_time=0.8)
        else:
            before = masked_cells
        self.softmax_by_column(grid, before, self.pattern_cells(grid, "pattern", pattern), slow_columns=0)
        self.wait(1)                # the zeros, still marked as masked

        # --- columns still sum to one -----------------------------------------------------
        self.beat("why")
        if trace.model == "tiny-gpt":
            self.caption("each position predicts the next token from earlier ones only: all trained at once, in parallel")
        else:
            self.caption(f"{self.model_name(trace)} is an encoder: masked here for illustration; a decoder is trained this way")
        self.show_column_sums(grid, trace)
        self.show_dot_legend(grid, masked=True)
        self.wait(1.5)
