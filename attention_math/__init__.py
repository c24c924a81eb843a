"""attention_math: the attention mechanism as one trace of named tensors (PyTorch, CPU or CUDA).

    >>> from attention_math import build_trace
    >>> trace = build_trace("a fluffy blue creature", model="toy")
    >>> trace.pattern.shape          # [n_heads, T_query, T_key]: rows are queries
    (3, 4, 4)

No drawing here: scenes read the trace. Scenes show the transpose (queries as columns),
via ``trace.on_screen(name, head)``.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import AttentionError, DeviceUnavailableError, InputError, ModelUnavailableError

# The rest is imported on first use, so code that needs only the errors (or a cache check)
# does not pay for importing torch.
_LAZY = {
    "HeadWeights": "attention", "attend": "attention", "resolve_device": "device",
    "HeadScore": "heads", "find_heads": "heads", "parse_focus": "heads",
    "PRESETS": "params", "ParameterCount": "params", "TransformerConfig": "params",
    "count_parameters": "params", "preset": "params",
    "ScalingResult": "scaling", "scaling_probe": "scaling",
    "TENSOR_DOCS": "trace", "AttentionTrace": "trace", "build_trace": "trace", "load_trace": "trace",
    "trace_from_json": "trace", "trace_from_npz_bytes": "trace",
    "MODELS": "weights", "get_source": "weights",
    "plane_basis": "planes", "project": "planes", "weighted_values": "planes", "tip_to_tail": "planes", "spread_plane": "planes",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AttentionError", "AttentionTrace", "DeviceUnavailableError", "HeadScore", "HeadWeights", "InputError",
    "MODELS", "ModelUnavailableError", "PRESETS", "ParameterCount", "ScalingResult", "TENSOR_DOCS",
    "TransformerConfig", "attend", "build_trace", "count_parameters", "find_heads", "get_source",
    "load_trace", "parse_focus", "preset", "resolve_device", "scaling_probe", "trace_from_json",
    "trace_from_npz_bytes", "plane_basis", "project", "weighted_values", "tip_to_tail", "spread_plane",
]
