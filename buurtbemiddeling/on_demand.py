"""Blueprints loaded on demand, for CGI: every request there is a fresh process, and importing
every area's views (their forms, rules and libraries) cost more than Python and Flask together.

An area registers a blueprint by reference, `on_demand.add(app, "buurtbemiddeling.cases.views:bp")`.
A normal app (WSGI: Passenger, gunicorn, the tests) imports it and registers it at once. An app
made with `ON_DEMAND` (deploy/app.cgi) takes the blueprint's rules from `routes.json` instead:
the URL map knows every rule, so `url_for` works everywhere, and the blueprint is registered
under its name (a stand-in with the same template folder, so templates are found in the same
order). The blueprint's modules are imported, and the real blueprint registered in the
stand-in's place with all its hooks, when the first request for one of its endpoints starts
(before URL value preprocessors, `before_request` functions and CSRF protection run).

Only blueprint-scoped things arrive late; whatever applies to every request (app hooks,
template filters and globals, error handlers) is registered by the areas' `init_app` in both
kinds of app. `tests/test_on_demand.py` proves it: the manifest equals what a full import
registers, and an app that has loaded everything on demand equals a normal app.
`python -m buurtbemiddeling.on_demand` writes the manifest again after routes change.
"""
from __future__ import annotations

import importlib
import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable

from flask import Blueprint, Flask, request

from .startup import LazyMap

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = Path(__file__).with_name("routes.json")
REGENERATE = "python -m buurtbemiddeling.on_demand"


def resolve(ref: str) -> Blueprint:
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


def add(app: Flask, ref: str, then: Callable[[Blueprint], object] | None = None) -> None:
    """Register the blueprint `module:attribute`, now or on demand; `then(blueprint)` runs once
    the real blueprint is registered (e.g. `csrf.exempt`, which keeps the blueprint object)."""
    app.extensions.setdefault("on_demand_refs", []).append(ref)
    if isinstance(app, OnDemandFlask):
        app.defer(ref, then)
        return
    blueprint = resolve(ref)
    app.register_blueprint(blueprint)
    if then is not None:
        then(blueprint)


@lru_cache(maxsize=1)
def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def _rule_entry(rule) -> dict:
    return {"rule": rule.rule, "endpoint": rule.endpoint, "methods": sorted(rule.methods or ()),
            "defaults": rule.defaults, "strict_slashes": rule.strict_slashes, "merge_slashes": rule.merge_slashes,
            "automatic_options": rule.provide_automatic_options}


def describe(app: Flask, refs: list[str]) -> dict:
    """The manifest of a normally made app: per blueprint added by reference, what a stand-in
    needs (name, folders) and its rules in the order the app added them; plus every module that
    holds one of its views (a module may add routes to another's blueprint)."""
    out = {}
    for ref in refs:
        blueprint = resolve(ref)
        rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(blueprint.name + ".")]
        modules = {ref.partition(":")[0]} | {app.view_functions[rule.endpoint].__module__ for rule in rules}
        root = Path(blueprint.root_path).resolve()
        folder = blueprint.template_folder and os.path.relpath(Path(root, blueprint.template_folder), root)
        out[ref] = {"name": blueprint.name, "import_name": blueprint.import_name,
                    "root_path": root.relative_to(ROOT).as_posix(), "template_folder": folder, "modules": sorted(modules),
                    "rules": [_rule_entry(rule) for rule in rules]}
    return out


class OnDemandFlask(Flask):
    """A Flask app whose blueprints added by reference are imported on their first request, and
    whose URL rules are parsed when a request may need them (`startup.LazyMap`)."""

    url_map_class = LazyMap

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pending: dict[str, dict] = {}  # blueprint name -> its manifest entry, until loaded
        self._loading: set[str] = set()  # the endpoints of the blueprint being loaded
        self._load_lock = threading.Lock()

    def defer(self, ref: str, then: Callable[[Blueprint], object] | None = None) -> None:
        entry = manifest()[ref]
        root = ROOT / entry["root_path"]
        folder = entry["template_folder"] and os.path.normpath(root / entry["template_folder"])
        stand_in = Blueprint(entry["name"], entry["import_name"], root_path=str(root), template_folder=folder)
        stand_in.template_context_processors.clear()  # the real one brings Flask's default processor
        self.register_blueprint(stand_in)
        for rule in entry["rules"]:
            # Flask's add_url_rule less its work out of the methods: routes.json keeps the rule's own.
            url_rule = self.url_rule_class(rule["rule"], endpoint=rule["endpoint"], methods=rule["methods"],
                                           defaults=rule["defaults"], strict_slashes=rule["strict_slashes"],
                                           merge_slashes=rule["merge_slashes"])
            url_rule.provide_automatic_options = rule["automatic_options"]
            self.url_map.add(url_rule)
            if rule["endpoint"] not in self.view_functions:
                self.view_functions[rule["endpoint"]] = self._stand_in_view(entry["name"], rule["endpoint"])
        self.pending[entry["name"]] = {**entry, "ref": ref, "then": then}

    def _stand_in_view(self, name: str, endpoint: str):
        def view(**values):
            # Requests load the blueprint before dispatch; this is for a direct call.
            self.load(name)
            real = self.view_functions[endpoint]
            if getattr(real, "on_demand_stand_in", False):
                raise RuntimeError(f"{endpoint} is in routes.json but no longer registered: run {REGENERATE}")
            return real(**values)

        view.on_demand_stand_in = True
        return view

    def load(self, name: str) -> None:
        """Import the blueprint's modules and register it in its stand-in's place."""
        if name not in self.pending:
            return
        with self._load_lock:
            entry = self.pending.get(name)
            if entry is None:
                return
            for module in entry["modules"]:
                importlib.import_module(module)
            blueprint = resolve(entry["ref"])
            order = list(self.blueprints)
            del self.blueprints[name]
            self._loading = {rule["endpoint"] for rule in entry["rules"]}
            try:
                self.register_blueprint(blueprint)
            finally:
                self._loading = set()
            self.blueprints = {key: self.blueprints[key] for key in order}  # the template search order stays
            if entry["then"] is not None:
                entry["then"](blueprint)
            del self.pending[name]

    def load_all(self) -> None:
        for name in list(self.pending):
            self.load(name)

    def preprocess_request(self):
        for name in request.blueprints:
            self.load(name)
        return super().preprocess_request()

    def _check_setup_finished(self, f_name: str) -> None:
        if not self._loading:  # a blueprint loaded on demand is set up during a request
            super()._check_setup_finished(f_name)

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        if endpoint in self._loading:
            self.view_functions[endpoint] = view_func  # the rule is in the map since the app was made
            return
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)


def write_manifest() -> None:
    """Make a normal app (every blueprint imported) and write what it registered by reference."""
    import tempfile

    from app import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SERVE_PUBLIC": True})
        data = describe(app, app.extensions["on_demand_refs"])
    MANIFEST.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    MANIFEST.chmod(0o644)  # part of the code, which the web server's account reads (create_app set umask 077)


if __name__ == "__main__":
    write_manifest()
    print(f"{MANIFEST.relative_to(ROOT)}: {sum(len(e['rules']) for e in json.loads(MANIFEST.read_text()).values())} rules")
