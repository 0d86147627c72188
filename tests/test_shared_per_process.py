"""What the apps of one process share (buurtbemiddeling/startup.py): a route's parsed rule and URL
builder, and in the test suite compiled templates (common/template_cache.py, for the apps and the
site builds) and the parsed Python sources (tests/source_tree.py). Shared only where it is the same: a template is compiled again
when its source changes, a file parsed again when it changes, a rule parsed again for another
map's converters."""
from __future__ import annotations

import ast

import pytest
from jinja2 import Environment, FileSystemLoader
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Map

import sitebuilder
from buurtbemiddeling import startup
from common import template_cache


class CountingEnvironment(Environment):
    compiled: list[str]

    def compile(self, source, name=None, filename=None, *args, **kwargs):
        self.compiled.append(name)
        return super().compile(source, name, filename, *args, **kwargs)


def render(folder, name: str, shared: bool = True, kind: str = "test", **options) -> tuple[str, list[str]]:
    """Render a template in a fresh environment, as a fresh app would; what it compiled."""
    env = CountingEnvironment(loader=FileSystemLoader(str(folder)), **options,
                              bytecode_cache=template_cache.SharedTemplateCache(kind) if shared else None)
    env.compiled = []
    return env.get_template(name).render(who="Carla"), env.compiled


def test_a_template_is_compiled_once_for_all_environments_and_again_when_it_changes(tmp_path):
    (tmp_path / "page.html").write_text("Hallo {{ who }}", encoding="utf-8")
    assert render(tmp_path, "page.html") == ("Hallo Carla", ["page.html"])
    assert render(tmp_path, "page.html") == ("Hallo Carla", []), "a second app reuses the compiled code"
    assert render(tmp_path, "page.html", shared=False) == ("Hallo Carla", ["page.html"])

    (tmp_path / "page.html").write_text("Dag {{ who }}", encoding="utf-8")
    assert render(tmp_path, "page.html") == ("Dag Carla", ["page.html"]), "a changed source is compiled again"
    assert render(tmp_path, "page.html") == ("Dag Carla", [])


def test_each_kind_of_environment_has_its_own_compiled_templates(tmp_path):
    # The site's environment trims blocks, the admin's does not: one file, two codes.
    (tmp_path / "list.html").write_text("{% if who %}\n{{ who }}\n{% endif %}\n", encoding="utf-8")
    assert render(tmp_path, "list.html", kind="plain") == ("\nCarla\n", ["list.html"])
    assert render(tmp_path, "list.html", kind="trimmed", trim_blocks=True) == ("Carla\n", ["list.html"])
    assert render(tmp_path, "list.html", kind="trimmed", trim_blocks=True) == ("Carla\n", [])


def test_the_suites_apps_share_compiled_templates(app, client, tmp_path_factory):
    from app import create_app

    assert client.get("/beheer/inloggen", follow_redirects=True).status_code == 200
    cache = app.jinja_env.bytecode_cache
    assert isinstance(cache, template_cache.SharedTemplateCache), "tests/conftest.py turns sharing on"
    base = app.jinja_env.get_template("admin/base.html")
    assert ("admin", cache.get_cache_key(base.name, base.filename)) in template_cache._codes

    other = create_app({"INSTANCE_PATH": tmp_path_factory.mktemp("other") / "instance", "TESTING": True})
    compiled = []
    original = other.jinja_env.compile
    other.jinja_env.compile = lambda *args, **kwargs: compiled.append(args[1]) or original(*args, **kwargs)
    assert other.test_client().get("/beheer/inloggen", follow_redirects=True).status_code == 200
    assert compiled == [], "another app of the process compiles none of the first-run page's templates"


def test_a_second_site_build_compiles_no_template(tmp_path, monkeypatch):
    site = sitebuilder.Site(sitebuilder.DEFAULT_ROOT)
    sitebuilder.build(site, tmp_path / "first")
    compiled = []
    original = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda env, *args, **kwargs: compiled.append(args[1:2]) or
                        original(env, *args, **kwargs))
    sitebuilder.build(sitebuilder.Site(sitebuilder.DEFAULT_ROOT), tmp_path / "second")
    assert compiled == []
    assert (tmp_path / "second" / "index.html").read_bytes() == (tmp_path / "first" / "index.html").read_bytes()


class SmallNumber(IntegerConverter):
    regex = r"[1-3]"


def test_a_rule_parsed_for_one_map_serves_another_only_with_the_same_converters():
    rule = "/zaken/<int:case>/stap/<step>"
    first = Map([startup.LazyBuilderRule(rule, endpoint="step")])
    second = Map([startup.LazyBuilderRule(rule, endpoint="step", defaults={"view": "kort"})])
    small = Map([startup.LazyBuilderRule(rule, endpoint="step")], converters={"int": SmallNumber})

    assert first.bind("x").match("/zaken/7/stap/intake") == ("step", {"case": 7, "step": "intake"})
    assert second.bind("x").match("/zaken/7/stap/intake") == ("step", {"case": 7, "step": "intake", "view": "kort"})
    assert next(second.iter_rules()).arguments == {"case", "step", "view"}
    assert second.bind("x").build("step", {"case": 8, "step": "sluiten"}) == "/zaken/8/stap/sluiten"
    assert small.bind("x").match("/zaken/2/stap/intake") == ("step", {"case": 2, "step": "intake"})
    with pytest.raises(NotFound):  # its own converter, not the one parsed for the other maps
        small.bind("x").match("/zaken/7/stap/intake")


def test_a_source_file_is_parsed_once_and_again_when_it_changes(tmp_path):
    from tests.source_tree import parsed

    module = tmp_path / "module.py"
    module.write_text("TODAY = 'vandaag'\n", encoding="utf-8")
    first = parsed(module)
    assert parsed(module) is first, "the tests that read the code share one tree per file"
    module.write_text("TODAY = date.today()\n", encoding="utf-8")
    changed = parsed(module)
    assert changed is not first and isinstance(changed.body[0].value, ast.Call)
