"""What a fresh process pays before its first answer, kept small: under CGI every request is one.

- URL builders: werkzeug compiles two Python functions per route when the route is added
  (some 200 routes: most of `create_app`'s own time). A request builds a few dozen URLs at most,
  so each builder is compiled on its first use, and once per process for every app in it (the
  code depends only on the rule's text, place, defaults and the map's converters; it reads the
  rule's own converters when called, so apps may share it: the test suite makes hundreds).
  Parsing a rule into its parts (the regular expressions it matches) is likewise done once per
  process for a rule's text, place and the map's converters: the test suite's apps share it.
- Templates: Jinja compiles a template's source to Python on first use in a process (a page
  extends the layout and includes its pieces: 15-20 templates, more than the page's own work).
  The compiled code is kept in the instance folder, checked against the template's source.
  The test suite, which makes an app per test on a fresh instance folder, also keeps it in memory
  for every app of its process (`share_compiled_templates`): compiling was most of a page test's time.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import BytecodeCache, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing import Rule

TEMPLATE_CACHE = "cache/templates"  # in the instance folder: the app may write there, nobody else reads it


class LazyBuilderRule(Rule):
    _builders: dict = {}  # per process: (rule text, place, defaults, converters, kind) -> builder
    # per process: (rule text, place, converters) -> its parts, trace and converter objects (werkzeug's
    # converters keep the map they were made for but never read it, so maps with the same ones share them)
    _parsed: dict = {}

    def compile(self) -> None:
        key = (self.rule, self.subdomain, self.host, self.map.host_matching, self.merge_slashes,
               frozenset(self.map.converters.items()))
        if key not in self._parsed:
            super().compile()
            self._parsed[key] = (tuple(self._parts), tuple(self._trace), dict(self._converters))
            return
        parts, trace, converters = self._parsed[key]
        self._parts, self._trace, self._converters = list(parts), list(trace), dict(converters)
        self.arguments |= {name for variable, name in trace if variable}
        self._build = self._compile_builder(False).__get__(self, None)
        self._build_unknown = self._compile_builder(True).__get__(self, None)

    def _compile_builder(self, append_unknown: bool = True):
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: LazyBuilderRule, *args, **kwargs):
            real = rule._shared_builder(append_unknown).__get__(rule, None)
            setattr(rule, attribute, real)  # later calls go straight to the compiled builder
            return real(*args, **kwargs)

        return build_first

    def _shared_builder(self, append_unknown: bool):
        key = (self.rule, self.subdomain, self.host, self.map.host_matching, self.merge_slashes,
               repr(sorted((self.defaults or {}).items())), frozenset(self.map.converters.items()),
               append_unknown)
        if key not in self._builders:
            self._builders[key] = super()._compile_builder(append_unknown)
        return self._builders[key]


class SharedTemplateCache(BytecodeCache):
    """Compiled templates kept in memory for every app of the process, in front of an app's own
    cache (which still gets what is compiled). Every app here has the same Jinja options, so the
    code depends only on the template's name, file and source (the bucket's key and checksum)."""

    _codes: dict = {}  # per process: bucket key -> (source checksum, code)

    def __init__(self, own: BytecodeCache | None):
        self.own = own

    def load_bytecode(self, bucket: Bucket) -> None:
        checksum, code = self._codes.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code
        elif self.own is not None:
            self.own.load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._codes[bucket.key] = (bucket.checksum, bucket.code)
        if self.own is not None:
            self.own.dump_bytecode(bucket)


_shared_templates = False


def share_compiled_templates(on: bool = True) -> None:
    """Keep compiled templates for all apps this process makes from now on (tests/conftest.py)."""
    global _shared_templates
    _shared_templates = on


def init_app(app: Flask) -> None:
    """Call before anything touches `app.jinja_env` or adds a route."""
    app.url_rule_class = LazyBuilderRule
    folder = Path(app.instance_path) / TEMPLATE_CACHE
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        cache: BytecodeCache | None = FileSystemBytecodeCache(str(folder))
    except OSError:
        cache = None  # a read-only instance still answers, compiling its templates each time
    if _shared_templates:
        cache = SharedTemplateCache(cache)
    if cache is not None:
        app.jinja_options = {**app.jinja_options, "bytecode_cache": cache}
