"""Generic frame checks, run on a scene's mobjects after every animation: so at the end of every
section (before its last fade-out) and at the scene's end.

A frame that teaches has nothing outside the frame, no two texts on top of each other and no
text too small to read, and a section (beat) ends on its picture, not on a cleared frame: digits and capitals at least 12 px tall at 720p (``MIN_TEXT_PX``), that
is 12/720 of the frame's height whatever the render size.

    with checked_sections() as checks:
        tiny("ValuesUpdateEmbeddings", out, fmt="png")
    assert not checks, checks.report()

``frame_problems(scene)`` checks one state; ``checked_sections`` runs it in every scene rendered
inside the ``with`` block after each ``play`` and at the end. Text size is measured on the
mobject (a line's height, a rotated label's thickness): a line with descenders is taller than its
digits, so the floor is a lower bound there. Two texts overlap when their outlines do (each glyph
contour's box), so labels at 45° whose boxes cross but whose letters stay apart pass.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from scenes.kit.notation import plain

MIN_TEXT_PX = 12            # at 720p, for digits and capitals
REFERENCE_HEIGHT_PX = 720
EDGE_TOLERANCE = 1e-3       # scene units
OVERLAP_TOLERANCE = 0.01    # scene units two texts' boxes may share (anti-aliasing, kerning)
HAS_DIGIT_OR_CAPITAL = re.compile(r"[0-9A-ZΔ]")     # not ∞: its glyph is x-height, beside digits of the right size
PLAIN_NOTATION = re.compile(r"W_[QKVO]|b_O|d_(?:k|head|model)")   # W_Q with an underscore: not typeset (Text drops spaces)


@dataclass(frozen=True)
class Problem:
    section: str
    kind: str            # "outside", "overlap", "small", "notation"
    what: str

    def __str__(self) -> str:
        return f"[{self.section}] {self.kind}: {self.what}"


def visible(mobject) -> bool:
    """Drawn with some opacity (a faded-out mobject left in the scene does not count)."""
    from manim import VMobject

    parts = mobject.family_members_with_points()
    return any(not isinstance(p, VMobject)          # an image: drawn as it is (it has no fill or stroke)
               or p.get_fill_opacity() > 0.02 or (p.get_stroke_opacity() > 0.02 and p.get_stroke_width() > 0)
               for p in parts)


def texts_of(scene) -> list:
    """Every text mobject on screen (anything with a ``text``), not descending into a text's glyphs."""
    found, seen = [], set()

    def walk(mobject) -> None:
        if id(mobject) in seen:
            return
        seen.add(id(mobject))
        if isinstance(getattr(mobject, "text", None), str):
            if mobject.text.strip() and (mobject.has_points() or mobject.submobjects):
                found.append(mobject)
            return
        for sub in mobject.submobjects:
            walk(sub)

    for top in scene.mobjects:
        walk(top)
    return [t for t in found if visible(t) and t.width > 0 and t.height > 0]


def text_size(text) -> float:
    """The height of a line of text in scene units; for a rotated label, its thickness. One character
    read upward (an "I" under its column) is much wider than tall: its width is its height."""
    if len(text.text.strip()) > 1:
        return min(text.width, text.height)
    return text.width if text.width > 1.5 * text.height else text.height


def box(mobject) -> np.ndarray:
    """(left, bottom, right, top) of everything the mobject draws, in one pass over its points."""
    points = mobject.get_all_points()
    if not len(points):
        x, y = mobject.get_center()[:2]
        return np.array([x, y, x, y])
    low, high = points.min(axis=0), points.max(axis=0)
    return np.array([low[0], low[1], high[0], high[1]])


def frame_problems(scene, section: str = "") -> list[Problem]:
    """Everything wrong with what is on screen now."""
    from manim import config

    problems = []
    half_w, half_h = config.frame_width / 2 + EDGE_TOLERANCE, config.frame_height / 2 + EDGE_TOLERANCE
    for mobject in scene.mobjects:
        if not mobject.has_points() and not mobject.submobjects or not visible(mobject):
            continue
        left, bottom, right, top = box(mobject)
        if left < -half_w or right > half_w or bottom < -half_h or top > half_h:
            problems.append(Problem(section, "outside", f"{describe(mobject)} spans x {left:.2f}…{right:.2f}, "
                                                        f"y {bottom:.2f}…{top:.2f}"))
    floor = MIN_TEXT_PX / REFERENCE_HEIGHT_PX * config.frame_height
    texts = texts_of(scene)
    for text in texts:
        if HAS_DIGIT_OR_CAPITAL.search(text.text) and text_size(text) < floor - 1e-6:
            px = text_size(text) / config.frame_height * REFERENCE_HEIGHT_PX
            problems.append(Problem(section, "small", f"{plain(text.text)!r} is {px:.1f} px tall at 720p"))
        if PLAIN_NOTATION.search(text.text):
            problems.append(Problem(section, "notation", f"{plain(text.text)!r} writes its notation with an underscore "
                                                         "(scenes.kit.notation sets it as a subscript)"))
    boxes = np.array([box(t) for t in texts]).reshape(-1, 4)
    dx = np.minimum(boxes[:, None, 2], boxes[None, :, 2]) - np.maximum(boxes[:, None, 0], boxes[None, :, 0])
    dy = np.minimum(boxes[:, None, 3], boxes[None, :, 3]) - np.maximum(boxes[:, None, 1], boxes[None, :, 1])
    meeting = np.triu((dx > OVERLAP_TOLERANCE) & (dy > OVERLAP_TOLERANCE), k=1)     # boxes that meet: look closer
    for i, j in zip(*np.nonzero(meeting)):
        if glyphs_overlap(texts[i], texts[j]):
            problems.append(Problem(section, "overlap", f"{plain(texts[i].text)!r} and {plain(texts[j].text)!r}"))
    return problems


def shows_nothing(scene) -> bool:
    """Whether the frame is empty but for the caption (what a still at the end of that beat would show)."""
    caption = getattr(scene, "_caption", None)
    return not [m for m in scene.mobjects if m is not caption and (m.has_points() or m.submobjects) and visible(m)]


def contour_boxes(text) -> np.ndarray:
    """The boxes of a text's outlines (each glyph's contours): tight around a rotated label's
    letters, where the text's own box is a large square around the slanted line."""
    boxes = [[p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()]
             for part in text.family_members_with_points() for p in part.get_subpaths() if len(p)]
    return np.array(boxes).reshape(-1, 4)


def glyphs_overlap(a, b) -> bool:
    """Whether any outline of ``a`` overlaps any outline of ``b`` (by more than the tolerance)."""
    ga, gb = contour_boxes(a), contour_boxes(b)
    dx = np.minimum(ga[:, None, 2], gb[None, :, 2]) - np.maximum(ga[:, None, 0], gb[None, :, 0])
    dy = np.minimum(ga[:, None, 3], gb[None, :, 3]) - np.maximum(ga[:, None, 1], gb[None, :, 1])
    return bool(np.any((dx > OVERLAP_TOLERANCE) & (dy > OVERLAP_TOLERANCE)))


def describe(mobject) -> str:
    text = getattr(mobject, "text", None)
    return f"{type(mobject).__name__}{f' {plain(str(text))!r}' if text else ''}"


@dataclass
class SectionChecks:
    """What ``checked_sections`` found: the sections checked (by name) and the problems."""
    sections: list[str]
    problems: list[Problem]

    @property
    def section_names(self) -> list[str]:
        return list(dict.fromkeys(self.sections))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def report(self) -> str:
        return "\n".join(map(str, self.problems))


@contextlib.contextmanager
def checked_sections() -> Iterator[SectionChecks]:
    """Check every scene rendered inside the block after each animation (so at the end of every
    section, before anything fades out for the next one) and at its end."""
    from scenes.kit.attention_scene import AttentionScene

    checks = SectionChecks([], [])
    originals = AttentionScene.next_section, AttentionScene.play, AttentionScene.tear_down
    own = {name: vars(AttentionScene).get(name) for name in ("next_section", "play", "tear_down")}   # to restore exactly
    current: dict[int, str] = {}
    played: dict[int, bool] = {}

    def check(scene, name: str) -> None:
        checks.sections.append(name)
        for problem in frame_problems(scene, name):
            if problem not in checks.problems:
                checks.problems.append(problem)

    def next_section(self, name: str = "unnamed", *args, **kwargs):
        ending = current.get(id(self))
        if ending is not None and played.get(id(self)) and shows_nothing(self):   # a beat ends on its picture
            checks.problems.append(Problem(ending, "empty", "the section ends on an empty frame (clear it in the next one)"))
        current[id(self)] = name
        played[id(self)] = False
        return originals[0](self, name, *args, **kwargs)

    def play(self, *args, **kwargs):
        result = originals[1](self, *args, **kwargs)
        played[id(self)] = True
        check(self, current.get(id(self), ""))
        return result

    def tear_down(self):
        check(self, current.get(id(self), "") + " (end)")
        return originals[2](self)

    AttentionScene.next_section, AttentionScene.play, AttentionScene.tear_down = next_section, play, tear_down
    try:
        yield checks
    finally:
        for name, value in own.items():      # what AttentionScene defined itself, or nothing (inherited again)
            if value is None:
                delattr(AttentionScene, name)
            else:
                setattr(AttentionScene, name, value)
