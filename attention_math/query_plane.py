"""Pictures of the query/key space that stay exact: a matrix–vector product row by row, and a
plane through the followed query in which every query·key dot product is the real one.

A 2D picture of d_head-dimensional vectors is a projection. Projected onto a plane that
contains Q⃗ᵢ, a key K⃗ⱼ loses only its component orthogonal to that plane, which is orthogonal
to Q⃗ᵢ too; so the projected Q⃗ᵢ·K⃗ⱼ equals the real one (up to rounding).

    >>> import numpy as np
    >>> q = np.array([1.0, 2.0, 0.0, 1.0]); k = np.array([[0.5, -1.0, 3.0, 2.0], [1.0, 1.0, 1.0, 1.0]])
    >>> plane = query_plane(q, k)
    >>> np.allclose(plane.keys @ plane.query, k @ q)
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def matrix_vector_product(w: np.ndarray, e: np.ndarray) -> np.ndarray:
    """The matrix–vector product W·E⃗ for a weight stored as the trace does, ``w[d, c]``: entry r = Σ_d w[d, r]·e[d]."""
    return np.asarray(e, dtype=np.float64) @ np.asarray(w, dtype=np.float64)  # [c]


def projection_bias(projected: np.ndarray, w: np.ndarray, e: np.ndarray) -> np.ndarray:
    """The bias b⃗ the model added after W·E⃗: what the traced projection holds beyond the product."""
    return np.asarray(projected, dtype=np.float64) - matrix_vector_product(w, e)  # [c]


@dataclass(frozen=True)
class QueryPlane:
    """A plane through the followed query: its orthonormal basis and everything's coordinates in it."""

    basis: np.ndarray   # [2, c] orthonormal rows: q̂, then the keys' main direction off q
    query: np.ndarray   # [2]    Q⃗ᵢ in the plane: (|Q⃗ᵢ|, 0)
    keys: np.ndarray    # [T_k, 2] each K⃗ⱼ projected
    kept: np.ndarray    # [T_k] the fraction of each key's squared length the plane keeps (1: lies in it)

    def dot_products(self) -> np.ndarray:
        """Q⃗ᵢ·K⃗ⱼ computed in the plane: equal to the real ones because the plane contains Q⃗ᵢ."""
        return self.keys @ self.query  # [T_k]


def query_plane(q: np.ndarray, k: np.ndarray) -> QueryPlane:
    """The plane spanned by q̂ and the direction in which the keys' parts off q spread most.

    ``q`` [c] is the followed query, ``k`` [T_k, c] the keys. The second direction is the first
    principal direction of the keys' components orthogonal to q (centred, so that keys sharing a
    common offset still fan apart in the picture), signed so that the key furthest along it lies
    above the axis. Any second direction keeps the dot products exact; this one keeps the picture
    readable.
    """
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    norm = float(np.linalg.norm(q))
    if norm == 0:
        raise ValueError("the query is the zero vector: no plane contains its direction")
    q_hat = q / norm                                          # [c]
    off = k - np.outer(k @ q_hat, q_hat)                      # [T_k, c] the keys' parts orthogonal to q
    u = _main_direction(off, q_hat)                           # [c]
    basis = np.stack([q_hat, u])                              # [2, c]
    keys = k @ basis.T                                        # [T_k, 2]
    lengths = (k * k).sum(axis=1)                             # [T_k]
    kept = np.where(lengths > 0, (keys * keys).sum(axis=1) / np.where(lengths > 0, lengths, 1), 1.0)
    return QueryPlane(basis=basis, query=np.array([norm, 0.0]), keys=keys, kept=kept)


def _main_direction(off: np.ndarray, q_hat: np.ndarray) -> np.ndarray:
    """The unit direction of largest spread of ``off`` (rows orthogonal to q̂), or any unit vector ⟂ q̂."""
    spread = off - off.mean(axis=0) if len(off) > 1 else off
    if np.abs(spread).max(initial=0.0) > 1e-12:
        _, _, vt = np.linalg.svd(spread, full_matrices=False)
        u = vt[0] - (vt[0] @ q_hat) * q_hat                   # exactly orthogonal to q̂ again
        u /= np.linalg.norm(u)
        along = off @ u
        return -u if along[np.argmax(np.abs(along))] < 0 else u
    if np.abs(off).max(initial=0.0) > 1e-12:                  # keys spread not at all off q, but sit off it
        u = off[np.argmax((off * off).sum(axis=1))]
        return u / np.linalg.norm(u)
    axis = np.zeros_like(q_hat)
    axis[int(np.argmin(np.abs(q_hat)))] = 1.0                 # the basis vector least along q
    u = axis - (axis @ q_hat) * q_hat
    return u / np.linalg.norm(u)


def embedding_plane(e: np.ndarray) -> np.ndarray:
    """[T, 2]: the embeddings in their two main (uncentred) directions, for a picture of the big space."""
    e = np.asarray(e, dtype=np.float64)
    _, _, vt = np.linalg.svd(e, full_matrices=False)
    basis = vt[:2]                                            # [2, d]
    coords = e @ basis.T                                      # [T, 2]
    signs = np.where(coords.sum(axis=0) < 0, -1.0, 1.0)       # most embeddings to the upper right
    return coords * signs
