"""tiny-gpt: a 2-layer causal decoder trained here on the synthetic adjective language.

Its attention is ``attention.attend`` (the same functions the trace shows). Post-LayerNorm
blocks, as in the original transformer and BERT, so the input of each attention layer is the
hidden state itself: x → LN(x + ΔE) → LN(· + MLP(·)).

    attention-render train            # retrains into attention_math/weights/ (about a minute)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

from .attention import HeadWeights, attend
from .sources import Encoding
from .synthetic import COLOURS, CONTEXT, VOCAB, Example, encode_words, make_dataset
from .training import (WEIGHTS_DIR, TrainedSource, known_words, seeded_model, train_loop, training_report, untrained,
                       save as save_files)

NAME = "tiny-gpt"
FILES = ("tiny_gpt.safetensors", "tiny_gpt.json")


@dataclass(frozen=True)
class TrainConfig:
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    d_mlp: int = 256
    steps: int = 3000
    batch: int = 128
    lr: float = 3e-3
    seed: int = 0
    train_sentences: int = 20000
    held_out_sentences: int = 2000


class TinyGPT(nn.Module):
    def __init__(self, cfg: TrainConfig) -> None:
        super().__init__()
        d, h, c = cfg.d_model, cfg.n_heads, cfg.d_model // cfg.n_heads
        self.cfg = cfg
        self.tok = nn.Embedding(len(VOCAB), d)
        self.pos = nn.Embedding(CONTEXT, d)
        self.attn = nn.ParameterList()
        for _ in range(cfg.n_layers):
            for shape in ((h, d, c), (h, c), (h, d, c), (h, c), (h, d, c), (h, c), (h, c, d), (d,)):
                fan_in = shape[-2] if len(shape) == 3 else 1
                self.attn.append(nn.Parameter(torch.randn(shape) / math.sqrt(fan_in) if len(shape) == 3
                                              else torch.zeros(shape)))
        self.ln1 = nn.ModuleList(nn.LayerNorm(d) for _ in range(cfg.n_layers))
        self.mlp = nn.ModuleList(nn.Sequential(nn.Linear(d, cfg.d_mlp), nn.GELU(), nn.Linear(cfg.d_mlp, d))
                                 for _ in range(cfg.n_layers))
        self.ln2 = nn.ModuleList(nn.LayerNorm(d) for _ in range(cfg.n_layers))
        self.unembed = nn.Linear(d, len(VOCAB))

    def layer_weights(self, layer: int) -> HeadWeights:
        return HeadWeights(*self.attn[8 * layer: 8 * layer + 8])

    def forward(self, ids: Tensor, keep: bool = False):
        """ids [B, T] → logits [B, T, V]; with ``keep``, also hidden states [L+1, B, T, d] and patterns [L, B, h, T, T]."""
        t = ids.shape[-1]
        x = self.tok(ids) + self.pos(torch.arange(t, device=ids.device))     # [B, T, d]
        states, patterns = [x], []
        for layer in range(self.cfg.n_layers):
            steps = attend(x, x, self.layer_weights(layer), causal=True)      # [B, ...]
            x = self.ln1[layer](steps["updated"])                               # [B, T, d]
            x = self.ln2[layer](x + self.mlp[layer](x))                         # [B, T, d]
            states.append(x)
            patterns.append(steps["pattern"])
        logits = self.unembed(x)                                                # [B, T, V]
        return (logits, torch.stack(states), torch.stack(patterns)) if keep else logits


def _batch(examples: list[Example]) -> Tensor:
    ids = torch.zeros(len(examples), CONTEXT, dtype=torch.long)   # <pad> = 0
    for i, example in enumerate(examples):
        row = encode_words(example.words)
        ids[i, : len(row)] = torch.tensor(row)
    return ids


def next_token_loss(model: TinyGPT, ids: Tensor) -> Tensor:
    """Plain next-token loss on every position (pads ignored)."""
    logits = model(ids[:, :-1])                                   # [B, T-1, V]
    target = ids[:, 1:].masked_fill(ids[:, 1:] == 0, -100)        # [B, T-1]
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)


@dataclass(frozen=True)
class Evaluation:
    accuracy: float              # held-out: the colour after "the NOUN was" predicted exactly
    accuracy_one_colour: float   # … when only the asked noun's phrase has a colour
    accuracy_two_colours: float  # … when both phrases have one (the noun decides which)
    chance: float                # one colour in len(COLOURS)
    head: tuple[int, int]        # (layer, head) the head finder ranks first for noun → its adjectives
    noun_to_adjectives: float    # that head: mean attention from a noun to its own adjectives
    control: float               # the same head: to as many random earlier non-adjective tokens
    untrained: float             # the same head of the untrained (seeded) model


def evaluate(model: TinyGPT, examples: list[Example], seed: int = 0) -> Evaluation:
    """Accuracy of the task and where the adjective→noun head sends each noun's attention."""
    model.eval()
    ids = _batch(examples)
    with torch.no_grad():
        logits, _, patterns = model(ids, keep=True)               # patterns [L, B, h, T, T]
    answers = torch.tensor([e.answer_position for e in examples])
    predicted = logits[torch.arange(len(examples)), answers - 1].argmax(-1)
    correct = (predicted == ids[torch.arange(len(examples)), answers]).float()
    two = torch.tensor([sum(any(e.words[p] in COLOURS for p in adj) for adj in e.adjective_positions) == 2
                        for e in examples])
    accuracy = float(correct.mean())
    weights = _noun_weights(patterns, examples)                   # [L, h]
    layer, head = divmod(int(weights.argmax()), weights.shape[1])
    gen = torch.Generator().manual_seed(seed)
    control = _noun_weights(patterns, examples, random_keys=gen)[layer, head]
    with torch.no_grad():
        _, _, fresh = untrained(model)(ids, keep=True)            # the same initialisation, before training
    return Evaluation(accuracy, float(correct[~two].mean()), float(correct[two].mean()), 1 / len(COLOURS), (layer, head), float(weights[layer, head]), float(control),
                      float(_noun_weights(fresh, examples)[layer, head]))


def _noun_weights(patterns: Tensor, examples: list[Example], random_keys: torch.Generator | None = None) -> Tensor:
    """Mean over nouns with adjectives of the attention to their own adjectives, per (layer, head): [L, h]."""
    total, count = torch.zeros(patterns.shape[0], patterns.shape[2]), 0
    for b, example in enumerate(examples):
        for noun, adjectives in zip(example.noun_positions, example.adjective_positions):
            if not adjectives:
                continue
            keys = list(adjectives)
            if random_keys is not None:
                others = [p for p in range(noun) if p not in adjectives]
                if len(others) < len(adjectives):
                    continue
                pick = torch.randperm(len(others), generator=random_keys)[: len(adjectives)]
                keys = [others[i] for i in pick]
            total += patterns[:, b, :, noun, keys].sum(-1)
            count += 1
    return total / max(count, 1)


def train(cfg: TrainConfig = TrainConfig(), log=print) -> tuple[TinyGPT, dict]:
    """Train from the seed; returns the model and a report (losses, evaluation, seconds)."""
    model = seeded_model(TinyGPT, cfg)
    data = _batch(make_dataset(cfg.train_sentences, seed=cfg.seed))             # [N, CONTEXT]
    held_out = make_dataset(cfg.held_out_sentences, seed=cfg.seed + 1)
    losses, seconds = train_loop(model, lambda rows: next_token_loss(model, data[rows]), len(data), cfg, log,
                                 log_every=500)
    evaluation = evaluate(model, held_out, seed=cfg.seed)
    return model, training_report(cfg, losses, seconds, evaluation, vocab=list(VOCAB), context=CONTEXT)


def save(model: TinyGPT, report: dict, folder: Path = WEIGHTS_DIR) -> Path:
    """weights/tiny_gpt.safetensors and tiny_gpt.json (vocabulary, config, figures), each written atomically."""
    return save_files(model, report, folder, FILES)


class TinyGPTSource(TrainedSource):
    """The trained decoder as a weight source for traces and scenes."""

    name = NAME

    def __init__(self, device: torch.device, folder: Path = WEIGHTS_DIR) -> None:
        cfg = self.load_trained(folder / FILES[0], folder / FILES[1], TinyGPT, TrainConfig, device,
                                "tiny-gpt", "attention-render train")
        self.description = (f"tiny-gpt, a {cfg.n_layers}-layer decoder trained here "
                            f"({self.report['evaluation']['accuracy']:.0%} on its task)")

    def sentence_words(self, sentence: str) -> list[str]:
        return known_words(sentence, VOCAB, ("<pad>",), CONTEXT,
                           "tiny-gpt does not know {words}: use its words (`attention-render list --vocab`) "
                           "or --model minilm",
                           "tiny-gpt reads at most {most} tokens, got {count}: shorten the sentence")

    def encode(self, sentence: str, causal: bool = True, special_tokens: bool = True) -> Encoding:
        words = self.sentence_words(sentence)
        ids = torch.tensor([encode_words(words)], device=self.device)                 # [1, T]
        with torch.no_grad():
            _, states, patterns = self.model(ids, keep=True)
            tok = self.model.tok(ids[0])                                               # [T, d]
            pos = self.model.pos(torch.arange(len(words), device=self.device))         # [T, d]
        return Encoding(tokens=tuple(words), words=tuple((w, (i,)) for i, w in enumerate(words)),
                        token_embeddings=tok, positions=pos, input_embeddings=tok + pos,
                        hidden_states=states[:, 0], patterns=patterns[:, 0])

    def layer_weights(self, layer: int) -> HeadWeights:
        return self.model.layer_weights(layer)
