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
