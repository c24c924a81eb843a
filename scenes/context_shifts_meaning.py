"""Context shifts meaning: one word in three sentences, pulled apart layer by layer (measured)."""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, Line, ReplacementTransform, Rectangle,
                   VGroup)

from scenes.kit.base import AttentionScene
from scenes.kit.mobjects import VectorColumn, format_number, label


class ContextShiftsMeaning(AttentionScene):
    description = "“mole” in three sentences: one embedding at first, hidden states moving apart layer by layer."
    needs = ("meaning_shift",)

    def construct(self) -> None:
        shift = self.settings.meaning_shift()
        colors = [self.theme.query, self.theme.key, self.theme.output, self.theme.value_down]
        n_layers = shift.states.shape[0]

        # --- the same embedding in every sentence -----------------------------------------
        self.beat("same start")
        self.title(f"Context shifts the meaning of “{shift.word}”")
        sentences = VGroup(*(label(f"#{i + 1}  {s}", self.theme, 20, color=c)
                             for i, (s, c) in enumerate(zip(shift.sentences, colors))))
        sentences.arrange(DOWN, buff=0.25, aligned_edge=LEFT).to_edge(LEFT, buff=0.5).shift(UP * 1.2)
        columns = VGroup(*(VectorColumn(e, self.theme, n_shown=4, decimals=self.settings.decimals, font_size=16,
                                        bracket_color=c) for e, c in zip(shift.token_embeddings, colors)))
        columns.arrange(RIGHT, buff=0.5).next_to(sentences, DOWN, buff=0.5).align_to(sentences, LEFT)
        self.record("initial", VGroup(*(m for col in columns for m in col.get_entries())),
                    shift.token_embeddings[:, :4])
        self.play(FadeIn(sentences, shift=RIGHT * 0.2))
        self.play(FadeIn(columns))
        self.caption(f"before any attention, “{shift.word}” has the same embedding in all three ({shift.model})")
        self.wait(1)

        # --- the hidden states, layer by layer, in one PCA plane --------------------------
        self.beat("layers")
        plane = Rectangle(width=6.2, height=4.6, stroke_color=self.theme.muted, stroke_width=1)
        plane.to_edge(RIGHT, buff=0.4).shift(DOWN * 0.3)
        axes_note = label(f"PCA of all tokens' hidden states ({shift.explained[0]:.0%} + {shift.explained[1]:.0%} "
                          "of the variance)", self.theme, 14, color=self.theme.muted).next_to(plane, UP, buff=0.1)
        self.play(FadeOut(columns), Create(plane), FadeIn(axes_note))
        place = self.plane_mapping(shift.projected, plane)
        dots = VGroup(*(Dot(place(shift.projected[0, s]), radius=0.07, color=c) for s, c in enumerate(colors[:len(shift.sentences)])))
        layer_name = label("embedding (layer 0 input)", self.theme, 18, color=self.theme.muted)
        layer_name.next_to(plane, DOWN, buff=0.1)
        table = self.similarity_table(shift, 0, colors).next_to(sentences, DOWN, buff=0.6).align_to(sentences, LEFT)
        self.play(FadeIn(dots), FadeIn(layer_name), FadeIn(table))
        self.caption("each dot is the word's hidden state; the table: cosine similarity of each pair")
        for layer in range(1, n_layers):
            trails = VGroup(*(Line(place(shift.projected[layer - 1, s]), place(shift.projected[layer, s]),
                                   color=c, stroke_width=3) for s, c in enumerate(colors[:len(shift.sentences)])))
            new_dots = VGroup(*(Dot(place(shift.projected[layer, s]), radius=0.07, color=c)
                                for s, c in enumerate(colors[:len(shift.sentences)])))
            new_name = label(f"after layer {layer}", self.theme, 18, color=self.theme.muted).move_to(layer_name)
            new_table = self.similarity_table(shift, layer, colors).move_to(table, aligned_edge=LEFT)
            self.play(Create(trails), ReplacementTransform(dots, new_dots), ReplacementTransform(layer_name, new_name),
                      ReplacementTransform(table, new_table), run_time=0.9)
            dots, layer_name, table = new_dots, new_name, new_table

        # --- apart ------------------------------------------------------------------------
        self.beat("apart")
        self.caption("attention moved each “" + shift.word + "” toward the meaning its context gives it")
        self.wait(2)

    def similarity_table(self, shift, layer: int, colors) -> VGroup:
        """The pairwise cosine similarities at ``layer``, one line per pair, recorded for the tests."""
        s = len(shift.sentences)
        pairs = [(i, j) for i in range(s) for j in range(i + 1, s)]
        rows, values = VGroup(), []
        for i, j in pairs:
            value = shift.cosine[layer, i, j]
            a = label(f"#{i + 1}", self.theme, 18, color=colors[i])
            b = label(f"#{j + 1}", self.theme, 18, color=colors[j])
            rows.add(VGroup(label("cos(", self.theme, 18), a, label(",", self.theme, 18), b, label(") =", self.theme, 18),
                            label(format_number(value, self.settings.decimals), self.theme, 18)).arrange(RIGHT, buff=0.06))
            values.append(value)
        rows.arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        self.record(f"cosine_{layer}", VGroup(*(row[-1] for row in rows)), values)
        return rows

    @staticmethod
    def plane_mapping(points: np.ndarray, frame: Rectangle):
        """Map PCA coordinates to the frame, fitted to the word's points (the same scale on both axes)."""
        flat = points.reshape(-1, 2)
        low, high = flat.min(axis=0), flat.max(axis=0)
        centre = (low + high) / 2
        scale = 0.85 * min(frame.width / max(high[0] - low[0], 1e-9), frame.height / max(high[1] - low[1], 1e-9))
        origin = frame.get_center()

        def place(point: np.ndarray) -> np.ndarray:
            x, y = (np.asarray(point) - centre) * scale
            return origin + RIGHT * x + UP * y

        return place
