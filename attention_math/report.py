"""Text reports of traces and counts for the terminal (rich tables)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .heads import HeadScore
from .params import ParameterCount
from .trace import TENSOR_DOCS, AttentionTrace


def print_trace_table(trace: AttentionTrace, names: list[str] | None = None, console: Console | None = None) -> None:
    """The tokens, every tensor's shape, and head 0's pattern as the scenes show it."""
    console = console or Console()
    console.print(Text(f"{trace.description} · layer {trace.layer} · {trace.n_heads} heads · "
                       f"d_model {trace.d_model} · d_head {trace.d_head} · causal {trace.causal}"))
    console.print(Text("tokens: " + " | ".join(trace.tokens)))
    shapes = Table(title="tensors")
    for column in ("name", "shape", "meaning"):
        shapes.add_column(column)
    for name in names or trace.tensors:
        shapes.add_row(Text(name), Text(str(list(trace.tensors[name].shape))), Text(TENSOR_DOCS.get(name, "")))
    console.print(shapes)
    grid = trace.on_screen("pattern", 0)  # [T_k, T_q]: keys as rows, queries as columns
    table = Table(title="head 0 pattern as on screen: keys as rows, queries as columns (each column sums to 1)")
    table.add_column("key \\ query")
    for token in trace.tokens:
        table.add_column(Text(token), justify="right")
    for key, row in zip(trace.key_tokens, grid):
        table.add_row(Text(key), *(f"{x:.2f}" for x in row))
    console.print(table)


def print_parameter_table(count: ParameterCount, console: Console | None = None) -> None:
    console = console or Console()
    c = count.config
    table = Table(title=f"{c.name}: {c.n_layers} layers, d_model {c.d_model}, {c.n_heads} heads × d_head {c.d_head}")
    table.add_column("part")
    table.add_column("parameters", justify="right")
    rows = [
        ("one matrix (d_model × d_head)", count.per_matrix),
        ("per head (W_q, W_k, value-down, value-up)", count.per_head),
        ("attention per block", count.per_block_attention),
        ("attention, all blocks", count.attention_total),
        ("attention biases", count.attention_biases),
        ("MLP, all blocks", count.mlp_total),
        ("layer norms", count.layer_norms),
        ("token embeddings", count.embeddings),
        ("position embeddings", count.positions),
        ("unembedding" + (" (tied)" if c.tied_embeddings else ""), count.unembedding),
        ("total", count.total),
    ]
    for part, n in rows:
        table.add_row(part, f"{n:,}")
    console.print(table)


def print_head_table(scores: list[HeadScore], query: str, keys: list[str], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=Text(f"attention from {query!r} to {', '.join(map(repr, keys))}"))
    for column in ("layer", "head", "weight"):
        table.add_column(column, justify="right")
    for s in scores:
        table.add_row(str(s.layer), str(s.head), f"{s.weight:.3f}")
    console.print(table)
