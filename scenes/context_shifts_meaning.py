"""Context shifts meaning: one word in three sentences, moved layer by layer toward landmarks of its meanings."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, Create, DashedLine, Dot, FadeIn, FadeOut, Line, Rectangle,
                   ReplacementTransform, SurroundingRectangle, VGroup, config)

from scenes.catalog import about
from scenes.kit.attention_scene import AttentionScene
from scenes.kit.fades import IN_SECOND, OUT_FIRST
from scenes.kit.mobjects import VectorColumn, format_number, label


NOTE_SIZE = 16        # the panel's notes: capitals ≥ 12 px at 720p (MIN_TEXT_POINTS is 13.5), never scaled down
PATH_WIDTH = 5        # each layer's step
TRAIL_OPACITY = 0.8   # earlier steps, a little behind the newest, still plain to see


class ContextShiftsMeaning(AttentionScene):
    description = about("ContextShiftsMeaning").description
    needs = ("meaning_shift",)

    def construct(self) -> None:
        shift = self.settings.meaning_shift()
        colors = [self.theme.series[i % len(self.theme.series)] for i in range(len(shift.sentences))]   # senses are no Q/K/V role
        sentences, columns = self.csm_same_start(shift, colors)
        legend, plane = self.csm_landmarks(shift, colors, sentences, columns)
        self.csm_layers(shift, colors, sentences, legend, plane)
        self.csm_nearest(shift, colors, plane)

    # --- beats (prefixed: AttentionBlock inherits every chapter's helpers) --------------------
    def csm_same_start(self, shift, colors: list) -> tuple[VGroup, VGroup]:
        """The same start: the three sentences, and the word's state entering layer 0 in each."""
        word = shift.word
        self.beat("same start")
        self.title(f"Context shifts the meaning of “{word}”")
        sentences = VGroup(*(label(f"#{i + 1}  {s}", self.theme, 18, color=c)
                             for i, (s, c) in enumerate(zip(shift.sentences, colors))))
        sentences.arrange(DOWN, buff=0.18, aligned_edge=LEFT)
        sentences.next_to(self.title_mobject, DOWN, buff=0.35).to_edge(LEFT, buff=0.4)
        columns = VGroup(*(VectorColumn(e, self.theme, n_shown=4, decimals=self.settings.decimals, font_size=16,
                                        bracket_color=c) for e, c in zip(shift.token_embeddings, colors)))
        columns.arrange(RIGHT, buff=0.5).next_to(sentences, DOWN, buff=0.4).align_to(sentences, LEFT)
        self.record("initial", VGroup(*(m for col in columns for m in col.get_entries())),
                    shift.token_embeddings[:, :4])
        self.play(FadeIn(sentences, shift=RIGHT * 0.2))
        self.play(FadeIn(columns))
        same_state = bool(np.allclose(shift.states[0], shift.states[0][:1], atol=1e-6))
        self.caption(f"“{word}” enters layer 0 with the same state in every sentence (same token, same position)"
                     if same_state else f"“{word}” starts from the same token embedding in every sentence ({shift.model})")
        self.wait(1)
        return sentences, columns

    def csm_landmarks(self, shift, colors: list, sentences: VGroup, columns: VGroup) -> tuple[VGroup, SimpleNamespace]:
        """Landmarks: the word where its meaning is plain, as rings in the plane's panel beside the sentences'
        dots at layer 0; the legend, and the plane (``place``: plane → frame, and what it shows)."""
        self.beat("landmarks")
        legend = self.meaning_legend(shift, colors).next_to(sentences, DOWN, buff=0.35).align_to(sentences, LEFT)
        panel = self.csm_panel(shift, max(sentences.width, legend.width))
        place = self.plane_mapping(np.concatenate([shift.projected, shift.landmarks_projected], axis=1), panel)
        rings = VGroup(*(self.landmark(place(shift.landmarks_projected[0, k]), shift.meanings[k], c, place(np.zeros(2)),
                                       named=not self.coincide(shift.landmarks_projected[0]))
                         for k, c in enumerate(colors)))
        start = Circle(radius=0.2, stroke_color=self.theme.text, stroke_width=2).move_to(place(shift.projected[0, 0]))
        start_name = label("layer 0: one point", self.theme, NOTE_SIZE, color=self.theme.text).next_to(start, DOWN,
                                                                                                     buff=0.12)
        dots = VGroup(*(Dot(place(shift.projected[0, s]), radius=0.08, color=c) for s, c in enumerate(colors)))
        layer_name = label("layer 0 input (the embedding)", self.theme, NOTE_SIZE, color=self.theme.text)
        layer_name.next_to(panel, DOWN, buff=0.1)
        self.play(FadeOut(columns, rate_func=OUT_FIRST), FadeIn(legend, shift=RIGHT * 0.2, rate_func=IN_SECOND))
        self.play(Create(panel), FadeIn(self.plane_note), FadeIn(layer_name))
        self.play(Create(start), FadeIn(start_name), FadeIn(dots), FadeIn(rings))
        self.caption(f"landmarks: “{shift.word}” in a reference sentence for each meaning, in the same model")
        self.wait(1)
        return legend, SimpleNamespace(place=place, dots=dots, rings=rings, start_name=start_name,
                                       layer_name=layer_name, trails=VGroup())

    def csm_panel(self, shift, left_width: float) -> Rectangle:
        """The plane's panel at the right of the frame, beside ``left_width`` of sentences and legend, under
        its note (``self.plane_note``, placed, not shown)."""
        panel_width = min(config.frame_width - left_width - 1.3, 6.4)
        plane_note = self.panel_note("plane through the landmarks (unit vectors): nearest = highest cosine"
                                     if shift.exact else
                                     "plane of the landmarks' two main axes (unit vectors): approximate, "
                                     "the table is exact", panel_width)
        plane_note.next_to(self.title_mobject, DOWN, buff=0.15)
        top = plane_note.get_bottom()[1] - 0.1
        bottom = -config.frame_height / 2 + 1.05
        panel = Rectangle(width=panel_width, height=top - bottom, stroke_color=self.theme.muted, stroke_width=1)
        panel.to_edge(RIGHT, buff=0.35).set_y((top + bottom) / 2)
        plane_note.set_x(panel.get_x())
        self.plane_note = plane_note
        return panel

    def csm_layers(self, shift, colors: list, sentences: VGroup, legend: VGroup, plane: SimpleNamespace) -> None:
        """Layer by layer: each word's step in the plane, and its cosine to each landmark in the table."""
        decimals = max(self.settings.decimals, 3)   # the landmarks differ in the second decimal
        self.beat("layers")
        table = self.similarity_table(shift, 0, colors, decimals)
        table.next_to(legend, DOWN, buff=0.4).align_to(sentences, LEFT)
        self.play(FadeIn(table), FadeOut(plane.start_name))
        self.caption("the table: cosine of each sentence’s word to each landmark; the box marks the nearest")
        for layer in range(1, shift.states.shape[0]):
            table = self.csm_layer_step(shift, colors, decimals, layer, plane, table)
        self.record("final_dots", plane.dots, shift.projected[-1])
        self.record("final_landmarks", VGroup(*(r[0] for r in plane.rings)), shift.landmarks_projected[-1])
        self.drawn_positions = {"words": np.array([d.get_center()[:2] for d in plane.dots]),
                                "landmarks": np.array([r[0].get_center()[:2] for r in plane.rings])}

    def csm_layer_step(self, shift, colors: list, decimals: int, layer: int, plane: SimpleNamespace,
                       table: VGroup) -> VGroup:
        """One layer's step: the words' dots and the landmarks move on (the last steps left as trails), the
        layer's name and the table change; the new table."""
        place = plane.place
        steps = VGroup(*(Line(place(shift.projected[layer - 1, s]), place(shift.projected[layer, s]),
                              color=c, stroke_width=PATH_WIDTH) for s, c in enumerate(colors)))
        new_dots = VGroup(*(Dot(place(shift.projected[layer, s]), radius=0.08, color=c)
                            for s, c in enumerate(colors)))
        new_rings = VGroup(*(self.landmark(place(shift.landmarks_projected[layer, k]), shift.meanings[k], c,
                                           place(np.zeros(2))) for k, c in enumerate(colors)))
        new_name = label(f"after layer {layer}", self.theme, NOTE_SIZE, color=self.theme.text).move_to(plane.layer_name)
        new_table = self.similarity_table(shift, layer, colors, decimals).move_to(table, aligned_edge=LEFT)
        self.bring_to_front(plane.dots)
        self.play(Create(steps), ReplacementTransform(plane.dots, new_dots), *self.rings_step(plane.rings, new_rings),
                  plane.trails.animate.set_stroke(opacity=TRAIL_OPACITY), FadeOut(plane.layer_name, rate_func=OUT_FIRST),
                  FadeIn(new_name, rate_func=IN_SECOND), *self.table_step(table, new_table), run_time=0.9)
        plane.trails.add(*steps)
        plane.dots, plane.rings, plane.layer_name = new_dots, new_rings, new_name
        self.wait(0.3)
        return new_table

    def csm_nearest(self, shift, colors: list, plane: SimpleNamespace) -> None:
        """Nearest: each word joined to its nearest landmark after the last layer (``self.trails``: the steps)."""
        self.beat("nearest")
        nearest = shift.nearest[-1]
        links = VGroup(*(DashedLine(plane.dots[s].get_center(), plane.rings[int(k)][0].get_center(), color=colors[s],
                                    stroke_width=2) for s, k in enumerate(nearest)))
        self.play(Create(links))
        self.trails = plane.trails
        self.caption(self.claim(shift))
        self.record("claim", VGroup(self._caption), shift.own_meaning_nearest())
        self.wait(2)

    @staticmethod
    def rings_step(old: VGroup, new: VGroup) -> list:
        """The landmarks to the next layer: rings and shown names move; a name hidden before (layer 0's one
        point) fades in at its place once the others have moved off it, not out of the pile of hidden names."""
        steps = []
        for before, after in zip(old, new):
            steps.append(ReplacementTransform(before[0], after[0]))
            if any(part.get_fill_opacity() > 0 for part in before[1].family_members_with_points()):
                steps.append(ReplacementTransform(before[1], after[1]))
            else:
                steps += [FadeOut(before[1]), FadeIn(after[1], rate_func=IN_SECOND)]
        return steps

    @staticmethod
    def table_step(old: VGroup, new: VGroup) -> list:
        """One similarity table into the next: a cell whose text stays (meanings, #s) moves to its new place;
        the others (numbers, the layer) and the boxes fade out, then the new ones in, never both at once."""
        (old_rows, old_boxes), (new_rows, new_boxes) = old, new
        steps, leaving, coming = [], VGroup(old_boxes), VGroup(new_boxes)
        for old_row, new_row in zip(old_rows, new_rows):
            for before, after in zip(old_row, new_row):
                if before.text == after.text:
                    steps.append(ReplacementTransform(before, after))
                else:
                    leaving.add(before)
                    coming.add(after)
        return [*steps, FadeOut(leaving, rate_func=OUT_FIRST), FadeIn(coming, rate_func=IN_SECOND)]

    def panel_note(self, text: str, width: float) -> VGroup:
        """The note over the panel at ``NOTE_SIZE`` in the text colour: one line, or two split after the
        colon when one would be wider than the panel (smaller type would not be read)."""
        line = label(text, self.theme, NOTE_SIZE, color=self.theme.text)
        if line.width <= width or ": " not in text:
            return VGroup(line)
        first, rest = text.split(": ", 1)
        return VGroup(label(first + ":", self.theme, NOTE_SIZE, color=self.theme.text),
                      label(rest, self.theme, NOTE_SIZE, color=self.theme.text)).arrange(DOWN, buff=0.08)

    def claim(self, shift) -> str:
        """The closing caption: what the final layer's numbers show, nothing more."""
        own = shift.own_meaning_nearest()
        low, high = float(shift.similarity[-1].min()), float(shift.similarity[-1].max())
        if own.all():
            return (f"each “{shift.word}” ends nearest the landmark of its own meaning "
                    f"(all stay similar: cosine {low:.2f} to {high:.2f})")
        wrong = ", ".join(f"#{s + 1} nearest {shift.meanings[int(k)]}" for s, k in enumerate(shift.nearest[-1])
                          if k != s)
        return f"not every “{shift.word}” ends nearest its own meaning: {wrong}"

    def meaning_legend(self, shift, colors) -> VGroup:
        """One line per landmark: a ring in its colour, its name, the reference sentence."""
        rows = VGroup()
        for meaning, reference, c in zip(shift.meanings, shift.references, colors):
            ring = Circle(radius=0.09, stroke_color=c, stroke_width=3)
            rows.add(VGroup(ring, label(f"{meaning}: {reference}", self.theme, 16, color=self.theme.text))
                     .arrange(RIGHT, buff=0.15))
        rows.arrange(DOWN, buff=0.14, aligned_edge=LEFT)
        head = label("landmarks: the word in a reference sentence", self.theme, 16, color=self.theme.muted)
        return VGroup(head, rows).arrange(DOWN, buff=0.14, aligned_edge=LEFT)

    @staticmethod
    def coincide(points: np.ndarray) -> bool:
        """All at one point (layer 0: one state in every sentence): one label, not a pile of names."""
        return bool(np.ptp(points, axis=0).max() < 1e-9)

    def landmark(self, point: np.ndarray, meaning: str, color, centre: np.ndarray, named: bool = True) -> VGroup:
        """A ring at the landmark and its name, placed outward from the plane's centre."""
        ring = Circle(radius=0.16, stroke_color=color, stroke_width=3).move_to(point)
        outward = point - centre
        norm = float(np.linalg.norm(outward[:2]))
        direction = outward / norm if norm > 1e-6 else UP
        name = label(meaning, self.theme, 16, color=color)
        name.move_to(point + direction * (0.3 + 0.5 * max(name.width, name.height)))
        if not named:
            name.set_opacity(0)
        return VGroup(ring, name)

    def similarity_table(self, shift, layer: int, colors, decimals: int) -> VGroup:
        """cos(word in sentence s, landmark k) at ``layer``, the nearest boxed; recorded for the tests."""
        header = VGroup(label(f"cos at layer {layer}" if layer else "cos, layer 0", self.theme, 16,
                              color=self.theme.muted),
                        *(label(m, self.theme, 16, color=c) for m, c in zip(shift.meanings, colors)))
        rows, numbers, boxes = [header], VGroup(), VGroup()
        for s, c in enumerate(colors):
            cells = [label(f"#{s + 1}", self.theme, 18, color=c)]
            for k in range(len(shift.meanings)):
                cells.append(label(format_number(float(shift.similarity[layer, s, k]), decimals), self.theme, 18))
            numbers.add(*cells[1:])
            rows.append(VGroup(*cells))
        widths = [max(r[i].width for r in rows) + 0.3 for i in range(len(header))]
        for r, row in enumerate(rows):
            x = 0.0
            for i, cell in enumerate(row):
                cell.move_to(RIGHT * (x + widths[i] / 2) + DOWN * 0.42 * r)
                x += widths[i]
        table = VGroup(*rows)
        for s in range(len(colors)):
            k = int(shift.nearest[layer, s])
            if k < 0:
                continue          # a tie (layer 0: one state for all): no nearest landmark to mark
            boxes.add(SurroundingRectangle(rows[s + 1][k + 1], color=colors[k], buff=0.05, stroke_width=2))
        self.record(f"similarity_{layer}", numbers, shift.similarity[layer].flatten())
        return VGroup(table, boxes)

    @staticmethod
    def plane_mapping(points: np.ndarray, frame: Rectangle):
        """Map plane coordinates into the frame, fitted to every point of every layer (one scale, both axes)."""
        flat = points.reshape(-1, 2)
        low, high = flat.min(axis=0), flat.max(axis=0)
        centre = (low + high) / 2
        scale = 0.72 * min(frame.width / max(high[0] - low[0], 1e-9), frame.height / max(high[1] - low[1], 1e-9))
        origin = frame.get_center()

        def place(point: np.ndarray) -> np.ndarray:
            x, y = (np.asarray(point) - centre) * scale
            return origin + RIGHT * x + UP * y

        return place
