"""Cross-attention: queries from one sentence, keys and values from another, no mask.

By default the translator trained here (``attention_math.translator``): its French-like translation
reads the English sentence, in the head the head finder ranks best for alignment. With
``--model minilm --context "..."`` an encoder reads a second sentence (labelled so: not a translator).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, Line, ReplacementTransform, VGroup, config

from scenes.kit.base import GridScene
from scenes.kit.mobjects import TokenBoxes, VectorColumn, label, number

MAX_LINE_WIDTH = 9.0    # stroke width of a weight-1 line
GRID_SCALE = 0.62       # the grid, moved aside for the weighted sum


class CrossAttention(GridScene):
    description = "A translation's queries read the English sentence's keys and values: the learned alignment."
    cross = True

    def construct(self) -> None:
        trace = self.trace(cross=True)
        h, d = self.head, self.settings.decimals
        translator = trace.model == "translator"
        pattern = trace.on_screen("pattern", h)          # [T_source, T_target]

        # --- two sentences facing each other, joined by the weights -------------------------
        self.beat("two sentences")
        top_name = "keys and values: the English sentence (encoder)" if translator else \
            "keys and values: a second sentence"
        bottom_name = "queries: its translation (decoder)" if translator else "queries: this sentence"
        source = TokenBoxes(trace.key_tokens, self.theme, 26, max_width=config.frame_width - 1.2, color=self.theme.key)
        target = TokenBoxes(trace.tokens, self.theme, 26, max_width=config.frame_width - 1.2, color=self.theme.query)
        source.move_to(UP * 1.7)
        target.move_to(DOWN * 1.5)
        source_name = label(top_name, self.theme, 20, color=self.theme.key).next_to(source, UP, buff=0.3)
        target_name = label(bottom_name, self.theme, 20, color=self.theme.query).next_to(target, DOWN, buff=0.3)
        self.play(FadeIn(source, shift=DOWN * 0.2), FadeIn(source_name))
        self.play(FadeIn(target, shift=UP * 0.2), FadeIn(target_name))
        self.caption(self.model_line(trace))
        lines = self.record("lines", self.weight_lines(source, target, pattern), pattern)
        self.play(LaggedStart(*(Create(self.lines_of(lines, pattern, q)) for q in range(pattern.shape[1])),
                              lag_ratio=0.3, run_time=2.5))
        self.caption("each line: how much the step that writes a word attends to a word above (opacity and width = weight)"
                     if translator else "each line: how much a query word attends to a key word (opacity and width = weight)")
        self.wait(1.5)
        if translator:
            self.caption("adjectives come after their noun in the translation: where the order changes, lines cross")
        else:
            self.caption("MiniLM is an encoder reading a second sentence here, not a translator: no trained alignment")
        self.wait(2)

        # --- the grid between them ----------------------------------------------------------
        self.beat("scores")
        self.play(FadeOut(VGroup(source, target, source_name, target_name, lines)))
        scores = trace.on_screen("scores", h)            # [T_source, T_target]
        grid, numbers = self.show_grid(trace, scores, "Cross-attention: the translation reads the source"
                                       if translator else "Cross-attention: one sentence reads another")
        self.record("scores", numbers, scores)
        self.caption("keys (rows) from the English sentence; each column: the decoder step that writes that word" if translator
                     else "keys (rows) from the second sentence, queries (columns) from this one")

        # --- softmax, no mask ---------------------------------------------------------------
        self.beat("softmax")
        scaled = trace.on_screen("scaled", h)
        scaled_numbers = self.record("scaled", grid.numbers(scaled, d, color_scale=self.color_scale(scaled)), scaled)
        self.play(FadeOut(numbers), FadeIn(scaled_numbers), run_time=1)
        self.caption(f"scaled by √{trace.d_head}, then softmax down each column; nothing is masked")
        weights = self.record("pattern", grid.numbers(pattern, d, color_scale=1.0), pattern)
        self.softmax_by_column(grid, scaled_numbers, weights)

        # --- dots: the alignment at a glance ------------------------------------------------
        self.beat("alignment")
        dots = self.record("dots", grid.dots(pattern, max_abs=1.0), pattern)
        self.play(FadeOut(weights), FadeIn(dots), run_time=1.2)
        self.show_column_sums(grid, trace)
        self.caption("dot area = weight; each column sums to 1" + (
            ": each translated word looks at its English word" if translator else ""))
        self.wait(2)

        # --- the weighted values ------------------------------------------------------------
        self.beat("values")
        self.weighted_values(trace, grid, dots)

    def model_line(self, trace) -> str:
        return f"{trace.description}; layer {trace.layer}, head {self.head}" + (
            " (the head finder's best for alignment)" if trace.model == "translator" else "")

    def weight_lines(self, source: TokenBoxes, target: TokenBoxes, pattern: np.ndarray) -> VGroup:
        """One line per (key, query), row-major like the grid; opacity and width follow the weight."""
        group = VGroup()
        for k in range(pattern.shape[0]):
            for q in range(pattern.shape[1]):
                w = float(pattern[k, q])
                group.add(Line(source.get_box(k).get_bottom(), target.get_box(q).get_top(),
                               stroke_color=self.theme.query, stroke_width=max(MAX_LINE_WIDTH * w, 0.01),
                               stroke_opacity=w))
        return group

    @staticmethod
    def lines_of(lines: VGroup, pattern: np.ndarray, q: int) -> VGroup:
        return VGroup(*(lines[k * pattern.shape[1] + q] for k in range(pattern.shape[0])))

    def weighted_values(self, trace, grid, dots) -> None:
        """One query's ΔE_h = Σ_j A[j] · V↑_j: the grid moves aside, its column becomes the sum."""
        h, d = self.head, self.settings.decimals
        q = self.settings.query_index(trace)
        column = trace.on_screen("pattern", h)[:, q]     # [T_source]
        highlight = grid.column_highlight(q, self.theme.query)
        self.play(Create(highlight), run_time=0.6)
        everything = VGroup(grid, dots, highlight)
        if getattr(self, "query_band", None) is not None:
            everything.add(self.query_band)     # the followed query's band moves with its column
        leaving = [m for m in (self.title_mobject, self.sums_row) if m is not None]   # Σ = 1 was the last beat's point;
        if leaving:                                                                      # shrunk, its digits would be < 12 px
            self.play(*(FadeOut(m) for m in leaving), run_time=0.4)
        self.play(everything.animate.scale(GRID_SCALE).to_edge(LEFT, buff=0.3).set_y(0.3), run_time=1)
        size = 22
        terms = VGroup()
        for j, token in enumerate(trace.key_tokens):
            w = float(column[j])
            weight = number(w, self.theme, size, d, color=self.theme.text)
            times = label("×  V↑", self.theme, size, color=self.theme.value_up)
            name = label(token, self.theme, size, color=self.theme.key)
            term = VGroup(weight, times, name).arrange(RIGHT, buff=0.12)
            name.shift(RIGHT * 0.08)
            term.set_opacity(max(0.35, w))     # faint for small weights, still legible
            terms.add(term)
        terms.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        if terms.height > config.frame_height - 2.0:
            terms.scale_to_fit_height(config.frame_height - 2.0)
        self.record("terms", VGroup(*(t[0] for t in terms)), column)
        plus = label("Σ", self.theme, 36, color=self.theme.value_up).next_to(terms, LEFT, buff=0.2)
        delta = trace.delta_per_head[h, q]                # [d]
        result = VectorColumn(delta, self.theme, n_shown=4, decimals=d, font_size=22, bracket_color=self.theme.delta)
        equals = label("=", self.theme, 36)
        name = label(f"ΔE of “{trace.tokens[q]}”", self.theme, 22, color=self.theme.delta)
        head_name = label(f"head {h}", self.theme, 18, color=self.theme.muted)
        right = VGroup(equals, VGroup(name, head_name, result).arrange(DOWN, buff=0.15)).arrange(RIGHT, buff=0.3)
        right.next_to(terms, RIGHT, buff=0.5)
        sum_side = VGroup(plus, terms, right)
        room = config.frame_width / 2 - 0.3 - (everything.get_right()[0] + 0.5)
        if sum_side.width > room:
            sum_side.scale_to_fit_width(room)
        sum_side.next_to(everything, RIGHT, buff=0.5).set_y(everything.get_y())
        self.record("delta", result.get_entries(), delta[:4])
        self.play(LaggedStart(*(FadeIn(t, shift=RIGHT * 0.1) for t in terms), lag_ratio=0.08), FadeIn(plus))
        self.caption(f"“{trace.tokens[q]}” takes the value vectors of the source words, weighted by its column")
        self.play(FadeIn(right, shift=LEFT * 0.1))
        self.caption("the weighted sum is this head's change to the query word's embedding (faint terms weigh little)")
        self.wait(2)
