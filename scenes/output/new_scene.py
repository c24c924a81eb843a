"""``attention-render new``: a short, commented scene file of your own that renders as it is."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from attention_math.errors import InputError

from scenes import SCENES

TEMPLATE = '''"""{name}: a scene of your own, built from the kit (docs/your-own-scene.md).

Render it (tiny and fast first, then as a GIF):

    attention-render render {file} --resolution 256x144 --fps 5
    attention-render render {file} --format gif --sentence "the cat sat on the mat"
"""

from __future__ import annotations

from manim import ReplacementTransform

from scenes.kit import GridScene


class {name}(GridScene):
    description = "The attention pattern as numbers, then as dots sized by weight."
    models_like = "ScaledSoftmax"    # the default model as that built-in scene's (tiny-gpt when it knows every word)

    def construct(self) -> None:
        trace = self.trace()                               # the sentence's attention (from the settings)
        pattern = trace.on_screen("pattern", self.head)    # [keys, queries]: rows are keys, columns queries

        # --- the grid of weights ------------------------------------------------------------
        self.beat("grid")                                  # each beat is a section (--sections)
        grid, numbers = self.show_grid(trace, pattern, "Who attends to whom")
        self.caption(f"each column is one query's attention · {{self.model_note(trace)}}")

        # --- the same weights as dots --------------------------------------------------------
        self.beat("dots")
        dots = grid.dots(pattern)                          # a dot's area is the weight
        self.play(ReplacementTransform(numbers, dots), run_time=1.2)
        self.caption("bigger dot, more attention: every column sums to 1")
        self.wait(1)
'''


def snake_case(name: str) -> str:
    """'DotsSoftmax' → 'dots_softmax'."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def camel_case(stem: str) -> str:
    """'my_dots' → 'MyDots'."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\-\s]+", stem) if part)


def target_of(name: str) -> tuple[Path, str]:
    """NAME → (file, class): 'DotsSoftmax' → dots_softmax.py; 'dir/my_dots.py' → MyDots in it."""
    if name.endswith(".py") or "/" in name:
        path = Path(name if name.endswith(".py") else name + ".py")
        cls = camel_case(path.stem)
    else:
        path, cls = Path(snake_case(name) + ".py"), name
    if not cls.isidentifier() or not cls[:1].isupper():
        raise InputError(f"cannot make a scene class of {name!r}: use a name like DotsSoftmax or my_dots.py")
    return path, cls


def from_builtin(scene: str, name: str, file: str) -> str:
    """The source of built-in ``scene``, its class renamed ``name``, with a header on how to render it."""
    from scenes import scene_class

    module = inspect.getmodule(scene_class(scene))
    source = inspect.getsource(module)
    body = re.sub(r'^""".*?"""\n', "", source, count=1, flags=re.S)        # the module docstring
    body = _follow_models(re.sub(rf"^class {scene}\(", f"class {name}(", body, count=1, flags=re.M), name, scene)
    from scenes.kit.model_rules import CAUSAL_STORY

    model = (f"Like {scene}, your copy uses tiny-gpt by default when it knows every word, else minilm\n"
             "(models_like below); pass --model to choose.\n\n"
             if scene in CAUSAL_STORY else "")
    header = (f'"""{name}: your copy of the built-in scene {scene} (scenes/{Path(module.__file__).name}).\n\n'
              f"{(module.__doc__ or '').strip()}\n\n{model}"
              "Render it (tiny and fast first, then as a GIF):\n\n"
              f"    attention-render render {file} --resolution 256x144 --fps 5\n"
              f"    attention-render render {file} --format gif\n"
              '"""\n')
    return header + body


def _follow_models(body: str, name: str, scene: str) -> str:
    """The class ``name`` in ``body`` with ``models_like = "<scene>"`` as its first line: the copy's default
    model is chosen as the built-in scene's is (``SceneSettings.for_scene``)."""
    match = re.search(rf"^class {name}\(.*?\):\n((?:[ \t]*\n)*?)([ \t]+)", body, flags=re.M)
    if match is None:
        return body
    indent = match.group(2)
    line = f'{indent}models_like = "{scene}"    # the default model as {scene}\'s\n'
    return body[:match.start(2)] + line + body[match.start(2):]


def write_new_scene(name: str, from_scene: str | None = None) -> Path:
    """Write the new scene file; InputError if it exists (never overwritten) or a name is wrong."""
    from attention_math.files import atomic_write_bytes

    path, cls = target_of(name)
    if from_scene is not None and from_scene not in SCENES:
        raise InputError(f"unknown scene {from_scene!r} for --from: choose one of {', '.join(SCENES)}")
    if path.exists():
        raise InputError(f"{str(path)!r} already exists: pick another name or move it away (never overwritten)")
    if not path.parent.is_dir():
        raise InputError(f"folder {str(path.parent)!r} does not exist: create it first")
    text = from_builtin(from_scene, cls, str(path)) if from_scene else TEMPLATE.format(name=cls, file=path)
    atomic_write_bytes(path, text.encode("utf-8"))
    return path
