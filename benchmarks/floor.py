"""The floor: one dot moving for 10 s, nothing else. What manim itself costs per frame here."""

from __future__ import annotations

from manim import LEFT, RIGHT, Dot, Scene


class Floor(Scene):
    def construct(self) -> None:
        dot = Dot(LEFT * 5)
        self.add(dot)
        self.play(dot.animate.move_to(RIGHT * 5), run_time=10)
