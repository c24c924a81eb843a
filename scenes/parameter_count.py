"""How many parameters attention takes: the matrices as blocks with braces, the value map factored,
then the tally per head → per layer → all layers, every figure from the parameter counter."""

from __future__ import annotations

import math

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, Brace, Cross, FadeIn, FadeOut, GrowFromEdge, Group, ImageMobject, LaggedStart,
                   MoveToTarget, Rectangle, ReplacementTransform, VGroup, config)
from manim.constants import RESAMPLING_ALGORITHMS

from attention_math.params import value_map_counts
from scenes.catalog import about
from scenes.kit.attention_scene import AttentionScene
from scenes.kit.captions import CAPTION_TOP
from scenes.kit.mobjects import MONO, approx, cached_text, grouped, label
from scenes.kit.notation import W_K, W_Q, d_head, d_model

THINNEST = 0.06      # a block side drawn thinner than this (frame units) would vanish: drawn at this, and said so
FIGURE_SIZE = 30     # the tally's figures: monospaced, right-aligned on their last digit


class ParameterCount(AttentionScene):
    description = about("ParameterCount").description
    needs = ("parameter_count",)

    def construct(self) -> None:
        count = self.settings.parameter_count()
        shown = self.pc_query_key_matrices(count)
        shown = self.pc_value_map_factored(count, shown)
        table = self.pc_per_head(count, shown)
        self.pc_per_layer(table)
        self.pc_all_layers(table)
        self.pc_share(count, table)

    # --- beats (prefixed: AttentionBlock inherits every chapter's helpers) --------------------
    def pc_query_key_matrices(self, count) -> VGroup:
        """W_Q and W_K as blocks (``self.blocks``): d_head rows of d_model numbers; all it shows."""
        cfg = count.config
        self.beat("query and key matrices")
        self.title(f"Attention's parameters in {cfg.name}")
        unit = 10.0 / cfg.d_model                      # frame units per row or column, one scale for both blocks
        w_q = self.pc_block(cfg.d_head, cfg.d_model, unit, self.theme.query, W_Q)
        w_k = self.pc_block(cfg.d_head, cfg.d_model, unit, self.theme.key, W_K)
        blocks = VGroup(w_q, w_k).arrange(DOWN, buff=0.9).next_to(self.title_mobject, DOWN, buff=0.5)
        self.blocks = {"W_Q": w_q, "W_K": w_k}
        self.record("block_sizes", VGroup(w_q.cols_label, w_q.rows_label), [cfg.d_model, cfg.d_head])
        each = label(f"{grouped(cfg.d_head)} × {grouped(cfg.d_model)} = {grouped(count.per_matrix)} each",
                     self.theme, 24, color=self.theme.text).next_to(blocks, DOWN, buff=0.5)
        self.play(FadeIn(w_q))
        self.caption(f"{W_Q} maps a {grouped(cfg.d_model)}-number embedding to a {grouped(cfg.d_head)}-number query: "
                     f"{grouped(cfg.d_head)} rows of {grouped(cfg.d_model)}" + self.pc_scale_note(w_q))
        self.play(FadeIn(w_k))
        self.play(FadeIn(each))
        self.caption(f"{W_K} the same size, for the keys")
        self.wait(1)
        return VGroup(blocks, each)

    def pc_value_map_factored(self, count, shown: VGroup) -> VGroup:
        """The value map: d_model², crossed out (``self.value_cross``), factored into down and up; all it shows."""
        cfg = count.config
        values = value_map_counts(cfg.d_model, cfg.d_head)
        self.beat("value map factored")
        self.play(FadeOut(shown))
        side = 3.2 / cfg.d_model                        # one scale for the full map and its two factors
        full = self.pc_block(cfg.d_model, cfg.d_model, side, self.theme.value_down, "value map", name_inside=False)
        full.move_to(LEFT * 3.9 + UP * 0.2)
        full_count = label(f"{grouped(values.full)}", self.theme, 24).next_to(full, DOWN, buff=0.2)
        self.play(FadeIn(full), FadeIn(full_count))
        self.caption(f"a full value map would be {grouped(cfg.d_model)} × {grouped(cfg.d_model)}: "
                     f"{approx(values.full)} numbers per head")
        cross = Cross(full.rect, stroke_color=self.theme.of("selected"), stroke_width=6)   # the block, not its name below
        self.value_cross = cross
        self.play(FadeIn(cross))
        up, times, down, factored, arrow, counts = self.pc_factors(cfg, values, side, full)
        self.blocks.update({"value map": full, "value-up": up, "value-down": down})
        self.record("value_counts", VGroup(full_count, counts), [values.full, values.factored])
        self.play(FadeIn(arrow), FadeIn(up), FadeIn(times), FadeIn(down))
        self.play(FadeIn(counts))
        note = VGroup()
        if not up.to_scale:
            note = label(f"to scale, except the {grouped(cfg.d_head)} side: drawn thicker to be seen", self.theme, 16,
                         color=self.theme.muted).next_to(counts, DOWN, buff=0.15)
            self.play(FadeIn(note))
        self.caption(f"factored into value-down and value-up (low rank): {values.full // values.factored}× fewer numbers")
        self.wait(1.5)
        return VGroup(full, full_count, cross, arrow, factored, counts, note)

    def pc_factors(self, cfg, values, side: float, full: VGroup) -> tuple:
        """Value-up × value-down right of the crossed-out ``full`` map, an arrow to them, their counts' sum
        under them (placed, not shown)."""
        up = self.pc_block(cfg.d_model, cfg.d_head, side, self.theme.value_up, "value-up")
        down = self.pc_block(cfg.d_head, cfg.d_model, side, self.theme.value_down, "value-down")
        times = label("×", self.theme, 36)
        factored = VGroup(up, times, down).arrange(RIGHT, buff=0.35).move_to(RIGHT * 3.3 + UP * 0.2)
        down.align_to(up.rect, UP)
        times.set_y(up.rect.get_y())
        arrow = Arrow(full.rect.get_right() + RIGHT * 0.3, [factored.get_left()[0] - 0.2, full.rect.get_y(), 0], buff=0,
                      color=self.theme.muted)
        counts = label(f"{grouped(values.up)} + {grouped(values.down)} = {grouped(values.factored)}", self.theme, 24)
        counts.next_to(factored, DOWN, buff=0.35).set_x(factored.get_x())
        return up, times, down, factored, arrow, counts

    def pc_per_head(self, count, shown: VGroup) -> VGroup:
        """The tally (``self.tally_rows``), its first rows: one matrix, one head."""
        cfg = count.config
        self.beat("per head")
        self.play(FadeOut(shown))
        steps = [
            (f"one matrix: {grouped(cfg.d_head)} × {grouped(cfg.d_model)}", count.per_matrix),
            (f"one head: {W_Q}, {W_K}, value-down, value-up (× 4)", count.per_head),
            (f"one layer: × {cfg.n_heads} heads", count.per_block_attention),
            (f"all layers: × {cfg.n_layers}", count.attention_total),
        ]
        table = self.pc_table(steps + [(f"all of {cfg.name}", count.total)])
        table.next_to(self.title_mobject, DOWN, buff=0.5).set_x(0)
        rows = table[:-1]
        self.tally_rows = table
        self.record("tally", VGroup(*(row[1] for row in rows)), [value for _, value in steps])
        self.play(FadeIn(rows[0], shift=UP * 0.15), run_time=0.6)
        self.caption(f"one matrix, {d_head} × {d_model}: {grouped(cfg.d_head)} × {grouped(cfg.d_model)}")
        self.picture_top = table[3].get_bottom()[1] - 0.45     # under the tally's rows (the total comes when they go)
        head = self.pc_head_glyph(1.8).move_to(UP * (self.picture_top + CAPTION_TOP) / 2)
        names = VGroup(*(label(name, self.theme, 22, color=bar.get_fill_color()).next_to(bar, RIGHT, buff=0.25)
                         for name, bar in zip((W_Q, W_K, "value-down", "value-up"), head)))
        self.head_glyph, self.head_names = head, names
        self.pc_tally_row(rows[1], f"{W_Q}, {W_K}, value-down and value-up: the four matrices of one head",
                          FadeIn(head), FadeIn(names))
        return table

    def pc_per_layer(self, table: VGroup) -> None:
        """The tally's next row: every head of a layer, drawn as that many heads (``self.layer_heads``)."""
        cfg = self.settings.parameter_count().config
        self.beat("per layer")
        heads = self.pc_tiles(cfg.n_heads, lambda size: self.pc_head_glyph(size))
        self.layer_heads = heads
        self.record("heads_drawn", heads, [cfg.n_heads])
        self.play(FadeOut(self.head_names), ReplacementTransform(self.head_glyph, heads[0]), run_time=0.8)
        self.pc_tally_row(table[2], "every head of a layer has its own four",
                          LaggedStart(*(FadeIn(h) for h in heads[1:]), lag_ratio=min(0.05, 1.5 / cfg.n_heads)))

    def pc_all_layers(self, table: VGroup) -> None:
        """The tally's next row: every layer, each a tile of its heads (``self.layers_drawn``)."""
        cfg = self.settings.parameter_count().config
        self.beat("all layers")
        heads = self.pc_layer_image(cfg.n_heads)
        tiles = self.pc_tiles(cfg.n_layers, lambda size: Group(
            Rectangle(width=size, height=size, stroke_color=self.theme.muted, stroke_width=1),
            heads.copy().scale_to_fit_width(size * 0.85)))        # a layer: a frame round a miniature of its heads
        self.layers_drawn = tiles
        self.record("layers_drawn", tiles, [cfg.n_layers])
        layer = self.layer_heads.copy()                           # the layer of heads shrinks into the first tile
        layer.generate_target().scale(tiles[0][1].width / layer.width).move_to(tiles[0][1])
        self.play(FadeIn(tiles[0][0]), MoveToTarget(layer), FadeOut(self.layer_heads), run_time=1.0)
        self.pc_tally_row(table[3], "and every layer has its own heads",
                          LaggedStart(*(FadeIn(t) for t in tiles[1:]), lag_ratio=min(0.05, 1.5 / cfg.n_layers)))
        self.layer_tile = layer

    def pc_tally_row(self, row: VGroup, caption: str, *pictures) -> None:
        """One more row of the tally and its picture, and what it counts."""
        self.play(FadeIn(row, shift=UP * 0.15), *pictures, run_time=1.2 if pictures else 0.8)
        self.caption(caption)

    def pc_head_glyph(self, size: float) -> VGroup:
        """One head as four bars, one per matrix, in the matrices' colours: W_Q, W_K, value-down, value-up."""
        bars = VGroup(*(Rectangle(width=size, height=size / 5, stroke_width=0, fill_color=color, fill_opacity=0.85)
                        for color in (self.theme.query, self.theme.key, self.theme.value_down, self.theme.value_up)))
        return bars.arrange(DOWN, buff=size / 15)

    def pc_layer_image(self, n_heads: int) -> ImageMobject:
        """A layer in miniature, as an image: its heads in the grid ``pc_tiles`` lays them out in, each
        head its four bars (4 × 5 pixels: three wide, one row per matrix, a pixel of gap)."""
        cols, rows, _, _ = self.pc_grid(n_heads)
        colors = [np.array(c.to_int_rgb()) for c in (self.theme.query, self.theme.key, self.theme.value_down,
                                                     self.theme.value_up)]
        pixels = np.zeros((rows * 5, cols * 4, 4), dtype=np.uint8)          # transparent: the gaps
        for h in range(n_heads):
            y, x = (h // cols) * 5, (h % cols) * 4
            for bar, color in enumerate(colors):
                pixels[y + bar, x:x + 3, :3], pixels[y + bar, x:x + 3, 3] = color, 255
        image = ImageMobject(pixels)
        image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        return image.stretch_to_fit_width(cols * 4 / 100).stretch_to_fit_height(rows * 5 / 100)

    def pc_grid(self, n: int) -> tuple[int, int, float, float]:
        """Columns, rows, the step between centres and the middle's y of a grid of ``n`` tiles filling the
        band under the tally, above the caption."""
        top, bottom, width = self.picture_top, CAPTION_TOP + 0.2, config.frame_width - 1.0
        cols = max(1, min(n, math.ceil(math.sqrt(n * width / (top - bottom)))))
        rows = math.ceil(n / cols)
        return cols, rows, min(width / cols, (top - bottom) / rows), (top + bottom) / 2

    def pc_tiles(self, n: int, make) -> Group:
        """``n`` copies of ``make(size)`` in a grid filling the band under the tally, above the caption."""
        cols, rows, step, middle = self.pc_grid(n)
        tiles = Group(*(make(step * 0.8) for _ in range(n)))
        for i, tile in enumerate(tiles):
            tile.move_to([(i % cols - (cols - 1) / 2) * step, middle - (i // cols - (rows - 1) / 2) * step, 0])
        return tiles

    def pc_share(self, count, table: VGroup) -> None:
        """Against the whole model: the total, and attention's share of it as a bar."""
        self.beat("share")
        self.play(FadeOut(self.layers_drawn[1:]), FadeOut(self.layers_drawn[0][0]), FadeOut(self.layer_tile),
                  run_time=0.5)                                   # the bar takes their place
        total = table[-1]
        self.record("total", VGroup(total[1]), [count.total])
        bar = Rectangle(width=11, height=0.35, stroke_color=self.theme.muted, fill_opacity=0)
        part = Rectangle(width=11 * count.attention_fraction, height=0.35, stroke_width=0,
                         fill_color=self.theme.muted, fill_opacity=0.8)          # a share: no role's colour
        bar.next_to(table, DOWN, buff=0.45).set_x(0)
        part.align_to(bar, LEFT).align_to(bar, UP)
        share = label(f"attention: {count.attention_fraction:.0%} of all parameters", self.theme, 20,
                      color=self.theme.text).next_to(bar, DOWN, buff=0.15)
        self.play(FadeIn(total, shift=UP * 0.15))
        self.play(FadeIn(bar), GrowFromEdge(part, LEFT), FadeIn(share))
        self.caption(f"about {approx(count.attention_total)} of {approx(count.total)} parameters are attention weights; "
                     "the rest: embeddings, MLPs, layer norms, biases")
        self.wait(2)

    def pc_block(self, rows: int, cols: int, unit: float, color, name: str, name_inside: bool = True) -> VGroup:
        """A matrix as a block ``cols`` wide and ``rows`` tall at ``unit`` per entry, braces counting both; its
        name inside when it fits and ``name_inside`` (a block to be crossed out keeps it clear, below)."""
        width, height = cols * unit, rows * unit
        rect = Rectangle(width=max(width, THINNEST), height=max(height, THINNEST), stroke_color=color,
                         stroke_width=2, fill_color=color, fill_opacity=0.35)
        top = Brace(rect, UP, buff=0.08, color=self.theme.muted)
        cols_label = label(grouped(cols), self.theme, 20, color=self.theme.muted).next_to(top, UP, buff=0.06)
        side = Brace(rect, LEFT, buff=0.08, color=self.theme.muted)
        rows_label = label(grouped(rows), self.theme, 20, color=self.theme.muted).next_to(side, LEFT, buff=0.08)
        name_label = label(name, self.theme, 22, color=color)
        if name_inside and rect.height > 0.6 and rect.width > name_label.width + 0.3:
            name_label.move_to(rect)
        else:
            name_label.next_to(rect, DOWN, buff=0.15)
        block = VGroup(rect, top, cols_label, side, rows_label, name_label)
        block.rect, block.cols_label, block.rows_label, block.name_label = rect, cols_label, rows_label, name_label
        block.to_scale = width >= THINNEST and height >= THINNEST
        return block

    @staticmethod
    def pc_scale_note(block: VGroup) -> str:
        return "" if block.to_scale else " (the thin side drawn thicker, to be seen)"

    def pc_table(self, steps: list[tuple[str, int]]) -> VGroup:
        """Words on the left; figures in a monospaced font, right-aligned on their last digit; '≈ 6.3M' after."""
        rows = VGroup()
        for text, value in steps:
            words = label(text, self.theme, 24, color=self.theme.muted)
            figure = cached_text(grouped(value), MONO, FIGURE_SIZE, self.theme.text)
            rough = label(f"≈ {approx(value)}", self.theme, 24, color=self.theme.text)
            rows.add(VGroup(words, figure, rough))
        words_width = max(r[0].width for r in rows)
        figure_width = max(r[1].width for r in rows)
        for i, (words, figure, rough) in enumerate(rows):
            y = -i * 0.8 - (0.3 if i == len(rows) - 1 else 0)
            words.move_to([0, y, 0], aligned_edge=LEFT)
            figure.move_to([words_width + 0.5 + figure_width, y, 0], aligned_edge=RIGHT)
            rough.move_to([words_width + figure_width + 0.8, y, 0], aligned_edge=LEFT)
        if rows.width > config.frame_width - 0.8:
            rows.scale_to_fit_width(config.frame_width - 0.8)
        return rows
