"""Textual matches a CSS type selector by class name, not by module: two widget or screen classes
of the same name share each other's DEFAULT_CSS once both are loaded. (A plan dialog's
``FormDialog #form-error { display: none }`` once hid the Drum-Up form's validation errors.)"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict

from textual.dom import DOMNode

import facilitator.app.screens as screens
import facilitator.app.widgets as widgets


def test_no_two_app_widgets_or_screens_share_a_class_name():
    places: dict[str, set[str]] = defaultdict(set)
    for package in (screens, widgets):
        for module in pkgutil.iter_modules(package.__path__):
            loaded = importlib.import_module(f"{package.__name__}.{module.name}")
            for name, cls in inspect.getmembers(loaded, inspect.isclass):
                if issubclass(cls, DOMNode) and cls.__module__ == loaded.__name__:
                    places[name].add(cls.__module__)
    shared = {name: sorted(mods) for name, mods in places.items() if len(mods) > 1}
    assert shared == {}
