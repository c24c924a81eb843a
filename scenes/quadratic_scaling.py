"""The pattern is T × T: its size, and the measured cost of building it, grow with the square of T."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Axes, Create, DashedVMobject, Dot, FadeIn, FadeOut, Square, VGroup, VMobject

from scenes.kit.base import AttentionScene
from scenes.kit.mobjects import grouped, label

GRID_SIZES = (2, 4, 8, 16)   # the small patterns drawn cell by cell


class QuadraticScaling(AttentionScene):
    description = "T tokens make T² pattern cells: measured time and memory of the pattern against an n² curve."

    def construct(self) -> None:
        result = self.settings.scaling()
        points = {p.n: p for p in result.points}
        measured = [p for p in result.points if p.n not in GRID_SIZES]

        # --- T tokens, T² cells -----------------------------------------------------------
        self.beat("cells")
        self.title("The attention pattern grows with the square of the context")
        grids = VGroup(*(self.cells(n) for n in GRID_SIZES)).arrange(RIGHT, buff=0.6, aligned_edge=DOWN)
        grids.scale_to_fit_width(min(grids.width, 12)).move_to(DOWN * 0.2)
        names = VGroup(*(label(f"T = {n}: {grouped(points[n].cells)} cells", self.theme, 18, color=self.theme.muted)
                         .next_to(g, DOWN, buff=0.2) for n, g in zip(GRID_SIZES, grids)))
        self.record("cells", VGroup(*names), [points[n].cells for n in GRID_SIZES])
        for g, name in zip(grids, names):
            self.play(FadeIn(g), FadeIn(name), run_time=0.6)
        self.caption("every query meets every key: double the context, four times the pattern")
        self.wait(1)
        self.play(FadeOut(grids), FadeOut(names))

        # --- measured time, then memory ---------------------------------------------------
        ns = [p.n for p in measured]
        time_plot = self.plot(ns, [p.seconds * 1e3 for p in measured],
                              [v * 1e3 for v in result.quadratic_reference("seconds")[-len(measured):]],
                              "time per pattern (ms)", self.theme.query)
        memory_plot = self.plot(ns, [p.peak_bytes / 2**20 for p in measured],
                                [v / 2**20 for v in result.quadratic_reference("peak_bytes")[-len(measured):]],
                                "memory (MiB)", self.theme.key)
        plots = VGroup(time_plot, memory_plot).arrange(RIGHT, buff=0.8).next_to(self.title_mobject, DOWN, buff=0.5)
        self.record("seconds", VGroup(*time_plot.dots), [p.seconds for p in measured])
        self.record("bytes", VGroup(*memory_plot.dots), [p.peak_bytes for p in measured])
        for plot, beat in zip(plots, ("time", "memory")):
            self.beat(beat)
            self.play(Create(plot.axes), FadeIn(plot.names), run_time=0.8)
            self.play(FadeIn(plot.dots, lag_ratio=0.2), Create(plot.curve), run_time=1.2)
        last = measured[-1]
        self.caption(f"measured on {result.device}: T = {grouped(last.n)} takes {last.seconds * 1e3:.1f} ms and "
                     f"{last.peak_bytes / 2**20:.0f} MiB; dashed: c·T²")
        self.wait(2)

    def cells(self, n: int) -> VGroup:
        """An n × n grid of small squares (drawn at the same total size for every n)."""
        side = 1.8 / n
        squares = VGroup(*(Square(side, stroke_width=1, stroke_color=self.theme.muted,
                                  fill_color=self.theme.query, fill_opacity=0.25) for _ in range(n * n)))
        return squares.arrange_in_grid(n, n, buff=0)

    def plot(self, xs: list[int], ys: list[float], reference: list[float], name: str, color) -> VGroup:
        """Measured points and the c·T² reference on plain axes; tick labels are Text (no LaTeX)."""
        top = max(max(ys), max(reference)) * 1.1
        axes = Axes(x_range=[0, xs[-1] * 1.05, xs[-1] / 4], y_range=[0, top, top / 4], x_length=5.5, y_length=3.6,
                    tips=False, axis_config={"color": self.theme.muted, "include_ticks": True})
        ticks = VGroup(*(label(grouped(x), self.theme, 14, color=self.theme.muted).next_to(axes.c2p(x, 0), DOWN, buff=0.1)
                         for x in xs[::2]))
        x_name = label("context length T", self.theme, 16, color=self.theme.muted).next_to(ticks, DOWN, buff=0.1)
        y_name = label(name, self.theme, 16, color=color).next_to(axes, UP, buff=0.1).align_to(axes, LEFT)
        top_tick = label(f"{top:.3g}", self.theme, 14, color=self.theme.muted).next_to(axes.c2p(0, top), LEFT, buff=0.1)
        dots = VGroup(*(Dot(axes.c2p(x, y), radius=0.06, color=color) for x, y in zip(xs, ys)))
        curve = VMobject(stroke_color=self.theme.text, stroke_width=2, stroke_opacity=0.8)
        curve.set_points_smoothly([axes.c2p(x, y) for x, y in zip(xs, reference)])
        dashed = DashedVMobject(curve, num_dashes=30)
        group = VGroup(axes, ticks, x_name, y_name, top_tick, dots, dashed)
        group.axes, group.names, group.dots, group.curve = axes, VGroup(ticks, x_name, y_name, top_tick), dots, dashed
        return group
