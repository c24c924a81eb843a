"""The translator: a parallel language, an encoder–decoder trained on it, its cross-attention aligned."""

from __future__ import annotations

import json
import os
import random

import numpy as np
import pytest
import torch

from attention_math import InputError, build_trace
from attention_math.parallel import (ADJECTIVE_WORDS, NOUN_WORDS, SOURCE_VOCAB, TARGET_VOCAB, make_pairs, make_source,
                                     translate_words, word_by_word)
from attention_math.translator import WEIGHTS_DIR, TrainConfig, Translator, TranslatorSource, datasets, evaluate, train
from attention_math.attention import (add_residual, attend, causal_mask, project, scale, scores, softmax_over_keys,
                                      sum_heads, value_up, weighted_sum)
from scenes.kit.settings import SceneSettings

DEFAULT = "a fluffy blue creature roamed the verdant forest"
FRENCH = "une créature duveteuse bleue arpentait la forêt verdoyante"


@pytest.fixture(scope="module")
def source():
    return TranslatorSource(torch.device("cpu"))


# --- the parallel language -------------------------------------------------------------------

def test_the_default_sentence_translates_with_adjectives_after_the_noun():
    pair = translate_words(DEFAULT.split())
    assert " ".join(pair.target) == FRENCH
    assert pair.alignment == (0, 3, 1, 2, 4, 5, 7, 6)          # créature←creature, duveteuse←fluffy, bleue←blue …
    assert pair.adjectives == (2, 3, 7)
    assert "é" in pair.target[1] and "ê" in pair.target[6]     # accents as typed, not stripped


def test_every_pair_is_a_one_to_one_alignment_of_dictionary_words():
    for pair in make_pairs(300, seed=5):
        assert sorted(pair.alignment) == list(range(len(pair.source)))     # a permutation: one to one
        for i, j in enumerate(pair.alignment):
            english, french = pair.source[j], pair.target[i]
            if english in ADJECTIVE_WORDS:
                assert french in ADJECTIVE_WORDS[english] and i in pair.adjectives
                # after its noun: the nearest noun before it in the translation is its own phrase's noun
                noun = max(k for k in range(i) if pair.target[k] in {n for n, _ in NOUN_WORDS.values()})
                assert pair.alignment[noun] > j
            elif english in NOUN_WORDS:
                assert french == NOUN_WORDS[english][0]
        assert set(pair.source) <= set(SOURCE_VOCAB) and set(pair.target) <= set(TARGET_VOCAB)


def test_gender_agrees_and_the_language_is_seeded():
    pair = translate_words("the tall river crossed a small dog".split())
    assert pair.target == ("la", "rivière", "élancée", "traversait", "un", "chien", "petit")
    assert make_pairs(50, seed=3) == make_pairs(50, seed=3) != make_pairs(50, seed=4)
    assert make_source(random.Random(0)) == make_source(random.Random(0))


def test_held_out_sentences_were_not_seen_in_training():
    training, held_out = datasets(TrainConfig(train_sentences=3000, held_out_sentences=300))
    assert held_out and not {p.source for p in training} & {p.source for p in held_out}


def test_the_baseline_keeps_the_english_order():
    assert word_by_word(DEFAULT.split()) == ("un", "duveteux", "bleu", "créature", "arpentait", "le", "verdoyant", "forêt")


# --- the model -------------------------------------------------------------------------------

def test_padding_is_masked_so_a_batch_gives_each_sentence_its_own_attention():
    torch.manual_seed(0)
    model = Translator(TrainConfig()).eval()
    short = torch.tensor([[1, 5, 20, 40, 2, 30, 0, 0, 0]])          # 6 words and 3 pads
    alone = torch.tensor([[1, 5, 20, 40, 2, 30]])
    tgt = torch.tensor([[1, 4, 9]])
    with torch.no_grad():
        padded, unpadded = model(short, tgt), model(alone, tgt)
    np.testing.assert_allclose(padded["logits"].numpy(), unpadded["logits"].numpy(), atol=1e-5)
    assert torch.all(padded["cross_patterns"][..., 6:] == 0)
    w = model.cross_weights(0)
    x, ctx = torch.randn(1, 3, 64), torch.randn(1, 5, 64)
    with torch.no_grad():
        full = attend(x, ctx, w, causal=False)
        none_padded = attend(x, ctx, w, causal=False, key_padding=torch.zeros(1, 5, dtype=torch.bool))
    for name in ("pattern", "updated"):
        assert torch.equal(full[name], none_padded[name]), name


@pytest.mark.parametrize("causal", [False, True])
def test_attend_with_key_padding_is_the_masked_computation_step_by_step(causal):
    """attend(..., key_padding) gives exactly (bit for bit) the steps written out with the padded keys' scores at −∞."""
    torch.manual_seed(1)
    model = Translator(TrainConfig()).eval()
    w = model.cross_weights(1)
    x, ctx = torch.randn(3, 6, 64), torch.randn(3, 6, 64)
    key_padding = torch.tensor([[False] * 6, [False] * 4 + [True] * 2, [False, True, False, False, True, True]])
    with torch.no_grad():
        got = attend(x, ctx, w, causal=causal, key_padding=key_padding)
        q, k, v = project(x, w.w_q, w.b_q), project(ctx, w.w_k, w.b_k), project(ctx, w.w_v_down, w.b_v)
        scaled = scale(scores(q, k), w.d_head)
        masked = causal_mask(scaled) if causal else scaled
        masked = masked.masked_fill(key_padding[:, None, None, :], float("-inf"))
        pattern = softmax_over_keys(masked)
        updated = add_residual(x, sum_heads(weighted_sum(pattern, value_up(v, w.w_v_up)), w.b_o))
    assert torch.equal(got["masked"], masked) and torch.equal(got["pattern"], pattern)
    assert torch.equal(got["updated"], updated)
    assert torch.all(got["pattern"][1, ..., 4:] == 0) and torch.all(got["pattern"][2, ..., [1, 4, 5]] == 0)


def test_committed_files_are_small_and_complete(source):
    assert (WEIGHTS_DIR / "translator.safetensors").stat().st_size < 2 * 2**20
    report = json.loads((WEIGHTS_DIR / "translator.json").read_text(encoding="utf-8"))
    assert report["source_vocab"] == list(SOURCE_VOCAB) and report["target_vocab"] == list(TARGET_VOCAB)
    assert report["config"]["seed"] == 0 and "créature" in report["target_vocab"]


def test_it_translates_better_than_word_by_word(source):
    e = source.report["evaluation"]
    assert e["sentences"] >= 900
    assert e["exact_match"] >= 0.9 and e["exact_match"] >= e["baseline_exact_match"] + 0.5
    assert e["token_accuracy"] >= 0.95 > e["baseline_token_accuracy"]
    assert source.translate(DEFAULT) == FRENCH.split()


def test_the_best_head_aligns_words_with_their_source(source):
    e = source.report["evaluation"]
    assert e["alignment"] >= 0.8
    assert e["alignment_adjectives"] >= 0.7                     # the crossing alignments too
    assert e["untrained"] <= 0.5 * e["alignment"] and e["untrained_adjectives"] <= 0.5 * e["alignment_adjectives"]
    assert max(max(row) for row in e["alignment_by_head"]) == pytest.approx(e["alignment"], abs=1e-4)


def test_the_committed_figures_are_the_committed_models(source):
    cfg = TrainConfig(**source.report["config"])
    again = evaluate(source.model, datasets(cfg)[1])
    for key, value in source.report["evaluation"].items():
        expected = value if not isinstance(value, list) else json.loads(json.dumps(value), object_hook=None)
        got = getattr(again, key)
        if isinstance(value, list):
            np.testing.assert_allclose(np.array(got, dtype=float), np.array(expected, dtype=float), atol=1e-4)
        else:
            assert got == pytest.approx(value, abs=1e-6), key


@pytest.mark.slow
def test_a_short_training_run_lowers_the_loss():
    _, report = train(TrainConfig(steps=40, train_sentences=500, held_out_sentences=30), log=None)
    assert report["last_loss"] < report["first_loss"] - 1.0


@pytest.mark.skipif(not os.environ.get("FULL_TRAINING"), reason="a full retraining takes minutes: FULL_TRAINING=1")
def test_retraining_from_the_seed_reproduces_the_figures(source):
    _, report = train(TrainConfig(**source.report["config"]), log=None)
    for key in ("exact_match", "token_accuracy", "alignment", "alignment_adjectives"):
        assert report["evaluation"][key] == pytest.approx(source.report["evaluation"][key], abs=0.03), key


# --- the trace ------------------------------------------------------------------------------

def test_trace_is_the_translations_cross_attention_reading_the_source(source):
    layer, head = source.head
    trace = build_trace(DEFAULT, model="translator", layer=layer)
    assert trace.tokens == tuple(FRENCH.split()) and trace.context_tokens == tuple(DEFAULT.split())
    assert trace.pattern.shape == (4, len(trace.tokens), len(trace.context_tokens)) and not trace.causal
    np.testing.assert_allclose(trace.pattern, trace.all_patterns[layer], atol=1e-6)   # the model's own forward pass
    q, k, v = (torch.from_numpy(np.array(trace[name])) for name in ("q", "k", "v"))
    oracle = torch.nn.functional.scaled_dot_product_attention(q, k, v)                 # [h, T_q, c]
    np.testing.assert_allclose((torch.from_numpy(np.array(trace.pattern)) @ v).numpy(), oracle.numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.pattern.sum(-1), 1, atol=1e-5)
    assert trace.memory.shape == (len(trace.context_tokens), trace.d_model)
    strongest = trace.pattern[head].argmax(-1)
    assert tuple(strongest) == translate_words(DEFAULT.split()).alignment           # the default sentence, word for word


def test_target_gives_the_translation_to_trace():
    trace = build_trace(DEFAULT, model="translator", target="une créature bleue arpentait la forêt")
    assert trace.tokens == ("une", "créature", "bleue", "arpentait", "la", "forêt")
    with pytest.raises(InputError, match="has no word 'zèbre'"):
        build_trace(DEFAULT, model="translator", target="un zèbre")
    with pytest.raises(InputError, match="does not know 'zebra'"):
        build_trace("a zebra roamed", model="translator")


def test_trace_json_and_cli(tmp_path):
    from click.testing import CliRunner

    from render import cli

    result = CliRunner().invoke(cli, ["translate", DEFAULT])
    assert result.exit_code == 0 and result.stdout.strip() == FRENCH
    out = tmp_path / "t.json"
    result = CliRunner().invoke(cli, ["trace", "--model", "translator", "--sentence", DEFAULT, "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["tokens"] == FRENCH.split() and doc["context_tokens"] == DEFAULT.split() and doc["model"] == "translator"
    assert {"q", "k", "v", "pattern", "memory", "delta", "updated"} <= set(doc["tensors"])


def test_cross_attention_defaults_to_the_translator_and_its_alignment_head(source, caplog):
    settings = SceneSettings().for_scene("CrossAttention")
    assert settings.model == "translator" and settings.model_layer_head()[1:] == tuple(source.head)
    with caplog.at_level("WARNING", logger="attention_animated"):
        assert SceneSettings(sentence="the mole sat").for_scene("CrossAttention").model == "minilm"
    assert SceneSettings(context="the cat sat").for_scene("CrossAttention").model == "minilm"
    with pytest.raises(InputError, match="CrossAttention only"):
        SceneSettings(model="translator").trace()


@pytest.mark.slow
def test_train_command_writes_loadable_weights(tmp_path):
    from click.testing import CliRunner

    from render import cli

    result = CliRunner().invoke(cli, ["train", "--model", "translator", "--steps", "5", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "held-out exact match" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["translator.json", "translator.safetensors"]
    loaded = TranslatorSource(torch.device("cpu"), folder=tmp_path)
    assert loaded.report["config"]["steps"] == 5 and len(loaded.translate(DEFAULT)) >= 0


# --- the scene ------------------------------------------------------------------------------

@pytest.mark.render
def test_cross_attention_draws_the_translators_weights(rendered):
    _, scene = rendered("CrossAttention", fmt="png")
    assert scene.settings.model == "translator"
    trace = scene.trace(cross=True)
    expected = trace.on_screen("pattern", scene.head)                           # [T_source, T_target]
    drawn, values = scene.shown["lines"]
    np.testing.assert_array_equal(values, expected)
    assert len(drawn) == expected.size
    from scenes.cross_attention import MAX_LINE_WIDTH
    from scenes.kit.mobjects import TokenBoxes

    boxes = TokenBoxes(trace.key_tokens, scene.theme), TokenBoxes(trace.tokens, scene.theme)
    lines = scene.weight_lines(*boxes, expected)
    np.testing.assert_allclose([line.get_stroke_opacity() for line in lines], expected.flatten(), atol=1e-6)
    np.testing.assert_allclose([line.get_stroke_width() for line in lines],
                               np.maximum(MAX_LINE_WIDTH * expected.flatten(), 0.01), atol=1e-4)
    first = lines[0]     # key 0 → query 0 joins the first English box to the first translated box
    assert np.allclose(first.get_start(), boxes[0].get_box(0).get_bottom())
    _, dot_values = scene.shown["dots"]
    np.testing.assert_array_equal(dot_values, expected)
    texts, values = scene.shown["pattern"][0], scene.shown["pattern"][1]
    np.testing.assert_array_equal(values, expected)
    assert [d.text for d in texts][:2] == [f"{v:.2f}" for v in expected.flatten()[:2]]
    _, terms = scene.shown["terms"]
    np.testing.assert_array_equal(terms, expected[:, scene.settings.query_index(trace)])
