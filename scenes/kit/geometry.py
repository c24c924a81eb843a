"""Vectors in a plane: the arrows and plane mappings of the geometry scenes.

A 2D picture of d-dimensional vectors is a projection, computed in ``attention_math`` (e.g.
``attention_math.planes.project`` onto ``plane_basis`` or ``spread_plane``; ``query_plane`` keeps
every q·k). These helpers only place the projected coordinates on screen, with one scale for both
axes, so angles, lengths and tip-to-tail sums survive the drawing.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import Arrow, ManimColor, VGroup

PlaneToScreen = Callable[[np.ndarray], np.ndarray]


def plane_to_screen(points: np.ndarray, center: np.ndarray, width: float, height: float) -> PlaneToScreen:
    """A map from plane coordinates to scene points that fits ``points`` (and the origin) in a region.

    One scale serves both axes, so angles and ratios of lengths are kept, and a sum drawn tip to tail
    stays a sum. The points' bounding box, origin included, is centred on ``center``.

    Parameters
    ----------
    points
        ``[n, 2]`` plane coordinates that must fit.
    center
        The region's centre, a scene point.
    width, height
        The region's size in scene units.

    Examples
    --------
    >>> import numpy as np
    >>> from manim import ORIGIN
    >>> from scenes.kit import plane_to_screen
    >>> to_screen = plane_to_screen(np.array([[2.0, 0.0], [0.0, 1.0]]), ORIGIN, 4.0, 4.0)
    >>> [float(x) for x in to_screen([2.0, 0.0]) - to_screen([0.0, 0.0])]     # 2 plane units → 4 scene units
    [4.0, 0.0, 0.0]
    """
    points = np.vstack([np.asarray(points, dtype=float).reshape(-1, 2), np.zeros(2)])
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    unit = min(width / span[0], height / span[1])
    middle = (low + high) / 2

    def to_screen(p) -> np.ndarray:
        x, y = (np.asarray(p, dtype=float) - middle) * unit
        return np.asarray(center, dtype=float) + np.array([x, y, 0.0])

    return to_screen


def vector_arrow(start: np.ndarray, end: np.ndarray, color: ManimColor, opacity: float = 1.0,
                 width: float = 5) -> Arrow:
    """An arrow from ``start`` to ``end`` exactly (no buffer), its tip inside its length.

    Parameters
    ----------
    start, end
        Scene points (from ``plane_to_screen``).
    color
        A palette role, e.g. ``theme.value_up``.
    opacity
        Fill and stroke opacity (faint for small weights).
    width
        Stroke width.

    Examples
    --------
    >>> import numpy as np
    >>> from scenes.kit import vector_arrow
    >>> arrow = vector_arrow(np.zeros(3), np.array([2.0, 1.0, 0.0]), "#FF6B6B")
    >>> [round(float(x), 6) for x in arrow.get_end()]
    [2.0, 1.0, 0.0]
    """
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    return Arrow(start, end, buff=0, color=color, stroke_width=width, max_tip_length_to_length_ratio=0.18,
                 max_stroke_width_to_length_ratio=20, stroke_opacity=opacity, fill_opacity=opacity)


def tip_to_tail_arrows(chain: np.ndarray, to_screen: PlaneToScreen, color: ManimColor,
                       opacities: np.ndarray | None = None, width: float = 5) -> VGroup:
    """Arrows along ``chain`` (``[n + 1, 2]`` partial sums from ``attention_math.planes.tip_to_tail``):
    each starts where the one before ends, so the last tip is the sum.

    Parameters
    ----------
    chain
        The partial sums, starting at the first arrow's tail.
    to_screen
        The plane's map to the screen (``plane_to_screen``).
    color
        The arrows' colour.
    opacities
        One per arrow (e.g. faint for small weights); default all 1.

    Examples
    --------
    >>> import numpy as np
    >>> from manim import ORIGIN
    >>> from scenes.kit import plane_to_screen, tip_to_tail_arrows
    >>> chain = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 2.0]])
    >>> arrows = tip_to_tail_arrows(chain, plane_to_screen(chain, ORIGIN, 4, 4), "#FF6B6B")
    >>> len(arrows), bool(np.allclose(arrows[0].get_end(), arrows[1].get_start()))
    (2, True)
    """
    chain = np.asarray(chain, dtype=float)
    opacities = np.ones(len(chain) - 1) if opacities is None else np.asarray(opacities, dtype=float)
    return VGroup(*(vector_arrow(to_screen(a), to_screen(b), color, opacity=float(o), width=width)
                    for a, b, o in zip(chain[:-1], chain[1:], opacities)))
