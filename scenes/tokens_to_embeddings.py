"""Tokens and their embeddings: the sentence splits into tokens, each becomes a column, position is added."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, FadeIn, FadeOut, LaggedStart, ReplacementTransform, SurroundingRectangle, VGroup

from scenes.kit.base import AttentionScene
from scenes.kit.mobjects import TokenBoxes, VectorColumn, label


class TokensToEmbeddings(AttentionScene):
    description = "The sentence becomes tokens; each token a column of numbers; the position is added."

    def construct(self) -> None:
        trace = self.trace()
        d = self.settings.decimals

        # --- the sentence splits into tokens ----------------------------------------------
        self.beat("tokens")
        sentence = label(self.settings.sentence, self.theme, 30)
        if sentence.width > 12.5:
            sentence.scale_to_fit_width(12.5)
        self.play(FadeIn(sentence))
        probe = self.column(trace.token_embeddings[0], 1.0)        # every column is about this wide
        tokens = TokenBoxes(trace.tokens, self.theme, font_size=20, max_width=12.6,
                            min_box_width=probe.width + 0.12).to_edge(UP, buff=0.3).shift(LEFT * 0.2)
        self.play(ReplacementTransform(sentence, tokens), run_time=1.2)
        self.caption(f"{len(trace.tokens)} tokens, as {trace.model}'s tokenizer splits the sentence")

        # --- each token becomes a column of numbers ---------------------------------------
        self.beat("embeddings")
        scale = self.scale_of(trace.token_embeddings, trace.positions, trace.input_embeddings)
        token_cols = self.embedding_columns(trace.token_embeddings, tokens, scale)
        self.play(LaggedStart(*(FadeIn(c, shift=DOWN * 0.2) for c in token_cols), lag_ratio=0.06))
        self.caption(f"each token looks up its own column of {trace.d_model} numbers (the first few shown)")

        # --- the same word, the same column -----------------------------------------------
        repeats = self.repeated(trace.tokens)
        if repeats:
            self.beat("same word")
            boxes = VGroup(*(SurroundingRectangle(VGroup(tokens[i], token_cols[i]), color=self.theme.query) for i in repeats))
            self.play(FadeIn(boxes))
            self.caption(f"“{trace.tokens[repeats[0]]}” appears twice: the same column both times, before position")
            self.play(FadeOut(boxes))

        # --- position is added ------------------------------------------------------------
        self.beat("positions")
        pos_cols = VGroup(*(self.under(self.column(trace.positions[i], scale), col) for i, col in enumerate(token_cols)))
        plus = label("+ position", self.theme, 20, color=self.theme.muted).next_to(pos_cols, DOWN, buff=0.25)
        self.play(LaggedStart(*(FadeIn(c, shift=UP * 0.2) for c in pos_cols), lag_ratio=0.06), FadeIn(plus))
        self.caption("the position of each token is written into its column too")
        sums = self.embedding_columns(trace.input_embeddings, tokens, scale)
        self.play(*(ReplacementTransform(VGroup(t, p), s) for t, p, s in zip(token_cols, pos_cols, sums)),
                  FadeOut(plus), run_time=1.5)
        note = "token + position" + (" (+ segment), then LayerNorm, is E" if trace.model == "minilm" else " = E")
        self.caption(f"{note}: one column per token, {trace.d_model} numbers each")
        self.wait(1.5)

    def scale_of(self, *arrays) -> float:
        return max(float(abs(a[:, :4]).max()) for a in arrays) or 1.0

    def column(self, values, scale: float, show_dimension: bool = False) -> VectorColumn:
        return VectorColumn(values, self.theme, n_shown=4, decimals=self.settings.decimals, font_size=13,
                            color_by_value=True, value_scale=scale, show_dimension=show_dimension)

    @staticmethod
    def under(column: VectorColumn, above: VectorColumn) -> VectorColumn:
        """``column`` below ``above``, its numbers centred under the numbers above (not under a brace)."""
        return column.next_to(above, DOWN, buff=0.35).center_entries_on(above.get_entries().get_center()[0])

    def embedding_columns(self, values, tokens: TokenBoxes, scale: float) -> VGroup:
        cols = VGroup()
        for i, box in enumerate(tokens):
            col = self.column(values[i], scale, show_dimension=(i == len(tokens) - 1)).next_to(box, DOWN, buff=0.3)
            cols.add(col.center_entries_on(box.get_center()[0]))
        return cols

    @staticmethod
    def repeated(tokens) -> list[int]:
        """Indices of the first token text that appears more than once."""
        seen: dict[str, int] = {}
        for i, t in enumerate(tokens):
            if t.casefold() in seen:
                return [seen[t.casefold()], i]
            seen[t.casefold()] = i
        return []
