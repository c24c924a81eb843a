from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_SENTENCE = "a fluffy blue creature roamed the verdant forest"


@pytest.fixture(scope="session")
def minilm_source():
    import torch

    from attention_math.minilm import load_minilm

    return load_minilm(torch.device("cpu"))


@pytest.fixture(scope="session")
def hf_bert():
    """Hugging Face's own BertModel on the same files: the oracle for our forward pass."""
    from transformers import BertModel

    from attention_math.minilm import model_path

    model = BertModel.from_pretrained(str(model_path()), attn_implementation="eager")
    model.eval()
    return model


def pytest_addoption(parser):
    parser.addoption("--regenerate-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/*.png from the current renders and tests/golden/traces/*.npz from the "
                          "current traces (after an intended change).")


@pytest.fixture(scope="session")
def render_dir(tmp_path_factory):
    """One output folder for the whole session, so manim's text and Tex caches are shared."""
    return tmp_path_factory.mktemp("renders")


@pytest.fixture(scope="session")
def tiny():
    """Render a scene at 256×144, 5 fps; returns (path, scene)."""
    from scenes.output.render_one import render_scene
    from scenes.output.request import RenderRequest
    from scenes.kit.settings import SceneSettings

    def _render(name: str, out, fmt: str = "mp4", **settings):
        request = RenderRequest(name, SceneSettings(**settings), fmt=fmt, output_dir=out,
                                resolution=(256, 144), fps=5)
        result = render_scene(request, force=True)
        return result.path, result.scene

    return _render


@pytest.fixture(scope="session")
def rendered(tiny, render_dir):
    """Like ``tiny`` into the session folder, but each (scene, format, settings) renders once per session.

    A still (``fmt="png"``) renders under the frame checks (tests/frame_checks.py): its scene keeps them
    as ``scene.frame_checks``, so the frame-check tests and the others share one render."""
    from tests.frame_checks import checked_sections

    done: dict = {}

    def _rendered(name: str, fmt: str = "mp4", **settings):
        key = (name, fmt, tuple(sorted(settings.items())))
        if key not in done:
            if fmt == "png":
                with checked_sections() as checks:
                    path, scene = tiny(name, render_dir, fmt=fmt, **settings)
                scene.frame_checks = checks
                done[key] = path, scene
            else:
                done[key] = tiny(name, render_dir, fmt=fmt, **settings)
        return done[key]

    return _rendered


@pytest.fixture(scope="session", autouse=True)
def manim_media_outside_the_repo(tmp_path_factory):
    """Text made outside a render (e.g. mobject tests) caches its SVGs under manim's media_dir: keep it out of media/."""
    from manim import config

    config.media_dir = str(tmp_path_factory.mktemp("manim-media"))
