"""Planes for pictures of vectors: a 2D picture of d-dimensional vectors is a linear projection.

A projection onto a plane spanned by two of the vectors keeps those two exactly (their lengths
and the angle between them), and, being linear, keeps every sum: vectors drawn tip to tail in
the plane land exactly on the projection of their sum. Pure numpy; scenes draw what these return.

    >>> import numpy as np
    >>> basis = plane_basis(np.array([3.0, 0, 0]), np.array([1.0, 2.0, 0]))
    >>> project(np.array([[1.0, 2.0, 5.0]]), basis)
    array([[1., 2.]])
"""

from __future__ import annotations

import numpy as np


def plane_basis(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """An orthonormal basis [2, d] of the plane of ``first`` and ``second`` (Gram–Schmidt):
    the first axis along ``first``, the second towards ``second``. If ``second`` is parallel
    to ``first``, any unit vector orthogonal to ``first`` completes the basis."""
    first, second = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    u = first / np.linalg.norm(first)                               # [d]
    rest = second - (second @ u) * u                                # [d] the part of second off u
    if np.linalg.norm(rest) < 1e-9 * max(np.linalg.norm(second), 1e-30):
        rest = np.eye(len(u))[int(np.argmin(np.abs(u)))]
        rest = rest - (rest @ u) * u
    v = rest / np.linalg.norm(rest)                                 # [d]
    return np.stack([u, v])                                         # [2, d]


def project(vectors: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Coordinates [..., 2] of ``vectors`` [..., d] in the plane of ``basis`` [2, d] (a linear map)."""
    return np.asarray(vectors, dtype=np.float64) @ np.asarray(basis).T   # [..., 2]


def weighted_values(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """wⱼ·V⃗ⱼ for every key j: one query's weights [T_k] times its head's value vectors [T_k, d].

    Their sum over j is that head's ΔE⁽ʰ⁾ for the query (``delta_per_head``)."""
    return np.asarray(weights, dtype=np.float64)[:, None] * np.asarray(values, dtype=np.float64)   # [T_k, d]


def tip_to_tail(steps: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    """The points [n+1, k] a chain of ``steps`` [n, k] passes through, tip to tail from ``start``."""
    steps = np.asarray(steps, dtype=np.float64)
    start = np.zeros(steps.shape[-1]) if start is None else np.asarray(start, dtype=np.float64)
    return np.vstack([start, start + np.cumsum(steps, axis=0)])      # [n+1, k]


def spread_plane(first: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """An orthonormal basis [2, d]: the first axis along ``first``, the second the direction, orthogonal
    to it, in which ``vectors`` [n, d] spread the most (their parts off ``first``, first singular vector).

    Drawn in this plane, a chain of ``vectors`` tip to tail shows its turns, and ``first`` (e.g. their
    sum) keeps its full length."""
    first = np.asarray(first, dtype=np.float64)
    u = first / np.linalg.norm(first)                                            # [d]
    vectors = np.asarray(vectors, dtype=np.float64).reshape(-1, len(u))
    off = vectors - np.outer(vectors @ u, u)                                     # [n, d] the parts off u
    if not np.any(np.linalg.norm(off, axis=1) > 1e-12 * max(np.linalg.norm(first), 1e-30)):
        return plane_basis(first, np.eye(len(u))[int(np.argmin(np.abs(u)))])
    v = np.linalg.svd(off, full_matrices=False)[2][0]                            # [d]
    v = v - (v @ u) * u
    return np.stack([u, v / np.linalg.norm(v)])                                  # [2, d]


SPREAD_WEIGHT = 0.15     # a query "spreads" its attention when two keys get at least this much each


def spreads(weights: np.ndarray, least: float = SPREAD_WEIGHT) -> bool:
    """Whether one query's weights spread: at least two keys get ``least`` or more.

    Examples
    --------
    >>> spreads(np.array([0.5, 0.3, 0.2])), spreads(np.array([0.99, 0.01, 0.0]))
    (True, False)
    """
    return bool(np.sort(np.asarray(weights, dtype=np.float64))[-2:].min() >= least) if len(weights) > 1 else False


def spreading_query(pattern: np.ndarray, followed: int, least: float = SPREAD_WEIGHT) -> int:
    """The query whose attention spreads the most: the one whose second-largest weight is largest.

    The followed query itself when it already gives ``least`` or more to two keys; otherwise the
    largest second weight wins, a tie going to the followed query, then to the query nearest it,
    then to the earlier one. A picture of weighted values tip to tail shows a sum only for such a
    query: one that puts 0.99 on one key draws a single arrow.

    Parameters
    ----------
    pattern
        ``[T_q, T_k]`` one head's attention weights, rows = queries (``trace.pattern[h]``).
    followed
        The query the story follows (``settings.query_index``).
    least
        The weight two keys must reach for the followed query to be kept.

    Returns
    -------
    int
        The chosen query's row.

    Examples
    --------
    >>> pattern = np.array([[1.0, 0.0, 0.0], [0.01, 0.99, 0.0], [0.5, 0.3, 0.2]])
    >>> spreading_query(pattern, followed=1), spreading_query(pattern, followed=2)
    (2, 2)
    """
    pattern = np.asarray(pattern, dtype=np.float64)                              # [T_q, T_k]
    if pattern.shape[1] < 2:
        return int(followed)
    second = np.sort(pattern, axis=1)[:, -2]                                     # [T_q] each query's second weight
    if second[followed] >= least:
        return int(followed)
    best = np.flatnonzero(second == second.max())                                # [n] the queries that tie
    distance = np.abs(best - followed)                                           # [n] how far from the followed one
    return int(best[np.argmin(distance)])                                        # argmin: the earlier of two as near


def largest_weights(weights: np.ndarray, least: float = SPREAD_WEIGHT, most: int = 3) -> list[int]:
    """The keys worth naming in one query's weights: largest first, every one of at least ``least``
    (never fewer than two when there are two keys, never more than ``most``).

    Parameters
    ----------
    weights
        ``[T_k]`` one query's attention weights.
    least
        The smallest weight named beyond the first two.
    most
        The most keys named.

    Returns
    -------
    list of int
        Key indices, the largest weight first (ties: the earlier key first).

    Examples
    --------
    >>> largest_weights(np.array([0.04, 0.46, 0.34, 0.03, 0.13]))
    [1, 2]
    >>> largest_weights(np.array([0.2, 0.3, 0.5]))
    [2, 1, 0]
    """
    weights = np.asarray(weights, dtype=np.float64)                              # [T_k]
    order = np.argsort(-weights, kind="stable")                                  # [T_k] largest first
    count = max(min(2, len(order)), int(np.sum(weights >= least)))
    return [int(j) for j in order[:min(count, most)]]
