"""The query/key plane: exact dot products, an orthonormal basis that contains the query."""

from __future__ import annotations

import numpy as np
import pytest

from attention_math.query_plane import embedding_plane, matrix_vector_product, projection_bias, query_plane


@pytest.mark.parametrize("c,t", [(4, 2), (16, 8), (32, 14)])
def test_the_plane_keeps_every_query_key_dot_product(c, t):
    rng = np.random.default_rng(c * 100 + t)
    q, k = rng.normal(size=c), rng.normal(size=(t, c)) * 3
    plane = query_plane(q, k)
    np.testing.assert_allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(plane.basis[0] * plane.query[0], q, atol=1e-12)      # Q⃗ lies in the plane
    np.testing.assert_allclose(plane.dot_products(), k @ q, rtol=1e-10, atol=1e-10)
    assert np.all((plane.kept > 0) & (plane.kept <= 1 + 1e-12))


def test_the_second_direction_is_where_the_keys_spread_off_the_query():
    q = np.array([1.0, 0.0, 0.0])
    k = np.array([[2.0, 0.1, -3.0], [1.0, 0.0, 2.5], [0.0, 0.2, 0.0]]) + np.array([0.0, 5.0, 0.0])  # a shared offset
    plane = query_plane(q, k)
    assert abs(plane.basis[1][2]) > 0.99                     # the z axis carries the off-query spread
    assert plane.keys[np.argmax(np.abs(plane.keys[:, 1])), 1] > 0


def test_keys_all_along_the_query_still_give_a_plane():
    q = np.array([0.0, 2.0])
    plane = query_plane(q, np.array([[0.0, 1.0], [0.0, -3.0]]))
    np.testing.assert_allclose(plane.keys[:, 1], 0.0)
    np.testing.assert_allclose(plane.dot_products(), [2.0, -6.0])


def test_the_product_row_by_row_plus_the_bias_is_the_traced_query():
    from attention_math import build_trace

    trace = build_trace("a fluffy blue creature", model="toy")
    for h in range(trace.n_heads):
        for i in range(len(trace.tokens)):
            product = matrix_vector_product(trace.w_q[h], trace.embeddings[i])
            rows = [float(sum(trace.w_q[h][d, r] * float(trace.embeddings[i][d]) for d in range(trace.d_model)))
                    for r in range(trace.d_head)]
            np.testing.assert_allclose(product, rows, rtol=1e-6, atol=1e-6)
            bias = projection_bias(trace.q[h, i], trace.w_q[h], trace.embeddings[i])
            np.testing.assert_allclose(product + bias, trace.q[h, i], atol=1e-6)


def test_embedding_plane_is_a_projection_of_the_embeddings():
    rng = np.random.default_rng(1)
    e = rng.normal(size=(6, 10))
    coords = embedding_plane(e)
    assert coords.shape == (6, 2)
    assert np.all(np.linalg.norm(coords, axis=1) <= np.linalg.norm(e, axis=1) + 1e-9)
