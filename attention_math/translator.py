"""The translator: a tiny encoder–decoder trained here on the parallel language (``parallel.py``).

Encoder self-attention, decoder causal self-attention and cross-attention, all from the step
functions of ``attention_math.attention`` (the same ones the trace shows). Post-LayerNorm blocks,
as in the original transformer:

    encoder layer:  x → LN(x + SelfAttn(x)) → LN(· + MLP(·))
    decoder layer:  y → LN(y + CausalSelfAttn(y)) → LN(· + CrossAttn(·, memory)) → LN(· + MLP(·))

The memory is the encoder's output; every decoder layer's cross-attention reads it. The decoder
reads "<s> y₁ … yₙ" and predicts "y₁ … yₙ </s>".

    attention-render train --model translator   # retrains into attention_math/weights/ (a few minutes)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

from .attention import HeadWeights, attend
from .errors import InputError
from .parallel import (END, PAD, SOURCE_LENGTH, SOURCE_VOCAB, START, TARGET_LENGTH, TARGET_VOCAB, Pair,
                       encode, make_pairs, word_by_word)
from .sources import Encoding
from .training import (WEIGHTS_DIR, TrainedSource, known_words, seeded_model, train_loop, training_report, untrained,
                       save as save_files)

NAME = "translator"
FILES = ("translator.safetensors", "translator.json")


@dataclass(frozen=True)
class TrainConfig:
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2          # encoder layers, and as many decoder layers
    d_mlp: int = 128
    steps: int = 1500
    batch: int = 64
    lr: float = 3e-3
    seed: int = 0
    train_sentences: int = 20000
    held_out_sentences: int = 1000


def _attention_parameters(d: int, h: int) -> list[nn.Parameter]:
    """One layer's W_q, b_q, W_k, b_k, W_v↓, b_v, W_v↑, b_O (the order of ``HeadWeights``)."""
    c = d // h
    shapes = ((h, d, c), (h, c), (h, d, c), (h, c), (h, d, c), (h, c), (h, c, d), (d,))
    return [nn.Parameter(torch.randn(s) / math.sqrt(s[-2]) if len(s) == 3 else torch.zeros(s)) for s in shapes]


class Translator(nn.Module):
    def __init__(self, cfg: TrainConfig) -> None:
        super().__init__()
        d, h, n = cfg.d_model, cfg.n_heads, cfg.n_layers
        self.cfg = cfg
        self.src_tok = nn.Embedding(len(SOURCE_VOCAB), d)
        self.src_pos = nn.Embedding(SOURCE_LENGTH, d)
        self.tgt_tok = nn.Embedding(len(TARGET_VOCAB), d)
        self.tgt_pos = nn.Embedding(TARGET_LENGTH, d)
        self.enc_attn = nn.ParameterList(p for _ in range(n) for p in _attention_parameters(d, h))
        self.dec_self = nn.ParameterList(p for _ in range(n) for p in _attention_parameters(d, h))
        self.dec_cross = nn.ParameterList(p for _ in range(n) for p in _attention_parameters(d, h))
        self.enc_ln = nn.ModuleList(nn.LayerNorm(d) for _ in range(2 * n))
        self.dec_ln = nn.ModuleList(nn.LayerNorm(d) for _ in range(3 * n))
        self.enc_mlp = nn.ModuleList(self._mlp(cfg) for _ in range(n))
        self.dec_mlp = nn.ModuleList(self._mlp(cfg) for _ in range(n))
        self.unembed = nn.Linear(d, len(TARGET_VOCAB))

    @staticmethod
    def _mlp(cfg: TrainConfig) -> nn.Module:
        return nn.Sequential(nn.Linear(cfg.d_model, cfg.d_mlp), nn.GELU(), nn.Linear(cfg.d_mlp, cfg.d_model))

    @staticmethod
    def _weights(params: nn.ParameterList, layer: int) -> HeadWeights:
        return HeadWeights(*params[8 * layer: 8 * layer + 8])

    def cross_weights(self, layer: int) -> HeadWeights:
        """Decoder layer ``layer``'s cross-attention: queries from the translation, keys/values from the memory."""
        return self._weights(self.dec_cross, layer)

    def encode_source(self, src: Tensor) -> dict[str, Tensor]:
        """src [B, S] → memory [B, S, d] (the encoder's output), its input and its self-attention patterns."""
        padding = (src == 0) if bool((src == 0).any()) else None                  # [B, S]
        tok = self.src_tok(src)                                                   # [B, S, d]
        pos = self.src_pos(torch.arange(src.shape[-1], device=src.device))        # [S, d]
        x = tok + pos                                                             # [B, S, d]
        out = {"tok": tok, "pos": pos.expand_as(tok), "input": x}
        patterns = []
        for layer in range(self.cfg.n_layers):
            steps = attend(x, x, self._weights(self.enc_attn, layer), False, key_padding=padding)
            x = self.enc_ln[2 * layer](steps["updated"])                          # [B, S, d]
            x = self.enc_ln[2 * layer + 1](x + self.enc_mlp[layer](x))            # [B, S, d]
            patterns.append(steps["pattern"])
        return {**out, "memory": x, "patterns": torch.stack(patterns, 1), "padding": padding}

    def decode(self, tgt_in: Tensor, memory: Tensor, padding: Tensor | None) -> dict[str, Tensor]:
        """tgt_in [B, T] ("<s> y…") → logits [B, T, V], each cross-attention's input [B, L+1, T, d] and pattern [B, L, h, T, S]."""
        tok = self.tgt_tok(tgt_in)                                                # [B, T, d]
        pos = self.tgt_pos(torch.arange(tgt_in.shape[-1], device=tgt_in.device))  # [B, T, d]
        y = tok + pos                                                             # [B, T, d]
        out = {"tok": tok, "pos": pos.expand_as(tok), "input": y}
        cross_inputs, patterns = [], []
        for layer in range(self.cfg.n_layers):
            steps = attend(y, y, self._weights(self.dec_self, layer), True)
            y = self.dec_ln[3 * layer](steps["updated"])                          # [B, T, d]
            cross_inputs.append(y)
            steps = attend(y, memory, self.cross_weights(layer), False, key_padding=padding)
            y = self.dec_ln[3 * layer + 1](steps["updated"])                      # [B, T, d]
            y = self.dec_ln[3 * layer + 2](y + self.dec_mlp[layer](y))            # [B, T, d]
            patterns.append(steps["pattern"])
        cross_inputs.append(y)
        return {**out, "logits": self.unembed(y), "cross_inputs": torch.stack(cross_inputs, 1),
                "cross_patterns": torch.stack(patterns, 1)}

    def forward(self, src: Tensor, tgt_in: Tensor) -> dict[str, Tensor]:
        enc = self.encode_source(src)
        return {**self.decode(tgt_in, enc["memory"], enc["padding"]), "encoder": enc}

    @torch.no_grad()
    def greedy(self, src: Tensor, max_length: int = TARGET_LENGTH) -> list[list[int]]:
        """The most likely word at each step until </s>: src [B, S] → target ids per sentence."""
        enc = self.encode_source(src)
        ids = torch.full((src.shape[0], 1), TARGET_VOCAB.index(START), dtype=torch.long, device=src.device)
        for _ in range(max_length):
            logits = self.decode(ids, enc["memory"], enc["padding"])["logits"][:, -1]   # [B, V]
            ids = torch.cat([ids, logits.argmax(-1, keepdim=True)], dim=1)
        end = TARGET_VOCAB.index(END)
        result = []
        for row in ids[:, 1:].tolist():
            result.append(row[: row.index(end)] if end in row else row)
        return result


# --- data ----------------------------------------------------------------------------------

def _batch(pairs: list[Pair]) -> tuple[Tensor, Tensor, Tensor]:
    """src [B, S], decoder input "<s> y" [B, T], decoder target "y </s>" [B, T] (0 = <pad>)."""
    src = torch.zeros(len(pairs), SOURCE_LENGTH, dtype=torch.long)
    tgt_in = torch.zeros(len(pairs), TARGET_LENGTH, dtype=torch.long)
    tgt_out = torch.zeros(len(pairs), TARGET_LENGTH, dtype=torch.long)
    for i, pair in enumerate(pairs):
        s = encode(pair.source, SOURCE_VOCAB)
        t = encode(pair.target, TARGET_VOCAB)
        src[i, : len(s)] = torch.tensor(s)
        tgt_in[i, : len(t) + 1] = torch.tensor([TARGET_VOCAB.index(START), *t])
        tgt_out[i, : len(t) + 1] = torch.tensor([*t, TARGET_VOCAB.index(END)])
    return src, tgt_in, tgt_out


def translation_loss(model: Translator, src: Tensor, tgt_in: Tensor, tgt_out: Tensor) -> Tensor:
    """Cross-entropy of each next target word (pads ignored)."""
    logits = model(src, tgt_in)["logits"]                                         # [B, T, V]
    target = tgt_out.masked_fill(tgt_out == 0, -100)                              # [B, T]
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)


# --- evaluation ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Evaluation:
    sentences: int               # held-out pairs (none of them seen in training)
    exact_match: float           # greedy translation identical to the reference
    token_accuracy: float        # reference words matched at their position by the greedy translation
    baseline_exact_match: float  # the word-by-word dictionary (English order, masculine forms)
    baseline_token_accuracy: float
    head: tuple[int, int]        # (layer, head) the head finder ranks first for alignment
    alignment: float             # that head: target words whose strongest cross-attention (from the step that
                                 # writes the word) is on their source word
    alignment_adjectives: float  # … of the adjectives alone (their alignment crosses the noun's)
    alignment_others: float      # … of every other word
    untrained: float             # the same head of the untrained (seeded) model
    untrained_adjectives: float
    chance: float                # one source word drawn at random: mean of 1 / source length
    alignment_by_head: tuple[tuple[float, ...], ...]   # [L][h]
    reading_by_head: tuple[tuple[float, ...], ...]     # [L][h]: the same, from the step that reads the word


def alignment_hits(patterns: Tensor, pairs: list[Pair], reading: bool = False) -> Tensor:
    """Per target word, per (layer, head): is its strongest cross-attention on its source word?

    ``patterns`` [B, L, h, T, S] from the decoder reading "<s> y₁ … yₙ". The query of word yᵢ is the
    decoder step that WRITES it: position i−1, which reads the word before (<s> for the first), and
    whose output predicts yᵢ; it is compared with alignment[i−1]. With ``reading``, the step that
    reads yᵢ (position i, which writes yᵢ₊₁) is compared instead. Returns bool [N_words, L, h].
    """
    first = 1 if reading else 0
    rows = []
    for b, pair in enumerate(pairs):
        n, s = len(pair.target), len(pair.source)
        strongest = patterns[b, :, :, first: first + n, :s].argmax(-1)            # [L, h, n]
        truth = torch.tensor(pair.alignment)                                       # [n]
        rows.append((strongest == truth).permute(2, 0, 1))                        # [n, L, h]
    return torch.cat(rows)


def rank_alignment_heads(patterns: Tensor, pairs: list[Pair]) -> list[tuple[int, int, float]]:
    """The head finder for alignment: every (layer, head), best first, by the fraction of aligned words."""
    rate = alignment_hits(patterns, pairs).float().mean(0)                        # [L, h]
    order = torch.argsort(rate.flatten(), descending=True, stable=True)
    n_heads = rate.shape[1]
    return [(int(i) // n_heads, int(i) % n_heads, float(rate.flatten()[i])) for i in order]


def _adjective_mask(pairs: list[Pair]) -> Tensor:
    return torch.tensor([i in pair.adjectives for pair in pairs for i in range(len(pair.target))])


def evaluate(model: Translator, pairs: list[Pair]) -> Evaluation:
    """Held-out translation accuracy against the word-by-word baseline, and the alignment head."""
    model.eval()
    src, tgt_in, _ = _batch(pairs)
    predicted = model.greedy(src)
    references = [list(encode(p.target, TARGET_VOCAB)) for p in pairs]
    baseline = [list(encode(word_by_word(p.source), TARGET_VOCAB)) for p in pairs]
    exact, tokens = _accuracy(predicted, references)
    base_exact, base_tokens = _accuracy(baseline, references)
    with torch.no_grad():
        patterns = model(src, tgt_in)["cross_patterns"]                           # [B, L, h, T, S]
    layer, head, rate = rank_alignment_heads(patterns, pairs)[0]
    hits = alignment_hits(patterns, pairs)[:, layer, head]                        # [N_words]
    adjectives = _adjective_mask(pairs)
    with torch.no_grad():                                                         # the same initialisation, before training
        fresh = alignment_hits(untrained(model)(src, tgt_in)["cross_patterns"], pairs)[:, layer, head]
    by_head = alignment_hits(patterns, pairs).float().mean(0)
    reading = alignment_hits(patterns, pairs, reading=True).float().mean(0)
    return Evaluation(
        sentences=len(pairs), exact_match=exact, token_accuracy=tokens,
        baseline_exact_match=base_exact, baseline_token_accuracy=base_tokens,
        head=(layer, head), alignment=rate, alignment_adjectives=float(hits[adjectives].float().mean()),
        alignment_others=float(hits[~adjectives].float().mean()), untrained=float(fresh.float().mean()),
        untrained_adjectives=float(fresh[adjectives].float().mean()),
        chance=float(sum(len(p.target) / len(p.source) for p in pairs) / sum(len(p.target) for p in pairs)),
        alignment_by_head=tuple(tuple(round(float(v), 4) for v in row) for row in by_head),
        reading_by_head=tuple(tuple(round(float(v), 4) for v in row) for row in reading),
    )


def _accuracy(predicted: list[list[int]], references: list[list[int]]) -> tuple[float, float]:
    """Exact-match rate, and the fraction of reference words matched at their position."""
    exact = sum(p == r for p, r in zip(predicted, references)) / len(references)
    matched = sum(sum(a == b for a, b in zip(p, r)) for p, r in zip(predicted, references))
    return exact, matched / sum(len(r) for r in references)


# --- training ------------------------------------------------------------------------------

def datasets(cfg: TrainConfig) -> tuple[list[Pair], list[Pair]]:
    """Training pairs from the seed; held-out pairs from seed + 1, minus any English sentence seen in training."""
    training = make_pairs(cfg.train_sentences, seed=cfg.seed)
    seen = {p.source for p in training}
    held_out = [p for p in make_pairs(cfg.held_out_sentences, seed=cfg.seed + 1) if p.source not in seen]
    return training, held_out


def train(cfg: TrainConfig = TrainConfig(), log=print) -> tuple[Translator, dict]:
    """Train from the seed; returns the model and a report (losses, evaluation, seconds)."""
    model = seeded_model(Translator, cfg)
    training, held_out = datasets(cfg)
    src, tgt_in, tgt_out = _batch(training)                                       # [N, S], [N, T], [N, T]
    losses, seconds = train_loop(model, lambda rows: translation_loss(model, src[rows], tgt_in[rows], tgt_out[rows]),
                                 len(training), cfg, log, log_every=250,
                                 threads=1)     # small ops: one thread is faster, and the same on every machine
    evaluation = evaluate(model, held_out)
    return model, training_report(cfg, losses, seconds, evaluation,
                                  source_vocab=list(SOURCE_VOCAB), target_vocab=list(TARGET_VOCAB))


def save(model: Translator, report: dict, folder: Path = WEIGHTS_DIR) -> Path:
    """weights/translator.safetensors and translator.json (vocabularies, config, figures), each written atomically."""
    return save_files(model, report, folder, FILES)


# --- the weight source ---------------------------------------------------------------------

class TranslatorSource(TrainedSource):
    """The trained translator as a weight source: its decoder's cross-attention, layer by layer."""

    name = NAME

    def __init__(self, device: torch.device, folder: Path = WEIGHTS_DIR) -> None:
        cfg = self.load_trained(folder / FILES[0], folder / FILES[1], Translator, TrainConfig, device,
                                "the translator", "attention-render train --model translator")
        self.description = (f"the translator, a {cfg.n_layers}+{cfg.n_layers}-layer encoder–decoder trained here "
                            f"({self.report['evaluation']['exact_match']:.0%} of held-out sentences exact)")

    def sentence_words(self, sentence: str) -> list[str]:
        """The English sentence as the translator's words; InputError naming any word it does not know."""
        return known_words(sentence, SOURCE_VOCAB, (PAD,), SOURCE_LENGTH,
                           "the translator does not know {words}: use tiny-gpt's words without 'was' and '.' "
                           "(`attention-render list --vocab`)",
                           "the translator reads at most {most} words, got {count}: shorten the sentence")

    def target_words(self, target: str) -> list[str]:
        """A given translation as the target language's words; InputError naming any word it lacks."""
        known = " ".join(w for w in TARGET_VOCAB[3:13])
        return known_words(target, TARGET_VOCAB, (PAD, START, END), SOURCE_LENGTH,
                           "the translator's target language has no word {words}: use its words (e.g. " + known
                           + " …) or drop --target for its own translation",
                           "the translation may have at most {most} words, got {count}: shorten it")

    def translate(self, sentence: str) -> list[str]:
        """The greedy translation of an English sentence."""
        src = torch.tensor([encode(self.sentence_words(sentence), SOURCE_VOCAB)], device=self.device)   # [1, S]
        ids = self.model.greedy(src)[0]
        return [TARGET_VOCAB[i] for i in ids if TARGET_VOCAB[i] not in (PAD, START, END)]

    def encode_pair(self, sentence: str, target: str | None = None) -> tuple[Encoding, Encoding]:
        """(the translation's encoding, the source's): queries from the first, keys and values from the second.

        Query i of the translation is the decoder step that writes word yᵢ: it has read "<s> y₁ … yᵢ₋₁", so its
        ``token_embeddings[i]`` is that of yᵢ₋₁ (of <s> for i = 0), and its output predicts yᵢ. The translation's ``hidden_states[l]`` is the input of decoder layer l's cross-attention (after its
        causal self-attention), its ``patterns`` the cross-attention [L, h, T_target, T_source]; the source's
        ``hidden_states`` is the memory (the encoder's output) that every cross-attention layer reads.
        """
        src_words = self.sentence_words(sentence)
        tgt_words = self.target_words(target) if target is not None else self.translate(sentence)
        if not tgt_words:
            raise InputError("the translation is empty: give at least one word with --target")
        src = torch.tensor([encode(src_words, SOURCE_VOCAB)], device=self.device)                     # [1, S]
        tgt_in = torch.tensor([[TARGET_VOCAB.index(START), *encode(tgt_words, TARGET_VOCAB)]], device=self.device)
        with torch.no_grad():
            out = self.model(src, tgt_in)
        enc, n = out["encoder"], len(tgt_words)
        rows = slice(0, n)                 # the query of word yᵢ is the step that writes it (it reads yᵢ₋₁, <s> first)
        memory = enc["memory"][0]                                                                      # [S, d]
        target_enc = Encoding(
            tokens=tuple(tgt_words), words=tuple((w, (i,)) for i, w in enumerate(tgt_words)),
            token_embeddings=out["tok"][0, rows], positions=out["pos"][0, rows], input_embeddings=out["input"][0, rows],
            hidden_states=out["cross_inputs"][0, :, rows], patterns=out["cross_patterns"][0, :, :, rows])
        source_enc = Encoding(
            tokens=tuple(src_words), words=tuple((w, (i,)) for i, w in enumerate(src_words)),
            token_embeddings=enc["tok"][0], positions=enc["pos"][0], input_embeddings=enc["input"][0],
            hidden_states=memory.expand(self.n_layers + 1, *memory.shape), patterns=enc["patterns"][0])
        return target_enc, source_enc

    def layer_weights(self, layer: int) -> HeadWeights:
        return self.model.cross_weights(layer)
