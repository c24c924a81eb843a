"""JSON and .npz exports: strict, complete, round-tripping, deterministic."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from attention_math import build_trace, load_trace, trace_from_json, trace_from_npz_bytes

from .conftest import DEFAULT_SENTENCE

REQUIRED = ["tokens", "embeddings", "positions", "q", "k", "v", "scores", "scaled", "masked", "pattern",
            "values_up", "delta_per_head", "delta", "updated"]


@pytest.fixture(scope="module", params=["toy", "minilm"])
def trace(request):
    return build_trace(DEFAULT_SENTENCE, model=request.param, causal=True)


def test_json_contract(trace):
    doc = json.loads(trace.to_json())
    for key in ("model", "layer", "tokens", "d_model", "d_head", "n_heads", "causal", "tensors"):
        assert key in doc
    assert doc["tokens"] == list(trace.tokens)
    for name in REQUIRED[1:]:
        assert name in doc["tensors"]
    t = len(trace.tokens)
    assert np.array(doc["tensors"]["pattern"]).shape == (trace.n_heads, t, t)


def test_json_is_strict_with_null_for_minus_infinity(trace):
    text = trace.to_json()
    assert "Infinity" not in text and "NaN" not in text
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard constant {c}"))
    masked = json.loads(text)["tensors"]["masked"]
    assert masked[0][0][1] is None and masked[0][1][0] is not None


def test_json_round_trip(trace):
    back = trace_from_json(trace.to_json())
    assert back == trace
    assert np.isneginf(back.masked[0, 0, 1])


def test_npz_round_trip(trace, tmp_path):
    assert trace_from_npz_bytes(trace.to_npz_bytes()) == trace
    trace.save(tmp_path / "t.npz", full=True)
    trace.save(tmp_path / "t.json", full=True)
    assert load_trace(tmp_path / "t.npz") == trace == load_trace(tmp_path / "t.json")


def test_equality_notices_a_changed_value(trace):
    doc = json.loads(trace.to_json())
    doc["tensors"]["pattern"][0][0][0] += 0.5
    assert trace_from_json(json.dumps(doc)) != trace


def test_same_inputs_same_bytes_in_another_process():
    code = ("from attention_math import build_trace; import sys; "
            f"sys.stdout.write(build_trace({DEFAULT_SENTENCE!r}, model='toy', seed=7, causal=True).to_json())")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert other == build_trace(DEFAULT_SENTENCE, model="toy", seed=7, causal=True).to_json()
    assert other != build_trace(DEFAULT_SENTENCE, model="toy", seed=8, causal=True).to_json()


def test_minilm_is_deterministic():
    assert build_trace("one mole", model="minilm").to_json() == build_trace("one mole", model="minilm").to_json()


def test_arrays_are_read_only(trace):
    with pytest.raises(ValueError):
        trace.pattern[0, 0, 0] = 1.0
