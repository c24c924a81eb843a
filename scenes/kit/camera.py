"""Manim's Cairo camera, with each path built once per distinct set of points.

Speed: manim hands Cairo a path one Bézier curve at a time from a Python loop, for every
mobject in every frame. Much of a frame repeats the last one (a fading label keeps its points,
only its opacity changes), so this camera keeps the Cairo paths drawn lately and appends one in
a single call when the same points come again; a new path gets its curves in one batch. Either
way the pixels are manim's own (tests compare them), and a mobject faded out entirely is skipped.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict, deque
from collections.abc import Iterator
from itertools import starmap
from typing import Any

import cairo
import numpy as np
from manim import Camera, VMobject
from PIL import Image

CURVE = 4   # points per cubic Bézier curve in manim's Cairo renderer


class PathCachingCamera(Camera):
    """A ``Camera`` whose ``set_cairo_context_path`` reuses the Cairo path of unchanged points."""

    cache_bytes = 32 * 2**20   # the newest shapes, about 32 MB of them (points and Cairo paths)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paths: OrderedDict[tuple[bytes, float], cairo.Path] = OrderedDict()   # least recent first
        self._cached_bytes = 0

    def display_vectorized(self, vmobject: VMobject, ctx: cairo.Context) -> PathCachingCamera:
        """Manim's own, except that a mobject which puts no ink down (``is_invisible``) is skipped.

        Parameters
        ----------
        vmobject : VMobject
            The mobject to draw.
        ctx : cairo.Context
            The frame's context.

        Returns
        -------
        PathCachingCamera
            The camera.

        Examples
        --------
        >>> from manim import Circle
        >>> from scenes.kit.camera import PathCachingCamera
        >>> camera = PathCachingCamera(pixel_width=64, pixel_height=36)
        >>> camera.capture_mobject(Circle().set_stroke(opacity=0))      # skipped: nothing to draw
        >>> bool(camera.pixel_array[..., :3].any())      # still the black background
        False
        """
        # A mobject faded all the way out (waiting its turn in a LaggedStart) puts no ink down.
        if self.is_invisible(vmobject):
            return self
        return super().display_vectorized(vmobject, ctx)

    def display_image_mobject(self, image_mobject, pixel_array: np.ndarray) -> None:
        """Manim's own, on a Pillow that refuses its blank canvas (see ``blank_rgba_canvas``).

        Parameters
        ----------
        image_mobject : ImageMobject
            The image to paste.
        pixel_array : numpy.ndarray
            The frame's pixels, drawn into in place.

        Examples
        --------
        >>> import numpy as np
        >>> from manim import ImageMobject
        >>> from scenes.kit.camera import PathCachingCamera
        >>> camera = PathCachingCamera(pixel_width=64, pixel_height=36)
        >>> camera.display_image_mobject(ImageMobject(np.full((2, 2, 4), 255, dtype=np.uint8)), camera.pixel_array)
        >>> bool(camera.pixel_array.any())
        True
        """
        with blank_rgba_canvas():
            super().display_image_mobject(image_mobject, pixel_array)

    def is_invisible(self, vmobject: VMobject) -> bool:
        """Whether ``vmobject`` puts no ink down: no fill opacity, and every stroke without width or opacity.

        Parameters
        ----------
        vmobject : VMobject
            The mobject about to be drawn.

        Returns
        -------
        bool
            True when drawing it can be skipped.

        Examples
        --------
        >>> from manim import Circle
        >>> from scenes.kit.camera import PathCachingCamera
        >>> camera = PathCachingCamera(pixel_width=64, pixel_height=36)
        >>> camera.is_invisible(Circle().set_stroke(opacity=0)), camera.is_invisible(Circle())
        (True, False)
        """
        if self.get_fill_rgbas(vmobject)[:, 3].any():
            return False
        return all(vmobject.get_stroke_width(background) == 0
                   or not self.get_stroke_rgbas(vmobject, background)[:, 3].any()
                   for background in (False, True))

    def set_cairo_context_path(self, ctx: cairo.Context, vmobject: VMobject) -> PathCachingCamera:
        """Make ``ctx``'s path ``vmobject``'s, built once per distinct set of points and then reused.

        Parameters
        ----------
        ctx : cairo.Context
            The frame's context.
        vmobject : VMobject
            The mobject about to be drawn.

        Returns
        -------
        PathCachingCamera
            The camera.

        Examples
        --------
        >>> import cairo
        >>> from manim import Square
        >>> from scenes.kit.camera import PathCachingCamera
        >>> camera = PathCachingCamera(pixel_width=64, pixel_height=36)
        >>> ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 64, 36))
        >>> square = Square()
        >>> _ = camera.set_cairo_context_path(ctx, square), camera.set_cairo_context_path(ctx, square.copy())
        >>> len(camera._paths)                  # the copy's path came from the cache
        1
        """
        points = self.transform_points_pre_display(vmobject, vmobject.points)
        ctx.new_path()
        if len(points) == 0:
            return self
        key = (points.tobytes(), vmobject.tolerance_for_point_equality)
        path = self._paths.get(key)
        if path is None:
            build_path(ctx, vmobject, points)
            self._remember(key, ctx.copy_path())
        else:
            self._paths.move_to_end(key)
            ctx.append_path(path)
        return self

    def _remember(self, key: tuple[bytes, float], path: cairo.Path) -> None:
        self._paths[key] = path
        self._cached_bytes += 2 * len(key[0])         # a Cairo path takes about what its points take
        while self._cached_bytes > self.cache_bytes:
            old, _ = self._paths.popitem(last=False)
            self._cached_bytes -= 2 * len(old[0])


def build_path(ctx: cairo.Context, vmobject: VMobject, points: np.ndarray) -> None:
    """The path manim's camera builds (same subpaths, curves and closes), in a few C-level calls.

    Parameters
    ----------
    ctx : cairo.Context
        The context the path is built in (after ``new_path``).
    vmobject : VMobject
        The mobject the points belong to (its subpath splitting and point tolerance).
    points : numpy.ndarray
        Its points as the camera transformed them, ``[n, 3]``.

    Examples
    --------
    >>> import cairo
    >>> from manim import Square
    >>> from scenes.kit.camera import build_path
    >>> ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 8, 8))
    >>> square = Square()
    >>> build_path(ctx, square, square.points)
    >>> [kind for kind, _ in ctx.copy_path()].count(cairo.PATH_CURVE_TO)
    4
    """
    xy = np.ascontiguousarray(points[:, :2], dtype=float)
    for start, end in vmobject.get_subpath_split_indices_from_points(points, n_dims=2).tolist():
        n_curves = (end - start) // CURVE
        if n_curves == 0:
            continue
        ctx.new_sub_path()
        ctx.move_to(*xy[start].tolist())
        handles_and_ends = xy[start:start + n_curves * CURVE].reshape(n_curves, CURVE, 2)[:, 1:, :]
        deque(starmap(ctx.curve_to, handles_and_ends.reshape(n_curves, 6).tolist()), maxlen=0)
        if vmobject.consider_points_equals_2d(points[start], points[end - 1]):
            ctx.close_path()


@contextlib.contextmanager
def blank_rgba_canvas() -> Iterator[None]:
    """While manim pastes an image: ``Image.fromarray(zeros 2-D, mode="RGBA")`` gives a blank RGBA canvas.

    Manim's ``display_image_mobject`` makes its transparent full-frame canvas that way, which
    Pillow 13 refuses ("Invalid mode for data type"); ``Image.new`` makes the same canvas.
    """
    original = Image.fromarray

    def fromarray(obj, mode=None):
        if mode == "RGBA" and getattr(obj, "ndim", 0) == 2:
            return Image.new("RGBA", (obj.shape[1], obj.shape[0]))
        return original(obj) if mode is None else original(obj, mode=mode)

    Image.fromarray = fromarray
    try:
        yield
    finally:
        Image.fromarray = original
