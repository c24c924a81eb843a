"""Scenes from your own files: ``path/to/file.py:SceneName`` renders like a built-in scene.

A scene file is imported by path under a private module name (its folder first on
``sys.path`` while it imports, so it can import its neighbours). A scene is named by its
*spec*: ``/absolute/path/to/file.py:ClassName``; specs travel in render requests, so worker
processes (``--jobs``) import the file too. Every problem is an InputError of one line: a
missing file, a file that fails to import, a missing class, a class that is not a scene.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import sys
import traceback
from pathlib import Path
from types import ModuleType

from attention_math.errors import InputError

_MODULES: dict[tuple[str, str], ModuleType] = {}     # (path, source digest) → the imported module


def is_scene_file(name: str) -> bool:
    """Whether ``name`` names a scene file (``x.py``, ``x.py:Scene``, ``dir/x``) rather than a built-in scene."""
    path, _ = split_spec(name)
    return path.endswith(".py") or "/" in path or "\\" in path


def split_spec(name: str) -> tuple[str, str | None]:
    """'dir/x.py:Dots' → ('dir/x.py', 'Dots'); 'dir/x.py' → ('dir/x.py', None)."""
    path, sep, cls = name.rpartition(":")
    if sep and path and (cls.isidentifier() or not cls) and not cls.startswith(("/", "\\")):
        return path, cls or None
    return name, None


def class_name(spec: str) -> str:
    """The scene's class name: the name a built-in scene goes by, the part after ':' of a spec."""
    return split_spec(spec)[1] or spec if is_scene_file(spec) else spec


def check_path(path_text: str) -> Path:
    path = Path(path_text).expanduser()
    if not path.suffix == ".py":
        raise InputError(f"scene file {path_text!r} is not a .py file: name a Python file, e.g. my_scene.py:MyScene")
    if not path.exists():
        raise InputError(f"scene file {path_text!r} does not exist: check the path (built-in scenes: see `list`)")
    if not path.is_file():
        raise InputError(f"scene file {path_text!r} is not a file: name a .py file")
    return path.resolve()


def source_digest(path: Path) -> str:
    """sha256 of the file's bytes: what the output stamp and the module cache are keyed on."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"scene file {str(path)!r} cannot be read ({exc.strerror}): check its permissions") from None


def _line_in(path: Path, exc: BaseException) -> str:
    """' (line N)' of the deepest frame of the traceback that lies in ``path``, else ''."""
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).resolve() == path:
        return f" (line {exc.lineno})"
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename and Path(f.filename) == path]
    return f" (line {lines[-1]})" if lines else ""


def _first_line(exc: BaseException) -> str:
    text = (exc.msg if isinstance(exc, SyntaxError) else str(exc)).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def load_module(path: Path) -> ModuleType:
    """Import the scene file (once per content); InputError naming the file and line if it fails."""
    digest = source_digest(path)
    if (module := _MODULES.get((str(path), digest))) is not None:
        return module
    name = f"attention_scene_file_{hashlib.sha1(str(path).encode()).hexdigest()[:12]}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module          # dataclasses and pickling look the module up by name
    folder, write_bytecode = str(path.parent), sys.dont_write_bytecode
    sys.path.insert(0, folder)
    sys.dont_write_bytecode = True          # no __pycache__ left in the user's folder
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise InputError(f"scene file {str(path)!r} failed to import: {_first_line(exc)}{_line_in(path, exc)}: "
                         "fix the file (--verbose shows the traceback)") from exc
    finally:
        sys.dont_write_bytecode = write_bytecode
        try:
            sys.path.remove(folder)
        except ValueError:
            pass
    _MODULES[(str(path), digest)] = module
    return module


def scenes_in(module: ModuleType) -> list[str]:
    """The scene classes the file itself defines (imported ones, like GridScene, excluded), in file order."""
    from manim import Scene

    found = [(getattr(obj, "__firstlineno__", 0) or _line_of(obj), name) for name, obj in vars(module).items()
             if inspect.isclass(obj) and issubclass(obj, Scene) and obj.__module__ == module.__name__]
    return [name for _, name in sorted(found)]


def _line_of(cls: type) -> int:
    try:
        return inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return 0


def drawn_classes(path: Path) -> list[str] | None:
    """The top-level classes of the file that define ``construct``, in file order, read from its source
    without running it; None when it does not parse (importing it gives the error)."""
    import ast

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
        return None
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef)
            and any(isinstance(item, ast.FunctionDef) and item.name == "construct" for item in node.body)]


def resolve_quickly(name: str) -> list[str]:
    """Like ``resolve`` but without importing the file (so without manim) where its source decides:
    a named class, or the one class that defines ``construct``. The class is checked when the
    scene renders; an unchanged output is answered from its stamp without importing anything."""
    path_text, cls = split_spec(name)
    path = check_path(path_text)
    if cls is None:
        drawn = drawn_classes(path)
        if not drawn or len(drawn) > 1:
            return resolve(name)            # importing it names the problem (or the scenes to choose from)
        cls = drawn[0]
    return [f"{path}:{cls}"]


def resolve(name: str) -> list[str]:
    """The specs a scene-file name stands for: 'x.py:Dots' → [abs spec]; 'x.py' → its one scene."""
    path_text, cls = split_spec(name)
    path = check_path(path_text)
    module = load_module(path)
    if cls is None:
        found = scenes_in(module)
        drawing = [name for name in found if "construct" in vars(getattr(module, name))]
        found = drawing if len(drawing) == 1 else found      # a base class of helpers is not the scene
        if not found:
            raise InputError(f"scene file {path_text!r} defines no scene: add a class derived from "
                             "scenes.kit.GridScene (see `attention-render new`)")
        if len(found) > 1:
            raise InputError(f"scene file {path_text!r} holds {len(found)} scenes ({', '.join(found)}): "
                             f"name one, e.g. {path_text}:{found[0]}")
        cls = found[0]
    scene_class_of(f"{path}:{cls}", shown=path_text)      # the class exists and is a scene
    return [f"{path}:{cls}"]


def scene_class_of(spec: str, shown: str | None = None) -> type:
    """The class a spec names, importing its file (once per content); InputError if it is not a scene."""
    from manim import Scene

    path_text, cls = split_spec(spec)
    path = check_path(path_text)
    shown = shown or path_text
    module = load_module(path)
    if cls is None:
        return scene_class_of(resolve(spec)[0], shown)
    obj = getattr(module, cls, None)
    if obj is None:
        defined = scenes_in(module)
        raise InputError(f"scene file {shown!r} has no class {cls!r}: "
                         + (f"it defines {', '.join(defined)}" if defined else "it defines no scene"))
    if not (inspect.isclass(obj) and issubclass(obj, Scene)):
        raise InputError(f"{cls!r} in {shown!r} is not a scene: derive it from scenes.kit.GridScene or "
                         "AttentionScene (or manim's Scene)")
    return obj


def describe_failure(spec: str, exc: BaseException) -> str:
    """A scene of a file raised while rendering: one line naming the scene, the error and the line."""
    path_text, cls = split_spec(spec)
    path = Path(path_text)
    return (f"{cls} in {path.name} raised {_first_line(exc)}{_line_in(path, exc)}: fix the scene "
            "(--verbose shows the traceback)")
