"""Scores divided by √d_head, then a softmax down each column: the attention pattern."""

from __future__ import annotations

from manim import DOWN, LEFT, FadeOut, ReplacementTransform, Write

from scenes.kit.base import GridScene
from scenes.kit.mobjects import format_number, label


class ScaledSoftmax(GridScene):
    description = "Scores ÷ √d_head, then softmax down each column: every column sums to 1."

    def construct(self) -> None:
        trace = self.trace()
        h, d = self.head, self.settings.decimals
        scaled = trace.on_screen("scaled", h)      # [T_k, T_q]
        pattern = trace.on_screen("pattern", h)

        # --- the grid of dot products -----------------------------------------------------
        self.beat("scores")
        grid, numbers = self.show_grid(trace, trace.on_screen("scores", h), "Scores, scaled, then softmax")
        self.record("scores", numbers, trace.on_screen("scores", h))
        self.caption(f"K·Q for every key (row) and query (column) · {self.model_note(trace)}")

        # --- divide by √d_head ------------------------------------------------------------
        self.beat("scale")
        divisor = label(f"÷ √{trace.d_head} ≈ {format_number(trace.scale_factor)}", self.theme, 24,
                        color=self.theme.query)
        divisor.next_to(grid.key_labels, DOWN, buff=0.35).align_to(grid.key_labels, LEFT).shift(LEFT * 0.3)
        self.play(Write(divisor))
        scaled_numbers = self.record("scaled", grid.numbers(scaled, d, color_scale=self.color_scale(scaled)), scaled)
        self.play(ReplacementTransform(numbers, scaled_numbers), run_time=1.2)
        self.caption(f"every score divided by √d_head = √{trace.d_head}, which keeps the softmax soft")
        self.play(FadeOut(divisor), run_time=0.4)

        # --- softmax down each column -----------------------------------------------------
        self.beat("softmax")
        self.caption("softmax down each column: the weights are positive and sum to 1")
        self.softmax_by_column(grid, scaled_numbers, self.record("pattern", grid.numbers(pattern, d, color_scale=1.0), pattern))

        # --- every column sums to one -----------------------------------------------------
        self.beat("sums")
        self.show_column_sums(grid, trace)
        self.caption("this is the attention pattern: how much each query attends to each key")
        self.wait(1.5)
