"""The kit is a public, documented API: every name of ``scenes.kit.__all__`` (and each public
method of its classes) has a numpydoc docstring with an example, and the examples run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re

import pytest

import scenes.kit

KIT_MODULES = ("scenes.kit.base", "scenes.kit.attention_scene", "scenes.kit.captions", "scenes.kit.story_notes",
               "scenes.kit.fades", "scenes.kit.grid_scene", "scenes.kit.grid_beats", "scenes.kit.mobjects",
               "scenes.kit.text_mobjects", "scenes.kit.subscripts", "scenes.kit.vectors",
               "scenes.kit.grid", "scenes.kit.grid_cells", "scenes.kit.grid_image", "scenes.kit.palette", "scenes.kit.scene_settings", "scenes.kit.settings",
               "scenes.kit.settings_env", "scenes.kit.model_rules",
               "scenes.kit.geometry", "scenes.kit.notation", "scenes.kit.text", "scenes.kit.camera", "scenes.kit.notebook")


def public_methods(cls: type) -> list[str]:
    """Methods, class/static methods and properties the class itself defines, not starting with '_'."""
    return [name for name, value in vars(cls).items() if not name.startswith("_")
            and (inspect.isfunction(value) or isinstance(value, (staticmethod, classmethod, property)))]


def has_example(doc: str | None) -> bool:
    doc = inspect.cleandoc(doc or "")
    return "Examples\n--------" in doc and ">>> " in doc.split("Examples\n--------", 1)[1]


def documented(owner: str, value) -> str:
    target = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
    target = target.fget if isinstance(target, property) else target
    return "" if has_example(target.__doc__) else owner


def test_the_kit_names_what_scenes_are_built_from():
    names = set(scenes.kit.__all__)
    assert {"AttentionScene", "GridScene", "AttentionGrid", "VectorColumn", "TokenBoxes", "Theme", "themed",
            "label", "number", "cached_text", "SceneSettings", "use_settings"} <= names
    for name in scenes.kit.__all__:
        assert getattr(scenes.kit, name) is not None
    from scenes.kit import GridScene
    from scenes.kit.base import GridScene as defined

    assert GridScene is defined


def test_every_public_name_and_method_has_a_docstring_with_an_example():
    missing = []
    for name in scenes.kit.__all__:
        value = getattr(scenes.kit, name)
        missing.append(documented(name, value))
        if inspect.isclass(value):
            missing += [documented(f"{name}.{m}", vars(value)[m]) for m in public_methods(value)]
    assert [m for m in missing if m] == []


def test_the_check_sees_a_missing_example():
    class Bare:
        def method(self) -> None:
            """No example here."""

    assert public_methods(Bare) == ["method"]
    assert documented("Bare.method", Bare.method) == "Bare.method"


def unwrapped(value):
    """The function behind a method, class/static method or property (None for a property without one)."""
    value = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
    return value.fget if isinstance(value, property) else value


def parameters_missing(owner: str, function, doc: str | None = None) -> str:
    """``owner`` when ``function`` takes parameters (self, cls, *args and **kwargs aside) and its
    docstring (or ``doc``: a class documents its ``__init__``) has no numpydoc Parameters section."""
    try:
        names = [n for n, p in inspect.signature(function).parameters.items() if n not in ("self", "cls")
                 and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
    except (TypeError, ValueError):
        return ""
    text = inspect.cleandoc(doc if doc is not None else function.__doc__ or "")
    return owner if names and "Parameters\n----------" not in text else ""


def kit_functions():
    """(name, function, docstring to look in) for each public function, class and method of the kit modules."""
    for module_name in KIT_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != module_name:
                continue
            if inspect.isfunction(value):
                yield f"{module_name}.{name}", value, None
            elif inspect.isclass(value):
                if "__init__" in vars(value):
                    yield f"{module_name}.{name}", vars(value)["__init__"], value.__doc__
                for method in public_methods(value):
                    function = unwrapped(vars(value)[method])
                    if function is not None:
                        yield f"{module_name}.{name}.{method}", function, None


def test_every_public_function_with_parameters_documents_them():
    missing = [parameters_missing(name, function, doc) for name, function, doc in kit_functions()]
    assert [m for m in missing if m] == []
    assert len(list(kit_functions())) > 100


def test_the_check_sees_missing_parameters():
    class Bare:
        def __init__(self, size: int) -> None:
            """No parameters here."""

        def method(self, x: float, *rest, **options) -> None:
            """Nor here."""

        def documented(self, x: float) -> None:
            """Here.

            Parameters
            ----------
            x : float
                A number.
            """

        def alone(self, *rest, **options) -> None:
            """Nothing to document but what passes through."""

    assert parameters_missing("Bare", Bare.__init__, Bare.__doc__ or "A bare class.") == "Bare"
    assert parameters_missing("Bare.method", Bare.method) == "Bare.method"
    assert parameters_missing("Bare.documented", Bare.documented) == ""
    assert parameters_missing("Bare.alone", Bare.alone) == ""


SCENE_CLASS = re.compile(r">>> class (\w+)\((?:\w*Scene)\):")


def scene_examples_not_rendered(module) -> list[str]:
    """The examples of ``module`` that define a Scene class and never render it (``render_frame(Name``)."""
    missing = []
    for test in doctest.DocTestFinder().find(module):
        source = "".join(example.source for example in test.examples)
        missing += [f"{test.name}: {name}" for name in SCENE_CLASS.findall(">>> " + source.replace("\n", "\n>>> "))
                    if f"render_frame({name}" not in source]
    return missing


SCENE_MODULES = ("scenes.kit.attention_scene", "scenes.kit.captions", "scenes.kit.story_notes", "scenes.kit.grid_scene",
                 "scenes.kit.grid_beats")   # the base scenes' modules (gathered in scenes.kit.base)


def test_every_scene_example_renders_its_scene():
    modules = [importlib.import_module(name) for name in SCENE_MODULES]

    assert [m for module in modules for m in scene_examples_not_rendered(module)] == []
    assert sum(len(SCENE_CLASS.findall(t.docstring or "")) for module in modules
               for t in doctest.DocTestFinder().find(module)) >= 30


def test_the_check_sees_a_scene_example_that_never_renders():
    import types

    module = types.ModuleType("example")
    module.__doc__ = """
    >>> from scenes.kit import GridScene, render_frame
    >>> class Shown(GridScene):
    ...     pass
    >>> _ = render_frame(Shown)
    >>> class Defined(GridScene):
    ...     pass
    """
    assert scene_examples_not_rendered(module) == ["example: Defined"]


@pytest.mark.parametrize("module", KIT_MODULES)
def test_the_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, result
