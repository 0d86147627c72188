"""The test suite's apps share compiled templates (buurtbemiddeling/startup.py: SharedTemplateCache):
a template is compiled once per process, and again when its source changes."""
from __future__ import annotations

from jinja2 import Environment, FileSystemLoader

from buurtbemiddeling import startup


class CountingEnvironment(Environment):
    compiled: list[str]

    def compile(self, source, name=None, filename=None, *args, **kwargs):
        self.compiled.append(name)
        return super().compile(source, name, filename, *args, **kwargs)


def render(folder, name: str, shared: bool = True) -> tuple[str, list[str]]:
    """Render a template in a fresh environment, as a fresh app would; what it compiled."""
    env = CountingEnvironment(loader=FileSystemLoader(str(folder)),
                              bytecode_cache=startup.SharedTemplateCache(None) if shared else None)
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


def test_the_suites_apps_share_compiled_templates(app, client, tmp_path_factory):
    from app import create_app

    assert client.get("/beheer/inloggen", follow_redirects=True).status_code == 200
    cache = app.jinja_env.bytecode_cache
    assert isinstance(cache, startup.SharedTemplateCache), "tests/conftest.py turns sharing on"
    base = app.jinja_env.get_template("admin/base.html")
    assert cache.get_cache_key(base.name, base.filename) in cache._codes

    other = create_app({"INSTANCE_PATH": tmp_path_factory.mktemp("other") / "instance", "TESTING": True})
    compiled = []
    original = other.jinja_env.compile
    other.jinja_env.compile = lambda *args, **kwargs: compiled.append(args[1]) or original(*args, **kwargs)
    assert other.test_client().get("/beheer/inloggen", follow_redirects=True).status_code == 200
    assert compiled == [], "another app of the process compiles none of the first-run page's templates"
