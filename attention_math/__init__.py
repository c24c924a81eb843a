"""attention_math: the attention mechanism as one trace of named tensors (PyTorch, CPU or CUDA).

    >>> from attention_math import build_trace
    >>> trace = build_trace("a fluffy blue creature", model="toy")
    >>> trace.pattern.shape          # [n_heads, T_query, T_key]: rows are queries
    (3, 4, 4)

No drawing here: scenes read the trace. Scenes show the transpose (queries as columns),
via ``trace.on_screen(name, head)``.
"""

from __future__ import annotations

from .attention import HeadWeights, attend
from .device import resolve_device
from .errors import AttentionError, DeviceUnavailableError, InputError, ModelUnavailableError
from .heads import HeadScore, find_heads, parse_focus
from .params import PRESETS, ParameterCount, TransformerConfig, count_parameters, preset
from .scaling import ScalingResult, scaling_probe
from .trace import TENSOR_DOCS, AttentionTrace, build_trace, load_trace, trace_from_json, trace_from_npz_bytes
from .weights import MODELS, get_source

__all__ = [
    "AttentionError", "AttentionTrace", "DeviceUnavailableError", "HeadScore", "HeadWeights", "InputError",
    "MODELS", "ModelUnavailableError", "PRESETS", "ParameterCount", "ScalingResult", "TENSOR_DOCS",
    "TransformerConfig", "attend", "build_trace", "count_parameters", "find_heads", "get_source",
    "load_trace", "parse_focus", "preset", "resolve_device", "scaling_probe", "trace_from_json",
    "trace_from_npz_bytes",
]
