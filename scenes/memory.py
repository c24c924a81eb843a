"""Give freed memory back to the operating system between animations, when there is a lot of it.

Memory: every animation is encoded by its own x264 encoder (about 370 MB at 1080p, most of it
the 40-frame lookahead), two at a time while one finishes and the next starts. glibc keeps
what they free inside its heaps, so a long 1080p render's footprint climbed by hundreds of MB;
``malloc_trim`` returns those pages. Trimming costs page faults later, so it only runs while
the process is large (small renders never need it). Elsewhere (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import lru_cache
from typing import Callable

TRIM_ABOVE_BYTES = 768 << 20     # 768 MiB resident: 1080p renders, not previews


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def resident_bytes() -> int | None:
    """This process's resident memory (Linux), or None where /proc is not there."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def release_free_memory(above: int = TRIM_ABOVE_BYTES) -> bool:
    """Trim glibc's heaps if the process holds more than ``above`` bytes; True if it trimmed."""
    trim = _malloc_trim()
    if trim is None or (resident_bytes() or 0) <= above:
        return False
    trim(0)
    return True
