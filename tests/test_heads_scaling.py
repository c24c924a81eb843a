from __future__ import annotations

import pytest

from attention_math import InputError, find_heads, scaling_probe

from .conftest import DEFAULT_SENTENCE


def test_head_finder_ranks_every_head_best_first():
    ranked = find_heads(DEFAULT_SENTENCE, "creature", ["fluffy", "blue"])
    assert len(ranked) == 6 * 12
    weights = [s.weight for s in ranked]
    assert weights == sorted(weights, reverse=True)
    by_head = {(s.layer, s.head): s.weight for s in ranked}
    assert by_head[(5, 6)] == pytest.approx(0.452, abs=1e-3)   # the known adjective head


def test_head_finder_groups_wordpieces():
    """'verdant' is three WordPieces; its weight is all three summed."""
    ranked = find_heads(DEFAULT_SENTENCE, "forest", ["verdant"])
    assert 0 < ranked[-1].weight <= ranked[0].weight <= 1.0 + 1e-6


def test_scaling_probe_grows_quadratically_in_memory():
    result = scaling_probe([32, 64, 128], repeats=2)
    assert result.device == "CPU"
    a, b, c = result.points
    assert (a.cells, b.cells, c.cells) == (32 ** 2, 64 ** 2, 128 ** 2)
    assert b.peak_bytes == 4 * a.peak_bytes and c.peak_bytes == 4 * b.peak_bytes
    assert all(p.seconds > 0 for p in result.points)
    with pytest.raises(InputError):
        scaling_probe([0])
