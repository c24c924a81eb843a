"""The attention pattern as an image: one pixel per cell, crisp at any size.

It draws intensities it is given (``attention_math.scaling.pattern_intensity``); it computes nothing.
"""

from __future__ import annotations

import numpy as np
from manim import ImageMobject
from manim.constants import RESAMPLING_ALGORITHMS

from scenes.kit.palette import Theme


def pattern_image(intensity: np.ndarray, theme: Theme, mask_shade: float, width: float, height: float) -> ImageMobject:
    """A pattern drawn one pixel per cell, ``width`` × ``height`` scene units, resampled nearest (crisp cells).

    Each cell's colour runs from the background (0) to ``theme.positive`` (1) by its ``intensity``
    (``attention_math.scaling.pattern_intensity``); a NaN cell is masked: the background with
    ``mask_shade`` of ``theme.masked`` over it, as a masked cell's shade is drawn elsewhere. The
    RGBA pixels drawn are kept as ``.pixels`` (rows as the pattern's rows: keys down).

    Parameters
    ----------
    intensity : numpy.ndarray
        ``[rows, cols]`` in 0…1; NaN where a cell is masked.
    theme : Theme
        The palette (background, positive, masked).
    mask_shade : float
        How much of ``theme.masked`` a masked cell shows over the background, 0…1.
    width, height : float
        The image's size in scene units.

    Returns
    -------
    ImageMobject
        The image, with its pixels as ``.pixels``.

    Examples
    --------
    >>> import numpy as np
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> image = pattern_image(np.array([[1.0, 0.0], [np.nan, 0.5]]), theme, 0.18, 2.0, 2.0)
    >>> image.pixels.shape, bool((image.pixels[0, 0, :3] == theme.positive.to_int_rgb()).all())
    ((2, 2, 4), True)
    """
    intensity = np.asarray(intensity, dtype=float)
    masked = np.isnan(intensity)
    background, ink = np.array(theme.background.to_rgb()), np.array(theme.positive.to_rgb())
    shade = background + mask_shade * (np.array(theme.masked.to_rgb()) - background)
    level = np.where(masked, 0.0, intensity)[..., None]
    rgb = np.where(masked[..., None], shade, background + level * (ink - background))
    pixels = np.concatenate([np.round(rgb * 255), np.full(masked.shape + (1,), 255.0)], axis=-1).astype(np.uint8)
    image = ImageMobject(pixels)
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    image.stretch_to_fit_width(width).stretch_to_fit_height(height)
    image.pixels = pixels
    return image
