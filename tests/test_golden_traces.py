"""Golden traces: the traces the scenes read, for a few settings, against stored files.

Each case builds its trace as a scene does (``SceneSettings(...).trace()``: the model, layer and head
rules, words or pieces, the causal mask) and compares it with tests/golden/traces/<case>.npz: the
non-tensor fields (tokens, model, layer, head, words, merge records…) exactly, every named tensor's
shape and dtype exactly, and its values to a relative tolerance of 1e-6. A small tensor is stored
whole; a large one (MiniLM's weights, hidden states, per-key deltas) as 256 of its elements at
fixed places plus, for each block of 512 elements, the float64 sum of their magnitudes and a
random-sign sum of them (a block differs when either moves by more than 1e-6 of its magnitude), so
every element still counts and the files stay small.

After an intended change of the numbers: pytest tests/test_golden_traces.py --regenerate-golden.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

GOLDEN = Path(__file__).parent / "golden" / "traces"
RTOL = 1e-6
WHOLE = 2048            # tensors of at most this many elements are stored whole
SAMPLES = 256           # … larger ones by this many elements,
BLOCK = 512             # … and two float64 sums over each block of this many

CASES = {
    "toy": dict(model="toy"),
    "toy-causal": dict(model="toy", causal=True),
    "toy-cross": dict(model="toy", cross=True),
    "tiny-gpt": dict(model="tiny-gpt"),
    "minilm-words": dict(model="minilm"),
    "minilm-pieces": dict(model="minilm", pieces=True),
}


def build(case: str):
    """The case's settings (model chosen as a scene would) and the trace a scene reads from them."""
    from scenes.kit.settings import SceneSettings

    options = dict(CASES[case])
    cross = options.pop("cross", False)
    settings = SceneSettings(**options)
    return settings, settings.trace(cross=cross)


def fields(settings, trace) -> dict:
    """Everything but the tensors, as JSON-ready data."""
    return {**trace.metadata(), "model_layer_head": list(settings.model_layer_head()),
            "key_tokens": list(trace.key_tokens), "tensor_names": list(trace.tensors)}


def _sample_indices(size: int) -> np.ndarray:
    return np.unique(np.linspace(0, size - 1, SAMPLES).round().astype(np.int64))


def _blocks(array: np.ndarray) -> np.ndarray:
    """[n, BLOCK] the flattened tensor in float64, −∞ as 0, padded with zeros to whole blocks."""
    flat = array.ravel().astype(np.float64)
    flat = np.where(np.isfinite(flat), flat, 0.0)
    return np.pad(flat, (0, -flat.size % BLOCK)).reshape(-1, BLOCK)


SIGNS = np.random.default_rng(0).choice((-1.0, 1.0), size=BLOCK)


def summary(array: np.ndarray) -> dict[str, np.ndarray]:
    """What is stored of one tensor: the whole of it, or samples and per-block sums (−∞ apart)."""
    if array.size <= WHOLE:
        return {"whole": array}
    blocks = _blocks(array)
    return {"sample": array.ravel()[_sample_indices(array.size)], "projection": blocks @ SIGNS,
            "magnitude": np.abs(blocks).sum(axis=1), "neginf": np.flatnonzero(np.isneginf(array.ravel()))}


def write_golden(path: Path, settings, trace) -> None:
    arrays = {"__fields__": np.frombuffer(json.dumps(fields(settings, trace), ensure_ascii=False).encode(), np.uint8)}
    for name, array in trace.tensors.items():
        arrays[f"{name}::shape"] = np.array(array.shape, dtype=np.int64)
        arrays[f"{name}::dtype"] = np.frombuffer(str(array.dtype).encode(), np.uint8)
        arrays.update({f"{name}::{part}": value for part, value in summary(array).items()})
    np.savez_compressed(path, **arrays)


def differences(golden: Path, settings, trace) -> list[str]:
    """What differs from the golden file, one line each (empty: the same trace)."""
    found = []
    with np.load(golden) as stored:
        want = json.loads(stored["__fields__"].tobytes().decode())
        got = json.loads(json.dumps(fields(settings, trace), ensure_ascii=False))
        for key in sorted(set(want) | set(got)):
            if want.get(key) != got.get(key):
                found.append(f"{key}: {got.get(key)!r} != golden {want.get(key)!r}")
        for name in want["tensor_names"]:
            if name not in trace.tensors:
                continue
            array = trace.tensors[name]
            shape = tuple(stored[f"{name}::shape"].tolist())
            dtype = stored[f"{name}::dtype"].tobytes().decode()
            if array.shape != shape or str(array.dtype) != dtype:
                found.append(f"{name}: {array.shape} {array.dtype} != golden {shape} {dtype}")
                continue
            if f"{name}::whole" in stored.files:
                wanted = stored[f"{name}::whole"]
                if not _close(array, wanted, wanted):
                    found.append(f"{name}: values differ (largest difference {_largest(array, wanted):.3g})")
                continue
            flat = array.ravel()
            if not _close(flat[_sample_indices(flat.size)], stored[f"{name}::sample"], flat):
                found.append(f"{name}: sampled values differ")
            got = summary(array)
            magnitude = stored[f"{name}::magnitude"]
            tolerance = RTOL * magnitude + 1e-12
            if not np.array_equal(got["neginf"], stored[f"{name}::neginf"]):
                found.append(f"{name}: −∞ in other places")
            elif np.any(np.abs(got["magnitude"] - magnitude) > tolerance) or \
                    np.any(np.abs(got["projection"] - stored[f"{name}::projection"]) > tolerance):
                found.append(f"{name}: values differ (in blocks of {BLOCK} elements)")
    return found


def _close(got: np.ndarray, want: np.ndarray, whole: np.ndarray) -> bool:
    """Element-wise within RTOL (of the element, or of the tensor's largest finite magnitude near zero); −∞ = −∞."""
    finite = np.abs(whole[np.isfinite(whole)])
    atol = RTOL * float(finite.max()) * 0.1 if finite.size else 0.0
    return bool(np.allclose(got, want, rtol=RTOL, atol=atol, equal_nan=True)
                and np.array_equal(np.isneginf(got), np.isneginf(want)))


def _largest(got: np.ndarray, want: np.ndarray) -> float:
    both = np.isfinite(got) & np.isfinite(want)
    return float(np.abs(got[both].astype(np.float64) - want[both]).max()) if both.any() else float("inf")


@pytest.mark.parametrize("case", list(CASES))
def test_trace_matches_golden(case, request):
    settings, trace = build(case)
    golden = GOLDEN / f"{case}.npz"
    if request.config.getoption("--regenerate-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        write_golden(golden, settings, trace)
        pytest.skip(f"regenerated {golden.name}")
    assert golden.exists(), f"no golden trace {golden.name}: run pytest {Path(__file__).name} --regenerate-golden"
    found = differences(golden, settings, trace)
    assert not found, f"{case} differs from {golden.name}:\n  " + "\n  ".join(found)


def test_the_story_default_is_the_tiny_gpt_case():
    """No model given: the story's scenes read tiny-gpt on this sentence, the very trace of the "tiny-gpt" case."""
    from scenes.kit.settings import SceneSettings

    settings = SceneSettings().for_scene("ScaledSoftmax")
    assert settings.model == "tiny-gpt"
    assert settings.trace() == build("tiny-gpt")[1]


def test_the_comparison_sees_a_changed_tensor(tmp_path):
    """The check itself: one element of a large tensor (not a sampled one) nudged by 1e-2 relative, a small tensor's largest by 1e-5, a token renamed."""
    import dataclasses

    from types import MappingProxyType

    settings, trace = build("minilm-pieces")
    golden = tmp_path / "golden.npz"
    write_golden(golden, settings, trace)
    assert differences(golden, settings, trace) == []

    def nudged(name: str, index: tuple, factor: float):
        tensors = {n: np.array(a) for n, a in trace.tensors.items()}
        tensors[name][index] *= factor
        return dataclasses.replace(trace, tensors=MappingProxyType(tensors))

    w_q = trace.tensors["w_q"].ravel()
    sampled = set(_sample_indices(w_q.size).tolist())
    unsampled = next(i for i in range(w_q.size) if i not in sampled and abs(w_q[i]) > np.median(np.abs(w_q)))
    large = np.unravel_index(unsampled, trace.tensors["w_q"].shape)
    assert any(line.startswith("w_q:") for line in differences(golden, settings, nudged("w_q", large, 1 + 1e-2)))
    strongest = np.unravel_index(np.argmax(trace.tensors["pattern"]), trace.tensors["pattern"].shape)
    assert any(line.startswith("pattern:")
               for line in differences(golden, settings, nudged("pattern", strongest, 1 + 1e-5)))
    renamed = dataclasses.replace(trace, tokens=("[CLS]", "an", *trace.tokens[2:]))
    assert any(line.startswith("tokens:") for line in differences(golden, settings, renamed))
