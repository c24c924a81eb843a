"""The training shared by tiny-gpt and the translator (attention_math/training.py)."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from attention_math import InputError, tiny_gpt, training, translator
from attention_math.training import known_words, save, seeded_model, train_loop, untrained


class _Line(nn.Module):
    """The smallest model the loop trains: y = w · x, with a config like the models' own."""

    def __init__(self, cfg) -> None:
        super().__init__()
        self.cfg = cfg
        self.layer = nn.Linear(4, 1)


CFG = tiny_gpt.TrainConfig(steps=6, batch=8, seed=3)
X, Y = torch.randn(40, 4, generator=torch.Generator().manual_seed(0)), torch.randn(40, 1)


def _run(threads=None, log=None):
    model = seeded_model(_Line, CFG)
    losses, seconds = train_loop(model, lambda rows: ((model.layer(X[rows]) - Y[rows]) ** 2).mean(), len(X), CFG,
                                 log, log_every=4, threads=threads)
    return model, losses, seconds


def test_the_loop_is_seeded_and_logs_every_n_steps_and_the_last():
    lines = []
    model, losses, seconds = _run(log=lines.append)
    again, losses_again, _ = _run()
    assert losses == losses_again and len(losses) == CFG.steps and seconds >= 0
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), again.state_dict().values()))
    assert [line.split()[1] for line in lines] == ["0", "4", "5"]
    assert lines[0] == f"step     0  loss {losses[0]:.3f}"


def test_the_loop_restores_the_thread_count():
    before = torch.get_num_threads()
    _run(threads=1)
    assert torch.get_num_threads() == before


def test_untrained_is_the_seeded_initialisation_and_leaves_the_random_state_alone():
    trained, _, _ = _run()
    torch.manual_seed(99)
    expected = torch.rand(2)
    torch.manual_seed(99)
    fresh = untrained(trained)
    assert torch.equal(torch.rand(2), expected) and not fresh.training
    assert torch.equal(fresh.layer.weight, seeded_model(_Line, CFG).layer.weight)
    assert not torch.equal(fresh.layer.weight, trained.layer.weight)


@pytest.mark.parametrize("module, cfg, every, threads", [
    (tiny_gpt, tiny_gpt.TrainConfig(steps=3, train_sentences=300, held_out_sentences=40), 500, None),
    (translator, translator.TrainConfig(steps=3, train_sentences=200, held_out_sentences=20), 250, 1),
])
def test_both_models_train_through_the_shared_loop(module, cfg, every, threads, monkeypatch):
    calls = []

    def spy(model, loss_on, rows, cfg_, log, log_every, threads=None):
        losses, seconds = train_loop(model, loss_on, rows, cfg_, log, log_every, threads)
        calls.append((model, rows, cfg_, log_every, threads, losses))
        return losses, seconds

    monkeypatch.setattr(module, "train_loop", spy)
    model, report = module.train(cfg, log=None)
    [(trained, rows, cfg_, log_every, threads_, losses)] = calls
    assert trained is model and cfg_ is cfg and rows == cfg.train_sentences
    assert (log_every, threads_) == (every, threads)
    assert report["first_loss"] == losses[0] and report["last_loss"] == sum(losses) / len(losses)
    assert list(report)[:5] == ["config", "seconds", "first_loss", "last_loss", "evaluation"]


def test_save_writes_the_weights_and_a_utf8_report(tmp_path):
    from safetensors.torch import load_file

    model, _, _ = _run()
    path = save(model, {"target_vocab": ["créature", "forêt"]}, tmp_path / "new", ("m.safetensors", "m.json"))
    assert path == tmp_path / "new" / "m.safetensors"
    assert torch.equal(load_file(str(path))["layer.weight"], model.layer.weight)
    text = (tmp_path / "new" / "m.json").read_text(encoding="utf-8")
    assert "créature" in text and text.endswith("\n") and json.loads(text) == {"target_vocab": ["créature", "forêt"]}


def test_known_words_names_the_unknown_words_then_the_length():
    vocab = ("<pad>", "a", "dog", "cat")
    assert known_words("A Dog", vocab, ("<pad>",), 3, "{words}", "{count}/{most}") == ["a", "dog"]
    with pytest.raises(InputError, match=r"^'cat', 'zebra'$"):           # a reserved word is refused too
        known_words("a zebra cat", vocab, ("cat",), 3, "{words}", "{count}/{most}")
    with pytest.raises(InputError, match=r"^4/3$"):
        known_words("a dog a cat", vocab, ("<pad>",), 3, "{words}", "{count}/{most}")


def test_both_sources_are_trained_sources_that_say_whether_a_sentence_fits():
    for source in (tiny_gpt.TinyGPTSource, translator.TranslatorSource):
        assert issubclass(source, training.TrainedSource) and "fits" not in vars(source)
    assert tiny_gpt.WEIGHTS_DIR == translator.WEIGHTS_DIR == training.WEIGHTS_DIR
