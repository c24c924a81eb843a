"""The formula, term by term, each term linked to the numbers of the earlier scenes."""

from __future__ import annotations

from manim import DOWN, RIGHT, UP, FadeIn, FadeOut, MathTex, ReplacementTransform, SurroundingRectangle, VGroup, Write

from scenes.kit.base import GridScene
from scenes.kit.mobjects import MIN_TEXT_POINTS, AttentionGrid, VectorColumn, format_number, label, short

# Fixed LaTeX only (no user text). Columns are tokens on screen, so the grid is KᵀQ and the
# values multiply from the left: ΔE = V · softmax(KᵀQ / √d_k), the softmax down each column.
FORMULA = [r"\Delta E", "=", "V", r"\,\mathrm{softmax}\!\left(", r"\frac{", r"K^{\top}", "Q", "}{",
           r"\sqrt{d_k}", "}", r"\right)"]
PART = {"delta": 0, "V": 2, "softmax": 3, "K": 5, "Q": 6, "sqrt": 8}


class AttentionFormula(GridScene):
    description = "ΔE = V·softmax(KᵀQ/√d_k), each term highlighted with its real numbers."

    def construct(self) -> None:
        trace = self.trace()
        h, d = self.head, self.settings.decimals
        qi = self.settings.query_index(trace)

        # --- the formula ------------------------------------------------------------------
        self.beat("formula")
        formula = MathTex(*FORMULA, font_size=64, color=self.theme.text).to_edge(UP, buff=0.6)
        for name, color in (("Q", self.theme.query), ("K", self.theme.key), ("V", self.theme.value_up),
                            ("delta", self.theme.delta)):
            formula[PART[name]].set_color(color)
        self.play(Write(formula), run_time=2)
        self.caption("tokens are columns on screen; papers write softmax(QKᵀ/√d_k)V with tokens as rows")
        self.current: VGroup | None = None
        self.mark = None

        # --- the terms --------------------------------------------------------------------
        self.beat("queries")
        self.show_term(formula, "Q", self.term_columns(trace.tokens, trace.q[h], self.theme.query),
                       f"Q: one query per token, {trace.d_head} numbers each (W_q·E)")
        self.beat("keys")
        self.show_term(formula, "K", self.term_columns(trace.tokens, trace.k[h], self.theme.key),
                       f"K: one key per token; KᵀQ is the grid of dot products, keys as rows")
        self.beat("scale")
        scale = label(f"√{trace.d_head} ≈ {format_number(trace.scale_factor, 2)}", self.theme, 40,
                      color=self.theme.query)
        self.show_term(formula, "sqrt", VGroup(scale), "every score is divided by the square root of the key size")
        self.beat("softmax")
        self.show_term(formula, "softmax", self.pattern_picture(trace),
                       f"softmax down each column: the attention pattern (layer {trace.layer}, head {h})")
        self.beat("values")
        self.show_term(formula, "V", self.term_columns(trace.tokens, trace.values_up[h], self.theme.value_up),
                       "V: each token's value vector (value-down, then value-up)")
        self.beat("delta")
        delta = VectorColumn(trace.delta_per_head[h, qi], self.theme, n_shown=5, decimals=d, font_size=20,
                             bracket_color=self.theme.delta)
        name = label(f"“{short(trace.tokens[qi])}”", self.theme, 24, color=self.theme.query).next_to(delta, UP, buff=0.2)
        self.show_term(formula, "delta", VGroup(name, delta),
                       f"ΔE: the pattern-weighted sum of values, this head's change to “{trace.tokens[qi]}”")
        self.wait(1.5)

    def pattern_picture(self, trace) -> VGroup:
        """The attention pattern as the ``cells`` setting draws it (dots by default), the followed query's
        column marked, and a causal trace's masked cells kept marked."""
        grid = self.grid = AttentionGrid(trace.key_tokens, trace.tokens, self.theme, width=8.0, height=3.3)   # clear of the caption
        masks = VGroup(*(grid.cell_fill(r, c, self.theme.masked, opacity=0.22) for r, c in grid.future_cells()))
        if trace.causal:
            self.record("mask_marks", masks, grid.future_cells())
        band = self.mark_query_column(grid, trace)
        cells = self.pattern_cells(grid, "pattern", trace.on_screen("pattern", self.head))
        return VGroup(band, *([masks] if trace.causal else []), grid, cells)

    def term_columns(self, tokens, values, color) -> VGroup:
        """A short column per token (the first three entries), tokens underneath."""
        scale = float(abs(values[:, :3]).max()) or 1.0
        group = VGroup()
        for i, token in enumerate(tokens):
            col = VectorColumn(values[i], self.theme, n_shown=3, decimals=self.settings.decimals, font_size=MIN_TEXT_POINTS,
                               bracket_color=color, color_by_value=True, value_scale=scale, show_dimension=False)
            group.add(VGroup(col, label(short(token), self.theme, MIN_TEXT_POINTS, color=self.theme.muted).next_to(col, DOWN, buff=0.1)))
        group.arrange(RIGHT, buff=0.12, aligned_edge=UP)
        if group.width > 13:
            group.scale_to_fit_width(13)
        return group

    def show_term(self, formula: MathTex, part: str, visual: VGroup, text: str) -> None:
        """Box the term in the formula and show its numbers below, replacing the previous term's."""
        mark = SurroundingRectangle(formula[PART[part]], color=self.theme.query, buff=0.08)
        visual.next_to(formula, DOWN, buff=0.6)
        self.caption(text)
        self.play(ReplacementTransform(self.mark, mark) if self.mark else FadeIn(mark),
                  FadeOut(self.current) if self.current else FadeIn(VGroup()), FadeIn(visual, shift=UP * 0.2))
        self.mark, self.current = mark, visual
        self.wait(1)
