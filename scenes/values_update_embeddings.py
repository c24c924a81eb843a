"""Values: value-down then value-up, each scaled by its weight in the query's column, summed into ΔE; E + ΔE = E′."""

from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Create, Cross, FadeIn, FadeOut, LaggedStart, Rectangle, ReplacementTransform,
                   SurroundingRectangle, VGroup)

from attention_math.params import value_map_counts
from scenes.kit.base import AttentionScene
from scenes.kit.mobjects import TokenBoxes, VectorColumn, format_number, label, short


class ValuesUpdateEmbeddings(AttentionScene):
    description = "Value-down and value-up; the weighted sum of values is ΔE, and E + ΔE = E′."

    def construct(self) -> None:
        trace = self.trace()
        h, d = self.head, self.settings.decimals
        qi = self.settings.query_index(trace)
        query = short(trace.tokens[qi])

        # --- the value map, factored ------------------------------------------------------
        self.beat("value map")
        counts = value_map_counts(trace.d_model, trace.d_head)
        full = Rectangle(width=2.4, height=2.4, color=self.theme.value_up, fill_opacity=0.15)
        full_label = label(f"{trace.d_model} × {trace.d_model}\n= {counts.full:,}", self.theme, 20).move_to(full)
        big = VGroup(full, full_label).shift(LEFT * 3.5)
        self.play(FadeIn(big))
        self.caption(f"a full value matrix would map E to E: {counts.full:,} parameters")
        down = Rectangle(width=2.4, height=2.4 * trace.d_head / trace.d_model + 0.15, color=self.theme.value_down,
                         fill_opacity=0.25)
        up = Rectangle(width=2.4 * trace.d_head / trace.d_model + 0.15, height=2.4, color=self.theme.value_up,
                       fill_opacity=0.25)
        pair = VGroup(up, down).arrange(RIGHT, buff=0.4).shift(RIGHT * 2.5)
        down_label = label(f"value-down\n{trace.d_head} × {trace.d_model} = {counts.down:,}", self.theme, 16,
                           color=self.theme.value_down).next_to(down, DOWN, buff=0.2)
        up_label = label(f"value-up\n{trace.d_model} × {trace.d_head} = {counts.up:,}", self.theme, 16,
                         color=self.theme.value_up).next_to(up, LEFT, buff=0.2)
        self.play(Create(Cross(big, stroke_color=self.theme.masked)), FadeIn(pair), FadeIn(down_label),
                  FadeIn(up_label))
        self.caption(f"instead: down to {trace.d_head} numbers, then back up — {counts.factored:,} parameters (low rank)")
        self.wait(1)
        self.play(*(FadeOut(m) for m in self.mobjects if m is not self._caption))

        # --- the query's column of weights, and the values --------------------------------
        self.beat("weighted values")
        tokens = TokenBoxes(trace.key_tokens, self.theme, font_size=18, max_width=12.6,
                            min_box_width=0.75).to_edge(UP, buff=0.3)
        weights = trace.pattern[h, qi]                       # [T_k]: the on-screen column of this query
        w_labels = VGroup(*(label(format_number(w, d) + "×", self.theme, 14, color=self.theme.query)
                            .next_to(box, DOWN, buff=0.15) for w, box in zip(weights, tokens)))
        values = trace.values_up[h]                          # [T_k, d]
        scale = float(abs(values[:, :4]).max()) or 1.0
        v_cols = VGroup()
        for j, box in enumerate(tokens):
            col = VectorColumn(values[j], self.theme, n_shown=4, decimals=d, font_size=12, bracket_color=self.theme.value_up,
                               color_by_value=True, value_scale=scale, show_dimension=False)
            col.next_to(w_labels[j], DOWN, buff=0.15).set_x(box.get_x())
            col.set_opacity(0.25 + 0.75 * float(weights[j] / weights.max()))
            v_cols.add(col)
        self.play(FadeIn(tokens), LaggedStart(*(FadeIn(c) for c in v_cols), lag_ratio=0.04))
        self.caption(f"each token's value vector V↑ (value-down, then value-up) · {self.model_note(trace)}")
        self.play(tokens[qi].animate.set_color(self.theme.query), LaggedStart(*(FadeIn(w) for w in w_labels), lag_ratio=0.04))
        self.caption(f"scaled by the weights in “{query}”'s column of the pattern (faint = small weight)")

        # --- summed into ΔE ---------------------------------------------------------------
        self.beat("sum")
        delta_h = VectorColumn(trace.delta_per_head[h, qi], self.theme, n_shown=4, decimals=d, font_size=16,
                               bracket_color=self.theme.delta, show_dimension=True).to_edge(DOWN, buff=0.9)
        delta_label = label(f"ΔE (head {h}) =", self.theme, 20, color=self.theme.delta).next_to(delta_h, LEFT, buff=0.2)
        self.play(ReplacementTransform(VGroup(*(c.copy() for c in v_cols), w_labels.copy()), delta_h), FadeIn(delta_label),
                  run_time=1.5)
        self.play(FadeIn(SurroundingRectangle(delta_h, color=self.theme.delta)))
        self.caption(f"their sum is this head's proposed change to “{query}”")
        self.wait(1)
        self.play(*(FadeOut(m) for m in self.mobjects if m is not self._caption))

        # --- E + ΔE = E′ ------------------------------------------------------------------
        self.beat("update")
        cols = [VectorColumn(v, self.theme, n_shown=5, decimals=d, font_size=20, bracket_color=c)
                for v, c in ((trace.embeddings[qi], self.theme.embedding), (trace.delta[qi], self.theme.delta),
                             (trace.updated[qi], self.theme.updated))]
        symbols = [label(s, self.theme, 32) for s in ("+", "=")]
        equation = VGroup(cols[0], symbols[0], cols[1], symbols[1], cols[2]).arrange(RIGHT, buff=0.4)
        names = VGroup(*(label(n, self.theme, 24, color=c).next_to(col, UP, buff=0.25) for n, c, col in (
            ("E", self.theme.embedding, cols[0]), ("ΔE", self.theme.delta, cols[1]), ("E′", self.theme.updated, cols[2]))))
        token = label(f"“{query}”", self.theme, 26, color=self.theme.query).to_edge(UP, buff=0.4)
        self.play(FadeIn(token), FadeIn(cols[0]), FadeIn(names[0]))
        self.play(FadeIn(symbols[0]), FadeIn(cols[1]), FadeIn(names[1]))
        self.play(FadeIn(symbols[1]), FadeIn(cols[2]), FadeIn(names[2]))
        self.caption(f"ΔE adds every head's proposal (all {trace.n_heads}) and the output bias: E + ΔE = E′")
        self.wait(1.5)
