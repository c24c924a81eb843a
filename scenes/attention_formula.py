"""The formula, term by term, each term linked to the numbers of the earlier scenes."""

from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, MathTex, MoveToTarget, ReplacementTransform, SurroundingRectangle,
                   VGroup, Write, config)
from manim.utils.rate_functions import rush_from, rush_into, smooth

from scenes.catalog import about
from scenes.kit.captions import CAPTION_TOP
from scenes.kit.grid_scene import GridScene
from scenes.kit.mobjects import MIN_TEXT_POINTS, AttentionGrid, DotMatrix, VectorColumn, format_number, label, short
from scenes.kit.model_rules import MAX_TOKENS
from scenes.kit.notation import W_K, W_Q, d_k
from scenes.kit.vectors import weight_opacity

# Fixed LaTeX only (no user text). Columns are tokens on screen, so the grid is KᵀQ and the
# values multiply from the left: ΔE⁽ʰ⁾ = V · softmax(KᵀQ / √d_k), the softmax down each column;
# ΔE⁽ʰ⁾ is one head's change (the heads' changes add up to ΔE: MultiHeadSum).
FORMULA = [r"\Delta E^{(h)}", "=", "V", r"\,\mathrm{softmax}\!\left(", r"\frac{", r"K^{\top}", "Q", "}{",
           r"\sqrt{d_k}", "}", r"\right)"]
TERM_ZOOM = 1.8       # a term's columns drawn up to this many times the smallest readable size
WEIGHT_FAINT = 0.3    # a value with a small weight drawn this faint in the weighted sum
PART = {"delta": 0, "V": 2, "softmax": 3, "K": 5, "Q": 6, "sqrt": 8, "KQ": slice(5, 7)}   # KQ: Kᵀ and Q together


class AttentionFormula(GridScene):
    description = about("AttentionFormula").description

    def construct(self) -> None:
        trace = self.trace()
        qi = self.settings.query_index(trace)          # the followed token (an unknown one: an error before any beat)
        formula = self.af_formula(trace)
        self.af_queries(trace, formula)
        self.af_keys(trace, formula)
        self.af_scale(trace, formula)
        self.af_softmax(trace, formula)
        self.af_values(trace, formula)
        self.af_delta(trace, formula, qi)

    # --- beats (prefixed: AttentionBlock inherits every chapter's methods) -------------------
    def af_formula(self, trace) -> MathTex:
        """The formula, its terms in their colours, written out."""
        self.beat("formula")
        formula = MathTex(*FORMULA, font_size=64, color=self.theme.text).to_edge(UP, buff=0.6)
        for name, color in (("Q", self.theme.query), ("K", self.theme.key), ("V", self.theme.value_up),
                            ("delta", self.theme.delta)):
            formula[PART[name]].set_color(color)
        self.play(Write(formula), run_time=2)
        self.caption(f"tokens are columns on screen; papers write softmax(QKᵀ/√{d_k})V with tokens as rows")
        self.current: VGroup | None = None
        self.mark = None
        self.big = max(len(trace.tokens), len(trace.key_tokens)) > MAX_TOKENS
        self.compact = False      # the formula shrunk into the corner, the frame's height left to a long pattern
        return formula

    def af_queries(self, trace, formula: MathTex) -> None:
        """Q: one query per token (a long sentence: first the note that its terms are dots)."""
        self.beat("queries")
        if self.big:
            self.say_too_many_for_numbers(trace)
        self.show_term(formula, "Q", self.term_columns(trace.tokens, trace.q[self.head], self.theme.query, "q"),
                       f"Q: one query per token, {trace.d_head} numbers each ({W_Q}·E)")

    def af_keys(self, trace, formula: MathTex) -> None:
        """K: one key per token."""
        self.beat("keys")
        self.show_term(formula, "K", self.term_columns(trace.key_tokens, trace.k[self.head], self.theme.key, "k"),
                       f"K: one key per token, {trace.d_head} numbers each ({W_K}·E)")

    def af_scale(self, trace, formula: MathTex) -> None:
        """KᵀQ/√d_k: the grid of scaled scores."""
        self.beat("scale")
        picture = self.scaled_picture(trace)
        grid, scaled, divisor = picture
        if self.big:                 # dots: a score and its scaled score draw the same dot (one scale for the grid)
            self.show_term(formula, "sqrt", picture, f"KᵀQ: every key against every query; each score divided by "
                                                     f"√{trace.d_head} (the key size)")
            return
        picture.next_to(formula, DOWN, buff=0.6)              # placed whole: the divisor comes in beside it later
        raw = self.number_cells(grid, "scores", trace.on_screen("scores", self.head))     # KᵀQ before the division
        self.show_term(formula, "KQ", VGroup(grid, raw), "KᵀQ: every key (row) against every query (column)",
                       place=False)
        self.caption(f"each score divided by √{trace.d_head} = {format_number(trace.scale_factor, 2)} (the key size)")
        mark = SurroundingRectangle(formula[PART["sqrt"]], color=self.theme.of("selected"), buff=0.08)
        self.play(FadeIn(divisor), ReplacementTransform(self.mark, mark))
        self.cross_fade(raw, scaled)
        self.mark, self.current = mark, VGroup(grid, scaled, divisor)
        self.wait(1)

    def af_softmax(self, trace, formula: MathTex) -> None:
        """softmax down each column: the attention pattern."""
        self.beat("softmax")
        self.show_term(formula, "softmax", self.pattern_picture(trace),
                       f"softmax down each column: the attention pattern (layer {trace.layer}, head {self.head})"
                       + ("; shaded: later keys, masked to 0" if trace.causal else ""))

    def af_values(self, trace, formula: MathTex) -> None:
        """V: each token's value vector."""
        self.beat("values")
        self.show_term(formula, "V", self.term_columns(trace.key_tokens, trace.values_up[self.head], self.theme.value_up,
                                                       "values_up"),
                       "V: each token's value vector (value-down, then value-up)")

    def af_delta(self, trace, formula: MathTex, qi: int) -> None:
        """ΔE⁽ʰ⁾: the followed token ``qi``'s change from this head."""
        self.beat("delta")
        text = f"ΔE⁽ʰ⁾: the pattern-weighted sum of values, this head's change to “{trace.tokens[qi]}”"
        if self.big:                 # a long sentence: the change alone (its terms are dots elsewhere)
            delta = self.delta_column(trace, qi, MIN_TEXT_POINTS * TERM_ZOOM)
            name = label(f"“{short(trace.tokens[qi])}”", self.theme, 30, color=self.theme.query).next_to(delta, UP, buff=0.2)
            self.show_term(formula, "delta", VGroup(name, delta), text)
        else:
            picture = self.weighted_sum_picture(trace, qi).next_to(formula, DOWN, buff=0.45)
            self.show_term(formula, "delta", picture, text, place=False)
        self.wait(1.5)

    def delta_column(self, trace, qi: int, font_size: float) -> VectorColumn:
        """ΔE⁽ʰ⁾ of the followed token: its first entries."""
        return VectorColumn(trace.delta_per_head[self.head, qi], self.theme, n_shown=5, decimals=self.settings.decimals,
                            font_size=font_size, bracket_color=self.theme.delta)

    def weighted_sum_picture(self, trace, qi: int) -> VGroup:
        """The values again, each under its weight in the followed token's column of the pattern and faint
        where the weight is small; under them, Σ wⱼ·V⃗ⱼ = ΔE⁽ʰ⁾ (the trace's terms and their sum)."""
        weights = trace.pattern[self.head, qi]                       # [T_k]: this query's column on screen
        values = trace.values_for(self.head, qi)                     # [T_k, d]: Σ weights · values = ΔE⁽ʰ⁾
        columns = self.term_columns(trace.key_tokens, values, self.theme.value_up, "delta_values", zoom=1.3)
        tags = VGroup()
        for w, opacity, column in zip(weights, weight_opacity(weights, WEIGHT_FAINT), columns):
            column[0].fade_to(float(opacity))
            tags.add(label(format_number(float(w), self.settings.decimals) + "×", self.theme, MIN_TEXT_POINTS + 2,
                           color=self.theme.of("weight")).next_to(column, UP, buff=0.12))
        self.record("delta_weights", tags, weights)
        delta = self.delta_column(trace, qi, MIN_TEXT_POINTS * 1.4)
        self.record("delta", delta.get_entries(), trace.delta_per_head[self.head, qi][:5])
        total = VGroup(label("Σ wⱼ·V⃗ⱼ =", self.theme, 30, color=self.theme.text), delta,
                       label(f"ΔE⁽ʰ⁾ of “{short(trace.tokens[qi])}”", self.theme, 26, color=self.theme.delta))
        total.arrange(RIGHT, buff=0.3)
        picture = VGroup(VGroup(tags, columns), total).arrange(DOWN, buff=0.35)
        room = config.frame_height / 2 - 2.3 - (CAPTION_TOP + 0.1)  # under the formula, above the caption
        if picture.height > room:
            picture.scale(room / picture.height)
        return picture

    # --- helpers --------------------------------------------------------------------------------
    def scaled_picture(self, trace) -> VGroup:
        """KᵀQ/√d_k: the grid of scaled scores (numbers, or signed dots for a long sentence) and, beside it,
        the divisor."""
        grid = self.formula_grid(trace)
        self.grid = grid
        scaled = trace.on_screen("scaled", self.head)          # [T_k, T_q], the scores ÷ √d_k
        if grid.font_size >= MIN_TEXT_POINTS:                  # numbers, or dots where they would be too small
            cells = self.number_cells(grid, "scaled", scaled)
        else:
            cells = self.record("scaled_dots", grid.dots(scaled), scaled)
        divisor = label(f"÷ √{trace.d_head} = ÷ {format_number(trace.scale_factor, 2)}", self.theme, 26,
                        color=self.theme.text)
        if self.big:       # the formula is in the corner: the divisor under it
            divisor.to_edge(LEFT, buff=0.4).set_y(0.6)
        else:
            divisor.next_to(grid.frame, RIGHT, buff=0.4)
        return VGroup(grid, cells, divisor)

    def formula_grid(self, trace) -> AttentionGrid:
        """The grid under the formula (placed by ``show_term``); a long sentence's takes the frame's height
        right of the shrunk formula."""
        if self.big:
            size = config.frame_height - 1.6
            for _ in range(3):               # shrink until the query labels clear the top and the caption the bottom
                grid = AttentionGrid(trace.key_tokens, trace.tokens, self.theme, width=size, height=size)
                grid.shift(RIGHT * (config.frame_width / 2 - 0.3 - grid.get_right()[0])
                           + UP * (config.frame_height / 2 - 0.25 - grid.get_top()[1]))
                overflow = CAPTION_TOP + 0.1 - grid.get_bottom()[1]
                if overflow <= 0:
                    break
                size -= overflow
        else:
            grid = AttentionGrid(trace.key_tokens, trace.tokens, self.theme, width=8.0, height=3.3)   # clear of the caption
        return grid

    def pattern_picture(self, trace) -> VGroup:
        """The attention pattern as the ``cells`` setting draws it (dots by default), the followed query's
        column marked, and a causal trace's masked cells kept marked."""
        grid = self.formula_grid(trace)
        self.grid = grid
        masks = grid.mask_marks()      # opaque grey, behind the outline and the cells
        if trace.causal:
            self.record("mask_marks", masks, grid.future_cells())
        band = self.mark_query_column(grid, trace)
        cells = self.pattern_cells(grid, "pattern", trace.on_screen("pattern", self.head))
        return VGroup(*([masks] if trace.causal else []), grid, band, cells)

    def term_columns(self, tokens, values, color, name: str, zoom: float = None) -> VGroup:
        """A short column per token (the first three entries), tokens underneath; recorded as ``name``.
        Above MAX_TOKENS tokens, one matrix of signed dots (area ∝ |value|) instead of numbers."""
        scale = float(abs(values[:, :3]).max()) or 1.0
        if len(tokens) > MAX_TOKENS:
            matrix = DotMatrix(values, tokens, self.theme, n_shown=5, width=12.5, bracket_color=color,
                               value_scale=float(abs(values[:, :5]).max()) or 1.0)
            self.record(f"{name}_dots", VGroup(*(dot for column in matrix.get_entries() for dot in column)),
                        values[:, :5])
            return matrix
        group = VGroup()
        for i, token in enumerate(tokens):
            col = VectorColumn(values[i], self.theme, n_shown=3, decimals=self.settings.decimals, font_size=MIN_TEXT_POINTS,
                               bracket_color=color, color_by_value=True, value_scale=scale, show_dimension=False)
            group.add(VGroup(col, label(short(token), self.theme, MIN_TEXT_POINTS, color=self.theme.muted).next_to(col, DOWN, buff=0.1)))
        group.arrange(RIGHT, buff=0.12, aligned_edge=UP)
        group.scale(min((config.frame_width - 0.8) / group.width, zoom or TERM_ZOOM))   # as large as the width allows
        self.record(name, VGroup(*(entry for column in group for entry in column[0].get_entries())), values[:, :3])
        return group

    def say_too_many_for_numbers(self, trace) -> None:
        """The note, bottom left, that the terms are drawn as dots for this many tokens."""
        note = self._dots_note(max(len(trace.tokens), len(trace.key_tokens)), aligned_edge=LEFT).to_edge(LEFT, buff=0.3)
        note.set_y(CAPTION_TOP + 0.15 + note.height / 2)          # bottom left, clear of the terms and the pattern
        self.play(FadeIn(note), run_time=0.5)
        self.dots_note = note

    def show_term(self, formula: MathTex, part: str, visual: VGroup, text: str, place: bool = True) -> None:
        """Box the term in the formula and show its numbers below (where they are, unless ``place``),
        replacing the previous term's. A long sentence's pattern has the formula shrink into the top-left
        corner while it is shown."""
        compact = self.big and part in ("sqrt", "softmax")
        moves = []
        if compact != self.compact:
            if compact:
                formula.save_state()
                formula.generate_target().scale(0.5).to_corner(UP + LEFT, buff=0.3)
            else:
                formula.target = formula.saved_state.copy()
            moves = [MoveToTarget(formula)]
            self.compact = compact
        where = formula.target if moves else formula
        mark = SurroundingRectangle(where[PART[part]], color=self.theme.of("selected"), buff=0.08 * (0.5 if compact else 1))
        if not compact and place:
            visual.next_to(where, DOWN, buff=0.6)
        self.caption(text)
        if self.current:           # out, then in: two terms' numbers and labels never on top of each other
            self.play(FadeOut(self.current, rate_func=rush_into), run_time=0.4)
        self.play(*moves, ReplacementTransform(self.mark, mark) if self.mark else FadeIn(mark),
                  FadeIn(visual, shift=UP * 0.2, rate_func=rush_from if self.current else smooth))
        self.mark, self.current = mark, visual
        self.wait(1)
