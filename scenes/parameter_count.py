"""How many parameters attention takes: GPT-3's tally, line by line, from the parameter counter."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, GrowFromEdge, Rectangle, VGroup

from scenes.kit.base import AttentionScene
from scenes.kit.mobjects import approx, grouped, label


class ParameterCount(AttentionScene):
    description = "GPT-3's attention parameters from the counter: 1.6M per matrix, 6.3M per head, ~58B of 175B."
    needs = ("parameter_count",)

    def construct(self) -> None:
        count = self.settings.parameter_count()
        cfg = count.config
        steps = [
            (f"one matrix, W_q: d_model × d_head = {grouped(cfg.d_model)} × {grouped(cfg.d_head)}", count.per_matrix),
            ("× 4 matrices per head: W_q, W_k, value-down, value-up", count.per_head),
            (f"× {cfg.n_heads} heads per block", count.per_block_attention),
            (f"× {cfg.n_layers} blocks", count.attention_total),
        ]

        # --- the tally, one multiplication per line: a head, then heads and blocks ---------
        self.beat("one head")
        self.title(f"Attention's parameters in {cfg.name}")
        table = VGroup(*(self.row(text, value) for text, value in steps),
                       self.row(f"all of {cfg.name}", count.total)).arrange(DOWN, buff=0.35, aligned_edge=RIGHT)
        table[-1].shift(DOWN * 0.2)
        table.next_to(self.title_mobject, DOWN, buff=0.45).set_x(0)
        if table.width > 13:
            table.scale_to_fit_width(13)
        rows, total = table[:-1], table[-1]
        self.record("tally", VGroup(*(row[1] for row in rows)), [value for _, value in steps])
        for i, row in enumerate(rows):
            if i == 2:
                self.beat("heads and blocks")
            self.play(FadeIn(row, shift=UP * 0.15), run_time=0.8)
            self.caption(["each matrix maps a 12,288-dimensional embedding to a 128-dimensional query space",
                          "queries, keys, and the value map factored into down and up",
                          "every head has its own four matrices",
                          "and every block has its own heads"][i] if cfg.d_model == 12288 else steps[i][0])

        # --- against the whole model --------------------------------------------------------
        self.beat("share")
        self.record("total", VGroup(total[1]), [count.total])
        bar = Rectangle(width=11, height=0.35, stroke_color=self.theme.muted, fill_opacity=0)
        part = Rectangle(width=11 * count.attention_fraction, height=0.35, stroke_width=0,
                         fill_color=self.theme.query, fill_opacity=0.8)
        bar.next_to(total, DOWN, buff=0.45).set_x(0)
        part.align_to(bar, LEFT).align_to(bar, UP)
        share = label(f"attention: {count.attention_fraction:.0%} of all parameters", self.theme, 20,
                      color=self.theme.query).next_to(bar, DOWN, buff=0.15)
        self.play(FadeIn(total, shift=UP * 0.15))
        self.play(FadeIn(bar), GrowFromEdge(part, LEFT), FadeIn(share))
        self.caption(f"about {approx(count.attention_total)} of {approx(count.total)} parameters are attention weights; "
                     "the rest: embeddings, MLPs, layer norms")
        self.wait(2)

    def row(self, text: str, value: int) -> VGroup:
        """'description   1,572,864 ≈ 1.6M', the number right-aligned."""
        words = label(text, self.theme, 20, color=self.theme.muted)
        figure = label(grouped(value), self.theme, 24)
        rough = label(f"≈ {approx(value)}", self.theme, 20, color=self.theme.query)
        figure.next_to(words, RIGHT, buff=0.4)
        rough.next_to(figure, RIGHT, buff=0.25)
        return VGroup(words, figure, rough)
