"""Parameter counts of a GPT-style transformer, part by part.

The attention tally follows the video: four matrices per head (query, key, value-down,
value-up), each d_model × d_head, biases counted separately. n_heads · d_head need not equal
d_model (GPT-3 13B has d_model 5140 and 40 heads of 128).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .errors import InputError


@dataclass(frozen=True)
class TransformerConfig:
    name: str
    n_layers: int
    d_model: int
    n_heads: int
    d_head: int
    vocab: int
    context: int
    d_mlp: int
    tied_embeddings: bool = True
    biases: bool = True

    def __post_init__(self) -> None:
        for key in ("n_layers", "d_model", "n_heads", "d_head", "vocab", "context", "d_mlp"):
            value = getattr(self, key)
            if not isinstance(value, int) or value < 1:
                raise InputError(f"{key.replace('_', '-')} must be a positive integer, got {value!r}")


@dataclass(frozen=True)
class ParameterCount:
    config: TransformerConfig
    per_matrix: int                  # one of W_q, W_k, value-down, value-up: d_model · d_head
    per_head: int                    # the four matrices
    per_block_attention: int         # n_heads · per_head
    attention_total: int             # n_layers · per_block_attention
    attention_biases: int            # all layers: b_q, b_k, b_v per head and b_O
    mlp_per_block: int
    mlp_total: int
    layer_norms: int                 # two per block and the final one, γ and β each
    embeddings: int                  # token embedding matrix
    positions: int                   # learned positional embeddings
    unembedding: int                 # 0 when tied to the token embeddings
    total: int

    @property
    def attention_fraction(self) -> float:
        """The attention weights' share of all parameters."""
        return self.attention_total / self.total

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["config"] = asdict(self.config)
        return d


def count_parameters(cfg: TransformerConfig) -> ParameterCount:
    """Count every weight of a GPT-style decoder described by ``cfg``."""
    b = 1 if cfg.biases else 0
    per_matrix = cfg.d_model * cfg.d_head                                   # d × c
    per_head = 4 * per_matrix                                               # W_q, W_k, V↓, V↑
    per_block_attention = cfg.n_heads * per_head
    attention_total = cfg.n_layers * per_block_attention
    attention_biases = cfg.n_layers * b * (3 * cfg.n_heads * cfg.d_head + cfg.d_model)
    mlp_per_block = 2 * cfg.d_model * cfg.d_mlp + b * (cfg.d_mlp + cfg.d_model)
    mlp_total = cfg.n_layers * mlp_per_block
    layer_norms = (2 * cfg.n_layers + 1) * 2 * cfg.d_model
    embeddings = cfg.vocab * cfg.d_model
    positions = cfg.context * cfg.d_model
    unembedding = 0 if cfg.tied_embeddings else cfg.vocab * cfg.d_model
    total = (attention_total + attention_biases + mlp_total + layer_norms
             + embeddings + positions + unembedding)
    return ParameterCount(cfg, per_matrix, per_head, per_block_attention, attention_total, attention_biases,
                          mlp_per_block, mlp_total, layer_norms, embeddings, positions, unembedding, total)


def _gpt2(name: str, n_layers: int, d_model: int, n_heads: int) -> TransformerConfig:
    return TransformerConfig(name, n_layers, d_model, n_heads, 64, 50257, 1024, 4 * d_model)


def _gpt3(name: str, n_layers: int, d_model: int, n_heads: int, d_head: int) -> TransformerConfig:
    return TransformerConfig(name, n_layers, d_model, n_heads, d_head, 50257, 2048, 4 * d_model)


# GPT-2 (Radford et al. 2019) and GPT-3 (Brown et al. 2020, table 2.1).
PRESETS: dict[str, TransformerConfig] = {c.name: c for c in (
    _gpt2("gpt2-small", 12, 768, 12),
    _gpt2("gpt2-medium", 24, 1024, 16),
    _gpt2("gpt2-large", 36, 1280, 20),
    _gpt2("gpt2-xl", 48, 1600, 25),
    _gpt3("gpt3-small", 12, 768, 12, 64),
    _gpt3("gpt3-medium", 24, 1024, 16, 64),
    _gpt3("gpt3-large", 24, 1536, 16, 96),
    _gpt3("gpt3-xl", 24, 2048, 24, 128),
    _gpt3("gpt3-2.7b", 32, 2560, 32, 80),
    _gpt3("gpt3-6.7b", 32, 4096, 32, 128),
    _gpt3("gpt3-13b", 40, 5140, 40, 128),
    _gpt3("gpt3-175b", 96, 12288, 96, 128),
)}


def preset(name: str) -> TransformerConfig:
    try:
        return PRESETS[name.lower()]
    except KeyError:
        raise InputError(f"unknown preset {name!r}: choose one of {', '.join(PRESETS)}") from None


def custom_config(preset_name: str | None = None, *, untied: bool = False, **sizes: int | None) -> TransformerConfig:
    """A preset with some sizes overridden, or a config from sizes alone (default: GPT-3 175B).

    Without a preset, d_model, n_heads and n_layers are required; d_head defaults to
    d_model / n_heads, d_mlp to 4 · d_model, vocab to 50257 and context to 2048.
    """
    given = {k: v for k, v in sizes.items() if v is not None}
    unknown = set(given) - {"d_model", "n_heads", "d_head", "n_layers", "vocab", "context", "d_mlp"}
    if unknown:
        raise InputError(f"unknown size {sorted(unknown)[0]!r}")
    if preset_name is None and not given:
        preset_name = "gpt3-175b"
    if preset_name is not None:
        base = asdict(preset(preset_name))
        name = base["name"] if not given else base["name"] + " (modified)"
    else:
        missing = [k for k in ("d_model", "n_heads", "n_layers") if k not in given]
        if missing:
            flags = ", ".join("--" + k.replace("_", "-") for k in missing)
            raise InputError(f"a custom model needs {flags} (or start from --preset NAME)")
        d_model = given["d_model"]
        base = {"d_head": max(1, d_model // max(1, given["n_heads"])), "vocab": 50257, "context": 2048,
                "d_mlp": 4 * d_model, "tied_embeddings": True, "biases": True}
        name = "custom"
    base.update(given, name=name)
    if untied:
        base["tied_embeddings"] = False
    return TransformerConfig(**base)


@dataclass(frozen=True)
class ValueMapCount:
    full: int     # one d_model × d_model value matrix
    down: int     # value-down, d_head × d_model
    up: int       # value-up, d_model × d_head
    factored: int  # down + up


def value_map_counts(d_model: int, d_head: int) -> ValueMapCount:
    """The low-rank factoring of the value map: d² parameters against 2·d·c."""
    return ValueMapCount(d_model * d_model, d_head * d_model, d_model * d_head, 2 * d_model * d_head)
