"""What the two models trained here share: the training loop, the weight files, the word check.

tiny-gpt (``tiny_gpt.py``) and the translator (``translator.py``) keep their own data, loss and
evaluation; both train through ``train_loop``, start from ``seeded_model``, write their weights
with ``save`` and load them as a ``TrainedSource``.

    model = seeded_model(TinyGPT, cfg)
    losses, seconds = train_loop(model, lambda rows: next_token_loss(model, data[rows]), len(data), cfg)
    save(model, training_report(cfg, losses, seconds, evaluation), folder, FILES)
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar

import torch
from torch import Tensor, nn

from .errors import InputError
from .tokenize import clean_sentence, word_tokenize

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"

Log = Callable[[str], object]
M = TypeVar("M", bound=nn.Module)


class TrainingConfig(Protocol):
    """The fields of a model's ``TrainConfig`` that the loop reads."""

    steps: int
    batch: int
    lr: float
    seed: int


# --- the words a model knows ------------------------------------------------------------------

def known_words(sentence: str, vocab: tuple[str, ...], reserved: tuple[str, ...], most: int,
                unknown: str, too_long: str) -> list[str]:
    """The sentence's words, case-folded, when the model knows every one and there are at most ``most``.

    Parameters
    ----------
    sentence : str
        The text to read.
    vocab : tuple[str, ...]
        The model's words.
    reserved : tuple[str, ...]
        Words of ``vocab`` a sentence may not contain (<pad>, <s>, </s>).
    most : int
        The most words the model reads.
    unknown : str
        The InputError's message when a word is unknown: a format string with ``{words}`` (the first
        five unknown words, quoted, in alphabetical order).
    too_long : str
        The message when there are too many words: a format string with ``{most}`` and ``{count}``.

    Returns
    -------
    list[str]
        The words, case-folded.

    Examples
    --------
    >>> known_words("The Dog", ("<pad>", "the", "dog"), ("<pad>",), 3, "no {words}", "{count} > {most}")
    ['the', 'dog']
    >>> known_words("the zebra", ("<pad>", "the", "dog"), ("<pad>",), 3, "no {words}", "{count} > {most}")
    Traceback (most recent call last):
    attention_math.errors.InputError: no 'zebra'
    """
    words = [w.casefold() for w in word_tokenize(sentence)]
    missing = sorted({w for w in words if w not in vocab or w in reserved})
    if missing:
        raise InputError(unknown.format(words=", ".join(map(repr, missing[:5]))))
    if len(words) > most:
        raise InputError(too_long.format(most=most, count=len(words)))
    return words


# --- training -----------------------------------------------------------------------------------

def seeded_model(model_class: Callable[[Any], M], cfg: TrainingConfig) -> M:
    """The model before training: its parameters drawn from ``cfg.seed`` (sets torch's global seed)."""
    torch.manual_seed(cfg.seed)
    return model_class(cfg)


def untrained(model: M) -> M:
    """The same model at its seeded initialisation, in eval mode; the caller's random state is left alone."""
    with torch.random.fork_rng(devices=[]):
        return seeded_model(type(model), model.cfg).eval()


def train_loop(model: nn.Module, loss_on: Callable[[Tensor], Tensor], rows: int, cfg: TrainingConfig,
               log: Log | None = print, log_every: int = 500, threads: int | None = None) -> tuple[list[float], float]:
    """Train ``model`` in place: AdamW (weight decay 0.01) under a one-cycle schedule peaking at ``cfg.lr``.

    Parameters
    ----------
    model : nn.Module
        The model, trained in place.
    loss_on : Callable[[Tensor], Tensor]
        The loss of a batch, given the indices of its rows in the training data.
    rows : int
        How many rows the training data has.
    cfg : TrainingConfig
        ``steps`` batches of ``batch`` rows, drawn with replacement from a generator seeded with ``seed``.
    log : Callable[[str], object] or None
        Told the loss at every ``log_every`` steps and at the last one.
    threads : int, optional
        torch's CPU threads while the loop runs (restored after); None: unchanged.

    Returns
    -------
    tuple[list[float], float]
        Every step's loss, and the seconds the loop took.
    """
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=cfg.lr, total_steps=cfg.steps)
    gen = torch.Generator().manual_seed(cfg.seed)
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    losses, start = [], time.perf_counter()
    try:
        for step in range(cfg.steps):
            model.train()
            batch = torch.randint(0, rows, (cfg.batch,), generator=gen)     # [batch]
            loss = loss_on(batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
            if log and (step % log_every == 0 or step == cfg.steps - 1):
                log(f"step {step:5d}  loss {loss.item():.3f}")
    finally:
        if threads is not None:
            torch.set_num_threads(before)
    return losses, time.perf_counter() - start


def training_report(cfg: Any, losses: list[float], seconds: float, evaluation: Any, **extra: Any) -> dict:
    """The report saved beside the weights: config, seconds, first loss, last loss (mean of the last 50),
    evaluation, then ``extra`` (the vocabularies), in that order."""
    tail = losses[-50:]
    return {"config": asdict(cfg), "seconds": seconds, "first_loss": losses[0], "last_loss": sum(tail) / len(tail),
            "evaluation": asdict(evaluation), **extra}


# --- the weight files -------------------------------------------------------------------------

def save(model: nn.Module, report: dict, folder: Path, files: tuple[str, str]) -> Path:
    """``folder/files[0]`` (the weights, safetensors) and ``folder/files[1]`` (the report, UTF-8 JSON), each
    written atomically; the folder is created when missing. Returns the weights' path."""
    from safetensors.torch import save as save_bytes

    from .files import atomic_write_bytes

    folder.mkdir(parents=True, exist_ok=True)
    tensors = {name: p.detach().contiguous() for name, p in model.state_dict().items()}
    atomic_write_bytes(folder / files[0], save_bytes(tensors))
    atomic_write_bytes(folder / files[1], (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode())
    return folder / files[0]


class TrainedSource:
    """A weight source trained in this project: its weights, and the report (config, figures) beside them."""

    def load_trained(self, weights: Path, report: Path, model_class: Any, config_class: Any, device: torch.device,
                     who: str, fix: str) -> Any:
        """Load the model onto ``device`` and name its sizes and teaching head; InputError naming ``fix`` when
        the weights are missing. Returns the training config."""
        from safetensors.torch import load_file

        if not weights.exists():
            raise InputError(f"{who}'s weights are missing ({weights}): run `{fix}`")
        self.report = json.loads(report.read_text(encoding="utf-8"))
        cfg = config_class(**self.report["config"])
        self.model = model_class(cfg)
        self.model.load_state_dict(load_file(str(weights)))
        self.model.eval().to(device)
        self.device = device
        self.n_layers, self.n_heads, self.d_model = cfg.n_layers, cfg.n_heads, cfg.d_model
        self.d_head = cfg.d_model // cfg.n_heads
        self.head = tuple(self.report["evaluation"]["head"])
        return cfg

    def sentence_words(self, sentence: str) -> list[str]:
        """The sentence as the model's words; InputError naming any word it does not know."""
        raise NotImplementedError

    def fits(self, sentence: str) -> bool:
        """Whether the model can read ``sentence`` (every word known, not too long)."""
        try:
            self.sentence_words(clean_sentence(sentence))
        except InputError:
            return False
        return True
