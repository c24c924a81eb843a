"""tiny-gpt: the committed decoder solves its task with an adjective→noun head; it trains from its seed."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

from attention_math import build_trace, find_heads
from attention_math.synthetic import COLOURS, VOCAB, make_dataset
from attention_math.tiny_gpt import WEIGHTS_DIR, TinyGPTSource, TrainConfig, evaluate, train
from scenes.kit.settings import SceneSettings

DEFAULT = "a fluffy blue creature roamed the verdant forest"


@pytest.fixture(scope="module")
def source():
    return TinyGPTSource(torch.device("cpu"))


def test_committed_files_are_small_and_complete(source):
    assert (WEIGHTS_DIR / "tiny_gpt.safetensors").stat().st_size < 2 * 2**20
    report = json.loads((WEIGHTS_DIR / "tiny_gpt.json").read_text())
    assert report["vocab"] == list(VOCAB) and report["config"]["seed"] == 0
    assert all(word in VOCAB for word in DEFAULT.split())


def test_the_task_is_solved_and_the_head_attends_to_adjectives(source):
    e = source.report["evaluation"]
    assert e["chance"] == pytest.approx(1 / len(COLOURS))
    assert e["accuracy"] >= 5 * e["chance"]                  # well above chance: 68.6% against 12.5%
    assert e["accuracy_one_colour"] >= 0.95
    assert e["noun_to_adjectives"] >= 0.5
    assert e["control"] <= 0.6 * e["noun_to_adjectives"] and e["untrained"] <= 0.8 * e["noun_to_adjectives"]


def test_the_committed_figures_are_the_committed_models(source):
    cfg = TrainConfig(**source.report["config"])
    again = evaluate(source.model, make_dataset(cfg.held_out_sentences, seed=cfg.seed + 1), seed=cfg.seed)
    for key, value in source.report["evaluation"].items():
        assert getattr(again, key) == pytest.approx(value if not isinstance(value, list) else tuple(value), abs=1e-6)


@pytest.mark.slow
def test_a_short_training_run_lowers_the_loss():
    _, report = train(TrainConfig(steps=150, train_sentences=2000, held_out_sentences=200), log=None)
    assert report["last_loss"] < report["first_loss"] - 1.0


@pytest.mark.skipif(not os.environ.get("FULL_TRAINING"), reason="a full retraining takes minutes: FULL_TRAINING=1")
def test_retraining_from_the_seed_reproduces_the_figures(source):
    _, report = train(TrainConfig(**source.report["config"]), log=None)
    for key in ("accuracy", "noun_to_adjectives"):
        assert report["evaluation"][key] == pytest.approx(source.report["evaluation"][key], abs=0.03)


def test_trace_is_the_models_own_causal_attention(source):
    trace = build_trace(DEFAULT, model="tiny-gpt", layer=1, causal=True)
    np.testing.assert_allclose(trace.pattern, trace.all_patterns[1], atol=1e-6)
    q, k, v = (torch.from_numpy(np.array(trace[name])) for name in ("q", "k", "v"))
    oracle = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)   # [h, T, c]
    np.testing.assert_allclose((torch.from_numpy(np.array(trace.pattern)) @ v).numpy(), oracle.numpy(), atol=1e-5)
    assert np.all(np.triu(trace.pattern[0], 1) == 0)


def test_head_finder_locates_the_committed_head(source):
    ranked = find_heads(DEFAULT, "creature", ["fluffy", "blue"], model="tiny-gpt")
    assert (ranked[0].layer, ranked[0].head) == tuple(source.report["evaluation"]["head"])


def test_causal_scenes_default_to_tiny_gpt_when_it_knows_the_words(caplog, monkeypatch):
    from scenes.kit import model_rules

    monkeypatch.setattr(model_rules, "_said", set())     # the note is said once per process
    assert SceneSettings().for_scene("CausalMask").model == "tiny-gpt"
    assert SceneSettings().for_scene("ScaledSoftmax").model == "tiny-gpt"
    assert SceneSettings().for_scene("CrossAttention").model == "translator"   # its own default (test_translator.py)
    assert SceneSettings(model="toy").for_scene("CausalMask").model == "toy"
    with caplog.at_level("WARNING", logger="attention_animated"):
        assert SceneSettings(sentence="the mole and the mole").for_scene("CausalMask").model == "minilm"
    assert "tiny-gpt does not know every word" in caplog.text
    settings = SceneSettings().for_scene("ValuesUpdateEmbeddings")
    assert settings.model_layer_head()[1:] == tuple(TinyGPTSource(torch.device("cpu")).head)
    assert settings.trace().causal


@pytest.mark.render
def test_causal_mask_renders_with_tiny_gpt_by_default(rendered):
    _, scene = rendered("CausalMask", fmt="png")
    assert scene.settings.model == "tiny-gpt"
    trace = scene.trace(causal=True)
    pattern, values = scene.shown["pattern_dots"]      # the pattern drawn as dots (cells = "dots")
    np.testing.assert_array_equal(values, trace.on_screen("pattern", scene.head))


@pytest.mark.slow
def test_train_command_writes_loadable_weights(tmp_path):
    from click.testing import CliRunner

    from render import cli

    result = CliRunner().invoke(cli, ["train", "--steps", "30", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "held-out accuracy" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny_gpt.json", "tiny_gpt.safetensors"]
    loaded = TinyGPTSource(torch.device("cpu"), folder=tmp_path)
    assert loaded.report["config"]["steps"] == 30 and loaded.encode(DEFAULT).tokens == tuple(DEFAULT.split())


def test_evaluation_leaves_the_global_random_state_alone(source):
    import torch

    from attention_math.synthetic import make_dataset
    from attention_math.tiny_gpt import evaluate

    torch.manual_seed(1234)
    expected = torch.rand(3)
    torch.manual_seed(1234)
    evaluate(source.model, make_dataset(50, seed=7))
    assert torch.equal(torch.rand(3), expected)
