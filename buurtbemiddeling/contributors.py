"""Registries that other modules fill when imported (Vandaag's panels, the case page's sections,
the settings' lists and numbers) import those modules themselves before they are read: a process
that serves one request (CGI) imports an area only when it needs it. Flask-free.
`tests/test_on_demand.py` compares each registry read alone with one after a full import."""
from __future__ import annotations

import importlib


class Contributors:
    def __init__(self, *modules: str) -> None:
        self.modules = modules  # in the order their entries are shown where the order ties
        self._imported = False

    def load(self) -> None:
        if not self._imported:
            for module in self.modules:
                importlib.import_module(module)
            self._imported = True
