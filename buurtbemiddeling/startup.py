"""What a fresh process pays before its first answer, kept small: under CGI every request is one.

- URL builders: werkzeug compiles two Python functions per route when the route is added
  (some 200 routes: most of `create_app`'s own time), 0.2 ms each. A request builds a few dozen
  URLs, most of them once or twice: a rule's first `COMPILE_AFTER` URLs are put together from its
  parts as the compiled function would (`interpreted_build`), and only a rule used more often (a
  link in every row of a list) is compiled, once per process for every app in it (the code depends
  only on the rule's text, place, defaults and the map's converters; it reads the rule's own
  converters when called, so apps may share it: the test suite makes hundreds).
  Parsing a rule into its parts (the regular expressions it matches) is likewise done once per
  process for a rule's text, place and the map's converters: the test suite's apps share it.
- URL map (an app made with `ON_DEMAND`, `LazyMap`): werkzeug parses every rule when it is
  added, half of `create_app`'s time. A process that serves one request binds a rule only when
  the request's path may match it or a URL to its endpoint is built: a page needs a few dozen.
- URLs in templates: a page builds some 160 (a link in every row), 7-20 us each through
  `url_for`; the same endpoint and values under the same script root and host give the same URL,
  so the templates' `url_for` keeps what it built (`KeptURLs`), at most `URLS_KEPT` per app.
- Templates: Jinja compiles a template's source to Python on first use in a process (a page
  extends the layout and includes its pieces: 15-20 templates, more than the page's own work).
  The compiled code is kept in the instance folder, checked against the template's source.
  The test suite, which makes an app per test on a fresh instance folder, also keeps it in memory
  for every app of its process (`common/template_cache.py`): compiling was most of a page test's time.
"""
from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote

from flask import Flask, has_request_context
from flask.globals import request_ctx
from jinja2 import BytecodeCache, FileSystemBytecodeCache
from werkzeug.routing import Map, Rule
from werkzeug.routing.matcher import StateMachineMatcher

from common import template_cache

TEMPLATE_CACHE = "cache/templates"  # in the instance folder: the app may write there, nobody else reads it


URLS_KEPT = 4096  # URLs the templates' url_for keeps per app (all of them forgotten when full)
COMPILE_AFTER = 20  # URLs a rule builds before its builder is compiled (interpreting costs ~3 us more each)
STATIC_SAFE = "!$&'()*+,/:;=@"  # what werkzeug leaves unquoted in a rule's static text


def interpreted_build(rule: Rule, append_unknown: bool, values: dict) -> tuple[str, str]:
    """(domain part, path and query) as werkzeug's compiled builder of `rule` returns them: static
    text quoted, each variable through its converter (a default stands for its variable), the
    values that are no variable of the rule as the query string when `append_unknown`."""
    defaults = rule.defaults or {}
    rest = {key: value for key, value in values.items() if key not in defaults}
    domain: list[str] = []
    path: list[str] = []
    side = domain
    for is_variable, data in rule._trace:
        if data == "|" and side is domain:
            side = path
        elif is_variable:
            side.append(rule._converters[data].to_url(defaults[data] if data in defaults else rest.pop(data)))
        else:
            side.append(quote(data, safe=STATIC_SAFE))
    query = rule._encode_query_vars(rest) if append_unknown and rest else ""
    return "".join(domain), "".join(path) + ("?" + query if query else "")


class LazyBuilderRule(Rule):
    _builders: dict = {}  # per process: (rule text, place, defaults, converters, kind) -> builder
    # per process: (rule text, place, converters) -> its parts, trace and converter objects (werkzeug's
    # converters keep the map they were made for but never read it, so maps with the same ones share them)
    _parsed: dict = {}

    def _shape(self) -> tuple:
        """What a rule's parsed parts depend on: its text, place and the map's converters."""
        return (self.rule, self.subdomain, self.host, self.map.host_matching, self.merge_slashes,
                frozenset(self.map.converters.items()))

    def compile(self) -> None:
        key = self._shape()
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
        built = 0

        def build(rule: LazyBuilderRule, **values):
            nonlocal built
            built += 1
            if built <= COMPILE_AFTER:
                return interpreted_build(rule, append_unknown, values)
            real = rule._shared_builder(append_unknown).__get__(rule, None)
            setattr(rule, attribute, real)  # later calls go straight to the compiled builder
            return real(**values)

        return build

    def _shared_builder(self, append_unknown: bool):
        key = (self._shape(), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in self._builders:
            self._builders[key] = super()._compile_builder(append_unknown)
        return self._builders[key]


class LazyMap(Map):
    """A URL map that binds (parses) a rule only when it is needed, every rule of an endpoint at once:
    - to match a path: the rules whose leading static segments are the path's (slashes merged),
      a superset of those werkzeug could match or redirect to, and of those that make a 405;
    - to build a URL to the endpoint (`url_for`), or when anything lists the rules.
    Matching runs werkzeug's own matcher over the bound rules, added in the order the app added
    them, so a request finds the rule, redirect or error a fully bound map finds."""

    def __init__(self, rules=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._waiting: dict[str, list[tuple[int, Rule]]] = {}  # endpoint -> (place, rule)
        self._bound: list[tuple[int, Rule]] = []
        self._added = 0
        self._places: dict[str, int] = {}  # endpoint -> place of its first rule: the order of a full map
        self._lock = threading.RLock()
        self._matcher = _MatcherOfBound(self, self._matcher.merge_slashes)
        self._rules_by_endpoint = _RulesByEndpoint(self)
        for rule in rules or ():
            self.add(rule)

    def add(self, rulefactory) -> None:
        with self._lock:
            for rule in rulefactory.get_rules(self):
                self._places.setdefault(rule.endpoint, self._added)
                self._waiting.setdefault(rule.endpoint, []).append((self._added, rule))
                self._added += 1
        self._remap = True

    def bind_endpoint(self, endpoint) -> bool:
        """Bind the endpoint's waiting rules; False if it has none (unknown, or bound already)."""
        with self._lock:
            waiting = self._waiting.pop(endpoint, None)
            if waiting is None:
                return False
            for place, rule in waiting:
                rule.bind(self)
                self._bound.append((place, rule))
            rules = dict.get(self._rules_by_endpoint, endpoint, []) + [rule for _, rule in waiting]
            rules.sort(key=lambda rule: rule.build_compare_key())  # as Map.update sorts them
            dict.__setitem__(self._rules_by_endpoint, endpoint, rules)
            self._matcher.stale = True
            return True

    def bind_for_path(self, path: str) -> None:
        segments = [part for part in path.split("/") if part]
        with self._lock:
            due = [endpoint for endpoint, waiting in self._waiting.items()
                   if any(_may_match(rule.rule, segments) for _, rule in waiting)]
            for endpoint in due:
                self.bind_endpoint(endpoint)

    def bind_all(self) -> None:
        with self._lock:
            for endpoint in list(self._waiting):
                self.bind_endpoint(endpoint)
            ordered = sorted(dict.items(self._rules_by_endpoint), key=lambda item: self._places[item[0]])
            dict.clear(self._rules_by_endpoint)
            dict.update(self._rules_by_endpoint, ordered)

    @property
    def _rules(self) -> list[Rule]:
        self.bind_all()
        return super()._rules

    def iter_rules(self, endpoint=None):
        self.bind_all()
        return super().iter_rules(endpoint)


def _may_match(rule: str, segments: list[str]) -> bool:
    """Whether a path of these segments (no empty ones) starts with the rule's static segments, the
    ones before its first variable: werkzeug's matcher can reach the rule for no other path."""
    position = 0
    for part in rule.split("/"):
        if not part:
            continue  # slashes are merged (or the path redirected to that)
        if "<" in part:
            return True
        if position == len(segments) or segments[position] != part:
            return False
        position += 1
    return True


class _RulesByEndpoint(dict):
    """`Map._rules_by_endpoint`, which werkzeug reads to build URLs: binds an endpoint on its first look-up."""

    def __init__(self, lazy_map: LazyMap) -> None:
        super().__init__()
        self.map = lazy_map

    def get(self, endpoint, default=None):
        self.map.bind_endpoint(endpoint)
        return super().get(endpoint, default)

    def __missing__(self, endpoint):
        if self.map.bind_endpoint(endpoint):
            return self[endpoint]
        raise KeyError(endpoint)


class _MatcherOfBound:
    """`Map._matcher`: binds the rules a path may match, then asks werkzeug's matcher, made again
    over every bound rule (in the order they were added) whenever more were bound."""

    def __init__(self, lazy_map: LazyMap, merge_slashes: bool) -> None:
        self.map, self.merge_slashes = lazy_map, merge_slashes
        self.stale, self._matcher = True, StateMachineMatcher(merge_slashes)

    def update(self) -> None:
        pass  # made in `match`, when rules were bound since

    def match(self, domain: str, path: str, method: str, websocket: bool):
        self.map.bind_for_path(path)
        if self.stale:
            with self.map._lock:
                matcher = StateMachineMatcher(self.merge_slashes)
                for _, rule in sorted(self.map._bound, key=lambda bound: bound[0]):
                    if not rule.build_only:
                        matcher.add(rule)
                matcher.update()
                self._matcher, self.stale = matcher, False
        return self._matcher.match(domain, path, method, websocket)


def init_app(app: Flask) -> None:
    """Call before anything touches `app.jinja_env` or adds a route."""
    app.url_rule_class = LazyBuilderRule
    folder = Path(app.instance_path) / TEMPLATE_CACHE
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        cache: BytecodeCache | None = FileSystemBytecodeCache(str(folder))
    except OSError:
        cache = None  # a read-only instance still answers, compiling its templates each time
    cache = template_cache.for_kind("admin", cache)
    if cache is not None:
        app.jinja_options = {**app.jinja_options, "bytecode_cache": cache}


class KeptURLs:
    """The templates' ``url_for``: ``app.url_for``, with each URL kept per endpoint and values
    (their types too: ``True`` and ``1`` build different URLs) and the request's script root,
    host, scheme and, for a relative endpoint, blueprint: all that a URL depends on while the app
    has no ``url_defaults`` functions (with some, or outside a request, nothing is kept)."""

    def __init__(self, app: Flask) -> None:
        self._app, self._built = app, {}

    def __call__(self, endpoint: str, **values) -> str:
        if not has_request_context() or self._app.url_default_functions:
            return self._app.url_for(endpoint, **values)
        ctx = request_ctx._get_current_object()
        adapter = ctx.url_adapter
        key = (endpoint, ctx.request.blueprint if endpoint[:1] == "." else None, adapter.script_name,
               adapter.server_name, adapter.url_scheme, adapter.subdomain,
               tuple((name, type(value), value) for name, value in values.items()))
        try:
            url = self._built.get(key)
        except TypeError:  # a value that cannot be a key (a list of values for one argument)
            return self._app.url_for(endpoint, **values)
        if url is None:
            url = self._app.url_for(endpoint, **values)
            if len(self._built) >= URLS_KEPT:
                self._built.clear()
            self._built[key] = url
        return url


def keep_built_urls(app: Flask) -> None:
    """The templates build their URLs through `KeptURLs`."""
    app.jinja_env.globals["url_for"] = KeptURLs(app)
