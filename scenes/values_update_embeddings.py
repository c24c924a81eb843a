"""Values: value-down then value-up, each scaled by its weight in the query's column, summed into one
head's ΔE⁽ʰ⁾; the weighted values of a query whose attention spreads, as arrows from one point, then tip
to tail onto its ΔE⁽ʰ⁾; all heads' ΔE, and E + ΔE = E′."""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Brace, Create, Cross, Dot, FadeIn, FadeOut, GrowArrow, GrowFromCenter, LaggedStart,
                   Rectangle, SurroundingRectangle, VGroup, config)

from attention_math.params import value_map_counts
from attention_math.planes import (largest_weights, plane_basis, project, spread_plane, spreading_query, spreads,
                                   tip_to_tail)
from scenes.catalog import about
from scenes.kit.attention_scene import AttentionScene
from scenes.kit.model_rules import MAX_TOKENS
from scenes.kit.geometry import plane_to_screen, tip_to_tail_arrows, vector_arrow
from scenes.kit.mobjects import MONO_CHAR_WIDTH, DotMatrix, TokenBoxes, VectorColumn, format_number, label, short
from scenes.kit.vectors import weight_opacity

FAINT_WEIGHT = 0.1      # terms and arrows with a smaller weight are drawn faint
FAINT = 0.35
SUM_TERMS = MAX_TOKENS  # the most terms written out in the sum (a longer one: its largest, and how many more)
VALUE_DOT_ROWS = 4      # a value's entries drawn as dots, for sentences too long for numbers
PICTURE_RIGHT = 0.3     # the arrows' picture ends here, left of the written sum


class ValuesUpdateEmbeddings(AttentionScene):
    description = about("ValuesUpdateEmbeddings").description

    def construct(self) -> None:
        trace = self.trace()
        self.value_query = self.settings.query_index(trace)
        self.show_value_map(trace)
        v_cols, _ = self.show_weighted_values(trace)
        self.show_head_sum(trace, v_cols)
        self.show_values_in_space(trace)
        self.show_update(trace)

    # --- the value map, factored ----------------------------------------------------------
    def show_value_map(self, trace) -> None:
        self.beat("value map")
        counts = value_map_counts(trace.d_model, trace.d_head)
        side = 3.4
        full = Rectangle(width=side, height=side, color=self.theme.value_up, fill_opacity=0.15)
        full_label = label(f"{trace.d_model} × {trace.d_model} = {counts.full:,}", self.theme, 26)
        full_label.next_to(full, DOWN, buff=0.25)                    # under the square: the cross strikes the matrix only
        big = VGroup(full, full_label).shift(LEFT * 3.6 + UP * 0.3)
        self.title("The value map, factored")
        self.play(FadeIn(big))
        self.caption(f"a full value matrix would map E to E: {counts.full:,} parameters")
        thin = side * trace.d_head / trace.d_model + 0.2
        down = Rectangle(width=side, height=thin, color=self.theme.value_down, fill_opacity=0.25)
        up = Rectangle(width=thin, height=side, color=self.theme.value_up, fill_opacity=0.25)
        pair = VGroup(up, down).arrange(RIGHT, buff=0.4).shift(RIGHT * 3.2 + UP * 0.3)
        down_label = label(f"value-down\n{trace.d_head} × {trace.d_model} = {counts.down:,}", self.theme, 22,
                           color=self.theme.value_down).next_to(down, DOWN, buff=0.25)
        up_label = label(f"value-up\n{trace.d_model} × {trace.d_head}\n= {counts.up:,}", self.theme, 22,
                         color=self.theme.value_up).next_to(up, LEFT, buff=0.25)
        self.play(Create(Cross(full, stroke_color=self.theme.of("selected"))), FadeIn(pair), FadeIn(down_label),
                  FadeIn(up_label))
        self.caption(f"instead: down to {trace.d_head} numbers, then back up: {counts.down:,} + {counts.up:,} = "
                     f"{counts.factored:,} parameters (low rank)")
        self.wait(1)

    # --- the query's column of weights, and the values ------------------------------------
    def show_weighted_values(self, trace) -> tuple[VGroup, VGroup]:
        self.beat("weighted values")
        self.clear_frame()       # at the next beat's start: the last beat's picture stays to its end (its still)
        h, d, qi = self.head, self.settings.decimals, self.value_query
        if self.too_many_for_numbers(trace):
            return self.weighted_values_as_dots(trace)
        n = len(trace.key_tokens)
        slot = (config.frame_width - 0.8) / n                 # room per token
        font = min(20.0, (slot - 0.45) / ((d + 3) * MONO_CHAR_WIDTH))
        tokens = TokenBoxes(trace.key_tokens, self.theme, font_size=min(22.0, font * 1.15), max_width=config.frame_width - 0.8,
                            min_box_width=min(slot - 0.12, 1.3)).to_edge(UP, buff=0.35)
        weights = trace.pattern[h, qi]                       # [T_k]: the on-screen column of this query
        w_labels = VGroup(*(label(format_number(w, d) + "×", self.theme, font, color=self.theme.of("weight"))
                            .next_to(box, DOWN, buff=0.2) for w, box in zip(weights, tokens)))
        self.record("weights", w_labels, weights)
        values = trace.values_for(h, qi)                     # [T_k, d] (a word: its pieces', as this query weighs them)
        v_cols = self.vu_faded_columns(values, tokens, w_labels, weights, font, self.theme.value_up, buff=0.2)
        self.record("values", VGroup(*(e for c in v_cols for e in c.get_entries())), values[:, :4])
        self.value_rows = (v_cols, w_labels)
        self.caption(self.values_note(trace))
        self.play(FadeIn(tokens), LaggedStart(*(FadeIn(c) for c in v_cols), lag_ratio=0.04))
        self.play(tokens[qi].animate.set_color(self.theme.query), LaggedStart(*(FadeIn(w) for w in w_labels), lag_ratio=0.04))
        self.caption(f"scaled by the weights in “{short(trace.tokens[qi])}”'s column of the pattern (faint = small weight)")
        self.tokens_row = tokens
        return self.show_products(trace, tokens, v_cols, weights, font), w_labels

    def show_products(self, trace, tokens: TokenBoxes, v_cols: VGroup, weights: np.ndarray, font: float) -> VGroup:
        """Under each value, its product with the weight, wⱼ·V⃗ⱼ (the trace's terms of ΔE⁽ʰ⁾), faint where the
        weight is small: the terms the next beat adds up."""
        h, qi = self.head, self.value_query
        terms = trace.delta_terms(h, qi)                     # [T_k, d] wⱼ·V⃗ⱼ, summed over j: ΔE⁽ʰ⁾
        p_cols = self.vu_faded_columns(terms, tokens, v_cols, weights, font, self.theme.delta, buff=0.55)
        self.record("products", VGroup(*(e for c in p_cols for e in c.get_entries())), terms[:, :4])
        name = label("wⱼ·V⃗ⱼ", self.theme, 22, color=self.theme.delta)
        name.next_to(p_cols, DOWN, buff=0.2).set_x(tokens[int(np.argmax(weights))].get_x())
        self.play(LaggedStart(*(FadeIn(c, shift=DOWN * 0.2) for c in p_cols), lag_ratio=0.04), FadeIn(name))
        self.caption("each value times its weight: wⱼ·V⃗ⱼ, the small weights' nearly zero")
        self.products_name = name
        return p_cols

    def vu_faded_columns(self, vectors: np.ndarray, tokens: TokenBoxes, above: VGroup, weights: np.ndarray, font: float,
                         color, buff: float) -> VGroup:
        """One column per token of the first 4 entries of ``vectors`` ([T_k, d], one colour scale), each
        under its item of ``above`` and centred on its token, faint where the weight is small."""
        scale = float(abs(vectors[:, :4]).max()) or 1.0
        opacity = weight_opacity(weights, FAINT)
        columns = VGroup()
        for j, box in enumerate(tokens):
            col = VectorColumn(vectors[j], self.theme, n_shown=4, decimals=self.settings.decimals, font_size=font,
                               bracket_color=color, color_by_value=True, value_scale=scale, show_dimension=False)
            col.next_to(above[j], DOWN, buff=buff).center_entries_on(box.get_x())
            columns.add(col.fade_to(float(opacity[j])))
        return columns

    def weighted_values_as_dots(self, trace) -> tuple[VGroup, VGroup]:
        """The same beat for a sentence too long for numbers: the query's weights as a row of dots (area ∝
        weight) and each token's value as a column of signed dots, faint where its weight is small."""
        h, qi = self.head, self.value_query
        n = len(trace.key_tokens)
        weights = trace.pattern[h, qi]                       # [T_k]: the on-screen column of this query
        values = trace.values_for(h, qi)                     # [T_k, d] (a word: its pieces', as this query weighs them)
        names = VGroup(label(f"weights of “{short(trace.tokens[qi])}”", self.theme, 18, color=self.theme.of("weight")),
                       label("V⃗", self.theme, 22, color=self.theme.value_up))
        left = -config.frame_width / 2 + 0.3 + names.width + 0.3
        width = config.frame_width / 2 - 1.1 - left          # room for the values' size brace
        weight_row = DotMatrix(weights[:, None], trace.key_tokens, self.theme, n_shown=1, width=width,   # largest: full size
                               bracket_color=self.theme.of("weight"), labels_side=UP, label_color=self.theme.text,
                               colors=(self.theme.of("weight"), self.theme.of("weight")))
        value_rows = DotMatrix(values, trace.key_tokens, self.theme, n_shown=VALUE_DOT_ROWS, width=width,
                               bracket_color=self.theme.value_up, labels_side=None, show_dimension=True)
        weight_row.shift(RIGHT * (left + 0.1 - weight_row.get_left()[0])
                         + UP * (config.frame_height / 2 - 0.3 - weight_row.get_top()[1]))
        value_rows.align_to(weight_row, LEFT).shift(UP * (weight_row.get_bottom()[1] - 0.35 - value_rows.get_top()[1]))
        for name, row in zip(names, (weight_row, value_rows)):
            name.set_y(row.get_entries().get_y()).set_x(left - 0.3 - name.width / 2)
        tokens = weight_row.get_labels()
        w_dots = VGroup(*(column[0] for column in weight_row.get_entries()))
        v_cols = value_rows.get_entries()
        for column, opacity in zip(v_cols, weight_opacity(weights, FAINT)):
            column.set_opacity(float(opacity))
        self.record("weights_dots", w_dots, weights)
        self.record("values_dots", VGroup(*(dot for column in v_cols for dot in column)), values[:, :VALUE_DOT_ROWS])
        note = self._dots_note(n, aligned_edge=RIGHT).next_to(value_rows, DOWN, buff=0.2).align_to(value_rows, RIGHT)
        self.caption(self.values_note(trace))
        self.play(FadeIn(tokens), FadeIn(names[1]), FadeIn(value_rows.get_brackets()), FadeIn(value_rows.get_ellipsis()),
                  FadeIn(value_rows.get_dimension()),
                  LaggedStart(*(FadeIn(c) for c in v_cols), lag_ratio=0.02), FadeIn(note))
        self.play(tokens[qi].animate.set_color(self.theme.query), FadeIn(names[0]), FadeIn(weight_row.get_brackets()),
                  LaggedStart(*(FadeIn(w) for w in w_dots), lag_ratio=0.02))
        self.caption(f"scaled by the weights in “{short(trace.tokens[qi])}”'s column of the pattern "
                     f"(dot area ∝ weight; largest {format_number(float(weights.max()), self.settings.decimals)})")
        self.tokens_row = tokens
        return v_cols, w_dots

    def values_note(self, trace) -> str:
        """The caption that says what the value vectors are (on words: a word of several pieces, or [CLS]+[SEP])."""
        note = f"each token's value vector V⃗ (value-down, then value-up) · {self.model_note(trace)}"
        if trace.is_words:
            note = ("each word's value vector V⃗ (value-down, then value-up; a word of several tokens: theirs, "
                    f"averaged as “{short(trace.tokens[self.value_query])}” weighs them) · {self.model_note(trace)}")
        return note

    # --- one head's weighted values summed: ΔE⁽ʰ⁾ -----------------------------------------
    def show_head_sum(self, trace, v_cols: VGroup) -> None:
        self.beat("sum")
        h, d, qi = self.head, self.settings.decimals, self.value_query
        if getattr(self, "products_name", None) is not None:     # numbers: the products' row is what is summed
            values, weights = self.value_rows
            self.play(FadeOut(values), FadeOut(weights), FadeOut(self.products_name), run_time=0.4)
            self.play(v_cols.animate.shift(UP * (values.get_top()[1] - v_cols.get_top()[1])), run_time=0.8)
        delta_h = VectorColumn(trace.delta_per_head[h, qi], self.theme, n_shown=4, decimals=d, font_size=24,
                               bracket_color=self.theme.delta, show_dimension=True)
        brace = Brace(v_cols, DOWN, buff=0.12, color=self.theme.delta)         # the whole row of weighted values, summed
        delta_h.next_to(brace, DOWN, buff=0.2).set_x(0.9)
        self.record("delta_head", delta_h.get_entries(), trace.delta_per_head[h, qi, :4])
        delta_label = label(f"ΔE⁽ʰ⁾ of head {h} = Σ wⱼ·V⃗ⱼ =", self.theme, 28, color=self.theme.delta)
        delta_label.next_to(delta_h, LEFT, buff=0.3)
        # the sum comes in beside its terms, never morphed out of them (digits morphing into digits garble)
        self.play(GrowFromCenter(brace), FadeIn(delta_label), run_time=0.8)
        self.play(FadeIn(delta_h, shift=DOWN * 0.15), run_time=0.8)
        self.play(FadeIn(SurroundingRectangle(delta_h, color=self.theme.delta)))
        self.caption(f"their sum ΔE⁽ʰ⁾ is one head's proposed change to “{short(trace.tokens[qi])}” (head {h} of {trace.n_heads})")
        self.wait(1)

    # --- the weighted values as arrows, tip to tail ---------------------------------------
    def show_values_in_space(self, trace) -> None:
        """A query whose attention spreads: its weighted values as arrows from one point, then tip to tail onto ΔE⁽ʰ⁾."""
        self.beat("values in space")
        self.clear_frame()       # at the next beat's start: the last beat's picture stays to its end (its still)
        qi = self.spread_query = spreading_query(trace.pattern[self.head], self.value_query)  # its weights spread over keys
        keys = self.shown_keys(trace, qi)
        title, spreading = self.vu_spread_title(trace, qi)
        origin, arrows, placed, chain, delta_arrow, delta_name = self.vu_value_arrows(trace, qi, keys)
        sum_box = self.written_sum(trace, qi, keys).move_to(RIGHT * 3.7 + UP * 0.5)
        plane = label(f"the plane: ΔE⁽ʰ⁾ and the values' widest spread\n(a projection of {trace.d_model} dimensions: "
                      "sums stay exact)", self.theme, 18, color=self.theme.muted)
        self.inside_frame(plane.next_to(sum_box, DOWN, buff=0.35).align_to(sum_box, LEFT))
        fan_names = self.arrow_names(trace, qi, keys, arrows, avoid=[title, sum_box, plane])
        chain_names = self.arrow_names(trace, qi, keys, placed, avoid=[title, delta_name, sum_box, plane])
        self.value_chain, self.delta_head_arrow = arrows, delta_arrow
        self.record("chain", placed, chain)
        self.caption(self.vu_spread_note(trace, qi, spreading))
        self.play(FadeIn(title), FadeIn(origin), FadeIn(plane))
        self.play(LaggedStart(*(GrowArrow(a) for a in arrows), lag_ratio=0.3, run_time=1.5), FadeIn(fan_names))
        self.caption("placed tip to tail, the weighted values land exactly on ΔE⁽ʰ⁾, their sum")
        self.play(FadeOut(fan_names), run_time=0.4)
        self.play(*(arrow.animate.shift(to.get_start() - arrow.get_start()) for arrow, to in zip(arrows, placed)),
                  run_time=1.5)
        self.play(GrowArrow(delta_arrow), FadeIn(delta_name), FadeIn(chain_names))
        self.bring_to_front(arrows)                       # the chain on top of the sum it lands on
        self.caption("the same sum, written out with the pattern's weights (faint: small weights)")
        self.play(FadeIn(sum_box))
        self.wait(1.5)

    def vu_spread_title(self, trace, qi: int):
        """The title naming query ``qi``'s largest weights, and whether its attention spreads at all."""
        d, weights = self.settings.decimals, trace.pattern[self.head, qi]          # [T_k]
        named = largest_weights(weights)
        spread = ", ".join(f"{format_number(weights[j], d)} on “{short(trace.key_tokens[j])}”" for j in named)
        spreading = spreads(weights)        # no query of some heads spreads (e.g. one that reads the previous word)
        query = short(trace.tokens[qi])
        title = label(f"“{query}” spreads its attention: {spread}" if spreading else
                      f"“{query}”: {spread} (no query of this head spreads its attention)",
                      self.theme, 26).to_edge(UP, buff=0.3)
        if title.width > config.frame_width - 0.6:
            title.scale_to_fit_width(config.frame_width - 0.6)
        self.record("spread_title", VGroup(title), [qi, *weights[named]])
        return title, spreading

    def vu_value_arrows(self, trace, qi: int, keys: list[int]) -> tuple:
        """Query ``qi``'s weighted values wⱼ·V⃗ⱼ in the plane of ΔE⁽ʰ⁾ and their widest spread: the origin, the
        arrows from it, where they go tip to tail (and the chain's points), ΔE⁽ʰ⁾'s arrow and its name."""
        h = self.head
        weights = trace.pattern[h, qi]                                        # [T_k]
        steps = trace.delta_terms(h, qi)[keys].astype(np.float64)             # [n, d] wⱼ·V⃗ⱼ (a word: over its pieces)
        basis = spread_plane(trace.delta_per_head[h, qi], steps)             # ΔE⁽ʰ⁾, and where the values spread
        fan = project(steps, basis)                                           # [n, 2] each wⱼ·V⃗ⱼ in the plane
        chain = tip_to_tail(fan)                                              # [n+1, 2] the same, tip to tail
        delta_2d = project(trace.delta_per_head[h, qi], basis)                # [2]
        to_screen = self.vu_to_screen(np.vstack([chain, fan, [delta_2d]]))    # [2n+2, 2] all that is drawn
        origin = Dot(to_screen(np.zeros(2)), radius=0.06, color=self.theme.muted)
        faint = np.where(weights[keys] >= FAINT_WEIGHT, 1.0, FAINT)            # [n] small weights drawn faint
        arrows = VGroup(*(vector_arrow(to_screen(np.zeros(2)), to_screen(step), self.theme.value_up, opacity=float(o))
                          for step, o in zip(fan, faint)))
        self.record("fan", arrows, fan)
        self.fan_tails = np.array([a.get_start() for a in arrows])
        placed = tip_to_tail_arrows(chain, to_screen, self.theme.value_up, opacities=faint)   # where they go
        delta_arrow = vector_arrow(to_screen(np.zeros(2)), to_screen(delta_2d), self.theme.delta, width=16, opacity=0.45)
        delta_arrow.tip.set_fill(opacity=0.8)    # a broad band under the chain, so both show where they coincide
        delta_name = self.name_beside(label("ΔE⁽ʰ⁾", self.theme, 26, color=self.theme.delta), delta_arrow, (UP, DOWN),
                                      placed)     # on the side the chain leaves free
        return origin, arrows, placed, chain, delta_arrow, delta_name

    @staticmethod
    def vu_to_screen(points: np.ndarray):
        """The plane's points to the screen: as large as fits the left of the frame, ending near the written sum."""
        region = (LEFT * 3.4 + DOWN * 0.2, 6.4, 5.4)      # ΔE⁽ʰ⁾ is the plane's first axis: it points right
        drawn = np.array([plane_to_screen(points, *region)(p) for p in [*points, np.zeros(2)]])    # as large as fits …
        width = float(np.ptp(drawn[:, 0]))
        return plane_to_screen(points, [PICTURE_RIGHT - width / 2, region[0][1], 0], width, region[2])  # … near the sum

    def vu_spread_note(self, trace, qi: int, spreading: bool) -> str:
        """The caption over the arrows from one point: how the followed query's and query ``qi``'s weights differ."""
        h, d, followed, query = self.head, self.settings.decimals, self.value_query, short(trace.tokens[qi])
        if not spreading:
            return f"“{query}”'s weighted values wⱼ·V⃗ⱼ: one key takes nearly all of the weight"
        if followed == qi:
            return f"“{query}”'s weighted values wⱼ·V⃗ⱼ as arrows from one point (faint: small weights)"
        top = largest_weights(trace.pattern[h, followed])[0]             # the key it gave its largest weight
        return (f"“{short(trace.tokens[followed])}” gave {format_number(trace.pattern[h, followed, top], d)} to "
                f"“{short(trace.key_tokens[top])}” alone; “{query}”'s weighted values wⱼ·V⃗ⱼ point several ways")

    def arrow_names(self, trace, qi: int, keys: list[int], arrows: VGroup, avoid: list, most: int = 3) -> VGroup:
        """“0.62·V⃗(blue)” beside the arrows of query ``qi``'s largest weights: above the arrow, else below, else
        left out (never over another name or anything in ``avoid``)."""
        weights = trace.pattern[self.head, qi]
        ranked = sorted((j for j in keys if weights[j] >= FAINT_WEIGHT), key=lambda j: -weights[j])[:most]
        names = VGroup()
        for n, j in enumerate(keys):
            if j in ranked and arrows[n].get_length() > 0.6:
                along = arrows[n].get_end() - arrows[n].get_start()
                side = np.array([-along[1], along[0], 0.0]) / np.linalg.norm(along)     # a normal to the arrow
                side = side if side[1] >= 0 else -side
                candidates = []
                for direction in (side, -side):
                    name = label(f"{format_number(float(weights[j]), self.settings.decimals)}·V⃗({short(trace.key_tokens[j])})",
                                 self.theme, 20, color=self.theme.value_up)      # the arrow is the weighted value
                    name.next_to(arrows[n].point_from_proportion(0.5), direction, buff=0.12)
                    if self.in_frame(name) and not any(self.overlaps(name, other) for other in [*avoid, *names]):
                        candidates.append(name)
                clear = [c for c in candidates if not any(self.crosses(c, a) for a in arrows if a is not arrows[n])]
                if clear or candidates:
                    names.add((clear or candidates)[0])       # a side that no other arrow crosses, if there is one
        return names

    def name_beside(self, name, arrow, sides, others: VGroup):
        """``name`` next to the middle of ``arrow``, on the first of ``sides`` where it crosses none of ``others``
        (the first side if it crosses on every side)."""
        for side in sides:
            name.next_to(arrow, side, buff=0.15)
            if not any(self.crosses(name, other) for other in others):
                return name
        return name.next_to(arrow, sides[0], buff=0.15)

    @staticmethod
    def in_frame(mobject, margin: float = 0.1) -> bool:
        """Whether ``mobject`` lies inside the frame, ``margin`` from its edges."""
        half = np.array([config.frame_width / 2 - margin, config.frame_height / 2 - margin])
        return bool(np.all(np.abs(mobject.get_corner(UP + RIGHT)[:2]) <= half)
                    and np.all(np.abs(mobject.get_corner(DOWN + LEFT)[:2]) <= half))

    @staticmethod
    def crosses(name, arrow, margin: float = 0.05) -> bool:
        """Whether ``arrow``'s line passes through ``name``'s box."""
        points = np.array([arrow.get_start() + t * (arrow.get_end() - arrow.get_start()) for t in np.linspace(0, 1, 41)])
        return bool(np.any((points[:, 0] > name.get_left()[0] - margin) & (points[:, 0] < name.get_right()[0] + margin)
                           & (points[:, 1] > name.get_bottom()[1] - margin) & (points[:, 1] < name.get_top()[1] + margin)))

    @staticmethod
    def overlaps(a, b, margin: float = 0.05) -> bool:
        return (a.get_left()[0] < b.get_right()[0] + margin and b.get_left()[0] < a.get_right()[0] + margin
                and a.get_bottom()[1] < b.get_top()[1] + margin and b.get_bottom()[1] < a.get_top()[1] + margin)

    @staticmethod
    def shown_keys(trace, qi: int) -> list[int]:
        """The keys query ``qi`` can see: all of them, or up to itself when the pattern is causal."""
        keys = range(len(trace.key_tokens))
        return [j for j in keys if not (trace.causal and j > qi)]

    def written_sum(self, trace, qi: int, keys: list[int]) -> VGroup:
        """"0.46·V⃗(fluffy) + 0.34·V⃗(blue) + … = ΔE⃗⁽ʰ⁾" for query ``qi``, wrapped to the right half, boxed."""
        h, d = self.head, self.settings.decimals
        weights = trace.pattern[h, qi]
        size = 24 if len(keys) <= 8 else 20
        written = keys if len(keys) <= SUM_TERMS else sorted(sorted(keys, key=lambda j: -weights[j])[:SUM_TERMS - 1])
        terms, numbers = [], VGroup()
        for n, j in enumerate(written):
            weight = label(format_number(weights[j], d), self.theme, size, color=self.theme.of("weight"))
            rest = label(f"·V⃗({short(trace.key_tokens[j])})" + (" +" if n < len(keys) - 1 else ""), self.theme, size,
                         color=self.theme.value_up)
            term = VGroup(weight, rest).arrange(RIGHT, buff=0.04, aligned_edge=DOWN)
            if weights[j] < FAINT_WEIGHT:
                term.set_opacity(FAINT)
            numbers.add(weight)
            terms.append(term)
        if len(written) < len(keys):         # a long sentence: its largest terms, and how many smaller ones
            terms.append(label(f"({len(keys) - len(written)} smaller terms)", self.theme, size, color=self.theme.muted))
        terms.append(label("= ΔE⃗⁽ʰ⁾", self.theme, size + 2, color=self.theme.delta))
        self.record("sum_weights", numbers, weights[written])
        lines, line, used = VGroup(), VGroup(), 0.0
        for term in terms:
            if len(line) and used + 0.18 + term.width > 5.8:
                lines.add(line.arrange(RIGHT, buff=0.18, aligned_edge=DOWN))
                line, used = VGroup(), -0.18
            line.add(term)
            used += 0.18 + term.width
        lines.add(line.arrange(RIGHT, buff=0.18, aligned_edge=DOWN))
        lines.arrange(DOWN, buff=0.28, aligned_edge=LEFT)
        box = SurroundingRectangle(lines, color=self.theme.delta, buff=0.25)
        group = VGroup(lines, box)
        if trace.causal and len(keys) < len(trace.key_tokens):
            group.add(label("later tokens: weight 0 (masked)", self.theme, 20, color=self.theme.muted)
                      .next_to(box, DOWN, buff=0.2))
        return group

    # --- E + ΔE = E′ ------------------------------------------------------------------------
    def show_update(self, trace) -> None:
        self.beat("update")
        self.clear_frame()       # at the next beat's start: the last beat's picture stays to its end (its still)
        d, qi = self.settings.decimals, self.value_query
        query = short(trace.tokens[qi])
        vectors = ((trace.embeddings[qi], self.theme.embedding), (trace.delta[qi], self.theme.delta),
                   (trace.updated[qi], self.theme.updated))
        cols = [VectorColumn(v, self.theme, n_shown=6, decimals=d, font_size=22, bracket_color=c, show_dimension=(i == 2))
                for i, (v, c) in enumerate(vectors)]
        for name, col, (v, _) in zip(("E", "delta", "updated"), cols, vectors):
            self.record(name, col.get_entries(), v[:6])
        symbols = [label(s, self.theme, 34) for s in ("+", "=")]
        equation = VGroup(cols[0], symbols[0], cols[1], symbols[1], cols[2]).arrange(RIGHT, buff=0.35)
        equation.move_to(LEFT * 3.4 + DOWN * 0.1)
        names = VGroup(*(label(n, self.theme, 28, color=c).next_to(col, UP, buff=0.25) for n, c, col in (
            ("E", self.theme.embedding, cols[0]), ("ΔE", self.theme.delta, cols[1]), ("E′", self.theme.updated, cols[2]))))
        token = label(f"“{query}”: ΔE sums all {trace.n_heads} heads' ΔE⁽ʰ⁾ (+ the output bias)", self.theme, 26,
                      color=self.theme.text).to_edge(UP, buff=0.3)
        basis = plane_basis(trace.embeddings[qi], trace.delta[qi])          # the plane of E and ΔE
        origin, e_tip, sum_tip = tip_to_tail(project(np.stack([trace.embeddings[qi], trace.delta[qi]]), basis))  # [2] each
        updated_2d = project(trace.updated[qi], basis)                      # [2], where E + ΔE lands
        to_screen = plane_to_screen(np.array([origin, e_tip, sum_tip, updated_2d]), RIGHT * 3.9 + DOWN * 0.1, 5.4, 5.4)
        arrows = VGroup(vector_arrow(to_screen(origin), to_screen(e_tip), self.theme.embedding),
                        vector_arrow(to_screen(e_tip), to_screen(sum_tip), self.theme.delta),
                        vector_arrow(to_screen(origin), to_screen(updated_2d), self.theme.updated))
        self.update_arrows = arrows
        arrow_names = VGroup(*(self.inside_frame(label(n, self.theme, 26, color=a.get_color())
                                                 .next_to(a.point_from_proportion(0.5), side, buff=0.15))
                               for n, a, side in zip(("E", "ΔE", "E′"), arrows, (DOWN, RIGHT, UP + LEFT))))   # E points right, ΔE up
        self.caption(f"E: “{query}” as it comes into this layer")
        self.play(FadeIn(token), FadeIn(cols[0]), FadeIn(names[0]), GrowArrow(arrows[0]), FadeIn(arrow_names[0]))
        self.caption(f"ΔE is every head's ΔE⁽ʰ⁾ added up (all {trace.n_heads}), plus the output bias")
        self.play(FadeIn(symbols[0]), FadeIn(cols[1]), FadeIn(names[1]), GrowArrow(arrows[1]), FadeIn(arrow_names[1]))
        self.play(FadeIn(symbols[1]), FadeIn(cols[2]), FadeIn(names[2]), GrowArrow(arrows[2]), FadeIn(arrow_names[2]))
        self.caption(f"E + ΔE = E′, in numbers and as arrows (the plane of E and ΔE: a projection, exact for this sum)")
        self.wait(1.5)

    # --- helpers ------------------------------------------------------------------------------
    @staticmethod
    def inside_frame(mobject, margin: float = 0.15):
        """``mobject`` shifted sideways, if need be, to stay inside the frame."""
        half = config.frame_width / 2 - margin
        mobject.shift(RIGHT * max(0.0, -half - mobject.get_left()[0]) + LEFT * max(0.0, mobject.get_right()[0] - half))
        return mobject

