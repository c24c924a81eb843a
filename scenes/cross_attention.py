"""Cross-attention: queries from one sentence, keys and values from another, no mask."""

from __future__ import annotations

from manim import DOWN, UP, FadeIn, FadeOut, ReplacementTransform, VGroup

from scenes.kit.base import GridScene
from scenes.kit.mobjects import TokenBoxes, label


class CrossAttention(GridScene):
    description = "Queries from one sentence, keys and values from another (a translation): no mask."

    def construct(self) -> None:
        trace = self.trace(cross=True)
        h, d = self.head, self.settings.decimals

        # --- two sentences ----------------------------------------------------------------
        self.beat("two sentences")
        queries = TokenBoxes(trace.tokens, self.theme, 24, color=self.theme.query)
        keys = TokenBoxes(trace.key_tokens, self.theme, 24, color=self.theme.key)
        q_name = label("queries from", self.theme, 20, color=self.theme.query)
        k_name = label("keys and values from", self.theme, 20, color=self.theme.key)
        both = VGroup(VGroup(q_name, queries).arrange(DOWN, buff=0.2),
                      VGroup(k_name, keys).arrange(DOWN, buff=0.2)).arrange(DOWN, buff=0.8)
        self.play(FadeIn(both[0], shift=DOWN * 0.2))
        self.play(FadeIn(both[1], shift=UP * 0.2))
        self.caption(f"both sentences run through {trace.description}; layer {trace.layer}, head {h}")
        self.wait(1)
        self.play(FadeOut(both))

        # --- the grid between them --------------------------------------------------------
        self.beat("scores")
        scores = trace.on_screen("scores", h)           # [T_context, T_query]
        grid, numbers = self.show_grid(trace, scores, "Cross-attention")
        self.record("scores", numbers, scores)
        self.caption("keys (rows) from the other sentence, queries (columns) from this one")

        # --- softmax, no mask -------------------------------------------------------------
        self.beat("softmax")
        scaled = trace.on_screen("scaled", h)
        scaled_numbers = self.record("scaled", grid.numbers(scaled, d, color_scale=self.color_scale(scaled)), scaled)
        self.play(ReplacementTransform(numbers, scaled_numbers), run_time=1)
        self.caption(f"scaled by √{trace.d_head}, then softmax down each column; nothing is masked")
        pattern = trace.on_screen("pattern", h)
        self.softmax_by_column(grid, scaled_numbers, self.record("pattern", grid.numbers(pattern, d, color_scale=1.0), pattern))

        # --- each query's weights over the other sentence sum to one ----------------------
        self.beat("sums")
        self.show_column_sums(grid, trace)
        self.caption("each word of this sentence gathers meaning from the other (as a translator's decoder does)")
        self.wait(1.5)
