"""Blueprints loaded on demand (buurtbemiddeling/on_demand.py), as deploy/app.cgi makes the app:
the route manifest can never drift from what a full import registers, an app that has loaded
everything on demand is the same app, and pages that other areas extend find every section
however little a process imported. Fresh-process module checks: tests/test_startup_cost.py."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app import create_app
from buurtbemiddeling import on_demand

ROOT = Path(__file__).resolve().parent.parent


def make(tmp_path, **settings):
    return create_app({"INSTANCE_PATH": tmp_path / "instance", "TESTING": True, "SERVE_PUBLIC": True, **settings})


def _names(functions) -> list[str]:
    return [f"{f.__module__}.{f.__qualname__}" for f in functions]


def shape(app, keys=None) -> dict:
    """What an app answers with: rules, views, every hook per blueprint (None: the app's own),
    error handlers, template filters and globals, the blueprints and their template folders.
    `keys`: only these hook keys (e.g. {None})."""
    def hooks(mapping):
        return {str(key): _names(funcs) for key, funcs in mapping.items() if keys is None or key in keys}

    return {
        "rules": sorted((r.rule, r.endpoint, tuple(sorted(r.methods)), repr(r.defaults), r.strict_slashes,
                         r.provide_automatic_options) for r in app.url_map.iter_rules()),
        "before": hooks(app.before_request_funcs), "after": hooks(app.after_request_funcs),
        "teardown": hooks(app.teardown_request_funcs), "context": hooks(app.template_context_processors),
        "url_values": hooks(app.url_value_preprocessors), "url_defaults": hooks(app.url_default_functions),
        "errors": {str(key): {str(code): sorted(_names(handlers.values())) for code, handlers in spec.items()}
                   for key, spec in app.error_handler_spec.items() if keys is None or key in keys},
        "teardown_appcontext": _names(app.teardown_appcontext_funcs),
        "filters": sorted(app.jinja_env.filters), "globals": sorted(app.jinja_env.globals),
        "blueprints": [(name, bp.jinja_loader.searchpath if bp.jinja_loader else None)
                       for name, bp in app.blueprints.items()],
    }


def test_the_manifest_is_what_a_full_import_registers(tmp_path):
    app = make(tmp_path / "normal")
    described = on_demand.describe(app, app.extensions["on_demand_refs"])
    assert described == on_demand.manifest(), f"routes.json is out of date: run {on_demand.REGENERATE}"


def test_an_on_demand_app_has_every_rule_and_app_wide_hook_before_loading_anything(tmp_path):
    normal, lazy = make(tmp_path / "normal"), make(tmp_path / "lazy", ON_DEMAND=True)
    assert lazy.pending, "its blueprints wait for their first request"
    expected, got = shape(normal, keys={None}), shape(lazy, keys={None})
    # The stand-ins have no views yet; everything that applies to every request is there.
    assert got == expected
    assert all(getattr(view, "on_demand_stand_in", False) for endpoint, view in lazy.view_functions.items()
               if endpoint.split(".")[0] in lazy.pending)
    # Links to a blueprint are built before it is loaded: its own url_defaults would be missing then.
    assert [key for key in normal.url_default_functions if key is not None] == []


def test_an_on_demand_app_that_loaded_every_blueprint_equals_a_normal_app(tmp_path):
    normal, lazy = make(tmp_path / "normal"), make(tmp_path / "lazy", ON_DEMAND=True)
    lazy.load_all()
    assert not lazy.pending
    assert shape(lazy) == shape(normal)
    assert {e: _names([v]) for e, v in lazy.view_functions.items()} == \
           {e: _names([v]) for e, v in normal.view_functions.items()}


def test_a_request_loads_its_blueprint_before_its_hooks_run(tmp_path):
    app = make(tmp_path, ON_DEMAND=True, WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=False)
    client = app.test_client()
    # The public form posts are exempt from the session's CSRF token: that holds from the first post.
    response = client.post("/melding", data={"lang": "nl"})
    assert "public_forms" not in app.pending
    assert response.status_code == 422 and "Fout" in response.get_data(as_text=True)  # the form's own checks
    assert "cases" in app.pending and "volunteers" in app.pending, "other areas stay unloaded"


def test_a_stand_in_called_directly_loads_its_blueprint_and_answers(tmp_path):
    app = make(tmp_path, ON_DEMAND=True)
    with app.test_request_context("/"):
        answer = app.view_functions["public_forms.form_token"](form_name="report")
    assert "public_forms" not in app.pending
    assert app.view_functions["public_forms.form_token"].__module__ == "buurtbemiddeling.reports.form_posts"
    assert answer


# Each registry, read in a process that imported nothing else, against a process that imported
# every module of the package: same entries in the same order.
REGISTRIES = """
import importlib, json, pkgutil, sys
import buurtbemiddeling
if sys.argv[1] == "all":
    for module in pkgutil.walk_packages(buurtbemiddeling.__path__, "buurtbemiddeling."):
        if ".demo" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
from buurtbemiddeling.admin.dashboard import PANELS
from buurtbemiddeling.cases.sections import SECTIONS as CASE_PAGE
from buurtbemiddeling.network.sections import SECTIONS as PARTNER_PAGE
from buurtbemiddeling.settings import lists, numbers
out = {name: [(s.template, s.order, s.context.__module__) for s in sections.items]
       for name, sections in (("vandaag", PANELS), ("case", CASE_PAGE), ("partner", PARTNER_PAGE))}
out["lists"] = list(lists.registered())
out["usage"] = {key: [f"{f.__module__}.{f.__qualname__}" for f in hooks] for key, hooks in lists.USAGE.items()}
out["numbers"] = list(numbers.registered())
out["contributors"] = {name: list(sections.contributors.modules) for name, sections in
                       (("vandaag", PANELS), ("case", CASE_PAGE), ("partner", PARTNER_PAGE))}
print(json.dumps(out))
"""


def _registries(which: str) -> dict:
    done = subprocess.run([sys.executable, "-c", REGISTRIES, which], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def test_pages_made_of_sections_find_every_section_without_a_full_import():
    alone, everything = _registries("alone"), _registries("all")
    assert alone == everything
    for page in ("vandaag", "case", "partner"):
        modules = {module for _, _, module in everything[page]}
        assert modules == set(everything["contributors"][page]), f"{page}: contributors listed but not registering"
    assert len(everything["vandaag"]) >= 10 and len(everything["case"]) >= 10




# LazyMap (buurtbemiddeling/startup.py) binds only the rules a path may match or a URL needs.
def _sample(converter) -> str:
    if hasattr(converter, "items"):  # any(...): one of its words
        return sorted(converter.items)[0]
    return {"IntegerConverter": "7", "PathConverter": "a/b.html"}.get(type(converter).__name__, "abc")


def _outcome(url_map, path: str, method: str):
    from werkzeug.exceptions import MethodNotAllowed, NotFound
    from werkzeug.routing import RequestRedirect

    adapter = url_map.bind("buurtbemiddeling.example", "/")
    try:
        return ("match", *adapter.match(path, method))
    except RequestRedirect as redirect:
        return ("redirect", redirect.new_url)
    except MethodNotAllowed as refused:
        return ("405", sorted(refused.valid_methods))
    except NotFound:
        return ("404",)


def test_a_lazy_map_matches_and_builds_as_a_fully_bound_map(tmp_path):
    import re

    from werkzeug.routing import Map

    from buurtbemiddeling.startup import LazyMap

    added = list(make(tmp_path).url_map.iter_rules())  # with the public site's catch-all

    def lazy() -> LazyMap:  # a map per path: each starts with nothing bound, as in a CGI process
        return LazyMap([rule.empty() for rule in added])

    full = Map([rule.empty() for rule in added])
    paths = set()
    for rule in added:
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _sample(rule._converters[m.group(1)]), rule.rule)
        paths |= {path, path.rstrip("/") or "/", path.rstrip("/") + "/", path.replace("/", "//", 2) + "/verder"}
    assert len(paths) > 400
    for path in sorted(paths):
        fresh = lazy()
        for method in ("GET", "POST"):
            assert _outcome(fresh, path, method) == _outcome(full, path, method), (path, method)
    one = lazy()
    for rule in added:
        values = {name: _sample(converter) for name, converter in rule._converters.items()}
        assert (one.bind("x.example").build(rule.endpoint, values, method=sorted(rule.methods)[0])
                == full.bind("x.example").build(rule.endpoint, values, method=sorted(rule.methods)[0]))
    assert [rule.rule for rule in one.iter_rules()] == [rule.rule for rule in full.iter_rules()]


def test_an_on_demand_app_binds_only_the_rules_its_page_needs(tmp_path):
    app = make(tmp_path, ON_DEMAND=True)
    assert app.test_client().get("/beheer/eerste-keer").status_code == 200
    bound, waiting = len(app.url_map._bound), sum(map(len, app.url_map._waiting.values()))
    assert 0 < bound < waiting / 4
    assert len(list(app.url_map.iter_rules())) == bound + waiting


def test_a_url_put_together_from_its_parts_is_what_werkzeugs_compiled_builder_makes(tmp_path):
    from werkzeug.routing import Map, Rule

    from buurtbemiddeling.startup import LazyBuilderRule, interpreted_build

    rules = list(make(tmp_path).url_map.iter_rules())
    extra = Map([Rule("/lijst/<int:page>/", defaults={"page": 1, "soort": "a"}, endpoint="list"),
                 Rule("/p/<name>/<path:rest>", subdomain="<area>", endpoint="sub"),
                 Rule("/ä b|c/<name>", endpoint="quoted")])
    rules += list(extra.iter_rules())
    for rule in rules:
        values = {name: _sample(converter) for name, converter in rule._converters.items()}
        for more in ({}, {"q": "Jan de Vries & zn", "tags": ["een", "twee"], "soort": "b", "page": 9}):
            for append_unknown in (True, False):
                compiled = super(LazyBuilderRule, rule)._compile_builder(append_unknown) if isinstance(
                    rule, LazyBuilderRule) else rule._compile_builder(append_unknown)
                args = {**values, **more}
                assert interpreted_build(rule, append_unknown, args) == compiled(rule, **args), (rule.rule, more)


def test_a_rule_builds_the_same_urls_before_and_after_its_builder_is_compiled(tmp_path):
    from buurtbemiddeling import startup

    app = make(tmp_path)
    with app.test_request_context():
        from flask import url_for

        urls = [(url_for("cases.detail", case_id=n, tab="notities"), url_for("admin.today"))
                for n in range(2 * startup.COMPILE_AFTER)]
    assert urls == [(f"/beheer/zaken/{n}?tab=notities", "/beheer/") for n in range(2 * startup.COMPILE_AFTER)]
    rule = next(app.url_map.iter_rules("cases.detail"))
    assert rule._build_unknown.__qualname__.startswith("<builder:"), "werkzeug's, compiled after COMPILE_AFTER URLs"


def test_the_templates_keep_the_urls_they_build_per_script_root_host_and_values(tmp_path):
    """A page's templates build a URL per row (`startup.KeptURLs`): what they keep is what
    url_for builds, for another script root or host, another blueprint's relative endpoint,
    values of another type and a list, and nothing is kept outside a request."""
    app = make(tmp_path)
    template = app.jinja_env.from_string(
        "{{ url_for('cases.detail', case_id=n, tab=tab) }} {{ url_for('cases.index', step='open', order=order) }} "
        "{{ url_for('.detail', case_id=n, report_id=n) }} {{ url_for('admin.today', _external=True) }}")
    kept = app.jinja_env.globals["url_for"]
    seen = set()
    for base, path in (("http://localhost/", "/beheer/zaken/"), ("http://localhost/gemeente/", "/beheer/zaken/"),
                       ("https://andere.example/", "/beheer/zaken/"), ("http://localhost/", "/beheer/meldingen/")):
        for n, tab, order in ((1, "notities", "asc"), (2, True, 1), (2, 1, True), (2, ["a", "b"], "asc")):
            with app.test_request_context(path, base_url=base):
                from flask import url_for
                from markupsafe import escape

                expected = " ".join(map(str, map(escape, (  # as the template writes them
                    url_for("cases.detail", case_id=n, tab=tab), url_for("cases.index", step="open", order=order),
                    url_for(".detail", case_id=n, report_id=n), url_for("admin.today", _external=True)))))
                assert template.render(n=n, tab=tab, order=order) == expected
                assert template.render(n=n, tab=tab, order=order) == expected  # the kept ones now
                seen.add(expected)
    assert len(seen) == 16 and kept._built, "every case its own URLs, and they were kept"
    app.config["SERVER_NAME"] = "buiten.example"
    with app.app_context():  # a mail's link, made outside a request: nothing kept, built as url_for does
        assert app.jinja_env.from_string("{{ url_for('admin.today') }}").render() == "http://buiten.example/beheer/"
