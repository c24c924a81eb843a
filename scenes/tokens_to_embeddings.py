"""Tokens and their embeddings: the sentence splits into tokens, each becomes a column, position is added."""

from __future__ import annotations

import math
import textwrap

from manim import (DOWN, LEFT, RIGHT, SMALL_BUFF, UP, FadeIn, FadeOut, LaggedStart, Restore, SurroundingRectangle, VGroup,
                   config)
from manim.utils.rate_functions import rush_from, rush_into

from scenes.catalog import about
from scenes.kit.attention_scene import AttentionScene
from scenes.kit.captions import CAPTION_TOP
from scenes.kit.mobjects import MIN_TEXT_POINTS, MONO_CHAR_WIDTH, DotMatrix, TokenBoxes, VectorColumn, format_number, label, short

MAX_FONT = 20.0
BRACE_ROOM = 0.55      # the last column's brace and its dimension label
DOT_ROWS = 3           # entries drawn per token as dots, for sentences too long for numbers
TOKENS_ZOOM = 1.4      # the tokens, larger where the sentence was, until the columns come
ROW_GAP = 0.5          # between two rows of dots: a row's name (20 pt) and a margin
ELLIPSIS_ROOM = 0.3    # a row of dots' ⋮ under its dots


class TokensToEmbeddings(AttentionScene):
    description = about("TokensToEmbeddings").description

    def construct(self) -> None:
        trace = self.trace()
        if self.too_many_for_numbers(trace):
            self.embeddings_as_dots(trace)
            return
        tokens = self.te_tokens(trace)
        token_cols, scale = self.te_embeddings(trace, tokens)
        boxes = self.same_word_beat(trace, tokens, token_cols)
        rows = self.te_positions(trace, tokens, token_cols, scale, boxes)
        self.followed_token_beat(trace, tokens, rows)

    def embeddings_as_dots(self, trace) -> None:
        """The same beats for a sentence too long for columns of numbers: each token's vectors as a
        column of signed dots (area ∝ |value|) under the token written upward, three rows of them."""
        tokens, matrices, arrays, note = self.te_dots_tokens(trace)
        frames, columns = self.te_dots_embeddings(trace, matrices, arrays, note)
        boxes = self.same_word_beat(trace, tokens, columns[0], buff=0.05)
        self.te_dots_positions(trace, matrices, frames, columns, boxes)
        self.followed_token_beat(trace, tokens, columns)

    # --- beats, columns of numbers (prefixed: AttentionBlock inherits every chapter's helpers) --
    def te_tokens(self, trace) -> TokenBoxes:
        """The sentence splits into tokens: it rises and goes, the tokens come in where it went."""
        self.beat("tokens")
        sentence = self.sentence_text()
        self.play(FadeIn(sentence))
        self.number_font = self.font_for(trace)
        probe = self.column(trace.token_embeddings[0], 1.0)        # every column is about this wide
        tokens = TokenBoxes(trace.tokens, self.theme, font_size=22, max_width=config.frame_width - 0.6 - BRACE_ROOM,
                            min_box_width=probe.width + 0.1).to_edge(UP, buff=0.3).shift(LEFT * BRACE_ROOM / 2)
        self.record("tokens", tokens.get_labels(), list(range(len(trace.tokens))))
        tokens.save_state()          # their place at the top, over the columns to come
        tokens.scale(max(1.0, min(TOKENS_ZOOM, (config.frame_width - 1.0) / tokens.width))).move_to(UP * sentence.get_y())
        # the sentence goes, then the tokens come in where it was: never both words on top of each other
        self.play(FadeOut(sentence, rate_func=rush_into), run_time=0.5)
        self.play(FadeIn(tokens, rate_func=rush_from), run_time=0.6)
        self.caption(self.tokens_note(trace, len(trace.tokens)))
        return tokens

    def te_embeddings(self, trace, tokens: TokenBoxes) -> tuple[VGroup, float]:
        """Each token becomes a column of numbers; the columns and the value scale all three rows share."""
        self.beat("embeddings")
        self.play(Restore(tokens), run_time=0.8)               # up to the top: the columns come in under them
        scale = self.scale_of(trace.token_embeddings, self.added(trace), trace.input_embeddings)
        token_cols = self.below(self.embedding_columns(trace.token_embeddings, tokens, scale), tokens, 0.25)
        self.record("token_embeddings", self.entries(token_cols), trace.token_embeddings[:, :4])
        self.caption(f"each token looks up its own column of {trace.d_model} numbers (the first few shown)")
        self.play(LaggedStart(*(FadeIn(c, shift=DOWN * 0.2) for c in token_cols), lag_ratio=0.06))
        return token_cols, scale

    def te_positions(self, trace, tokens: TokenBoxes, token_cols: VGroup, scale: float,
                     boxes: VGroup | None) -> tuple[VGroup, VGroup, VGroup]:
        """Position is added: the position row, then the sums; the three rows of columns."""
        self.beat("positions")
        if boxes:
            self.play(FadeOut(boxes))
        added = self.added(trace)
        pos_cols = self.below(self.embedding_columns(added, tokens, scale), token_cols, 0.5)
        self.record("positions", self.entries(pos_cols), added[:, :4])
        plus = self.row_label(self.added_name(trace), token_cols, pos_cols)
        self.caption("the position of each token is written into its column too")
        self.play(LaggedStart(*(FadeIn(c, shift=UP * 0.2) for c in pos_cols), lag_ratio=0.06), FadeIn(plus))
        sums = self.below(self.embedding_columns(trace.input_embeddings, tokens, scale), pos_cols, 0.5)
        self.record("sums", self.entries(sums), trace.input_embeddings[:, :4])
        equals = self.row_label(self.sum_name(trace), pos_cols, sums)
        self.caption(f"{self.sum_note(trace)}: one column per token, {trace.d_model} numbers each")
        self.play(LaggedStart(*(FadeIn(s, shift=DOWN * 0.3) for s in sums), lag_ratio=0.06), FadeIn(equals), run_time=1.5)
        return token_cols, pos_cols, sums

    # --- beats, rows of dots ------------------------------------------------------------------
    def te_dots_tokens(self, trace) -> tuple[VGroup, list[DotMatrix], tuple, VGroup]:
        """The sentence splits into tokens, written upward over the first row of dots."""
        n = len(trace.tokens)
        self.beat("tokens")
        sentence = self.sentence_text()
        self.play(FadeIn(sentence))
        arrays = (trace.token_embeddings, self.added(trace), trace.input_embeddings)
        matrices, note = self.te_dot_rows(trace, arrays)
        tokens = matrices[0].get_labels()
        self.record("tokens", tokens, list(range(n)))
        self.play(FadeOut(sentence, shift=UP * 0.25, rate_func=rush_into), run_time=0.5)      # out, then in
        self.play(FadeIn(tokens, shift=UP * 0.25, rate_func=rush_from), run_time=0.6)
        self.caption(self.tokens_note(trace, n))
        return tokens, matrices, arrays, note

    def te_dot_rows(self, trace, arrays: tuple) -> tuple[list[DotMatrix], VGroup]:
        """The three rows of dots (embeddings, position, sums) spread down the frame, and the dots note."""
        n = len(trace.tokens)
        scale = max(float(abs(a[:, :DOT_ROWS]).max()) for a in arrays) or 1.0      # one dot scale for the three rows
        note = self._dots_note(n, aligned_edge=RIGHT)
        tallest = max(label(short(t), self.theme, MIN_TEXT_POINTS).width for t in trace.tokens)   # read upward
        top = config.frame_height / 2 - 0.3 - tallest - 0.12           # the first row's brackets
        bottom = CAPTION_TOP + 0.1 + note.height + 0.2                # the third's, above the note
        gap = ROW_GAP                # a row's name fits between two rows, clear of their brackets and braces
        pitch = min(0.6, (config.frame_width - 1.6 - BRACE_ROOM) / n,
                    (top - bottom - 2 * gap - 3 * ELLIPSIS_ROOM) / (3 * DOT_ROWS))
        matrices = [DotMatrix(a, trace.tokens, self.theme, n_shown=DOT_ROWS, width=pitch * n, value_scale=scale,
                              labels_side=UP if i == 0 else None, label_color=self.theme.text, show_dimension=True)
                    for i, a in enumerate(arrays)]
        matrices[0].shift(UP * (config.frame_height / 2 - 0.3 - matrices[0].get_top()[1])
                          - RIGHT * matrices[0].get_center()[0])                  # centred across the frame
        room = matrices[0].get_bottom()[1] - bottom - sum(m.height for m in matrices[1:])
        gap = max(gap, min(1.0, room / 2))           # the rows spread over the height the frame has
        for above, below in zip(matrices, matrices[1:]):
            below.align_to(above, LEFT).shift(UP * (above.get_bottom()[1] - gap - below.get_top()[1]))
        note.align_to(matrices[0], RIGHT).set_y(CAPTION_TOP + 0.1 + note.height / 2)
        return matrices, note

    def te_dots_embeddings(self, trace, matrices: list[DotMatrix], arrays: tuple,
                           note: VGroup) -> tuple[list[VGroup], list[VGroup]]:
        """Each token becomes a column of numbers, drawn as dots; each row's frame and its columns of dots."""
        self.beat("embeddings")
        frames = [VGroup(m.get_brackets(), m.get_ellipsis(), m.get_dimension()) for m in matrices]   # but dots, words
        for name, m, a in zip(("token_embeddings", "positions", "sums"), matrices, arrays):
            self.record(f"{name}_dots", VGroup(*(dot for column in m.get_entries() for dot in column)), a[:, :DOT_ROWS])
        self.play(LaggedStart(*(FadeIn(c, shift=DOWN * 0.2) for c in matrices[0].get_entries()), lag_ratio=0.03),
                  FadeIn(frames[0]), FadeIn(note))
        self.caption(f"each token looks up its own column of {trace.d_model} numbers; the first {DOT_ROWS} as dots (colour: the sign)")
        return frames, [m.get_entries() for m in matrices]

    def te_dots_positions(self, trace, matrices: list[DotMatrix], frames: list[VGroup], columns: list[VGroup],
                          boxes: VGroup | None) -> None:
        """Position is added: the second row of dots, then the sums in the third."""
        self.beat("positions")
        if boxes:
            self.play(FadeOut(boxes))
        plus = self.row_label(self.added_name(trace), matrices[0], matrices[1])
        self.play(LaggedStart(*(FadeIn(c, shift=UP * 0.2) for c in columns[1]), lag_ratio=0.03), FadeIn(frames[1]),
                  FadeIn(plus))
        self.caption("the position of each token is written into its column too")
        equals = self.row_label(self.sum_name(trace), matrices[1], matrices[2])
        self.play(LaggedStart(*(FadeIn(c, shift=DOWN * 0.3) for c in columns[2]), lag_ratio=0.03), FadeIn(frames[2]),
                  FadeIn(equals), run_time=1.5)
        self.caption(f"{self.sum_note(trace)}: one column per token, {trace.d_model} numbers each")

    def sentence_text(self):
        """The sentence as typed, on as many lines as it needs at a readable size."""
        sentence = label(self.settings.sentence, self.theme, 36)
        lines = max(1, min(4, math.ceil(sentence.width / (config.frame_width - 1.2))))
        if lines > 1:
            sentence = label("\n".join(textwrap.wrap(self.settings.sentence, math.ceil(len(self.settings.sentence) / lines) + 2)),
                             self.theme, 36)
        if sentence.width > config.frame_width - 1.2:
            sentence.scale_to_fit_width(config.frame_width - 1.2)
        return sentence

    # --- the beats both layouts share (columns of numbers, rows of dots) --------------------
    def same_word_beat(self, trace, tokens: VGroup, first_row: VGroup, buff: float = SMALL_BUFF) -> VGroup | None:
        """A word that appears more than once: all its columns boxed (the same numbers, before position);
        None when every word is different (no beat)."""
        repeats = self.repeated(trace.tokens)
        if not repeats:
            return None
        self.beat("same word")
        boxes = VGroup(*(SurroundingRectangle(VGroup(tokens[i], first_row[i]), color=self.theme.of("selected"), buff=buff)
                         for i in repeats))
        self.play(FadeIn(boxes))
        times = {2: "twice", 3: "three times"}.get(len(repeats), f"{len(repeats)} times")
        every = "both times" if len(repeats) == 2 else "every time"
        self.caption(f"“{short(trace.tokens[repeats[0]])}” appears {times}: the same column {every}, before position")
        self.wait(1)
        return boxes

    def followed_token_beat(self, trace, tokens: VGroup, rows) -> None:
        """The token the next clips follow: its word and its column in every row boxed."""
        qi = self.settings.query_index(trace)
        self.beat("followed token")
        followed = SurroundingRectangle(VGroup(tokens[qi], *(row[qi] for row in rows)), color=self.theme.of("selected"), buff=0.06)
        self.play(tokens[qi].animate.set_color(self.theme.query), FadeIn(followed))
        self.caption(f"“{short(trace.tokens[qi])}”: the token whose update the next clips follow")
        self.wait(1.5)

    @staticmethod
    def added(trace):
        """The row added to the tokens' row, so that the rows drawn add up to the third exactly: the
        position (and, for MiniLM, the segment embedding every token of one sentence gets)."""
        return trace.added_to_tokens if trace.model == "minilm" else trace.positions

    @staticmethod
    def added_name(trace) -> str:
        return "+ position + segment" if trace.model == "minilm" else "+ position"

    @staticmethod
    def sum_is_e(trace) -> bool:
        """Token + position is the traced layer's input E itself (layer 0 of a model without LayerNorm first)."""
        return trace.layer == 0 and trace.model != "minilm"

    def sum_name(self, trace) -> str:
        """The sum row's name."""
        if self.sum_is_e(trace):
            return "= E"
        return "= token + position" + (" + segment" if trace.model == "minilm" else "")

    def sum_note(self, trace) -> str:
        """What the sum of the rows is, true to the model."""
        if trace.model == "minilm":
            return f"token + position + segment, then LayerNorm{' and earlier layers' if trace.layer else ''}, is E"
        if self.sum_is_e(trace):
            return "token + position = E"
        return f"token + position is the first layer's input; layer {trace.layer}'s E comes after {trace.layer} layers"

    def font_for(self, trace) -> float:
        """The numbers' font: as large as the token count leaves room for (at most ``MAX_FONT``)."""
        longest = max(len(format_number(float(v), self.settings.decimals))
                      for a in (trace.token_embeddings, trace.positions, trace.input_embeddings) for v in a[:, :4].ravel())
        slot = (config.frame_width - 0.6 - BRACE_ROOM) / len(trace.tokens) - 0.12
        return min(MAX_FONT, (slot - 0.36) / (longest * MONO_CHAR_WIDTH))

    def scale_of(self, *arrays) -> float:
        return max(float(abs(a[:, :4]).max()) for a in arrays) or 1.0

    def column(self, values, scale: float, show_dimension: bool = False) -> VectorColumn:
        return VectorColumn(values, self.theme, n_shown=4, decimals=self.settings.decimals, font_size=self.number_font,
                            color_by_value=True, value_scale=scale, show_dimension=show_dimension)

    def embedding_columns(self, values, tokens: TokenBoxes, scale: float) -> VGroup:
        """One column per token, its numbers centred under the token's box; the last one with the dimension."""
        cols = VGroup()
        for i, box in enumerate(tokens):
            col = self.column(values[i], scale, show_dimension=(i == len(tokens) - 1))
            cols.add(col.center_entries_on(box.get_center()[0]))
        top = max(c.get_top()[1] for c in cols)
        for col in cols:
            col.shift(UP * (top - col.get_top()[1]))
        return cols

    @staticmethod
    def under(column: VectorColumn, above: VectorColumn) -> VectorColumn:
        """``column`` below ``above``, its numbers centred under the numbers above (not under a brace)."""
        return column.next_to(above, DOWN, buff=0.35).center_entries_on(above.get_entries().get_center()[0])

    @staticmethod
    def below(cols: VGroup, above, buff: float) -> VGroup:
        """``cols`` moved straight down (not sideways) to ``buff`` under ``above``."""
        return cols.shift(UP * (above.get_bottom()[1] - buff - cols.get_top()[1]))

    def row_label(self, text: str, above: VGroup, below: VGroup) -> VGroup:
        """A row's name in the gap between two rows of columns, at the left."""
        tag = label(text, self.theme, 20, color=self.theme.muted)
        gap = (above.get_bottom()[1] + below.get_top()[1]) / 2
        return tag.move_to([above.get_left()[0] + tag.width / 2, gap, 0])

    @staticmethod
    def entries(cols: VGroup) -> VGroup:
        return VGroup(*(e for c in cols for e in c.get_entries()))

    @staticmethod
    def repeated(tokens) -> list[int]:
        """Every index of the first token text that appears more than once (counted, not assumed twice).

        Examples
        --------
        >>> TokensToEmbeddings.repeated(["the", "dog", "and", "The", "bird", "and", "the"])
        [0, 3, 6]
        """
        seen: dict[str, int] = {}
        for i, t in enumerate(tokens):
            if t.casefold() in seen:
                first = t.casefold()
                return [j for j, u in enumerate(tokens) if u.casefold() == first]
            seen[t.casefold()] = i
        return []

    def tokens_note(self, trace, n: int) -> str:
        """What the boxes are: the tokenizer's tokens, or words whose pieces were merged (their vectors averaged)."""
        if trace.is_words:
            return (f"{n} words; {self.model_name(trace)} cuts them into {len(trace.merge['pieces'])} tokens "
                    "(a word's vectors: its pieces' mean; --pieces shows them)")
        return f"{n} tokens, as {self.model_name(trace)}'s tokenizer splits the sentence"
