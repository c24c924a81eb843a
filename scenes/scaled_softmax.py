"""Scores divided by √d_head, then a softmax down each column: the attention pattern."""

from __future__ import annotations

from manim import DOWN, FadeIn, FadeOut, MathTex, VGroup, Write

from scenes.catalog import about
from scenes.kit.grid_scene import GridScene
from scenes.kit.mobjects import AttentionGrid, format_number, label
from scenes.kit.notation import d_k


class ScaledSoftmax(GridScene):
    description = about("ScaledSoftmax").description

    def construct(self) -> None:
        trace = self.trace()
        grid, numbers = self.ss_scores(trace)
        fraction, scaled_cells = self.ss_scale(trace, grid, numbers)
        self.ss_softmax(trace, grid, fraction, scaled_cells)
        self.ss_sums(trace, grid)

    # --- beats and helpers (prefixed: AttentionBlock inherits every chapter's helpers) -------
    def ss_scores(self, trace) -> tuple[AttentionGrid, VGroup]:
        """The grid of dot products, one number per key (row) and query (column)."""
        self.beat("scores")
        self.caption(f"K·Q for every key (row) and query (column) · {self.model_note(trace)}")
        return self.show_grid(trace, trace.on_screen("scores", self.head), "Scores, scaled, then softmax",
                              name="scores")

    def ss_scale(self, trace, grid: AttentionGrid, numbers: VGroup) -> tuple[VGroup, VGroup]:
        """Every score divided by √d_head: the fraction beside the grid, the cells shrink to the scaled scores."""
        self.beat("scale")
        scores = trace.on_screen("scores", self.head)
        self.caption(f"every score divided by √{d_k} = √{trace.d_head}, which keeps the softmax soft")
        fraction = self.scale_fraction(trace, grid)
        self.play(Write(fraction), run_time=1)
        scaled_cells = self.number_cells(grid, "scaled", trace.on_screen("scaled", self.head),
                                         max_abs=self.color_scale(scores))   # dots shrink
        self.cross_fade(numbers, scaled_cells)
        self.wait(0.5)
        return fraction, scaled_cells

    def ss_softmax(self, trace, grid: AttentionGrid, fraction: VGroup, scaled_cells: VGroup) -> None:
        """Softmax down each column: the first columns one by one, then the rest at once."""
        self.beat("softmax")
        h = self.head
        scores = trace.on_screen("scores", h)      # [T_k, T_q]
        scaled = trace.on_screen("scaled", h)
        pattern = trace.on_screen("pattern", h)
        if trace.causal:        # a decoder's pattern (or --causal): later keys are masked before the softmax
            self.caption(self.masked_here(trace))      # the shades come in with it, and stay marked to the end
            self.show_mask_marks(grid)
        self.caption("softmax down each column: " + ("the weights are positive and sum to 1"
                     if self.pattern_mode(grid) == "numbers" else "each dot's area is a weight; a column's weights sum to 1"))
        self.play(FadeOut(fraction), run_time=0.4)
        before = self.pattern_cells(grid, "scaled_pattern", scaled, max_abs=self.color_scale(scores))
        if self.pattern_mode(grid) != "numbers" and self.numbers_fit(grid):
            self.cross_fade(scaled_cells, before, run_time=0.8)      # the scaled scores as dots, by size
        else:
            before = scaled_cells
        after = self.pattern_cells(grid, "pattern", pattern)
        dots_only = self.pattern_mode(grid) == "dots"     # then the first lifted columns show their numbers beside
        self.softmax_by_column(grid, before, after, numbered=(scaled, pattern) if dots_only else None,
                               slow_columns=2, rest_caption="the other columns, all at once")

    def ss_sums(self, trace, grid: AttentionGrid) -> None:
        """Every column sums to one: this is the attention pattern."""
        self.beat("sums")
        self.caption("this is the attention pattern: how much each query attends to each key")
        self.show_column_sums(grid, trace)
        self.show_dot_legend(grid, masked=trace.causal)
        self.wait(1.5)

    def masked_here(self, trace) -> str:
        """The caption that first shows masked cells here: which cells, why, and that CausalMask explains how."""
        if self.is_decoder(trace):
            return f"{self.model_name(trace)} is a decoder: shaded keys come after their query and are masked (next clip)"
        return f"{self.model_name(trace)} is an encoder, masked for illustration: shaded keys come after their query (next clip)"

    def scale_fraction(self, trace, grid: AttentionGrid) -> VGroup:
        """The scores' symbol over √d_k, in the strip beside the grid: the scaling as a fraction."""
        fraction = MathTex(r"\vec{K}_j \cdot \vec{Q}_i", r"\over", r"\sqrt{d_k}", font_size=44, color=self.theme.text)
        fraction[0].set_color(self.theme.text)
        value = label(f"{d_k} = {trace.d_head}: ÷ {format_number(trace.scale_factor)}", self.theme, 18,
                      color=self.theme.text)
        group = VGroup(fraction, value).arrange(DOWN, buff=0.25)
        strip_left = grid.frame.get_right()[0] + 0.3
        room = 7.1 - 0.25 - strip_left
        if group.width > room:
            group.scale_to_fit_width(room)
        return group.move_to([strip_left + room / 2, grid.frame.get_center()[1], 0])
