"""The scaling probe: time and memory of building a T×T attention pattern as T grows."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch

from .attention import causal_mask, scale, scores, softmax_over_keys
from .device import device_label, resolve_device
from .errors import InputError


@dataclass(frozen=True)
class ScalingPoint:
    n: int                 # context length T
    seconds: float         # median time to build one pattern
    peak_bytes: int        # CUDA: peak allocated during the build; CPU: bytes of the tensors it created
    cells: int             # T²


@dataclass(frozen=True)
class ScalingResult:
    device: str
    d_head: int
    points: tuple[ScalingPoint, ...]
    repeats: int = 1       # each time is the median of this many interleaved runs

    def quadratic_reference(self, field: str = "seconds") -> list[float]:
        """c·T² through the largest measurement: the curve the measurements should follow."""
        last = self.points[-1]
        return [getattr(last, field) * (p.n / last.n) ** 2 for p in self.points]

    def as_dict(self) -> dict[str, object]:
        return {"device": self.device, "d_head": self.d_head, "repeats": self.repeats,
                "points": [asdict(p) for p in self.points]}


def _build_pattern(q: torch.Tensor, k: torch.Tensor, d_head: int) -> torch.Tensor:
    return softmax_over_keys(causal_mask(scale(scores(q, k), d_head)))  # [1, T, T]


def median_times(tasks: Sequence[Callable[[], object]], repeats: int,
                 clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """The median seconds of each task over ``repeats`` rounds, the tasks interleaved (1, 2, …, n, 1, 2, …).

    Interleaving spreads a slow spell of a busy machine over every task instead of one size, and
    the median drops the spells: the curve comes from the work, not from the neighbours.
    """
    if repeats < 1:
        raise InputError("time each task at least once (repeats ≥ 1)")
    samples: list[list[float]] = [[] for _ in tasks]
    for _ in range(repeats):
        for task, times in zip(tasks, samples):
            start = clock()
            task()
            times.append(clock() - start)
    return [statistics.median(times) for times in samples]


def scaling_probe(sizes: list[int], *, d_head: int = 64, device: str = "cpu", repeats: int = 9,
                  seed: int = 0, clock: Callable[[], float] | None = None) -> ScalingResult:
    """Measure building one head's causal pattern for each context length in ``sizes``.

    Times are medians of ``repeats`` interleaved runs (``median_times``). On a CPU the pattern is
    built on one thread and timed by that thread's CPU time, which a busy machine's other work
    does not add to (the wall clock would count the time the thread waits its turn); on CUDA by
    the wall clock, synchronised.
    """
    if not sizes or any(n < 1 for n in sizes):
        raise InputError("the scaling probe needs positive context lengths")
    dev = resolve_device(device)
    if clock is None:
        clock = time.thread_time if dev.type == "cpu" else time.perf_counter
    gen = torch.Generator().manual_seed(seed)
    inputs = [(torch.randn(1, n, d_head, generator=gen).to(dev),      # q [1, T, c]
               torch.randn(1, n, d_head, generator=gen).to(dev))      # k [1, T, c]
              for n in sizes]

    def task(q: torch.Tensor, k: torch.Tensor) -> Callable[[], object]:
        def build() -> torch.Tensor:
            pattern = _build_pattern(q, k, d_head)
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            return pattern
        return build

    tasks = [task(q, k) for q, k in inputs]
    threads = torch.get_num_threads()
    if dev.type == "cpu":
        torch.set_num_threads(1)     # one thread: a shared machine's other work stalls a thread pool far more
    try:
        for build in tasks:
            build()                                               # warm-up
        seconds = median_times(tasks, repeats, clock)
    finally:
        torch.set_num_threads(threads)
    points = []
    for n, (q, k), median in zip(sizes, inputs, seconds):
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
            torch.cuda.reset_peak_memory_stats(dev)
            base = torch.cuda.memory_allocated(dev)
            _build_pattern(q, k, d_head)
            torch.cuda.synchronize(dev)
            peak = torch.cuda.max_memory_allocated(dev) - base
        else:
            # scores, scaled, masked and the pattern each hold T² floats
            peak = 4 * n * n * torch.finfo(torch.float32).bits // 8
        points.append(ScalingPoint(n, median, int(peak), n * n))
    return ScalingResult(device_label(dev), d_head, tuple(points), repeats)


def axis_ticks(high: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 × 10ᵏ) up to ``high``: at most ``count`` + 1 tick values."""
    if high <= 0:
        return [0.0]
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(high / step + 1e-9) + 1)]


# The default story, continued: a real paragraph for the long-context pattern (MiniLM reads up to 512 tokens)
LONG_CONTEXT = (
    "a fluffy blue creature roamed the verdant forest. it stopped at a clear stream and drank, and the cold "
    "water tasted of moss and stone. above the trees a grey owl watched the creature with round yellow eyes. "
    "the owl had seen many strange animals, but never one so blue. the creature looked up, blinked twice, and "
    "waved a small fluffy paw. the owl said nothing. the sun went down behind the hills, the forest grew dark, "
    "and the blue creature curled up under a fern to sleep. in the morning the owl was gone, but a single grey "
    "feather lay beside the stream, and the creature kept it. it carried the feather through the forest for "
    "many days, and whenever the wind blew, the feather shone like the owl's round yellow eyes."
)


def long_context_trace(text: str = LONG_CONTEXT, *, layer: int = 5, device: str = "cpu"):
    """MiniLM's trace of a long paragraph with the causal mask applied to ``layer`` (every head)."""
    from .trace import build_trace

    return build_trace(text, model="minilm", layer=layer, causal=True, device=device)


def full_cell_weight(pattern: np.ndarray, masked: np.ndarray, quantile: float = 0.999) -> float:
    """The weight whose dot fills a cell: the ``quantile`` of the unmasked weights (area ∝ weight above it too).

    In a long context most weights are small (a 159-token row averages 1/80), so a dot sized
    against the largest weight, 1, would vanish; one constant for every dot keeps area ∝ weight.
    """
    return float(np.quantile(pattern[~masked], quantile))


DOT_FILL = 0.9   # a dot of the full-cell weight spans this share of its cell (radius 0.45 of a cell)


def median_dot_pixels(pattern: np.ndarray, masked: np.ndarray, full_weight: float, cell_pixels: float) -> float:
    """The diameter in pixels of the median unmasked cell's dot, dots drawn with area ∝ weight.

    A dot of ``full_weight`` spans ``DOT_FILL`` of a cell ``cell_pixels`` wide; a lighter one has
    ``√(weight / full_weight)`` of that diameter (area ∝ weight). Below about 2 px the typical dot
    is no longer a dot on screen, and the pattern is better drawn a pixel per cell.

    Examples
    --------
    >>> import numpy as np
    >>> pattern = np.array([[1.0, 0.25], [0.0, 0.75]])
    >>> masked = np.array([[False, False], [True, False]])
    >>> round(median_dot_pixels(pattern, masked, 1.0, 10.0), 6)     # median weight 0.75: 0.9 · 10 · √0.75
    7.794229
    """
    weights = pattern[~masked]
    if weights.size == 0:
        return 0.0
    return float(DOT_FILL * cell_pixels * math.sqrt(max(float(np.median(weights)), 0.0) / full_weight))


def pattern_intensity(pattern: np.ndarray, masked: np.ndarray, full_weight: float) -> np.ndarray:
    """A pattern as one brightness per cell: ``√(weight / full_weight)``, at most 1; NaN where masked.

    The square root is the dot's diameter relative to a full dot (area ∝ weight), so a pixel as
    bright as a dot is wide; it is monotone in the weight and lifts the many small weights of a
    long context into view. A masked cell has no weight to show: NaN, drawn as the mask's shade.

    Examples
    --------
    >>> import numpy as np
    >>> pattern = np.array([[1.0, 0.25], [0.0, 0.04]])
    >>> masked = np.array([[False, False], [True, False]])
    >>> pattern_intensity(pattern, masked, 0.25)
    array([[1. , 1. ],
           [nan, 0.4]])
    """
    intensity = np.sqrt(np.clip(np.asarray(pattern, dtype=float) / full_weight, 0.0, 1.0))
    intensity[np.asarray(masked, dtype=bool)] = np.nan
    return intensity
