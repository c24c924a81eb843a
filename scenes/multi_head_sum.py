"""Many heads: a stack of patterns spread into panels, each head's ΔE⁽ʰ⁾ added into E⃗, and the
value-ups stapled into W_O at their real shapes."""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Brace, FadeIn, FadeOut, LaggedStart, Line, Rectangle, ReplacementTransform,
                   SurroundingRectangle, VGroup, config)

from scenes.catalog import about
from scenes.kit.attention_scene import AttentionScene
from scenes.kit.captions import CAPTION_TOP
from scenes.kit.fades import IN_SECOND, OUT_FIRST
from scenes.kit.mobjects import AttentionGrid, VectorColumn, label, short
from scenes.kit.notation import W_O, b_O, typeset
from scenes.kit.model_rules import MAX_TOKENS

SHOWN_HEADS = 4
ENTRIES = 4           # entries of each vector shown, then ⋮
PANEL_W, PANEL_H = 2.4, 3.0
TALL_PANEL_H = 4.0    # beyond MAX_TOKENS rows: taller panels, so more rows keep a label,
LONG_PANEL_W = 4.4    # and wider ones,
LONG_SHOWN_HEADS = 2  # fewer of them
PANEL_GAP = 0.45      # between two panels, at least
NAME_GAP = 0.25       # from the followed word's label to its own panel's "head h" beside it, at least
NAME_CLEARANCE = 0.15  # from the followed word's label, sticking out of its panel, to the next panel's "head h"
LABEL_SIZE = 16       # ≥ 12 px capitals and digits at 720p
KEY_BUFF = 0.12       # from a key's word to its row
KEY_GAP = 0.04        # between two keys' words, when only some rows are labelled
LEADER_LEN = 0.14     # the leader from a key's word to its row, when only some rows are labelled
SUM_SIZE = 20         # the sum into E⃗, the beat's point
DEPTH = np.array([0.35, 0.28, 0.0])   # the offset from one head to the next in the stack

STACK_ZOOM = 1.5      # the stack of heads drawn up to this much larger than a panel
SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class MultiHeadSum(AttentionScene):
    description = about("MultiHeadSum").description

    def construct(self) -> None:
        trace = self.trace()
        qi = self.settings.query_index(trace)
        heads = self.mh_heads(trace)
        panels, links = self.mh_stack_of_heads(trace, heads, qi)
        key_marks = self.mh_spread_panels(trace, panels, links, heads, qi)
        proposals, scale = self.mh_proposals(trace, panels, heads, qi)
        self.mh_added_into_e(trace, panels, key_marks, proposals, heads, qi, scale)
        self.mh_output_matrix(trace)

    # --- beats (prefixed: AttentionBlock inherits every chapter's helpers) --------------------
    def mh_heads(self, trace) -> list[int]:
        """The heads shown (``self.shown_heads``), from the traced one on: fewer, larger panels for a long
        sentence, so their dots stay visible."""
        long = self.too_many_for_numbers(trace)
        heads = [(self.head + i) % trace.n_heads for i in range(min(LONG_SHOWN_HEADS if long else SHOWN_HEADS,
                                                                    trace.n_heads))]
        self.shown_heads = heads
        return heads

    def mh_stack_of_heads(self, trace, heads: list[int], qi: int) -> tuple[VGroup, VGroup]:
        """The heads, stacked in depth (``self.stack``); their panels, not yet shown, and the lines to their indices."""
        self.beat("stack of heads")
        self.title(f"{trace.n_heads} heads in layer {trace.layer}, each with its own pattern")
        panels = VGroup(*(self.mh_panel(trace, h, qi) for h in heads))
        self.record("patterns", VGroup(*(dot for p in panels for dot in p.dots)),
                    np.stack([trace.on_screen("pattern", h) for h in heads]))
        if trace.causal:
            self.record("mask_marks", VGroup(*(m for p in panels for m in p.masks)),
                        [cell for p in panels for cell in p.grid.future_cells()])
        stack, links = self.mh_stack(panels)
        self.stack = stack
        self.play(LaggedStart(*(FadeIn(layer) for layer in reversed(stack)), lag_ratio=0.25), FadeIn(links))
        more = trace.n_heads - len(heads)
        self.caption(f"{len(heads)} of the {trace.n_heads} heads" + (f" ({more} more not shown)" if more else "")
                     + f" · {typeset(trace.description)}")
        self.wait(0.5)
        return panels, links

    def mh_stack(self, panels: VGroup) -> tuple[VGroup, VGroup]:
        """Copies of the panels' bodies one behind the other, each head's index beside its layer's top edge,
        a line to it."""
        stack = VGroup(*(p.body.copy() for p in panels))
        for depth, layer in enumerate(stack):
            layer.move_to(DEPTH * depth + DOWN * 0.3 + LEFT * 0.5)
            if depth:
                layer.fade(0.4)
                layer[0][0].set_fill(opacity=1)      # dimmer, but opaque: a layer hides the ones behind it
        names_x = max(layer[1].frame.get_right()[0] for layer in stack) + 0.5
        links = VGroup()
        for layer in stack:     # each index beside its layer's top edge, clear of the layers in front
            corner = layer[1].frame.get_corner(UP + RIGHT)
            layer[4].set_fill(opacity=1).move_to([names_x + layer[4].width / 2, corner[1], 0])
            links.add(Line(corner, layer[4].get_left() + LEFT * 0.08, stroke_width=1.5, color=self.theme.muted))
        whole = VGroup(stack, links)                  # as large as the frame allows between title and caption
        room = self.title_mobject.get_bottom()[1] - 0.4 - (CAPTION_TOP + 0.3)
        whole.scale(min(STACK_ZOOM, room / whole.height, (config.frame_width - 1.0) / whole.width))
        whole.move_to(UP * (self.title_mobject.get_bottom()[1] - 0.4 + CAPTION_TOP + 0.3) / 2)
        return stack, links

    def mh_spread_panels(self, trace, panels: VGroup, links: VGroup, heads: list[int], qi: int) -> VGroup:
        """The stack spreads into panels side by side (``self.panels``), with the keys' words (``self.mh_keys``)
        and the followed word; the keys' marks (words, leaders, note)."""
        self.beat("panels")
        first = panels[0]
        column_x = first.grid.cell_center(0, qi)[0]       # the followed word's label may stick out past its panel
        overhang = first.query_label.width / 2 - min(first.grid.frame.get_right()[0] - column_x,
                                                     column_x - first.grid.frame.get_left()[0])
        row = VGroup(*(p.body for p in panels)).arrange(RIGHT, buff=max(PANEL_GAP, overhang + NAME_CLEARANCE))
        for p in panels:
            p.query_label.next_to(p.grid.cell_center(0, qi) + UP * p.grid.cell_h / 2, UP, buff=0.1)
        keys = self.mh_key_labels(trace, first.grid, heads, qi)
        key_marks = VGroup(keys, keys.leaders, keys.note)      # leaders and note empty when every row is labelled
        layout = VGroup(key_marks, row, *(p.query_label for p in panels))
        layout.next_to(self.title_mobject, DOWN, buff=0.25).set_x(0)
        if layout.width > config.frame_width - 0.6:
            layout.scale_to_fit_width(config.frame_width - 0.6).set_x(0)
        self.panels = panels
        self.play(*(ReplacementTransform(layer, p.body) for layer, p in zip(self.stack, panels)), FadeOut(links),
                  run_time=1.2)
        self.mh_keys = keys          # the labelled keys (.rows: which rows)
        self.play(FadeIn(key_marks), *(FadeIn(p.query_label) for p in panels))
        self.caption(f"the column of “{short(trace.tokens[qi])}” in each: which words each head lets it look at")
        return key_marks

    def mh_proposals(self, trace, panels: VGroup, heads: list[int], qi: int) -> tuple[VGroup, float]:
        """Each head proposes a ΔE⁽ʰ⁾, under its panel; the proposals (columns and their names) and the
        value scale they share."""
        self.beat("proposals")
        scale = float(abs(trace.delta_per_head[heads][:, qi, :ENTRIES]).max()) or 1.0
        proposals = VGroup(*(
            VectorColumn(trace.delta_per_head[h, qi], self.theme, n_shown=ENTRIES, decimals=self.settings.decimals,
                         font_size=LABEL_SIZE, bracket_color=self.theme.delta, color_by_value=True, value_scale=scale,
                         show_dimension=False)
            for h in heads))
        names = VGroup(*(label(f"ΔE⁽{str(h).translate(SUPERSCRIPT_DIGITS)}⁾", self.theme, 24, color=self.theme.delta)
                         for h in heads))                      # ΔE⁽⁰⁾: the head's number raised with its brackets
        for column, name, p in zip(proposals, names, panels):
            column.next_to(p.body, DOWN, buff=0.35).center_entries_on(p.grid.get_x())
            name.next_to(column, LEFT, buff=0.15)
        self.record("proposals", VGroup(*(m for c in proposals for m in c.get_entries())),
                    np.stack([trace.delta_per_head[h, qi, :ENTRIES] for h in heads]))
        self.play(LaggedStart(*(FadeIn(VGroup(c, n), shift=DOWN * 0.2) for c, n in zip(proposals, names)), lag_ratio=0.2))
        self.caption(f"each head proposes its own change ΔE⁽ʰ⁾ to the embedding of “{short(trace.tokens[qi])}”")
        self.wait(0.5)
        return VGroup(proposals, names), scale

    def mh_added_into_e(self, trace, panels: VGroup, key_marks: VGroup, proposals: VGroup, heads: list[int], qi: int,
                        scale: float) -> None:
        """Each ΔE⁽ʰ⁾ added into E⃗: the panels go, the proposals rise, the sum is written term by term."""
        self.beat("added into E")
        self.caption(f"each ΔE⁽ʰ⁾ is added into the embedding E⃗ of “{short(trace.tokens[qi])}”")
        e, e_name, moved, signs, rest, updated, u_name = self.mh_sum_line(trace, heads, qi, scale, proposals[0])
        # the panels out, then the proposals up: a name moving up never passes over a key's word
        self.play(FadeOut(VGroup(*(p.body for p in panels), key_marks, *(p.query_label for p in panels)),
                          rate_func=OUT_FIRST),
                  proposals.animate(rate_func=IN_SECOND).next_to(self.title_mobject, DOWN, buff=0.4),
                  run_time=1.0)
        self.sum_line.next_to(proposals, DOWN, buff=0.6).set_x(0)
        e_name.next_to(e, DOWN, buff=0.12)
        u_name.next_to(updated, DOWN, buff=0.3)
        self.play(FadeIn(e), FadeIn(e_name))
        for sign, m in zip(signs, moved):
            # down into its place in the sum: a copy of the proposal sliding there would pass over its own digits
            self.play(FadeIn(m, shift=DOWN * 0.25), FadeIn(sign), run_time=0.6)
        self.play(FadeIn(rest), FadeIn(updated), FadeIn(u_name))
        self.play(FadeIn(SurroundingRectangle(updated, color=self.theme.updated)))
        self.caption(f"E⃗′ = E⃗ + the proposals of all {trace.n_heads} heads + the output bias (the layer's real sum)")
        self.wait(1)

    def mh_sum_line(self, trace, heads: list[int], qi: int, scale: float, columns: VGroup) -> tuple:
        """The sum E⃗ + ΔE⁽ʰ⁾ + … + b_O = E⃗′ as one line under the proposals' ``columns`` (``self.sum_line``),
        its numbers recorded; its parts: E⃗ and its name, the ΔE⁽ʰ⁾ and their plus signs, the rest, E⃗′ and its name."""
        d = self.settings.decimals
        more = trace.n_heads - len(heads)
        e = VectorColumn(trace.embeddings[qi], self.theme, n_shown=ENTRIES, decimals=d, font_size=SUM_SIZE,
                         bracket_color=self.theme.embedding, show_dimension=False)
        e_name = label(f"E⃗ {short(trace.tokens[qi])}", self.theme, 20, color=self.theme.embedding)
        updated = VectorColumn(trace.updated[qi], self.theme, n_shown=ENTRIES, decimals=d, font_size=SUM_SIZE,
                               bracket_color=self.theme.updated, show_dimension=True)
        u_name = label("E⃗′", self.theme, 20, color=self.theme.updated)
        moved = VGroup(*(VectorColumn(trace.delta_per_head[h, qi], self.theme, n_shown=ENTRIES, decimals=d,
                                      font_size=SUM_SIZE, bracket_color=self.theme.delta, color_by_value=True,
                                      value_scale=scale, show_dimension=False) for h in heads))
        signs = VGroup(*(label("+", self.theme, 28) for _ in heads))
        rest = label(f"+ {more} more heads + {b_O} =" if more else f"+ {b_O} =", self.theme, 20)
        line = VGroup(e, *[m for pair in zip(signs, moved) for m in pair], rest, updated).arrange(RIGHT, buff=0.2)
        line.next_to(columns, DOWN, buff=0.5)
        if line.width > config.frame_width - 0.6:
            line.scale_to_fit_width(config.frame_width - 0.6)
        line.set_x(0)
        self.sum_line = line
        self.record("sum", VGroup(*e.get_entries(), *updated.get_entries()),
                    np.concatenate([trace.embeddings[qi, :ENTRIES], trace.updated[qi, :ENTRIES]]))
        return e, e_name, moved, signs, rest, updated, u_name

    def mh_output_matrix(self, trace) -> None:
        """The value-ups, drawn to scale (``self.ups``), stapled into one output matrix W_O (``self.stapled``)."""
        self.beat("output matrix")
        self.play(*(FadeOut(m) for m in self.mobjects if m is not self._caption))     # the heads' title too
        self.title(f"The heads' value-up matrices make one output matrix {W_O}")
        ups, indices, tall, wide = self.mh_value_ups(trace)
        self.ups = ups
        self.record("value_up_shapes", VGroup(tall[1], wide[1]), [trace.w_v_up.shape[2], trace.w_v_up.shape[1]])
        self.play(LaggedStart(*(FadeIn(u) for u in ups), lag_ratio=0.05), FadeIn(indices),
                  FadeIn(VGroup(*tall, *wide)))
        self.caption(f"the value-up matrix of each head: {trace.d_model} × {trace.d_head}, drawn to scale")
        stapled = ups.copy().arrange(RIGHT, buff=0).move_to(ups).set_color(self.theme.output).set_fill(opacity=0.35)
        stapled.set_stroke(width=1)
        self.stapled = stapled
        w_o_brace = Brace(stapled, UP, color=self.theme.muted)
        w_o_width = label(f"{trace.n_heads} × {trace.d_head} = {trace.n_heads * trace.d_head}", self.theme, LABEL_SIZE,
                          color=self.theme.muted).next_to(w_o_brace, UP, buff=0.06)
        w_o = label(f"{W_O}: {trace.d_model} × {trace.n_heads * trace.d_head}", self.theme, 24,
                    color=self.theme.output).next_to(stapled, DOWN, buff=0.45)
        new_indices = VGroup(*(i.copy().next_to(r, DOWN, buff=0.1) for i, r in zip(indices, stapled)))
        self.play(ReplacementTransform(ups, stapled), ReplacementTransform(indices, new_indices),
                  FadeOut(VGroup(*wide)), tall[0].animate.next_to(stapled, LEFT),
                  tall[1].animate.next_to(stapled, LEFT, buff=0.25 + tall[0].width + 0.1), run_time=1.2)
        self.play(FadeIn(w_o_brace), FadeIn(w_o_width), FadeIn(w_o))
        self.caption(f"stapled side by side they are the one output matrix {W_O} of the layer")
        self.wait(1.5)

    def mh_value_ups(self, trace) -> tuple[VGroup, VGroup, tuple, tuple]:
        """Every head's value-up matrix as a rectangle at one scale (real shapes), under the title; their
        indices, and the first one's braces with its height and width: (brace, number) each."""
        unit = 4.2 / trace.d_model                                   # one scale: real shapes
        ups = VGroup(*(Rectangle(width=trace.d_head * unit, height=trace.d_model * unit, stroke_color=self.theme.value_up,
                                 stroke_width=2, fill_color=self.theme.value_up, fill_opacity=0.3)
                       for _ in range(trace.n_heads)))
        ups.arrange(RIGHT, buff=max(0.12, min(0.3, 6.0 / trace.n_heads - trace.d_head * unit)))
        ups.next_to(self.title_mobject, DOWN, buff=1.0).set_x(0)
        indices = VGroup(*(label(f"{h}", self.theme, LABEL_SIZE, color=self.theme.muted).next_to(r, DOWN, buff=0.1)
                           for h, r in zip(range(trace.n_heads), ups)))
        tall = Brace(ups[0], LEFT, color=self.theme.muted)
        tall_label = label(f"{trace.d_model}", self.theme, LABEL_SIZE, color=self.theme.muted).next_to(tall, LEFT, buff=0.08)
        wide = Brace(ups[0], UP, color=self.theme.muted)
        wide_label = label(f"{trace.d_head}", self.theme, LABEL_SIZE, color=self.theme.muted).next_to(wide, UP, buff=0.06)
        return ups, indices, (tall, tall_label), (wide, wide_label)

    # --- helpers ------------------------------------------------------------------------------
    def mh_panel(self, trace, h: int, qi: int) -> VGroup:
        """One head's pattern as dots (area ∝ weight), the followed column outlined (a long sentence's: a band
        behind it), its index above."""
        long = self.too_many_for_numbers(trace)
        grid = AttentionGrid([""] * len(trace.key_tokens), [""] * len(trace.tokens), self.theme,
                             width=LONG_PANEL_W if long else PANEL_W, height=TALL_PANEL_H if long else PANEL_H)
        grid.remove(grid.query_labels, grid.key_labels)
        dots = grid.dots(trace.on_screen("pattern", h), max_abs=1.0)
        # the followed column outlined (thinner round a long sentence's narrow column, to leave its dots seen);
        # a causal pattern's masked cells in opaque grey behind the dots, as in every grid
        mark = grid.column_highlight(qi, self.theme.of("selected")).set_stroke(width=1.5 if long else 3)
        masks = grid.mask_marks() if trace.causal else VGroup()
        panel_masks = masks
        name = label(f"head {h}", self.theme, 18, color=self.theme.text)
        far_side = LEFT if qi >= grid.n_cols / 2 else RIGHT      # away from the followed column's label
        name.next_to(grid.frame, UP, buff=0.12).align_to(grid.frame, far_side)
        query_label = label(short(trace.tokens[qi]), self.theme, LABEL_SIZE, color=self.theme.query)
        column_x = grid.cell_center(0, qi)[0]             # the label goes over this column (see "panels")
        near = name.get_left()[0] - (column_x + query_label.width / 2) if far_side is RIGHT else \
            (column_x - query_label.width / 2) - name.get_right()[0]
        if near < NAME_GAP:                                # no room beside the word: the name goes above it
            name.next_to(grid.frame, UP, buff=0.1 + query_label.height + 0.1).align_to(grid.frame, far_side)
        back = VGroup(Rectangle(width=grid.frame.width, height=grid.frame.height, stroke_width=0,
                                fill_color=self.theme.background, fill_opacity=1).move_to(grid.frame), masks)
        body = VGroup(back, grid, dots, mark, name)
        panel = VGroup(body, query_label)
        panel.body, panel.grid, panel.dots, panel.query_label, panel.name = body, grid, dots, query_label, name
        panel.masks = panel_masks
        return panel

    def mh_key_labels(self, trace, grid: AttentionGrid, heads: list[int], qi: int) -> VGroup:
        """The keys' words at their rows' heights, left of the first panel.

        Every row is labelled when the rows are at least a line of text apart. With more rows than
        that, only some are: first the keys the shown heads weigh most in the followed column
        ``qi``, then any other row whose label stays clear of those placed, each with a short
        leader to its row and a note that only some keys are labelled. ``.rows`` lists the labelled
        rows, ``.leaders`` and ``.note`` are empty when every row is labelled.
        """
        line_h = label("Ag", self.theme, LABEL_SIZE).height                 # a line of text at LABEL_SIZE
        every_row = grid.cell_h >= line_h
        buff = KEY_BUFF if every_row else KEY_BUFF + LEADER_LEN
        if every_row:
            order = list(range(grid.n_rows))
        else:                                       # by the largest weight the shown heads give the key in column qi
            weight = np.stack([trace.on_screen("pattern", h)[:, qi] for h in heads]).max(axis=0)
            order = sorted(range(grid.n_rows), key=lambda r: (-float(weight[r]), r))
        placed: list[tuple[int, object]] = []
        for r in order:
            word = label(short(trace.key_tokens[r]), self.theme, LABEL_SIZE, color=self.theme.key)
            word.next_to(grid.cell_center(r, 0) + LEFT * grid.cell_w / 2, LEFT, buff=buff)
            if every_row or all(word.get_bottom()[1] > w.get_top()[1] + KEY_GAP
                                or word.get_top()[1] < w.get_bottom()[1] - KEY_GAP for _, w in placed):
                placed.append((r, word))
        placed.sort(key=lambda pair: pair[0])
        words = VGroup(*(w for _, w in placed))
        words.rows = [r for r, _ in placed]
        words.leaders, words.note = self.mh_key_leaders(grid, placed, words)
        return words

    def mh_key_leaders(self, grid: AttentionGrid, placed: list, words: VGroup) -> tuple[VGroup, VGroup]:
        """When only some rows are labelled: a leader from each placed word to its row, and the note that
        only some keys are labelled (both empty when every row is)."""
        leaders = VGroup()
        note = VGroup()
        if len(placed) < grid.n_rows:
            edge = grid.frame.get_left()[0]
            for r, word in placed:
                y = grid.cell_center(r, 0)[1]
                leaders.add(Line([word.get_right()[0] + 0.04, y, 0], [edge, y, 0], stroke_width=1.5,
                                 color=self.theme.key))
            note = VGroup(label("only some keys", self.theme, 16, color=self.theme.muted),
                          label("are labelled", self.theme, 16, color=self.theme.muted))
            note.arrange(DOWN, buff=0.08, aligned_edge=RIGHT)
            note.next_to(grid.frame, DOWN, buff=0.15).align_to(words, RIGHT)
        return leaders, note
