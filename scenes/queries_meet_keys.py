"""Queries meet keys: the followed token's question, W_Q·E⃗ row by row, then the query and the keys
as arrows in a plane through the query, where every dot product drawn is the real one."""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Arrow, Brace, Circle, DashedLine, FadeIn, FadeOut, LaggedStart,
                   ReplacementTransform, Restore, Square, SurroundingRectangle, VGroup, VMobject, config)
from manim.utils.rate_functions import rush_from, rush_into

from attention_math.query_plane import embedding_plane, matrix_vector_product, projection_bias, query_plane
from scenes.catalog import about
from scenes.kit.attention_scene import AttentionScene
from scenes.kit.captions import CAPTION_TOP
from scenes.kit.mobjects import MIN_TEXT_POINTS, TokenBoxes, format_number, label, number, short
from scenes.kit.notation import W_K, W_Q
from scenes.kit.choices import DEFAULT_QUERY_TOKEN, DEFAULT_SENTENCE
from scenes.kit.model_rules import MAX_TOKENS

SHOWN_ROWS = 4        # rows of W_Q (entries of the product) shown one by one, then ⋮
SHOWN_COLUMNS = 5     # columns of W_Q (entries of E⃗) shown, then ⋯
ROW_BY_ROW = 3        # rows multiplied one at a time before the rest appear at once
NUMBER_SIZE = 18      # ≥ 12 px digits at 720p
LABEL_SIZE = 20
OPENING_ZOOM = 1.6    # the sentence and its question, larger in the middle while the question is asked
COUNT_SIZE = 16       # a brace's count, the equation's smallest text: scaled no lower than MIN_TEXT_POINTS
TIP_LABELS = MAX_TOKENS   # the most key arrows named at their tips (a longer sentence: its largest dot products)
LISTED = MAX_TOKENS   # the most dot products listed by name (a longer sentence: its largest, and how many more)


def question_for(sentence: str, token: str, causal: bool) -> str:
    """The followed token's question in words: the video's for its sentence, a neutral one otherwise."""
    if sentence == DEFAULT_SENTENCE and token == DEFAULT_QUERY_TOKEN:
        return "“any adjectives in front of me?”"
    return "“which earlier words matter to me?”" if causal else "“which words matter to me?”"


class QueriesMeetKeys(AttentionScene):
    description = about("QueriesMeetKeys").description

    def construct(self) -> None:
        trace, qi, pieces_note = self.meet_exact_trace()
        self.meet_trace, self.meet_query = trace, qi
        keys = self.meet_keys = trace.exact_score_keys(qi)     # drawn as arrows: their Q⃗·K⃗ is the trace's score
        tokens, question = self.meet_question(trace, qi, pieces_note)
        eq = self.meet_query_equation(trace, qi, tokens, question)
        eq_k = self.meet_key_equation(trace, qi, eq)
        shown = self.get_mobject_family_members()
        gone = VGroup(*(m for m in (eq_k, tokens, question) if m in shown))
        big, small = self.meet_mapped(trace, qi, keys, gone)
        self.meet_dot_products(trace, qi, keys, big, small, pieces_note)

    # --- beats and helpers (prefixed: AttentionBlock inherits every chapter's helpers) -------
    def meet_question(self, trace, qi: int, pieces_note) -> tuple[TokenBoxes, VMobject]:
        """The sentence, the followed token marked, and its question in words."""
        self.beat("question")
        word = short(trace.tokens[qi])
        self.title(f"What “{word}” is looking for: its query")
        tokens = TokenBoxes(trace.tokens, self.theme, font_size=22 if len(trace.tokens) <= 8 else 18,
                            max_width=config.frame_width - 1.0, wrap=True)       # a long sentence on two or three lines
        tokens.next_to(self.title_mobject, DOWN, buff=0.3)
        tokens[qi][0].set_stroke(self.theme.query, width=3)
        question = label(question_for(self.settings.sentence, trace.tokens[qi], trace.causal), self.theme, 28,
                         color=self.theme.query).next_to(tokens, DOWN, buff=0.3)
        question.set_x(float(np.clip(tokens[qi].get_center()[0], -config.frame_width / 2 + 0.3 + question.width / 2,
                                     config.frame_width / 2 - 0.3 - question.width / 2)))
        opening = VGroup(tokens, question).save_state()      # where they stay, under the title, for the equation
        zoom = min(OPENING_ZOOM, (config.frame_width - 1.0) / opening.width,
                   (config.frame_height - 2.6) / opening.height)
        if zoom > 1:                  # until then, larger in the middle of the frame: the question is the picture
            opening.scale(zoom).move_to(UP * 0.2)
        self.meet_opening = opening
        self.play(FadeIn(tokens))
        self.play(FadeIn(question, shift=DOWN * 0.2))
        self.caption(f"the query is that question as {trace.d_head} numbers (the words are our gloss; the numbers are learned)")
        if pieces_note:
            self.caption(f"“{pieces_note[0]}” is {pieces_note[1]} tokens: a word's vectors are its pieces' mean, so this "
                         f"scene shows the model's own tokens, following “{trace.tokens[qi]}”")
        self.wait(0.5)
        return tokens, question

    def meet_query_equation(self, trace, qi: int, tokens: TokenBoxes, question) -> VGroup:
        """W_Q·E⃗ + b⃗ = Q⃗ with the real numbers, the first rows multiplied one at a time. Where a long
        sentence's lines of tokens leave too little room for the equation's text to stay readable, the
        tokens go and the question (the title names its word) moves up under the title."""
        self.beat("W_Q·E row by row")
        h, word, e, q = self.head, short(trace.tokens[qi]), trace.embeddings[qi], trace.q[self.head, qi]
        eq = self.meet_equation(trace.w_q[h], e, q, W_Q, f"E⃗ {word}", "Q⃗", self.theme.query)
        if self.meet_opening.get_top()[1] < self.meet_opening.saved_state.get_top()[1] - 1e-6:   # up under the title
            self.play(Restore(self.meet_opening), run_time=0.8)
        if self.meet_fit_scale(eq, top=question.get_bottom()[1] - 0.3) < MIN_TEXT_POINTS / COUNT_SIZE:
            self.play(FadeOut(tokens), question.animate.next_to(self.title_mobject, DOWN, buff=0.3))
        self.meet_fit(eq, top=question.get_bottom()[1] - 0.3)
        self.meet_equations = [eq]
        self.record("w_q", eq.matrix_entries, trace.w_q[h][:SHOWN_COLUMNS, :SHOWN_ROWS].T)
        self.record("qk_product", eq.product_entries, matrix_vector_product(trace.w_q[h], e)[:SHOWN_ROWS])
        self.record("qk_bias", eq.bias_entries, projection_bias(q, trace.w_q[h], e)[:SHOWN_ROWS])
        self.record("qk_query", eq.result_entries, q[:SHOWN_ROWS])
        self.play(FadeIn(eq.matrix), FadeIn(eq.vector), FadeIn(eq.signs[0]), FadeIn(eq.names[:2]))
        self.caption(f"{W_Q}: {trace.d_head} rows of {trace.d_model} learned numbers; E⃗: the {trace.d_model} numbers of “{word}”")
        self.meet_rows_one_by_one(trace, eq)
        self.play(FadeIn(eq.product_entries[ROW_BY_ROW:]), run_time=0.6)
        rest = max(0, trace.d_head - ROW_BY_ROW)
        drawn = len(eq.product_entries)
        shown = f" (drawn: the first {drawn}, then ⋮)" if trace.d_head > drawn else ""
        self.caption((f"the other {rest} row{'s' if rest != 1 else ''} at once{shown}: " if rest else "")
                     + f"{W_Q}·E⃗ has {trace.d_head} entries")
        self.play(FadeIn(eq.signs[2:]), FadeIn(eq.bias), FadeIn(eq.result), FadeIn(eq.names[3:]))
        self.caption(f"plus the learned bias b⃗: the query Q⃗ of “{word}”, {trace.d_head} numbers")
        self.wait(1)
        return eq

    def meet_rows_one_by_one(self, trace, eq: VGroup) -> None:
        """The first ``ROW_BY_ROW`` rows of the matrix boxed in turn with E⃗, each giving one entry of the product."""
        vector_box = SurroundingRectangle(eq.vector_entries, color=self.theme.of("selected"), buff=0.06)
        for r in range(min(ROW_BY_ROW, len(eq.rows))):
            row_box = SurroundingRectangle(eq.rows[r], color=self.theme.of("selected"), buff=0.06)
            shown = [FadeIn(row_box), FadeIn(vector_box)] if r == 0 else [ReplacementTransform(previous, row_box)]
            self.play(*shown, run_time=0.5)
            if r == 0:
                self.play(FadeIn(eq.signs[1]), FadeIn(eq.product_frame), FadeIn(eq.names[2]), run_time=0.4)
                self.caption(f"each entry of the product: one row times E⃗, summed over all {trace.d_model} numbers")
            self.play(FadeIn(eq.product_entries[r], shift=RIGHT * 0.3), run_time=0.6)
            previous = row_box
        self.play(FadeOut(previous), FadeOut(vector_box), run_time=0.3)

    def meet_key_equation(self, trace, qi: int, eq: VGroup) -> VGroup:
        """The same with W_K: the followed token's key, in the query's place."""
        self.beat("keys")
        h, word = self.head, short(trace.tokens[qi])
        eq_k = self.meet_equation(trace.w_k[h], trace.embeddings[qi], trace.k[h][qi], W_K, f"E⃗ {word}", "K⃗",
                                  self.theme.key)
        eq_k.scale(eq.width / eq_k.width).move_to(eq)   # same layout, so the same scale
        self.meet_equations.append(eq_k)
        self.record("w_k", eq_k.matrix_entries, trace.w_k[h][:SHOWN_COLUMNS, :SHOWN_ROWS].T)
        self.record("qk_key", eq_k.result_entries, trace.k[h][qi][:SHOWN_ROWS])
        question = self.meet_opening[1]                  # the query's question and title go with its equation
        self.play(FadeOut(eq, rate_func=rush_into), FadeOut(question), FadeOut(self.title_mobject),
                  run_time=0.4)                                  # out, then in: never two equations at once
        self.title(f"What “{word}” offers: its key")
        self.play(FadeIn(eq_k, rate_func=rush_from), run_time=0.6)
        self.caption(f"{W_K} gives every token a key K⃗, what it offers · {self.model_note(trace)}")
        self.wait(1)
        return eq_k

    def meet_mapped(self, trace, qi: int, keys: list[int], gone: VGroup) -> tuple[VGroup, VGroup]:
        """The embeddings as arrows, mapped into the query/key space: a plane through the query."""
        self.beat("mapped to query/key space")
        self.play(FadeOut(gone), FadeOut(self.title_mobject))
        self.title(f"Keys meet the query of “{short(trace.tokens[qi])}”")
        big, e_arrows = self.meet_embedding_panel(trace, qi)
        plane = query_plane(trace.q[self.head, qi], trace.k[self.head][keys])
        small, q_arrow, k_arrows, scale = self.meet_plane_panel(trace, qi, plane, keys)
        self.meet_scale, self.meet_origin = scale, small.origin
        self.meet_query_arrow, self.meet_key_arrows = q_arrow, k_arrows
        self.play(FadeIn(big))
        self.caption(f"the embeddings E⃗ⱼ live in {trace.d_model} dimensions (drawn: their two main directions)")
        self.play(FadeIn(small.frame))
        self.play(*(ReplacementTransform(e_arrows[j].copy(), b) for j, b in zip(keys, k_arrows)),
                  ReplacementTransform(e_arrows[qi].copy(), q_arrow), run_time=1.6)
        self.play(FadeIn(small.names))
        self.caption(f"{W_Q} and {W_K} map them into a {trace.d_head}-dimensional space (drawn: a plane through Q⃗)")
        self.wait(1)
        return big, small

    def meet_dot_products(self, trace, qi: int, keys: list[int], big: VGroup, small: VGroup, pieces_note) -> None:
        """The plane moved left, its dot products listed beside it and named at the keys' tips; the largest marked."""
        self.beat("dot products")
        q_arrow, k_arrows = self.meet_query_arrow, self.meet_key_arrows
        panel = VGroup(small.frame, small.names, q_arrow, k_arrows)
        self.play(FadeOut(big), panel.animate.shift(LEFT * (small.origin[0] + 3.0)), run_time=1.0)
        self.meet_origin = small.origin + LEFT * (small.origin[0] + 3.0)
        scores = trace.scores[self.head, qi]                                     # [T_k] Q⃗ᵢ·K⃗ⱼ (the drawn keys')
        room = self.title_mobject.get_bottom()[1] - 0.15 - (CAPTION_TOP + 0.1)       # between the title and the caption
        table, numbers, listed = self.meet_fitting_table(trace, qi, scores, keys, pieces_note, room)
        table.next_to(panel, RIGHT, buff=0.6)
        table.set_x(min(table.get_x(), config.frame_width / 2 - 0.3 - table.width / 2))
        table.set_y(self.title_mobject.get_bottom()[1] - 0.15 - room / 2)
        self.record("plane_scores", numbers, scores[listed])
        tips = self.meet_tip_labels(trace, qi, scores, keys, k_arrows, q_arrow, [*table, small.frame[-1], *small.names])
        self.play(LaggedStart(*(FadeIn(row) for row in table), lag_ratio=0.06), FadeIn(tips))
        top = max((r for r, j in enumerate(keys) if not self.meet_masked(trace, qi, j)), key=lambda r: scores[keys[r]])
        self.caption(f"K⃗·Q⃗ = |Q⃗| × how far K⃗ reaches along Q⃗: here exactly the real dot product; "
                     f"largest {'unmasked ' if any(self.meet_masked(trace, qi, j) for j in keys) else ''}"
                     f"{'drawn ' if len(keys) < len(trace.key_tokens) else ''}key: “{short(trace.key_tokens[keys[top]])}”")
        self.play(k_arrows[top].animate.set_stroke(width=8), run_time=0.6)
        self.wait(1.5)

    def meet_fitting_table(self, trace, qi: int, scores: np.ndarray, keys: list[int], pieces_note,
                           room: float) -> tuple[VGroup, VGroup, list[int]]:
        """The longest table of dot products, with its note, no taller than ``room`` (a long sentence: its
        largest, and a count); the table, its numbers and their keys, as ``meet_score_list`` returns them."""
        for most in range(LISTED, 2, -1):
            table, numbers, listed = self.meet_score_list(trace, qi, scores, keys, most)
            note = VGroup(*(label(line, self.theme, 16, color=self.theme.muted) for line in (
                "drawn: the plane through Q⃗ and the keys' widest",
                "spread off it, so every K⃗·Q⃗ here is exact", *self.meet_left_out(trace, keys, pieces_note)))
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            note.next_to(table, DOWN, buff=0.35).align_to(table, LEFT)
            table.add(note)
            if table.height <= room:
                break
        return table, numbers, listed

    def meet_exact_trace(self):
        """The trace, the followed query and a note: the word trace when the followed word is one piece
        (its Q⃗·K⃗ with one-piece words is the model's score), else the model's own tokens (``pieces``),
        following the word's first piece, with (the word, how many pieces, the pieces) to say so."""
        trace = self.trace()
        qi = self.settings.query_index(trace)
        if not trace.is_words or trace.exact_score_keys(qi):
            return trace, qi, None
        pieces = self.settings.replace(pieces=True).trace()
        self.settings.check_token_count(pieces, type(self).__name__)
        first = trace.merge["queries"][qi][1]                              # the word's pieces, in the model's tokens
        return pieces, first[0], (short(trace.tokens[qi]), len(first), " ".join(pieces.tokens[i] for i in first))

    def meet_left_out(self, trace, keys: list[int], pieces_note: tuple[str, int, str] | None) -> list[str]:
        """Lines under the table naming the keys not drawn (words of several pieces, [CLS]+[SEP]), or saying
        the picture is over the model's own tokens (``pieces_note``: the word, its count of pieces, the pieces)."""
        if pieces_note:
            word, count, names = pieces_note
            return [f"“{word}” is {count} tokens ({names}):", "here the model's own tokens, [CLS] and [SEP] too"]
        left = [short(t) for j, t in enumerate(trace.key_tokens) if j not in keys]
        if not left:
            return []
        names = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
        return [f"not drawn: {names}", "(several tokens each: no one K⃗ has their score)"]

    def meet_masked(self, trace, qi: int, j: int) -> bool:
        """A key after the query, which the causal mask hides later (−∞ in the trace's masked scores)."""
        return trace.causal and bool(np.isneginf(trace.masked[self.head, qi, j]))

    def meet_equation(self, w: np.ndarray, e: np.ndarray, result: np.ndarray, w_name: str, e_name: str,
                      r_name: str, color) -> VGroup:
        """W·E⃗ + b⃗ = R⃗ with the real entries: a few rows and columns of W, ⋮ and ⋯ for the rest."""
        theme = self.theme
        rows_shown, cols_shown = min(SHOWN_ROWS, w.shape[1]), min(SHOWN_COLUMNS, w.shape[0])
        product = matrix_vector_product(w, e)                          # [c]
        bias = projection_bias(result, w, e)                           # [c]
        matrix, rows, step = self.meet_matrix(w, rows_shown, cols_shown)
        v_entries, _, vector = self.meet_column(e, cols_shown, theme.embedding, step, show_count=True)
        p_entries, p_rest, p_frame = self.meet_column(product, rows_shown, theme.text, step, show_count=True)
        b_entries, _, b_frame = self.meet_column(bias, rows_shown, theme.muted, step)
        r_entries, _, r_frame = self.meet_column(result, rows_shown, color, step, show_count=True)
        signs = VGroup(*(label(s, theme, 28) for s in ("·", "=", "+", "=")))
        parts = [matrix, signs[0], vector, signs[1], p_frame, signs[2], b_frame, signs[3], r_frame]
        VGroup(*parts).arrange(RIGHT, buff=0.22)
        for column in (vector, p_frame, b_frame, r_frame):
            column.shift(UP * (rows[0].get_y() - column[0][0].get_y()))
        for sign in signs:
            sign.set_y(rows[0].get_y() if len(rows) == 1 else rows.get_y())
        names = self.meet_equation_names((matrix, vector, p_frame, b_frame, r_frame), w_name, e_name, r_name, color)
        eq = VGroup(*parts, names)
        eq.matrix, eq.vector, eq.signs, eq.names = matrix, vector, signs, names
        eq.rows, eq.matrix_entries = rows, VGroup(*(m for row in rows for m in row))
        eq.vector_entries = v_entries
        eq.product_entries, eq.product_frame = p_entries, p_rest
        eq.bias, eq.bias_entries, eq.result, eq.result_entries = b_frame, b_entries, r_frame, r_entries
        return eq

    def meet_matrix(self, w: np.ndarray, rows_shown: int, cols_shown: int) -> tuple[VGroup, VGroup, float]:
        """The first rows and columns of W (coloured by value), ⋯ and ⋮ for the rest, in brackets, a brace
        counting its columns; the matrix, its rows and the step between them."""
        theme, d = self.theme, self.settings.decimals
        w_scale = float(np.abs(w).max()) or 1.0
        entries = [[number(float(w[col, r]), theme, NUMBER_SIZE, d, color=theme.value_color(float(w[col, r]), w_scale, d))
                    for col in range(cols_shown)] for r in range(rows_shown)]
        cell = max(m.width for row in entries for m in row) + 0.22
        step = NUMBER_SIZE * 0.0105 + 0.2
        rows = VGroup()
        for r, row in enumerate(entries):
            for col, m in enumerate(row):
                m.move_to(RIGHT * col * cell + DOWN * r * step, aligned_edge=RIGHT)
            rows.add(VGroup(*row))
        body = VGroup(rows)
        if w.shape[0] > cols_shown:
            body.add(label("⋯", theme, NUMBER_SIZE, color=theme.muted).next_to(rows, RIGHT, buff=0.2))
        if w.shape[1] > rows_shown:
            body.add(label("⋮", theme, NUMBER_SIZE, color=theme.muted).next_to(rows, DOWN, buff=0.1))
        matrix = VGroup(body, _brackets(body, theme.muted))
        if w.shape[0] > cols_shown:
            matrix.add(_count_brace(body, UP, w.shape[0], theme))
        return matrix, rows, step

    def meet_equation_names(self, frames: tuple, w_name: str, e_name: str, r_name: str, color) -> VGroup:
        """The names under the equation's five terms (``frames``: W, E⃗, W·E⃗, b⃗, R⃗), on one line."""
        theme = self.theme
        matrix, vector, p_frame, b_frame, r_frame = frames
        names = VGroup(
            label(w_name, theme, LABEL_SIZE, color=color).next_to(matrix, DOWN, buff=0.15),
            label(e_name, theme, LABEL_SIZE, color=theme.embedding).next_to(vector, DOWN, buff=0.15),
            label(f"{w_name}·E⃗", theme, LABEL_SIZE, color=theme.text).next_to(p_frame, DOWN, buff=0.15),
            label("b⃗", theme, LABEL_SIZE, color=theme.muted).next_to(b_frame, DOWN, buff=0.15),
            label(r_name, theme, LABEL_SIZE, color=color).next_to(r_frame, DOWN, buff=0.15),
        )
        low = min(n.get_y() for n in names)
        for n in names:
            n.set_y(low)
        return names

    def meet_column(self, values: np.ndarray, n: int, color, step: float,
                  show_count: bool = False) -> tuple[VGroup, VGroup, VGroup]:
        """The first ``n`` entries of a vector, one per matrix row, in brackets; ⋮ and a count brace for the rest."""
        theme, d = self.theme, self.settings.decimals
        entries = VGroup(*(number(float(v), theme, NUMBER_SIZE, d, color=color) for v in values[:n]))
        for r, m in enumerate(entries):
            m.move_to(DOWN * r * step, aligned_edge=RIGHT)
        body = VGroup(entries)
        if len(values) > n:
            body.add(label("⋮", theme, NUMBER_SIZE, color=theme.muted).next_to(entries, DOWN, buff=0.1))
        rest = VGroup(*body[1:], _brackets(body, theme.muted))
        if show_count and len(values) > n:
            rest.add(_count_brace(body, UP, len(values), theme))
        return entries, rest, VGroup(entries, rest)

    def meet_fit_scale(self, group: VGroup, top: float) -> float:
        """The scale at which ``group`` uses the width, or the height between ``top`` and the caption."""
        bottom = -config.frame_height / 2 + 0.75
        return min((config.frame_width - 1.2) / group.width, (top - bottom) / group.height)

    def meet_fit(self, group: VGroup, top: float) -> None:
        """Scale ``group`` to use the width (or the height between ``top`` and the caption), centred under ``top``."""
        bottom = -config.frame_height / 2 + 0.75
        group.scale(self.meet_fit_scale(group, top))
        group.move_to(UP * (top + bottom) / 2)

    def meet_embedding_panel(self, trace, qi: int) -> tuple[VGroup, VGroup]:
        """The embeddings as grey arrows in their two main directions (a picture of the big space)."""
        coords = embedding_plane(trace.embeddings)                      # [T, 2]
        radius, center = 2.0, np.array([-4.6, -0.4, 0.0])
        scale = radius / float(np.linalg.norm(coords, axis=1).max())
        arrows = VGroup(*(self.meet_arrow(center, center + scale * np.array([*c, 0.0]), self.theme.embedding,
                                        width=5 if i == qi else 3) for i, c in enumerate(coords)))
        ring = Circle(radius=radius + 0.2, color=self.theme.muted, stroke_width=1).move_to(center)
        name = label(f"embedding space: {trace.d_model} dimensions", self.theme, LABEL_SIZE,
                     color=self.theme.embedding).next_to(ring, UP, buff=0.15)
        placed: list = [name, *(Square(0.16).move_to(a.get_end()) for a in arrows)]
        words = VGroup()                 # each arrow's word at its tip, where there is room (the followed one first)
        for i in [qi, *(i for i in range(len(arrows)) if i != qi)]:
            word = label(short(trace.tokens[i]), self.theme, 16, color=self.theme.embedding)
            if _place_at_tip(word, arrows[i], placed, list(arrows)):
                words.add(word)
        self.meet_embedding_words = words
        return VGroup(ring, name, arrows, words), arrows

    def meet_plane_panel(self, trace, qi: int, plane, keys: list[int]) -> tuple[VGroup, Arrow, VGroup, float]:
        """Axes of the plane through Q⃗ᵢ, the query arrow (yellow) and the keys ``keys`` (teal; faint if masked later)."""
        radius, origin = 2.4, np.array([1.6, -0.5, 0.0])
        scale = radius / max(float(plane.query[0]), float(np.linalg.norm(plane.keys, axis=1).max()))
        axis = DashedLine(origin + LEFT * radius, origin + RIGHT * (radius + 0.3), color=self.theme.muted, stroke_width=2)
        up = DashedLine(origin + DOWN * radius, origin + UP * radius, color=self.theme.muted, stroke_width=1.5)
        ring = Circle(radius=radius + 0.2, color=self.theme.muted, stroke_width=1).move_to(origin)
        keys = VGroup(*(self.meet_arrow(origin, origin + scale * np.array([*c, 0.0]), self.theme.key,
                                      opacity=0.35 if self.meet_masked(trace, qi, j) else 1.0)
                        for j, c in zip(keys, plane.keys)))
        query = self.meet_arrow(origin, origin + scale * np.array([*plane.query, 0.0]), self.theme.query, width=7)
        title = label(f"query/key space: {trace.d_head} dimensions", self.theme, LABEL_SIZE,
                      color=self.theme.query).next_to(ring, UP, buff=0.15)
        along = label("along Q⃗", self.theme, 16, color=self.theme.muted).next_to(axis, UP, buff=0.08).align_to(axis, RIGHT)
        frame = VGroup(ring, axis, up, title)
        small = VGroup(frame, along)
        small.frame, small.names, small.origin = frame, VGroup(along), origin
        return small, query, keys, scale

    def meet_arrow(self, start: np.ndarray, end: np.ndarray, color, width: float = 4, opacity: float = 1.0) -> Arrow:
        length = float(np.linalg.norm(end - start))
        arrow = Arrow(start, end if length > 1e-3 else start + RIGHT * 1e-3, buff=0, stroke_width=width, color=color,
                      max_tip_length_to_length_ratio=0.2, tip_length=0.18)
        return arrow.set_opacity(opacity)

    def meet_score_list(self, trace, qi: int, scores: np.ndarray, keys: list[int],
                        most: int = LISTED) -> tuple[VGroup, VGroup, list[int]]:
        """K⃗ⱼ·Q⃗ᵢ for every key of ``keys``, largest first, numbers right-aligned; keys the mask hides later are marked.
        A long sentence lists its largest ``most`` and says how many more there are.

        Returns the table, its numbers and the keys they belong to, both in the keys' order."""
        theme, d = self.theme, self.settings.decimals
        order = sorted(keys, key=lambda j: -scores[j])
        listed = order[:most] if len(order) > most + 1 else order
        numbers = {j: number(float(scores[j]), theme, NUMBER_SIZE, d, color=theme.value_color(float(scores[j]),
                   float(np.abs(scores[keys]).max()) or 1.0, d)) for j in listed}
        names = {j: label(short(trace.key_tokens[j]) + (" (masked later)" if self.meet_masked(trace, qi, j) else ""),
                          theme, 16, color=theme.muted if self.meet_masked(trace, qi, j) else theme.key) for j in listed}
        step = max(0.3, min(0.42, 4.6 / len(listed)))
        width = max(n.width for n in numbers.values())
        rows = VGroup()
        for r, j in enumerate(listed):
            numbers[j].move_to(DOWN * r * step + RIGHT * width, aligned_edge=RIGHT)
            names[j].next_to(numbers[j], RIGHT, buff=0.25)
            names[j].set_y(numbers[j].get_y())
            rows.add(VGroup(numbers[j], names[j]))
        if len(listed) < len(order):
            rows.add(label(f"… {len(order) - len(listed)} smaller", theme, 16, color=theme.muted)
                     .next_to(rows, DOWN, buff=0.12).align_to(rows, LEFT))
        head = label("K⃗·Q⃗", theme, LABEL_SIZE, color=theme.text).next_to(rows, UP, buff=0.25).align_to(rows, LEFT)
        table = VGroup(head, *rows)
        table.move_to(ORIGIN + DOWN * 0.3)
        listed = sorted(listed)             # recorded in the keys' order
        return table, VGroup(*(numbers[j] for j in listed)), listed

    def meet_tip_labels(self, trace, qi: int, scores: np.ndarray, keys: list[int], k_arrows: VGroup, q_arrow: Arrow,
                      avoid: list) -> VGroup:
        """The word and its dot product at the tip of each visible key's arrow, largest first, where there is room
        (turned around the tip until it fits); keys the mask hides later get their word alone, faint. A sentence
        of more than ``TIP_LABELS`` keys names its largest only."""
        placed: list = [q_arrow, *avoid, *(Square(0.16).move_to(a.get_end()) for a in k_arrows)]
        arrows = [*k_arrows, q_arrow]
        tips = VGroup()
        word = label(f"Q⃗ {short(trace.tokens[qi])}", self.theme, 18, color=self.theme.query)
        word.next_to(q_arrow.get_end(), DOWN, buff=0.15)
        tips.add(word)
        placed.append(word)
        shown = []
        arrow_of = dict(zip(keys, k_arrows))
        visible = sorted((j for j in keys if not self.meet_masked(trace, qi, j)), key=lambda j: -scores[j])
        for j in visible[:TIP_LABELS]:         # a long sentence: its largest (the table lists them all)
            text = label(f"{short(trace.key_tokens[j])} {format_number(float(scores[j]), self.settings.decimals)}",
                         self.theme, 16, color=self.theme.key)
            if _place_at_tip(text, arrow_of[j], placed, arrows):
                tips.add(text)
                shown.append(j)
        for j in keys if len(keys) <= TIP_LABELS else []:
            if self.meet_masked(trace, qi, j):
                text = label(short(trace.key_tokens[j]), self.theme, 16, color=self.theme.muted)
                if _place_at_tip(text, arrow_of[j], placed, arrows):
                    tips.add(text)
        self.meet_tip_keys, self.meet_tips = shown, tips
        return tips


TURNS = (0, 35, -35, 70, -70, 110, -110, 150, -150, 180)   # degrees a tip label may turn from its arrow's direction
TIP_GAPS = (0.2, 0.45)                                      # … at this gap from the tip, the nearer first


def _place_at_tip(text, arrow: Arrow, placed: list, arrows: list) -> bool:
    """Move ``text`` just beyond ``arrow``'s tip, turning around the tip until it overlaps nothing in
    ``placed``, crosses no arrow of ``arrows`` and stays in the frame; add it to ``placed``. False: no room."""
    start, end = arrow.get_start(), arrow.get_end()
    out = (end - start) / (np.linalg.norm(end - start) or 1.0)
    for gap, turn in ((gap, turn) for gap in TIP_GAPS for turn in TURNS):
        a = np.radians(turn)
        way = np.array([out[0] * np.cos(a) - out[1] * np.sin(a), out[0] * np.sin(a) + out[1] * np.cos(a), 0.0])
        text.move_to(end + way * (gap + text.width / 2 * abs(way[0]) + text.height / 2 * abs(way[1])))
        if (not any(_overlap(text, m) for m in placed) and _inside(text)
                and not any(_contains(text, p) for other in arrows for p in _along(other))):
            placed.append(text)
            return True
    return False


def _overlap(a, b, pad: float = 0.05) -> bool:
    return not (a.get_right()[0] + pad < b.get_left()[0] or b.get_right()[0] + pad < a.get_left()[0]
                or a.get_top()[1] + pad < b.get_bottom()[1] or b.get_top()[1] + pad < a.get_bottom()[1])


def _along(arrow: Arrow) -> list[np.ndarray]:
    """Points along an arrow's shaft, from a third of the way out to its tip."""
    start, end = arrow.get_start(), arrow.get_end()
    return [start + t * (end - start) for t in np.linspace(0.3, 1.0, 8)]


def _contains(m, point: np.ndarray, pad: float = 0.03) -> bool:
    return (m.get_left()[0] - pad <= point[0] <= m.get_right()[0] + pad
            and m.get_bottom()[1] - pad <= point[1] <= m.get_top()[1] + pad)


def _inside(m, margin: float = 0.1) -> bool:
    return (m.get_left()[0] > -config.frame_width / 2 + margin and m.get_right()[0] < config.frame_width / 2 - margin
            and m.get_bottom()[1] > -config.frame_height / 2 + 0.6 and m.get_top()[1] < config.frame_height / 2 - 0.6)


def _brackets(body: VGroup, color) -> VGroup:
    """[ and ] around ``body``."""
    height = body.height + 0.2
    pair = VGroup()
    for side in (LEFT, RIGHT):
        tick = RIGHT * 0.08 * (1 if side is LEFT else -1)
        top, bottom = UP * height / 2, DOWN * height / 2
        mark = VMobject(stroke_color=color, stroke_width=2).set_points_as_corners([top + tick, top, bottom, bottom + tick])
        pair.add(mark.next_to(body, side, buff=0.06))
    return pair


def _count_brace(body: VGroup, side, count: int, theme) -> VGroup:
    """A brace over ``body`` naming how many numbers there really are."""
    brace = Brace(body, side, buff=0.08, color=theme.muted)
    text = label(f"{count:,}", theme, COUNT_SIZE, color=theme.muted).next_to(brace, side, buff=0.05)
    return VGroup(brace, text)
