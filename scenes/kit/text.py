"""``Text`` whose Pango SVG is read directly, without svgelements and the per-element VGroups.

Speed: a caption cost ~100 ms, nearly all of it in parsing the SVG Pango writes (a list of glyph
symbols and where each is used) into a tree of mobjects. That SVG only ever holds absolute
``M``/``L``/``C``/``Z`` paths placed by ``<use x= y=>``, so ``OutlineText`` reads it in a few
milliseconds into one VMobject per glyph, with the points manim's SVG import would give them
(tests compare the two). Everything else, Pango itself included, is manim's ``Text``; any SVG
holding something else (a colour emoji's bitmap, a transform) goes through manim's own import.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import manimpango
import numpy as np
from manim import RIGHT, Text, VMobject, config
from manim.mobject.text.text_mobject import START_X, START_Y, TEXT2SVG_ADJUSTMENT_FACTOR

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
LENGTH = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+))\s*([a-z]*)\s*$")
CLOSE_ENOUGH = 0.0001       # manim closes a path with a line only if its end is further than this
ONE_LINE_PIXELS = 1 << 15   # Pango's page: wide enough that no line of ours ever breaks


class UnexpectedSVG(ValueError):
    """The SVG holds something this reader does not handle; manim's import will."""


class OutlineText(Text):
    """``Text``, with the glyph outlines read straight from Pango's SVG.

    Parameters
    ----------
    text : str
        The string, as for ``Text`` (no markup is read).
    fill_opacity, stroke_width, color, font_size, line_spacing, font, slant, weight : optional
        As for manim's ``Text``.
    t2c, t2f, t2g, t2s, t2w, gradient, tab_width, warn_missing_font : optional
        As for manim's ``Text``.
    height, width, should_center, disable_ligatures, use_svg_cache : optional
        As for manim's ``Text``.
    **kwargs
        As for manim's ``Text``.

    Examples
    --------
    >>> from scenes.kit.text import OutlineText
    >>> text = OutlineText("cat", font_size=24)
    >>> len(text.family_members_with_points()), text.svg_baselines is not None
    (3, True)
    """

    def _text2svg(self, color) -> str:
        """Pango's SVG of the text on one line. manim's ``Text`` lays it out on a page as wide as the
        render in pixels, so a long caption broke into lines at low resolutions (at 480p, past ~20
        scene units), and its SVG cache (keyed by the text, not the width) then served that break to
        every resolution. Here the page is always wide; the file name says so."""
        dir_name = config.get_dir("text_dir")
        dir_name.mkdir(parents=True, exist_ok=True)
        file_name = (dir_name / f"{self._text2hash(color)}-line.svg").resolve()
        if not file_name.exists():
            manimpango.text2svg(self._text2settings(color), self._font_size / TEXT2SVG_ADJUSTMENT_FACTOR,
                                self.line_spacing / TEXT2SVG_ADJUSTMENT_FACTOR, self.disable_ligatures,
                                str(file_name), START_X, START_Y, ONE_LINE_PIXELS, ONE_LINE_PIXELS // 16, self.text)
        return str(file_name)

    def generate_mobject(self) -> OutlineText:
        baselines: list[float] = []
        try:
            outlines = read_pango_svg(self.get_file_path(), baselines)
        except UnexpectedSVG:
            self.svg_baselines = None
            return super().generate_mobject()
        self.add(*(VMobject().set_points(points) for points in outlines))
        self.svg_baselines = baselines      # per glyph, its baseline's SVG y (see ``baseline_of``)
        self.svg_ink_y = (min((float(p[:, 1].min()) for p in outlines), default=0.0),
                          max((float(p[:, 1].max()) for p in outlines), default=0.0))
        self.id_to_vgroup_dict = {}
        self.flip(RIGHT)          # SVG's y points down, as manim's import does
        return self


    def baseline_of(self, index: int) -> float | None:
        """The scene y of the baseline glyph ``index`` (of those with points) sits on, as the text
        now is (moved or scaled, not rotated); None when manim's own import read the SVG.

        Pango places each glyph at its origin on the baseline; the text's ink spans ``svg_ink_y``
        in SVG units (y down), which maps linearly onto its height in the scene (y up).

        Parameters
        ----------
        index : int
            The glyph's index among the text's glyphs with points (a space has none).

        Returns
        -------
        float or None
            The baseline's scene y.

        Examples
        --------
        >>> from scenes.kit.text import OutlineText
        >>> text = OutlineText("ag", font_size=24)
        >>> a, g = text.family_members_with_points()
        >>> bool(abs(text.baseline_of(0) - a.get_bottom()[1]) < 0.02), bool(g.get_bottom()[1] < text.baseline_of(1))
        (True, True)
        """
        if getattr(self, "svg_baselines", None) is None or not 0 <= index < len(self.svg_baselines):
            return None
        top, bottom = self.svg_ink_y
        if bottom - top <= 0:
            return None
        return float(self.get_top()[1] - (self.svg_baselines[index] - top) * self.height / (bottom - top))


def read_pango_svg(path: Path, baselines: list[float] | None = None) -> list[np.ndarray]:
    """The points of every glyph Pango placed, in document order, in SVG user units; ``baselines``,
    when given, receives each one's baseline (its origin's SVG y).

    Parameters
    ----------
    path : pathlib.Path
        An SVG Pango wrote (``Text.get_file_path()``).
    baselines : list of float or None
        A list to append each glyph's baseline to, in the same order.

    Returns
    -------
    list of numpy.ndarray
        Each glyph's cubic Bézier points, ``[n, 3]``.

    Raises
    ------
    UnexpectedSVG
        When the SVG holds what this reader does not handle.

    Examples
    --------
    >>> from manim import Text
    >>> from scenes.kit.text import read_pango_svg
    >>> baselines = []
    >>> len(read_pango_svg(Text("hi", font_size=24).get_file_path(), baselines)), len(baselines)
    (2, 2)
    """
    root = ET.parse(path).getroot()
    _check_viewport(root)
    symbols: dict[str, list[np.ndarray]] = {}
    for symbol in root.iter(f"{SVG}symbol"):
        paths = list(symbol)
        if any(p.tag != f"{SVG}path" or "transform" in p.attrib for p in paths):
            raise UnexpectedSVG("a glyph that is not a plain path")
        symbols[symbol.get("id", "")] = [_path_points(p.get("d", "")) for p in paths]
    outlines: list[np.ndarray] = []
    origins: list[float] = []
    _place_glyphs(root, symbols, outlines, origins)
    if baselines is not None:
        baselines.extend(origins)
    return outlines


def _place_glyphs(parent: ET.Element, symbols: dict[str, list[np.ndarray]], outlines: list[np.ndarray],
                  origins: list[float]) -> None:
    """Walk the drawing (not the definitions) in document order; only groups and glyph uses."""
    for element in parent:
        tag = element.tag.removeprefix(SVG)
        if tag == "defs":
            continue
        if "transform" in element.attrib:
            raise UnexpectedSVG(f"a transformed <{tag}>")
        if tag == "g":
            _place_glyphs(element, symbols, outlines, origins)
        elif tag == "use" and (glyph := symbols.get(element.get(XLINK_HREF, "").removeprefix("#"))) is not None:
            offset = np.array([float(element.get("x", 0)), float(element.get("y", 0)), 0.0])
            drawn = [points + offset for points in glyph if len(points)]
            outlines.extend(drawn)
            origins.extend([float(offset[1])] * len(drawn))
        else:
            raise UnexpectedSVG(f"an SVG <{tag}> in the drawing")     # e.g. the box of a missing glyph


def _check_viewport(root: ET.Element) -> None:
    """Pango sizes its canvas as many points as its viewBox has units, which manim's import
    reads one to one (user units are scene units before Text scales them); else, manim's import."""
    width, height, box = root.get("width", ""), root.get("height", ""), root.get("viewBox", "")
    try:
        numbers = [float(v) for v in box.replace(",", " ").split()]
        size = [float(LENGTH.match(width).group(1)), float(LENGTH.match(height).group(1))]
    except (AttributeError, ValueError):
        raise UnexpectedSVG("no width, height and viewBox") from None
    if numbers != [0.0, 0.0, *size]:
        raise UnexpectedSVG("a viewBox that is not the canvas")


def _path_points(d: str) -> np.ndarray:
    """Cubic Bézier points for an absolute M/L/C/Z path, as manim's ``VMobjectFromSVGPath`` builds them."""
    tokens = TOKEN.findall(d)
    points: list[np.ndarray] = []
    pen = start = None
    i = 0

    def take(n: int) -> list[np.ndarray]:
        nonlocal i
        values = [float(t) for t in tokens[i:i + 2 * n]]
        if len(values) < 2 * n:
            raise UnexpectedSVG("a path that ends mid-command")
        i += 2 * n
        return [np.array([values[2 * k], values[2 * k + 1], 0.0]) for k in range(n)]

    def line(a: np.ndarray, b: np.ndarray) -> None:
        points.extend((a, (a + a + b) / 3, (a + b + b) / 3, b))

    while i < len(tokens):
        command = tokens[i]
        i += 1
        if command == "M":
            (pen,) = take(1)
            start = pen
        elif command == "L" and pen is not None:
            (end,) = take(1)
            line(pen, end)
            pen = end
        elif command == "C" and pen is not None:
            c1, c2, end = take(3)
            points.extend((pen, c1, c2, end))
            pen = end
        elif command == "Z" and pen is not None:
            if abs(np.linalg.norm(pen - start)) > CLOSE_ENOUGH:
                line(pen, start)
                pen = start
        else:
            raise UnexpectedSVG(f"path command {command!r}")
    return np.array(points, dtype=float).reshape(-1, 3)
