"""The pattern is T × T: its area, a real long pattern, and the measured cost of building it grow with T²."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Axes, Create, DashedVMobject, Dot, FadeIn, FadeOut, Group, Polygon, Square,
                   VGroup, VMobject, config)

from attention_math.scaling import DOT_FILL, axis_ticks, full_cell_weight, median_dot_pixels, pattern_intensity
from scenes.catalog import about
from scenes.kit.attention_scene import AttentionScene
from scenes.kit.mobjects import grouped, label, pattern_image, short

GRID_SIZES = (2, 4, 8, 16)   # the small patterns drawn cell by cell, at one cell size
STAGES = (16, 32, 64, 128)   # the long pattern zooms out through these context lengths, then to all of it
MIN_DOT_PIXELS = 2.0         # a typical dot narrower than this on screen is no dot: the pattern goes a pixel per cell
MASK_SHADE = 1.0             # the masked cells: the palette's solid masked grey, as in every grid
KAPPA = 0.5523               # a cubic Bézier's handle for a quarter circle


def dot_cloud(centres: np.ndarray, radii: np.ndarray, color) -> VMobject:
    """Many filled circles as ONE VMobject (a subpath each): thousands of dots, one mobject to draw."""
    quarter = np.array([[1, 0], [1, KAPPA], [KAPPA, 1], [0, 1]])              # [4, 2] one quarter, unit circle
    turns = [np.array([[c, -s], [s, c]]) for c, s in ((1, 0), (0, 1), (-1, 0), (0, -1))]
    circle = np.concatenate([quarter @ r.T for r in turns])                     # [16, 2]
    points = centres[:, None, :2] + radii[:, None, None] * circle[None]        # [n, 16, 2]
    cloud = VMobject(fill_color=color, fill_opacity=0.85, stroke_width=0)
    flat = points.reshape(-1, 2)
    cloud.set_points(np.column_stack([flat, np.zeros(len(flat))]) if len(flat) else np.zeros((0, 3)))
    return cloud


class QuadraticScaling(AttentionScene):
    description = about("QuadraticScaling").description
    needs = ("scaling", "long_context")

    def construct(self) -> None:
        result = self.settings.scaling()           # measured before anything is drawn (needs)
        grids, cell = self.qs_cells(result)
        self.qs_long_context(grids[-1], cell)
        plots = self.qs_plots(result)
        self.qs_time(result, plots[0])
        self.qs_memory(result, plots[1])

    # --- beats (prefixed: AttentionBlock inherits every chapter's helpers) --------------------
    def qs_cells(self, result) -> tuple[VGroup, float]:
        """T tokens, T² cells: one cell size, so the area shows it; the grids (``self.grids``) and the cell size."""
        points = {p.n: p for p in result.points}
        self.beat("cells")
        self.title("The attention pattern grows with the square of the context")
        top = self.title_mobject.get_bottom()[1] - 0.4
        usable_h = top - (-config.frame_height / 2 + 1.2)
        cell = min(usable_h / GRID_SIZES[-1], (config.frame_width - 3.5) / sum(GRID_SIZES))
        grids = VGroup(*(self.cells(n, cell) for n in GRID_SIZES)).arrange(RIGHT, buff=0.75, aligned_edge=DOWN)
        grids.move_to(UP * ((top + (-config.frame_height / 2 + 1.2)) / 2 + 0.1))
        names = VGroup(*(label(f"T = {n}: {grouped(points[n].cells)} cells", self.theme, 16, color=self.theme.muted)
                         .next_to(g, DOWN, buff=0.15) for n, g in zip(GRID_SIZES, grids)))
        times = VGroup(*(label("×4", self.theme, 18, color=self.theme.text).move_to(
            (a.get_right() + b.get_left()) / 2).set_y(a.get_center()[1]) for a, b in zip(grids, grids[1:])))
        self.record("cells", VGroup(*names), [points[n].cells for n in GRID_SIZES])
        self.grids = grids
        for i, (g, name) in enumerate(zip(grids, names)):
            self.play(FadeIn(g), FadeIn(name), *([FadeIn(times[i - 1])] if i else []), run_time=0.6)
        self.caption("every query meets every key: double the context, four times the area")
        self.wait(1)
        return grids, cell

    def qs_plots(self, result) -> VGroup:
        """The measured time and memory against c·T², side by side under the title (``self.plots``), not yet shown."""
        measured = [p for p in result.points if p.n not in GRID_SIZES]
        ns = [p.n for p in measured]
        time_plot = self.plot(ns, [p.seconds * 1e3 for p in measured],
                              [v * 1e3 for v in result.quadratic_reference("seconds")[-len(measured):]],
                              "time per pattern (ms)", self.theme.series1)
        memory_plot = self.plot(ns, [p.peak_bytes / 2**20 for p in measured],
                                [v / 2**20 for v in result.quadratic_reference("peak_bytes")[-len(measured):]],
                                "memory (MiB)", self.theme.series2)
        plots = VGroup(time_plot, memory_plot).arrange(RIGHT, buff=0.9).next_to(self.title_mobject, DOWN, buff=0.45)
        self.record("seconds", VGroup(*time_plot.dots), [p.seconds for p in measured])
        self.record("bytes", VGroup(*memory_plot.dots), [p.peak_bytes for p in measured])
        self.plots = plots
        return plots

    def qs_time(self, result, plot: VGroup) -> None:
        """Measured time: the long pattern leaves as the plots' beat begins (its section ends on it)."""
        self.beat("time")
        self.play(*(FadeOut(m) for m in self.mobjects if m not in (self.title_mobject, self._caption)))
        self.qs_show_plot(plot)
        self.caption(f"measured before drawing: each time the median of {result.repeats} runs"
                     + (" (CPU time of one thread)" if result.device == "CPU" else f" on {result.device}"))

    def qs_memory(self, result, plot: VGroup) -> None:
        """Measured memory, and the last point's time and memory."""
        self.beat("memory")
        self.qs_show_plot(plot)
        last = [p for p in result.points if p.n not in GRID_SIZES][-1]
        self.caption(f"{result.device}: T = {grouped(last.n)} takes {last.seconds * 1e3:.1f} ms and "
                     f"{last.peak_bytes / 2**20:.0f} MiB; dashed: c·T² through the last point")
        self.wait(2)

    def qs_show_plot(self, plot: VGroup) -> None:
        """A plot's axes and names, then its measured dots and the dashed c·T²."""
        self.play(Create(plot.axes), FadeIn(plot.names), run_time=0.8)
        self.play(FadeIn(plot.dots, lag_ratio=0.2), Create(plot.curve), run_time=1.2)

    # --- the long context ------------------------------------------------------------------
    def qs_long_context(self, start_grid: VGroup, cell: float) -> None:
        """A real long context, zooming out: the real paragraph's masked pattern, dots by AREA, zooming out
        as the context grows."""
        self.beat("long context")
        zoom = self.qs_long_setup(start_grid, cell)
        for stage, dot_pixels in zip(zoom.stages, zoom.typical):
            self.qs_long_stage(zoom, stage, dot_pixels)
        self.qs_long_end(zoom)

    def qs_long_setup(self, start_grid: VGroup, cell: float) -> SimpleNamespace:
        """The last small grid becomes the long pattern's empty frame, its axes named and the note beside it;
        what the zoom needs, and its state (nothing drawn inside the frame yet)."""
        trace = self.settings.long_context()
        head = self.settings.long_context_head()[1]                     # its own head: 6, or --head for MiniLM
        weights = trace.on_screen("pattern", head)                      # [T_k, T_q]: rows keys, columns queries
        masked = ~np.isfinite(trace.on_screen("masked", head))          # [T_k, T_q]: a later key, −∞ then 0
        t = len(trace.tokens)
        self.full_weight = full_cell_weight(weights, masked)             # a dot of this weight fills its cell
        stages = [s for s in STAGES if s < t] + [t]
        side = STAGES[0] * cell                                         # the pattern's size on screen, every stage
        corner = np.array([-config.frame_width / 2 + 1.0, start_grid.get_top()[1], 0.0])
        frame = Square(side, stroke_color=self.theme.muted, stroke_width=1.5)
        frame.move_to(corner, aligned_edge=UP + LEFT)
        queries = label("queries →", self.theme, 16, color=self.theme.query).next_to(frame, UP, buff=0.06)   # clear of the title
        queries.align_to(frame, LEFT)
        keys = label("keys ↓", self.theme, 16, color=self.theme.key).rotate(-math.pi / 2).next_to(frame, LEFT, buff=0.2)
        keys.align_to(frame, UP)

        others = [m for m in self.mobjects if m not in (self.title_mobject, self._caption, start_grid)]
        self.play(*(FadeOut(m) for m in others), start_grid.animate.move_to(frame))
        self.play(FadeOut(start_grid), FadeIn(frame), FadeIn(queries), FadeIn(keys))
        note, dot_legend, pixel_legend = self.qs_long_notes(trace, head, frame)
        pixels_per_unit = config.pixel_width / config.frame_width     # this render's resolution
        typical = [median_dot_pixels(weights[:n, :n], masked[:n, :n], self.full_weight,
                                     side / n * pixels_per_unit) for n in stages]     # the typical dot, on screen
        self.play(FadeIn(note), FadeIn(dot_legend if typical[0] >= MIN_DOT_PIXELS else pixel_legend))

        self.long_dots: list[VMobject] = []
        self.long_stages: list[dict] = []        # what each stage drew, for the tests
        return SimpleNamespace(trace=trace, head=head, weights=weights, masked=masked, stages=stages, typical=typical,
                               side=side, corner=corner, pixels_per_unit=pixels_per_unit, note=note,
                               dot_legend=dot_legend, pixel_legend=pixel_legend,
                               content=Group(),       # everything inside the frame; scaled about its corner to zoom
                               mask_shape=None, counter=None, shown=0, as_image=False)

    def qs_long_notes(self, trace, head: int, frame: Square) -> tuple[VGroup, VGroup, VGroup]:
        """The note right of the frame (what the pattern is), and the two legends (``self.long_legends``) that
        say how to read a dot, then a pixel; the note holds neither."""
        t = len(trace.tokens)
        note = VGroup(label(f"a real paragraph of {t} tokens", self.theme, 18),
                      label(f"MiniLM, layer {trace.layer}, head {head}", self.theme, 16, color=self.theme.muted),
                      label("grey: a later key, masked (−∞, then 0)", self.theme, 16, color=self.theme.muted),
                      label("(MiniLM is an encoder: masked for illustration)", self.theme, 16, color=self.theme.muted),
                      label("dot area ∝ attention weight;", self.theme, 16, color=self.theme.positive),
                      label(f"a weight of {self.full_weight:.2f} fills a cell", self.theme, 16,
                            color=self.theme.positive))
        note.arrange(DOWN, buff=0.15, aligned_edge=LEFT).next_to(frame, RIGHT, buff=0.8).align_to(frame, UP)
        dot_legend = VGroup(*note[-2:])       # the last two lines say how to read a dot, until the pixels come
        pixel_legend = VGroup(label("a pixel per cell: shade ∝ √weight;", self.theme, 16, color=self.theme.positive),
                              label(f"a weight of {self.full_weight:.2f} or more: full", self.theme, 16,
                                    color=self.theme.positive)).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        pixel_legend.move_to(dot_legend, aligned_edge=UP + LEFT)
        self.long_legends = (dot_legend, pixel_legend)
        note.remove(*dot_legend)
        return note, dot_legend, pixel_legend

    def qs_long_stage(self, zoom: SimpleNamespace, stage: int, dot_pixels: float) -> None:
        """One stage of the zoom: the frame now holds ``stage`` tokens, as dots or (too small) a pixel per cell."""
        size = zoom.side / stage                  # one cell at this stage
        switch = dot_pixels < MIN_DOT_PIXELS and not zoom.as_image      # the first stage drawn a pixel per cell
        if zoom.shown:                           # zoom out: the same frame now holds `stage` tokens; the text
            factor = zoom.shown / stage          # that changes goes out first, then the new comes in (never both)
            self.play(zoom.content.animate.scale(factor, about_point=zoom.corner), FadeOut(zoom.counter),
                      *([FadeOut(zoom.dot_legend)] if switch else []), run_time=1.2)
        new_counter = VGroup(label(f"T = {stage}: {grouped(stage * stage)} cells", self.theme, 20,
                                   color=self.theme.text),
                             label(f"up to “{short(zoom.trace.tokens[stage - 1])}”", self.theme, 16,
                                   color=self.theme.muted)).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        new_counter.next_to(zoom.dot_legend, DOWN, buff=0.6).align_to(zoom.note, LEFT)
        animations = [FadeIn(new_counter)]
        if dot_pixels >= MIN_DOT_PIXELS:     # dots, area ∝ weight: the new cells' dots, the mask redrawn
            self.qs_stage_dots(zoom, stage, size, dot_pixels, animations)
        else:                                # under MIN_DOT_PIXELS a dot is no dot: one pixel per cell
            self.qs_stage_image(zoom, stage, size, dot_pixels, animations, switch)
        zoom.counter, zoom.shown = new_counter, stage
        self.wait(0.4)

    def qs_stage_dots(self, zoom: SimpleNamespace, stage: int, size: float, dot_pixels: float, animations: list) -> None:
        """A stage as dots, area ∝ weight: the new cells' dots, the mask redrawn."""
        new = self.dots_between(zoom.weights, zoom.masked, zoom.shown, stage, zoom.corner, size)
        new_mask = self.mask_polygon(stage, zoom.corner, size)
        # only the staircase's new rows fade in, beside the old ones: old and new staircases cross-faded
        # over each other would dim the masked cells they share mid-fade
        added = self.mask_polygon(stage, zoom.corner, size, low=zoom.shown) if zoom.mask_shape is not None else new_mask
        animations += [FadeIn(new), FadeIn(added)]
        self.play(*animations, run_time=0.8)
        if zoom.mask_shape is not None:             # the two pieces become the one staircase, unchanged on screen
            self.replace(zoom.mask_shape, new_mask)
            self.remove(added)
            zoom.content.remove(zoom.mask_shape)
        zoom.content.add(new_mask, new)
        self.long_dots.append(new)
        zoom.mask_shape = new_mask
        self.long_stages.append({"T": stage, "kind": "dots", "dot_pixels": dot_pixels, "cell": size,
                                 "dots": np.concatenate([d.points for d in self.long_dots])})

    def qs_stage_image(self, zoom: SimpleNamespace, stage: int, size: float, dot_pixels: float, animations: list,
                       switch: bool) -> None:
        """A stage as an image, a pixel per cell (a dot would be no dot); the legend says how to read it."""
        part = (slice(0, stage), slice(0, stage))
        intensity = pattern_intensity(zoom.weights[part], zoom.masked[part], self.full_weight)
        image = pattern_image(intensity, self.theme, MASK_SHADE, zoom.side, zoom.side)
        image.move_to(zoom.corner, aligned_edge=UP + LEFT)
        if switch and zoom.shown:             # the legend says how to read the pixels
            animations.append(FadeIn(zoom.pixel_legend))
        # the opaque image fades in over what it replaces (the cells it shares show the same weights,
        # the mask the same shade), which then goes: nothing doubled, nothing left under it
        self.play(*animations, FadeIn(image), run_time=0.8)
        self.remove(*zoom.content)
        zoom.content = Group(image)
        zoom.mask_shape, zoom.as_image = None, True
        self.long_stages.append({"T": stage, "kind": "image", "dot_pixels": dot_pixels, "cell": size,
                                 "intensity": intensity, "pixels": image.pixels, "image": image,
                                 "box": (image.get_corner(UP + LEFT), image.width, image.height)})

    def qs_long_end(self, zoom: SimpleNamespace) -> None:
        """The whole paragraph's pattern: what it holds, kept for the tests (``self.long_pattern``)."""
        t = len(zoom.trace.tokens)
        self.long_pattern = {"corner": np.asarray(zoom.corner), "cell": zoom.side / t, "weights": zoom.weights,
                             "masked": zoom.masked, "mask": zoom.mask_shape, "full_radius": DOT_FILL / 2 * zoom.side / t,
                             "full_weight": self.full_weight, "side": zoom.side, "pixels_per_unit": zoom.pixels_per_unit,
                             "legend": zoom.pixel_legend if zoom.as_image else zoom.dot_legend, "head": zoom.head}
        self.long_content = list(zoom.content)         # what the frame holds at the end: one stage's drawing
        self.record("long_counter", VGroup(zoom.counter[0]), [t * t])
        self.caption(f"{t} tokens: {grouped(t * t)} cells, {grouped(int((~zoom.masked).sum()))} of them unmasked")
        self.wait(1.5)

    def dots_between(self, weights: np.ndarray, masked: np.ndarray, low: int, high: int, corner: np.ndarray,
                     size: float) -> VMobject:
        """The dots of the cells a context of ``high`` tokens adds to ``low``: area ∝ weight, none where masked."""
        rows, cols = np.nonzero(~masked[:high, :high])
        new = (rows >= low) | (cols >= low)
        rows, cols = rows[new], cols[new]
        centres = np.column_stack([corner[0] + (cols + 0.5) * size, corner[1] - (rows + 0.5) * size])
        radii = DOT_FILL / 2 * size * np.sqrt(weights[rows, cols] / self.full_weight)
        return dot_cloud(centres, radii, self.theme.positive)

    def mask_polygon(self, n: int, corner: np.ndarray, size: float, low: int = 0) -> Polygon:
        """The masked cells (key after query: below the diagonal) as one staircase, kept marked after the 0s;
        with ``low``, only the rows from ``low`` on (what a context of n tokens adds to one of ``low``)."""
        steps = ([(0, 1)] + [p for k in range(1, n) for p in ((k, k), (k, k + 1))] + [(0, n)] if not low else
                 [(0, low)] + [p for k in range(low, n) for p in ((k, k), (k, k + 1))] + [(0, n)])
        vertices = [corner + RIGHT * x * size + DOWN * y * size for x, y in steps]
        return Polygon(*vertices, stroke_width=0, fill_color=self.theme.of("masked"), fill_opacity=MASK_SHADE)

    # --- pieces -------------------------------------------------------------------------------
    def cells(self, n: int, side: float) -> VGroup:
        """An n × n grid of squares of side ``side`` (the same for every n, so the area is n²·side²)."""
        squares = VGroup(*(Square(side, stroke_width=1, stroke_color=self.theme.muted,
                                  fill_color=self.theme.positive, fill_opacity=0.25) for _ in range(n * n)))
        return squares.arrange_in_grid(n, n, buff=0)

    def plot(self, xs: list[int], ys: list[float], reference: list[float], name: str, color) -> VGroup:
        """Measured points and the c·T² reference; round ticks labelled on both axes (Text, no LaTeX)."""
        top = max(max(ys), max(reference)) * 1.1
        x_ticks, y_ticks = axis_ticks(xs[-1] * 1.05), axis_ticks(top)
        axes = Axes(x_range=[0, xs[-1] * 1.05, x_ticks[1]], y_range=[0, top, y_ticks[1]], x_length=5.6,
                    y_length=4.5, tips=False, axis_config={"color": self.theme.muted, "include_ticks": True})
        x_labels = VGroup(*(label(grouped(int(x)), self.theme, 14, color=self.theme.muted)
                            .next_to(axes.c2p(x, 0), DOWN, buff=0.12) for x in x_ticks))
        y_labels = VGroup(*(label(f"{y:g}", self.theme, 14, color=self.theme.muted)
                            .next_to(axes.c2p(0, y), LEFT, buff=0.12) for y in y_ticks))
        x_name = label("context length T (tokens)", self.theme, 16, color=self.theme.muted)
        x_name.next_to(x_labels, DOWN, buff=0.12)
        y_name = label(name, self.theme, 16, color=color).next_to(axes, UP, buff=0.15).align_to(y_labels, LEFT)
        dots = VGroup(*(Dot(axes.c2p(x, y), radius=0.06, color=color) for x, y in zip(xs, ys)))
        curve = VMobject(stroke_color=self.theme.text, stroke_width=2, stroke_opacity=0.8)
        curve.set_points_smoothly([axes.c2p(x, y) for x, y in zip(xs, reference)])
        dashed = DashedVMobject(curve, num_dashes=30)
        group = VGroup(axes, x_labels, y_labels, x_name, y_name, dots, dashed)
        group.axes, group.names, group.dots, group.curve = axes, VGroup(x_labels, y_labels, x_name, y_name), dots, dashed
        group.x_labels, group.y_labels = x_labels, y_labels
        return group
