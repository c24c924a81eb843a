"""Golden last frames: a few scenes against stored PNGs, with a pixel tolerance.

After an intended visual change: `make golden` (pytest tests/test_golden.py --regenerate-golden).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.render

GOLDEN = Path(__file__).parent / "golden"
CASES = [("ScaledSoftmax", "minilm", "dark"), ("CausalMask", "toy", "light"), ("TokensToEmbeddings", "minilm", "light")]


@pytest.mark.parametrize("name,model,theme", CASES)
def test_last_frame_matches_golden(name, model, theme, tiny, render_dir, request):
    path, _ = tiny(name, render_dir, fmt="png", model=model, theme=theme)
    golden = GOLDEN / f"{name}_{model}_{theme}.png"
    if request.config.getoption("--regenerate-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(path.read_bytes())
        pytest.skip(f"regenerated {golden.name}")
    assert golden.exists(), f"no golden frame {golden.name}: run `make golden`"
    got = np.asarray(Image.open(path).convert("RGB"), dtype=float)
    want = np.asarray(Image.open(golden).convert("RGB"), dtype=float)
    assert got.shape == want.shape
    different = (np.abs(got - want).max(axis=-1) > 48).mean()
    assert different < 0.005, f"{different:.2%} of pixels differ from {golden.name}"
