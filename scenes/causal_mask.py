"""Causal masking: a later key may not inform an earlier query. −∞ before the softmax, 0 after."""

from __future__ import annotations

from manim import VGroup

from scenes.catalog import about
from scenes.kit.grid_scene import GridScene
from scenes.kit.mobjects import AttentionGrid


class CausalMask(GridScene):
    description = about("CausalMask").description

    def construct(self) -> None:
        trace = self.trace(causal=True)
        grid, numbers = self.cm_scaled(trace)
        masked_cells = self.cm_mask(trace, grid, numbers)
        self.cm_softmax(trace, grid, masked_cells)
        self.cm_why(trace, grid)

    # --- beats (prefixed: AttentionBlock inherits every chapter's helpers) --------------------
    def cm_scaled(self, trace) -> tuple[AttentionGrid, VGroup]:
        """The scaled scores, keys as rows."""
        self.beat("scaled")
        self.caption(f"scaled scores, keys as rows · {self.model_note(trace)}")
        return self.show_grid(trace, trace.on_screen("scaled", self.head), "Causal masking", name="scaled")

    def cm_mask(self, trace, grid: AttentionGrid, numbers: VGroup) -> VGroup:
        """The future is masked: keys after their query are shaded, their scores become −∞."""
        self.beat("mask")
        self.caption("a key after its query (below the diagonal) would let a later word inform an earlier one")
        shades = len(grid.future_cells())
        self.show_mask_marks(grid, lag_ratio=min(0.01, 1 / max(1, shades)), run_time=1)
        self.caption("those entries become −∞ …", run_time=0.4)
        masked_cells = self.number_cells(grid, "masked", trace.on_screen("masked", self.head))
        self.cross_fade(numbers, masked_cells)
        return masked_cells

    def cm_softmax(self, trace, grid: AttentionGrid, masked_cells: VGroup) -> None:
        """Softmax: −∞ becomes 0, every column at once (ScaledSoftmax went column by column)."""
        self.beat("softmax")
        self.caption("the same softmax as the last clip, all columns at once: each −∞ becomes exactly 0")
        before = self.pattern_cells(grid, "masked_pattern", trace.on_screen("masked", self.head), max_abs=None)
        if self.pattern_mode(grid) != "numbers" and self.numbers_fit(grid):
            self.cross_fade(masked_cells, before, run_time=0.8)
        else:
            before = masked_cells
        self.softmax_by_column(grid, before, self.pattern_cells(grid, "pattern", trace.on_screen("pattern", self.head)),
                               slow_columns=0)
        self.wait(1)                # the zeros, still marked as masked

    def cm_why(self, trace, grid: AttentionGrid) -> None:
        """Why mask, and the columns still sum to one."""
        self.beat("why")
        if trace.model == "tiny-gpt":
            self.caption("each position predicts the next token from earlier ones only: all trained at once, in parallel")
        else:
            self.caption(f"{self.model_name(trace)} is an encoder: masked here for illustration; a decoder is trained this way")
        self.show_column_sums(grid, trace)
        self.show_dot_legend(grid, masked=True)
        self.wait(1.5)
