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


class FakeClock:
    """A clock that advances by the next planned duration each time a task runs."""

    def __init__(self, durations):
        self.now, self.durations, self.started = 0.0, list(durations), False

    def __call__(self) -> float:
        if self.started:                       # the end of a task: time passes
            self.now += self.durations.pop(0)
        self.started = not self.started
        return self.now


def test_median_times_are_medians_of_interleaved_repeats():
    from attention_math.scaling import median_times

    order = []
    tasks = [lambda: order.append("a"), lambda: order.append("b")]
    # rounds: (a, b) = (1, 10), (100, 20), (3, 30): a busy spell hits a's second run
    clock = FakeClock([1, 10, 100, 20, 3, 30])
    assert median_times(tasks, 3, clock) == [3, 20]
    assert order == ["a", "b"] * 3, "the tasks take turns, so a slow spell lands on every size"
    with pytest.raises(InputError):
        median_times(tasks, 0)


def test_axis_ticks_are_round_and_cover_the_range():
    from attention_math.scaling import axis_ticks

    assert axis_ticks(124.3) == [0, 50, 100]
    assert axis_ticks(7) == [0, 2, 4, 6]
    assert axis_ticks(0.9) == pytest.approx([0, 0.25, 0.5, 0.75])
    for high in (0.013, 3.7, 64, 250):
        ticks = axis_ticks(high)
        assert ticks[0] == 0 and ticks[-1] <= high and 2 <= len(ticks) <= 5


def test_long_context_is_a_real_masked_pattern_of_at_least_128_tokens():
    import numpy as np

    from attention_math.scaling import long_context_trace

    trace = long_context_trace()
    t = len(trace.tokens)
    assert t >= 128 and trace.causal and trace.model == "minilm"
    above = np.triu(np.ones((t, t), bool), 1)                       # key after query
    assert np.isneginf(trace.masked[:, above]).all() and (trace.pattern[:, above] == 0).all()
    np.testing.assert_allclose(trace.pattern.sum(axis=-1), 1, atol=1e-5)
