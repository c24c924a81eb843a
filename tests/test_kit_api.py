"""The kit is a public, documented API: every name of ``scenes.kit.__all__`` (and each public
method of its classes) has a numpydoc docstring with an example, and the examples run."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

import scenes.kit

KIT_MODULES = ("scenes.kit.base", "scenes.kit.mobjects", "scenes.kit.palette", "scenes.kit.scene_settings",
               "scenes.kit.geometry", "scenes.kit.notation")


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


@pytest.mark.parametrize("module", KIT_MODULES)
def test_the_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, result
