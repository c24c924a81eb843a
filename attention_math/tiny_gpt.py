"""tiny-gpt: a 2-layer causal decoder trained here on the synthetic adjective language.

Its attention is ``attention.attend`` (the same functions the trace shows). Post-LayerNorm
blocks, as in the original transformer and BERT, so the input of each attention layer is the
hidden state itself: x → LN(x + ΔE) → LN(· + MLP(·)).

    attention-render train            # retrains into attention_math/weights/ (about a minute)
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

from .attention import HeadWeights, attend
from .errors import InputError
from .sources import Encoding, TrainedSource
from .synthetic import COLOURS, CONTEXT, VOCAB, Example, encode_words, make_dataset
from .tokenize import clean_sentence, word_tokenize

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
NAME = "tiny-gpt"


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
    with torch.random.fork_rng(devices=[]):                       # leave the caller's random state alone
        torch.manual_seed(model.cfg.seed)
        untrained = TinyGPT(model.cfg).eval()                     # the same initialisation, before training
    with torch.no_grad():
        _, _, fresh = untrained(ids, keep=True)
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
    torch.manual_seed(cfg.seed)
    model = TinyGPT(cfg)
    data = _batch(make_dataset(cfg.train_sentences, seed=cfg.seed))
    held_out = make_dataset(cfg.held_out_sentences, seed=cfg.seed + 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=cfg.lr, total_steps=cfg.steps)
    gen = torch.Generator().manual_seed(cfg.seed)
    losses, start = [], time.perf_counter()
    for step in range(cfg.steps):
        model.train()
        rows = torch.randint(0, len(data), (cfg.batch,), generator=gen)
        loss = next_token_loss(model, data[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if log and (step % 500 == 0 or step == cfg.steps - 1):
            log(f"step {step:5d}  loss {loss.item():.3f}")
    seconds = time.perf_counter() - start
    evaluation = evaluate(model, held_out, seed=cfg.seed)
    report = {"config": asdict(cfg), "seconds": seconds, "first_loss": losses[0],
              "last_loss": sum(losses[-50:]) / len(losses[-50:]), "evaluation": asdict(evaluation),
              "vocab": list(VOCAB), "context": CONTEXT}
    return model, report


def save(model: TinyGPT, report: dict, folder: Path = WEIGHTS_DIR) -> Path:
    """weights/tiny_gpt.safetensors and tiny_gpt.json (vocabulary, config, figures), each written atomically."""
    from safetensors.torch import save as save_bytes

    from .files import atomic_write_bytes

    folder.mkdir(parents=True, exist_ok=True)
    tensors = {name: p.detach().contiguous() for name, p in model.state_dict().items()}
    atomic_write_bytes(folder / "tiny_gpt.safetensors", save_bytes(tensors))
    atomic_write_bytes(folder / "tiny_gpt.json", (json.dumps(report, indent=2) + "\n").encode())
    return folder / "tiny_gpt.safetensors"


class TinyGPTSource(TrainedSource):
    """The trained decoder as a weight source for traces and scenes."""

    name = NAME

    def __init__(self, device: torch.device, folder: Path = WEIGHTS_DIR) -> None:
        cfg = self.load_trained(folder / "tiny_gpt.safetensors", folder / "tiny_gpt.json", TinyGPT, TrainConfig, device,
                                "tiny-gpt", "attention-render train")
        self.description = (f"tiny-gpt, a {cfg.n_layers}-layer decoder trained here "
                            f"({self.report['evaluation']['accuracy']:.0%} on its task)")

    def tokenize(self, sentence: str) -> list[str]:
        words = [w.casefold() for w in word_tokenize(sentence)]
        unknown = sorted({w for w in words if w not in VOCAB or w == "<pad>"})
        if unknown:
            raise InputError(f"tiny-gpt does not know {', '.join(map(repr, unknown[:5]))}: use its words "
                             f"(`attention-render list --vocab`) or --model minilm")
        if len(words) > CONTEXT:
            raise InputError(f"tiny-gpt reads at most {CONTEXT} tokens, got {len(words)}: shorten the sentence")
        return words

    def fits(self, sentence: str) -> bool:
        try:
            self.tokenize(clean_sentence(sentence))
        except InputError:
            return False
        return True

    def encode(self, sentence: str, causal: bool = True, special_tokens: bool = True) -> Encoding:
        words = self.tokenize(sentence)
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
