"""Cross-attention: queries from one sentence, keys and values from another, no mask.

By default the translator trained here (``attention_math.translator``): its French-like translation
reads the English sentence, in the head the head finder ranks best for alignment. With
``--model minilm --context "..."`` an encoder reads a second sentence (labelled so: not a translator).
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, Line, ReplacementTransform, VGroup, config

from scenes.catalog import about
from scenes.kit.captions import CAPTION_TOP
from scenes.kit.grid_beats import LIFT_GAP
from scenes.kit.grid_scene import GRID_WIDTH, GridScene
from scenes.kit.mobjects import MIN_TEXT_POINTS, AttentionGrid, TokenBoxes, VectorColumn, label, number, short
from scenes.kit.notation import typeset
from scenes.kit.model_rules import MAX_TOKENS

MAX_LINE_WIDTH = 9.0    # stroke width of a weight-1 line
GRID_SCALE = 0.62       # the grid, moved aside for the weighted sum
WORD_POINTS = 20.0      # upright words (long sentences): at most this size, never under MIN_TEXT_POINTS
WORD_FILL = 0.8         # an upright word's thickness takes at most this share of its slot
LINES_MIN_GAP = 2.2     # scene units kept between the two rows of upright words for the weight lines
SUM_POINTS = 22.0       # the weighted sum's terms, at most


class UprightWords(VGroup):
    """A long sentence as a row of words turned 90°, evenly spaced over ``width`` and centred on x = 0:
    where boxes in one row would be scaled below readable, an upright word needs only its thickness.

    Read upward, the words' bottoms share the line y = 0 (the sentence above the weight lines); read
    downward, their tops do (the sentence below). Either way each word begins at the lines' side.
    ``get_box(i)`` is word ``i``, as for ``TokenBoxes``, so the weight lines join either.
    """

    def __init__(self, tokens, theme, font_size: float, width: float, upward: bool, color=None, **kwargs) -> None:
        super().__init__(**kwargs)
        pitch = width / len(tokens)
        for i, token in enumerate(tokens):
            word = label(short(token), theme, font_size, color=color).rotate(math.pi / 2 if upward else -math.pi / 2)
            word.move_to(RIGHT * (-width / 2 + pitch * (i + 0.5)), aligned_edge=DOWN if upward else UP)
            self.add(word)

    line_gap = 0.08     # the weight lines stop this short of a word's first letter

    def get_box(self, index: int):
        return self[index]

    @staticmethod
    def fitting_size(tokens, theme, width: float) -> float:
        """The largest size up to ``WORD_POINTS`` at which each word's thickness fits its slot of ``width``."""
        thickest = max(label(short(t), theme, WORD_POINTS).height for t in tokens)
        return min(WORD_POINTS, WORD_POINTS * WORD_FILL * width / len(tokens) / thickest)

    @staticmethod
    def longest(tokens, theme, font_size: float) -> float:
        """The length of the longest word at ``font_size`` (its height once upright)."""
        return max(label(short(t), theme, font_size).width for t in tokens)


class CrossAttention(GridScene):
    description = about("CrossAttention").description
    cross = True

    def construct(self) -> None:
        trace = self.trace(cross=True)
        shown = self.ca_two_sentences(trace)
        grid, numbers = self.ca_scores(trace, shown)
        weights, numbers_fit = self.ca_softmax(trace, grid, numbers)
        dots = self.ca_alignment(trace, grid, weights, numbers_fit)
        self.ca_values(trace, grid, dots)

    # --- beats (prefixed: AttentionBlock inherits every chapter's helpers) --------------------
    def ca_two_sentences(self, trace) -> VGroup:
        """Two sentences facing each other, joined by the weights; all that is shown (the sentences, their
        names, the lines)."""
        self.beat("two sentences")
        translator = trace.model == "translator"
        pattern = trace.on_screen("pattern", self.head)          # [T_source, T_target]
        source, target, source_name, target_name = self.ca_sentences(trace)
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
            self.caption("MiniLM is an encoder reading a second sentence here, not a translator: no trained alignment"
                         if trace.model.startswith("minilm") else
                         f"{typeset(trace.description)}: random weights, so no trained alignment")
        self.wait(2)
        return VGroup(source, target, source_name, target_name, lines)

    def ca_sentences(self, trace) -> tuple:
        """The keys' sentence above, the queries' below, each with its name, placed (not yet shown)."""
        translator = trace.model == "translator"
        top_name = "keys and values: the English sentence (encoder)" if translator else \
            "keys and values: a second sentence"
        bottom_name = "queries: its translation (decoder)" if translator else "queries: this sentence"
        source_name = label(top_name, self.theme, 20, color=self.theme.key)
        target_name = label(bottom_name, self.theme, 20, color=self.theme.query)
        if max(len(trace.key_tokens), len(trace.tokens)) > MAX_TOKENS:
            source, target = self.upright_sentences(trace, source_name, target_name)
        else:
            source = TokenBoxes(trace.key_tokens, self.theme, 26, max_width=config.frame_width - 1.2,
                                color=self.theme.key)
            target = TokenBoxes(trace.tokens, self.theme, 26, max_width=config.frame_width - 1.2,
                                color=self.theme.query)
            source.move_to(UP * 1.7)
            target.move_to(DOWN * 1.5)
            source_name.next_to(source, UP, buff=0.3)
            target_name.next_to(target, DOWN, buff=0.3)
        return source, target, source_name, target_name

    def ca_scores(self, trace, shown: VGroup) -> tuple[AttentionGrid, VGroup]:
        """The grid between them: the sentences go, the scores come, keys as rows."""
        self.beat("scores")
        translator = trace.model == "translator"
        self.play(FadeOut(shown))
        scores = trace.on_screen("scores", self.head)            # [T_source, T_target]
        grid, numbers = self.show_grid(trace, scores, "Cross-attention: the translation reads the source"
                                       if translator else "Cross-attention: one sentence reads another")
        self.record("scores", numbers, scores)
        self.caption("keys (rows) from the English sentence; each column: the decoder step that writes that word" if translator
                     else "keys (rows) from the second sentence, queries (columns) from this one")
        return grid, numbers

    def ca_softmax(self, trace, grid: AttentionGrid, numbers: VGroup) -> tuple[VGroup, bool]:
        """Softmax, no mask: the weights (numbers, or dots for long sentences), and whether numbers fit."""
        self.beat("softmax")
        h = self.head
        scores = trace.on_screen("scores", h)
        scaled = trace.on_screen("scaled", h)
        pattern = trace.on_screen("pattern", h)
        numbers_fit = self.numbers_fit(grid)      # else dots from the start (long sentences)
        scaled_numbers = self.number_cells(grid, "scaled", scaled, max_abs=self.color_scale(scores))   # dots shrink
        self.cross_fade(numbers, scaled_numbers, run_time=1)      # out, then in: never the two numbers at once
        self.caption(f"scaled by √{trace.d_head}, then softmax down each column; nothing is masked")
        if numbers_fit:
            weights = self.record("pattern", grid.numbers(pattern, self.settings.decimals, color_scale=1.0), pattern)
        else:
            weights = self.pattern_cells(grid, "pattern", pattern, mode="dots")
        self.softmax_by_column(grid, scaled_numbers, weights)
        return weights, numbers_fit

    def ca_alignment(self, trace, grid: AttentionGrid, weights: VGroup, numbers_fit: bool) -> VGroup:
        """Dots: the alignment at a glance, each column summing to 1; the dots."""
        self.beat("alignment")
        pattern = trace.on_screen("pattern", self.head)
        if numbers_fit:
            dots = self.record("dots", grid.dots(pattern, max_abs=1.0), pattern)
            self.play(FadeOut(weights), FadeIn(dots), run_time=1.2)
        else:                                     # the weights are dots already
            dots = self.record("dots", weights, pattern)
        self.show_column_sums(grid, trace)
        self.caption("dot area = weight; each column sums to 1" + (
            ": each translated word looks at its English word" if trace.model == "translator" else ""))
        self.wait(2)
        return dots

    # --- helpers ------------------------------------------------------------------------------
    def upright_sentences(self, trace, source_name, target_name) -> tuple[UprightWords, UprightWords]:
        """Long sentences: each a row of upright words across the frame, the keys' above reading upward,
        the queries' below reading downward, the room between them left to the weight lines; the names
        placed above and below. The size is the largest (≤ ``WORD_POINTS``, ≥ ``MIN_TEXT_POINTS``) at which
        every word fits its slot and the two rows leave the lines ``LINES_MIN_GAP``."""
        width = config.frame_width - 0.8
        keys, queries = trace.key_tokens, trace.tokens
        size = min(UprightWords.fitting_size(keys, self.theme, width),
                   UprightWords.fitting_size(queries, self.theme, width))
        top = config.frame_height / 2 - 0.2 - source_name.height - 0.2              # under the keys' name
        bottom = CAPTION_TOP + 0.15 + target_name.height + 0.2                      # over the queries' name
        room = top - bottom - LINES_MIN_GAP                                          # for the two rows of words
        length = UprightWords.longest(keys, self.theme, size) + UprightWords.longest(queries, self.theme, size)
        if length > room:
            size *= room / length
        size = max(MIN_TEXT_POINTS, size)
        source = UprightWords(keys, self.theme, size, width, upward=True, color=self.theme.key)
        target = UprightWords(queries, self.theme, size, width, upward=False, color=self.theme.query)
        source.shift(UP * (top - source.get_top()[1]))
        target.shift(DOWN * (target.get_bottom()[1] - bottom))
        source_name.next_to(source, UP, buff=0.2)
        target_name.next_to(target, DOWN, buff=0.2)
        return source, target

    def model_line(self, trace) -> str:
        return f"{typeset(trace.description)}; layer {trace.layer}, head {self.head}" + (
            " (its best-aligned head)" if trace.model == "translator" else "")

    def weight_lines(self, source: TokenBoxes, target: TokenBoxes, pattern: np.ndarray) -> VGroup:
        """One line per (key, query), row-major like the grid; opacity and width follow the weight."""
        group = VGroup()
        for k in range(pattern.shape[0]):
            for q in range(pattern.shape[1]):
                w = float(pattern[k, q])
                group.add(Line(source.get_box(k).get_bottom() + DOWN * getattr(source, "line_gap", 0.0),
                               target.get_box(q).get_top() + UP * getattr(target, "line_gap", 0.0),
                               stroke_color=self.theme.of("weight"), stroke_width=max(MAX_LINE_WIDTH * w, 0.01),
                               stroke_opacity=w))
        return group

    @staticmethod
    def lines_of(lines: VGroup, pattern: np.ndarray, q: int) -> VGroup:
        return VGroup(*(lines[k * pattern.shape[1] + q] for k in range(pattern.shape[0])))

    def place_grid(self, trace, title: str | None = None, query_prefix: str = "", key_prefix: str = "",
                   width: float = GRID_WIDTH, strip: float = 2.8) -> AttentionGrid:
        """The kit's grid, its cells wide enough for numbers at ``MIN_TEXT_POINTS``. For a wide one (more
        queries than keys, too many for numbers): square cells across ``width`` rather than the kit's square
        grid of tall, narrow cells (see ``ca_wide_grid``)."""
        n_keys, n_queries = len(trace.key_tokens), len(trace.tokens)
        if max(n_keys, n_queries) <= MAX_TOKENS:       # numbers: cells wide enough for them at MIN_TEXT_POINTS
            probe = AttentionGrid(trace.key_tokens, trace.tokens, self.theme, width=width, height=4.9,
                                  query_prefix=query_prefix, key_prefix=key_prefix, max_cell_w=1.6, max_cell_h=1.0)
            if probe.font_size < MIN_TEXT_POINTS:
                width *= MIN_TEXT_POINTS / probe.font_size * 1.01
        if n_queries <= MAX_TOKENS or n_keys >= n_queries:
            return super().place_grid(trace, title, query_prefix, key_prefix, width, strip)
        return self.ca_wide_grid(trace, title, query_prefix, key_prefix, width, strip)

    def ca_wide_grid(self, trace, title: str | None, query_prefix: str, key_prefix: str, width: float,
                     strip: float) -> AttentionGrid:
        """A wide grid of square cells, so the upright query labels fit their columns, and narrower where
        they would reach the dots note; the title above it when the grid and its Σ row leave room, else beside."""
        note = self._dots_note(len(trace.tokens), aligned_edge=RIGHT)        # top right, beside the upright labels
        heading = label(title, self.theme, 26).to_edge(UP, buff=0.2) if title else None
        frame_top = config.frame_height / 2 - 0.2
        grid, left, top, on_top = self.ca_fit_wide_grid(trace, heading, note, query_prefix, key_prefix, width, strip)
        grid.shift(RIGHT * (left - grid.get_left()[0]) + UP * (top - grid.get_top()[1]))
        if not on_top:              # no room above it: the title beside the upright labels, as the kit's
            grid.shift(UP * (frame_top - grid.get_top()[1]))
            heading.to_corner(UP + RIGHT, buff=0.25)
            room = config.frame_width / 2 - 0.25 - (grid.get_right()[0] + 0.2)
            if heading.width > room:
                heading.scale_to_fit_width(room).to_corner(UP + RIGHT, buff=0.25)
        if heading:
            self.play(FadeIn(heading, shift=DOWN * 0.2), run_time=0.6)
            self.title_mobject = heading
        self.grid = grid
        return grid

    def ca_fit_wide_grid(self, trace, heading, note: VGroup, query_prefix: str, key_prefix: str, width: float,
                         strip: float) -> tuple[AttentionGrid, float, float, bool]:
        """The wide grid, its cells narrowed (up to three tries) where the labels would reach the note (or the
        title beside); its left edge, its top, and whether the title stands on top."""
        n_keys, n_queries = len(trace.key_tokens), len(trace.tokens)
        frame_top = config.frame_height / 2 - 0.2
        for _ in range(3):           # narrower cells where the labels would reach the note (or the title beside)
            cell = min(1.0, width / n_queries, 5.8 / n_keys)
            grid = AttentionGrid(trace.key_tokens, trace.tokens, self.theme, width=width, height=5.8,
                                 query_prefix=query_prefix, key_prefix=key_prefix, max_cell_w=cell, max_cell_h=cell)
            top = heading.get_bottom()[1] - 0.15 if heading else frame_top
            on_top = heading is None or top - (grid.get_top()[1] - grid.frame.get_bottom()[1]) - cell * 1.5 >= CAPTION_TOP
            reserve = note.width if on_top else max(note.width, heading.width * (MIN_TEXT_POINTS + 0.5) / 26)
            right = config.frame_width / 2 - 0.25 - reserve - 0.2
            block = grid.width + LIFT_GAP + strip
            left = -config.frame_width / 2 + 0.35 if not on_top else max(-config.frame_width / 2 + 0.35, -block / 2)
            overflow = left + grid.width - right
            if overflow <= 0:
                break
            width = min(width, cell * n_queries) - overflow * n_queries / (n_queries + 0.5)
        return grid, left, top, on_top

    def ca_values(self, trace, grid, dots) -> None:
        """The weighted values: one query's ΔE_h = Σ_j A[j] · V↑_j. The grid moves aside, its column
        becomes the sum (for long sentences, see ``ca_room_for_sum``)."""
        self.beat("values")
        h = self.head
        q = self.settings.query_index(trace)
        column = trace.on_screen("pattern", h)[:, q]     # [T_source]
        highlight = grid.column_highlight(q, self.theme.of("selected"))
        self.play(Create(highlight), run_time=0.6)
        everything = VGroup(grid, dots, highlight)
        if getattr(self, "query_band", None) is not None:
            everything.add(self.query_band)     # the followed query's band moves with its column
        leaving = [m for m in (self.title_mobject, self.sums_row, getattr(self, "dots_note", None))
                   if m is not None]             # Σ = 1 was the last beat's point; shrunk, its digits would be < 12 px
        if leaving:
            self.play(*(FadeOut(m) for m in leaving), run_time=0.4)
        (plus, terms, right, result), beside_grid = self.ca_room_for_sum(trace, q, column, grid, everything)
        self.record("terms", VGroup(*(t[0] for t in terms)), column)
        self.record("delta", result.get_entries(), trace.delta_per_head[h, q][:4])
        self.play(LaggedStart(*(FadeIn(t, shift=RIGHT * 0.1) for t in terms), lag_ratio=min(0.08, 2.4 / len(terms))),
                  FadeIn(plus))
        self.caption(f"“{trace.tokens[q]}” takes the value vectors of the source words, weighted by its column"
                     + ("" if beside_grid else " of the grid"))
        self.play(FadeIn(right, shift=LEFT * 0.1))
        self.caption("the weighted sum is this head's change to the query word's embedding (faint terms weigh little)")
        self.wait(2)

    def ca_room_for_sum(self, trace, q: int, column: np.ndarray, grid: AttentionGrid,
                        everything: VGroup) -> tuple[tuple[VGroup, VGroup, VGroup, VectorColumn], bool]:
        """The grid (``everything``) moves aside and the sum's parts are placed beside it; whether the sum
        stands beside the grid. For long sentences (dots) the grid stays as it is and the sum takes the
        strip beside it, its terms in as many columns as the room asks, no text under ``MIN_TEXT_POINTS``;
        with no such room, the grid goes and the sum takes the frame."""
        if self.numbers_fit(grid):
            self.play(everything.animate.scale(GRID_SCALE).to_edge(LEFT, buff=0.3).set_y(0.3), run_time=1)
            plus, terms, right, result = self.sum_parts(trace, q, column, 22)
            terms.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
            if terms.height > config.frame_height - 2.0:
                terms.scale_to_fit_height(config.frame_height - 2.0)
            plus.next_to(terms, LEFT, buff=0.2)
            right.next_to(terms, RIGHT, buff=0.5)
            sum_side = VGroup(plus, terms, right)
            room = config.frame_width / 2 - 0.3 - (everything.get_right()[0] + 0.5)
            if sum_side.width > room:
                sum_side.scale_to_fit_width(room)
            sum_side.next_to(everything, RIGHT, buff=0.5).set_y(everything.get_y())
            return (plus, terms, right, result), True
        # moved aside as it is: shrunk, its labels would be unreadable
        aside = min(0.0, -config.frame_width / 2 + 0.3 - everything.get_left()[0])
        parts = self.sum_beside(trace, q, column, everything.get_right()[0] + aside + 0.5)
        if parts is not None:
            if aside < -0.05:
                self.play(everything.animate.shift(RIGHT * aside), run_time=1)
            return parts, True
        # no room beside it at a readable size: the sum takes the frame
        self.play(FadeOut(everything), run_time=0.6)
        return self.sum_beside(trace, q, column, -config.frame_width / 2 + 0.3, shrink=True), False

    def sum_parts(self, trace, q: int, column: np.ndarray, size: float,
                  name_size: float | None = None) -> tuple[VGroup, VGroup, VGroup, VectorColumn]:
        """Σ, the terms "weight × V↑ word" (one per key, faint for small weights) and "= ΔE" with its
        column, at ``size`` points (Σ and = larger, the head's name at ``name_size``, by default smaller but
        never under MIN_TEXT_POINTS); the right part arranged, the terms not yet."""
        h, d = self.head, self.settings.decimals
        terms = VGroup()
        for j, token in enumerate(trace.key_tokens):
            w = float(column[j])
            weight = number(w, self.theme, size, d, color=self.theme.text)
            times = label("×  V↑", self.theme, size, color=self.theme.value_up)
            name = label(short(token), self.theme, size, color=self.theme.key)
            term = VGroup(weight, times, name).arrange(RIGHT, buff=0.12)
            name.shift(RIGHT * 0.08)
            term.set_opacity(max(0.35, w))     # faint for small weights, still legible
            terms.add(term)
        big = size * 36 / 22
        plus = label("Σ", self.theme, big, color=self.theme.value_up)
        result = VectorColumn(trace.delta_per_head[h, q], self.theme, n_shown=4, decimals=d, font_size=size,
                              bracket_color=self.theme.delta)
        equals = label("=", self.theme, big)
        name = label(f"ΔE of “{short(trace.tokens[q])}”", self.theme, size, color=self.theme.delta)
        head_name = label(f"head {h}", self.theme, name_size or max(MIN_TEXT_POINTS, size * 18 / 22), color=self.theme.muted)
        right = VGroup(equals, VGroup(name, head_name, result).arrange(DOWN, buff=0.15)).arrange(RIGHT, buff=0.3)
        return plus, terms, right, result

    def sum_beside(self, trace, q: int, column: np.ndarray, left: float,
                   shrink: bool = False) -> tuple[VGroup, VGroup, VGroup, VectorColumn] | None:
        """The sum in the room right of ``left`` (the title and notes gone): its terms in 1 to 3 columns with
        "= ΔE" beside them or under them, whichever layout fits at the largest size (at most
        ``SUM_POINTS``). None when none fits at ``MIN_TEXT_POINTS`` or more, unless ``shrink`` (the room is
        the frame's, the sum centred in it): then the largest, shrunk to the room."""
        room_w = config.frame_width / 2 - 0.3 - left
        top, bottom = config.frame_height / 2 - 0.25, CAPTION_TOP + 0.1
        room_h = top - bottom
        n = len(trace.key_tokens)
        best = None
        for columns in (1, 2, 3):
            for beside in (True, False):          # built once at SUM_POINTS: text scales with its layout
                parts = self.sum_parts(trace, q, column, SUM_POINTS, name_size=SUM_POINTS)
                plus, terms, right, _ = parts
                per_column = math.ceil(n / columns)
                chunks = VGroup(*(VGroup(*terms[i:i + per_column]).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
                                  for i in range(0, n, per_column)))
                chunks.arrange(RIGHT, buff=0.35, aligned_edge=UP)
                plus.next_to(chunks, LEFT, buff=0.2)
                if beside:
                    right.next_to(chunks, RIGHT, buff=0.4)
                else:
                    right.next_to(chunks, DOWN, buff=0.3).align_to(chunks, LEFT)
                side = VGroup(plus, chunks, right)
                scale = min(1.0, room_w / side.width, room_h / side.height)
                if best is None or scale > best[0]:
                    best = (scale, side, parts)
        scale, side, parts = best
        if scale * SUM_POINTS < MIN_TEXT_POINTS and not shrink:
            return None
        side.scale(scale)
        x = left + (room_w if shrink else side.width) / 2     # the whole frame's: centred
        side.move_to([x, (top + bottom) / 2, 0])
        return parts
