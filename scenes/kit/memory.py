"""Give freed memory back to the operating system between animations, when there is a lot of it.

Memory: every animation is encoded by its own x264 encoder (about 370 MB at 1080p, most of it
the 40-frame lookahead), two at a time while one finishes and the next starts. glibc keeps
what they free inside its heaps, so a long 1080p render's footprint climbed by hundreds of MB;
``malloc_trim`` returns those pages. Trimming costs page faults later, so it only runs for
large frames while the process is large. Elsewhere (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import lru_cache
from typing import Callable

TRIM_ABOVE_BYTES = 768 << 20     # 768 MiB resident
TRIM_FROM_PIXELS = 1280 * 720     # frames from 720p up: encoders of hundreds of MB


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


def release_free_memory(frame_pixels: int, above: int = TRIM_ABOVE_BYTES) -> bool:
    """Trim glibc's heaps after an animation of frames this large (720p and up) if the process
    holds more than ``above`` bytes; True if it trimmed. Small encoders free little, and a
    long --jobs 1 run at 480p paid 9 s of page faults for trimming after every animation."""
    trim = _malloc_trim()
    if trim is None or frame_pixels < TRIM_FROM_PIXELS or (resident_bytes() or 0) <= above:
        return False
    trim(0)
    return True
