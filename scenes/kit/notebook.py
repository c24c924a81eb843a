"""Notebooks: inside a Jupyter (IPython) kernel, manim's progress bars and INFO logs would flood
the cell (one output chunk per bar update); make them quiet there, once, when the kit is imported.

``%%manim -ql MyScene`` then shows only the video. Pass ``--progress_bar display -v INFO`` to
the magic to get them back for one cell.
"""

from __future__ import annotations

import sys


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython with a kernel), not a terminal or a script."""
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def quiet_in_notebook() -> bool:
    """In a notebook kernel, set manim's progress bar to none and its log level to WARNING; returns whether it did."""
    if not in_notebook():
        return False
    from manim import config

    config.progress_bar = "none"
    config.verbosity = "WARNING"
    return True


def render_frame(scene_class: type, width: int = 128, height: int = 72, **settings: object):
    """Run a scene's ``construct`` and draw only its last frame, at a tiny size: a quick check that a
    scene of your own builds (the kit's examples end with it).

    Every ``play`` jumps to its end without drawing, as a still (``--format png``) does; nothing is
    written beside your files (the frame goes to a temporary folder).

    Parameters
    ----------
    scene_class : type
        A subclass of :class:`~scenes.kit.AttentionScene` (or any manim ``Scene``).
    width, height : int
        The frame's size in pixels.
    **settings
        Fields of :class:`~scenes.kit.SceneSettings`; by default the toy model reads "the cat sat".

    Returns
    -------
    Scene
        The rendered scene: ``scene.shown`` holds what it recorded, ``scene.camera.pixel_array``
        its last frame.

    Examples
    --------
    >>> from manim import FadeIn
    >>> from scenes.kit import AttentionScene, TokenBoxes
    >>> from scenes.kit.notebook import render_frame
    >>> class Tokens(AttentionScene):
    ...     def construct(self) -> None:
    ...         trace = self.trace()
    ...         self.play(FadeIn(self.record("tokens", TokenBoxes(trace.tokens, self.theme), trace.tokens)))
    >>> scene = render_frame(Tokens)
    >>> scene.shown["tokens"][1].tolist(), scene.camera.pixel_array.shape
    (['the', 'cat', 'sat'], (72, 128, 4))
    """
    import tempfile

    from manim import tempconfig

    from scenes.kit.attention_scene import AttentionScene
    from scenes.kit.settings import SceneSettings
    from scenes.kit.stills import jump_to_the_end

    chosen = SceneSettings(**{"sentence": "the cat sat", "model": "toy", **settings})
    with tempfile.TemporaryDirectory(prefix="render-frame-") as images, tempconfig({
            "pixel_width": width, "pixel_height": height, "frame_rate": 5, "images_dir": images,
            "write_to_movie": False, "save_last_frame": True, "disable_caching": True,
            "verbosity": "ERROR", "progress_bar": "none"}):
        scene = scene_class(settings=chosen) if issubclass(scene_class, AttentionScene) else scene_class()
        jump_to_the_end(scene)
        scene.render()
    return scene
