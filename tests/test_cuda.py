"""CUDA: the same numbers on the GPU. Skipped cleanly on machines without one."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attention_math import build_trace, scaling_probe

from .conftest import DEFAULT_SENTENCE

pytestmark = [pytest.mark.cuda, pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")]


@pytest.mark.parametrize("model,layer", [("toy", 0), ("minilm", 5)])
@pytest.mark.parametrize("causal", [False, True])
def test_cuda_trace_equals_cpu_trace(model, layer, causal):
    cpu = build_trace(DEFAULT_SENTENCE, model=model, layer=layer, causal=causal, device="cpu")
    gpu = build_trace(DEFAULT_SENTENCE, model=model, layer=layer, causal=causal, device="cuda")
    assert gpu.tokens == cpu.tokens
    for name in cpu.tensors:
        np.testing.assert_allclose(gpu[name], cpu[name], atol=2e-4, rtol=1e-3, err_msg=name)


def test_cuda_scaling_probe_measures_gpu_memory():
    result = scaling_probe([256, 1024], device="cuda", repeats=2)
    assert result.device != "CPU"
    assert result.points[1].peak_bytes >= 1024 * 1024 * 4
