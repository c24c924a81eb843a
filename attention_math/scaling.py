"""The scaling probe: time and memory of building a T×T attention pattern as T grows."""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass

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

    def quadratic_reference(self, field: str = "seconds") -> list[float]:
        """c·T² through the largest measurement: the curve the measurements should follow."""
        last = self.points[-1]
        return [getattr(last, field) * (p.n / last.n) ** 2 for p in self.points]

    def as_dict(self) -> dict[str, object]:
        return {"device": self.device, "d_head": self.d_head, "points": [asdict(p) for p in self.points]}


def _build_pattern(q: torch.Tensor, k: torch.Tensor, d_head: int) -> torch.Tensor:
    return softmax_over_keys(causal_mask(scale(scores(q, k), d_head)))  # [1, T, T]


def scaling_probe(sizes: list[int], *, d_head: int = 64, device: str = "cpu", repeats: int = 5,
                  seed: int = 0) -> ScalingResult:
    """Measure building one head's causal pattern for each context length in ``sizes``."""
    if not sizes or any(n < 1 for n in sizes):
        raise InputError("the scaling probe needs positive context lengths")
    dev = resolve_device(device)
    gen = torch.Generator().manual_seed(seed)
    points = []
    for n in sizes:
        q = torch.randn(1, n, d_head, generator=gen).to(dev)   # [1, T, c]
        k = torch.randn(1, n, d_head, generator=gen).to(dev)   # [1, T, c]
        _build_pattern(q, k, d_head)                           # warm-up
        times = []
        for _ in range(repeats):
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
                torch.cuda.reset_peak_memory_stats(dev)
                base = torch.cuda.memory_allocated(dev)
            start = time.perf_counter()
            pattern = _build_pattern(q, k, d_head)
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            times.append(time.perf_counter() - start)
        if dev.type == "cuda":
            peak = torch.cuda.max_memory_allocated(dev) - base
        else:
            # scores, scaled, masked and the pattern each hold T² floats
            peak = 4 * pattern.numel() * pattern.element_size()
        points.append(ScalingPoint(n, statistics.median(times), int(peak), n * n))
        del q, k, pattern
    return ScalingResult(device_label(dev), d_head, tuple(points))
