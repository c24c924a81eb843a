"""Reusable mobjects: token boxes, vector columns, the attention grid, and the text they are labelled with.

They draw numbers they are given (from the trace); they compute nothing. All user text goes
through ``Text`` (Pango, no markup), never LaTeX. Each lives in the module of its kind:

- ``scenes.kit.text_mobjects``: ``label``, ``number``, ``format_number``, ``short``, ``FlatText``, ``MonoGlyphs``
- ``scenes.kit.vectors``: ``TokenBoxes``, ``VectorColumn``, ``DotMatrix``
- ``scenes.kit.grid``: ``AttentionGrid`` (its cells from ``scenes.kit.grid_cells``), ``pattern_image``
  (from ``scenes.kit.grid_image``)

This module gathers them under their former name, so ``from scenes.kit.mobjects import …`` keeps working.

Examples
--------
>>> from scenes.kit.mobjects import AttentionGrid, VectorColumn, label
>>> AttentionGrid.__module__, VectorColumn.__module__, label.__module__
('scenes.kit.grid', 'scenes.kit.vectors', 'scenes.kit.text_mobjects')
"""

from __future__ import annotations

from scenes.kit.grid import *  # noqa: F401,F403
from scenes.kit.text_mobjects import *  # noqa: F401,F403
from scenes.kit.vectors import *  # noqa: F401,F403
