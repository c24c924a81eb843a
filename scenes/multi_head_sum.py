"""Many heads: each its own pattern and its own ΔE for the same token; the proposals add up; the value-ups staple into W_O."""

from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, Rectangle, ReplacementTransform,
                   SurroundingRectangle, VGroup)

from scenes.kit.base import AttentionScene
from scenes.kit.mobjects import AttentionGrid, VectorColumn, label, short

SHOWN_HEADS = 4


class MultiHeadSum(AttentionScene):
    description = "Several heads, each its own real pattern and ΔE for one token; the ΔE add up; W_O staples the value-ups."

    def construct(self) -> None:
        trace = self.trace()
        d = self.settings.decimals
        qi = self.settings.query_index(trace)
        query = short(trace.tokens[qi])
        heads = [(self.head + i) % trace.n_heads for i in range(min(SHOWN_HEADS, trace.n_heads))]

        # --- several heads, several patterns ----------------------------------------------
        self.beat("heads")
        self.title(f"{trace.n_heads} heads in layer {trace.layer}, each with its own pattern")
        panels = VGroup()
        for h in heads:
            grid = AttentionGrid([""] * len(trace.key_tokens), [""] * len(trace.tokens), self.theme, width=2.4, height=2.4)
            grid.remove(grid.query_labels, grid.key_labels)
            dots = grid.dots(trace.on_screen("pattern", h), max_abs=1.0)
            mark = grid.column_highlight(qi, self.theme.query)
            name = label(f"head {h}", self.theme, 18, color=self.theme.muted).next_to(grid, UP, buff=0.12)
            panels.add(VGroup(grid, dots, mark, name))
        panels.arrange(RIGHT, buff=0.7).next_to(self.title_mobject, DOWN, buff=0.3)
        self.play(LaggedStart(*(FadeIn(p) for p in panels), lag_ratio=0.2))
        more = trace.n_heads - len(heads)
        self.caption(f"the column of “{query}” in {len(heads)} of the {trace.n_heads} heads"
                     + (f" ({more} more not shown)" if more else "") + f" · {trace.description}")

        # --- each head proposes a ΔE ------------------------------------------------------
        self.beat("proposals")
        scale = float(abs(trace.delta_per_head[:, qi, :4]).max()) or 1.0
        proposals = VGroup(*(
            VectorColumn(trace.delta_per_head[h, qi], self.theme, n_shown=4, decimals=d, font_size=14,
                         bracket_color=self.theme.delta, color_by_value=True, value_scale=scale,
                         show_dimension=False).next_to(panel, DOWN, buff=0.3)
            for h, panel in zip(heads, panels)))
        pluses = VGroup(*(label("+", self.theme, 26).move_to((a.get_right() + b.get_left()) / 2)
                          for a, b in zip(proposals[:-1], proposals[1:])))
        self.play(LaggedStart(*(FadeIn(p, shift=DOWN * 0.2) for p in proposals), lag_ratio=0.2), FadeIn(pluses))
        self.caption(f"each head proposes its own change ΔE⁽ʰ⁾ to “{query}”")

        # --- the proposals add up ---------------------------------------------------------
        self.beat("sum")
        total = VectorColumn(trace.delta[qi], self.theme, n_shown=4, decimals=d, font_size=14,
                             bracket_color=self.theme.delta, show_dimension=True)
        equals = label(f"+ … =" if more else "=", self.theme, 24)
        VGroup(equals, total).arrange(RIGHT, buff=0.3).next_to(proposals, RIGHT, buff=0.3)
        if total.get_right()[0] > 7:
            VGroup(panels, proposals, pluses).shift(LEFT * (total.get_right()[0] - 6.8))
            VGroup(equals, total).shift(LEFT * (total.get_right()[0] - 6.8))
        self.play(FadeIn(equals), ReplacementTransform(proposals.copy(), total), run_time=1.2)
        self.play(FadeIn(SurroundingRectangle(total, color=self.theme.delta)))
        self.caption(f"ΔE = the sum over all {trace.n_heads} heads (plus the output bias), added to E")
        self.wait(1)
        self.play(*(FadeOut(m) for m in self.mobjects if m is not self._caption))

        # --- value-ups stapled into one output matrix ------------------------------------
        self.beat("output matrix")
        width = min(0.5, 10.0 / trace.n_heads)
        ups = VGroup(*(Rectangle(width=width, height=3.0, color=self.theme.value_up, fill_opacity=0.3)
                       for _ in range(trace.n_heads))).arrange(RIGHT, buff=0.25)
        names = VGroup(*(label(f"{h}", self.theme, 14, color=self.theme.muted).next_to(r, DOWN, buff=0.1)
                         for h, r in zip(range(trace.n_heads), ups)))
        self.play(LaggedStart(*(FadeIn(u) for u in ups), lag_ratio=0.05), FadeIn(names))
        self.caption(f"the value-up matrix of each head, {trace.d_model} × {trace.d_head}")
        stapled = ups.copy().arrange(RIGHT, buff=0).set_color(self.theme.output).set_fill(opacity=0.35)
        w_o = label(f"W_O: {trace.d_model} × {trace.n_heads * trace.d_head}", self.theme, 24,
                    color=self.theme.output).next_to(stapled, UP, buff=0.3)
        self.play(ReplacementTransform(ups, stapled), FadeOut(names), run_time=1.2)
        self.play(FadeIn(w_o))
        self.caption("stapled side by side they are the one output matrix W_O of the layer")
        self.wait(1.5)
