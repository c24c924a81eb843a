"""Give freed memory back to the operating system between animations.

Memory: every animation is encoded by its own x264 encoder (about 370 MB at 1080p, most of it
the 40-frame lookahead), two at a time while one finishes and the next starts. glibc keeps
what they free inside its heaps, so a long render's footprint climbed by hundreds of MB;
``malloc_trim`` returns those pages. Elsewhere (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Callable


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release_free_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
