"""Load the public site (config, UI strings, Markdown pages) and render its pages."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import jinja2
from markupsafe import Markup, escape

import forms
from common import clock, intake_term, retention_periods, template_cache, templating
from common.phone import tel_href
from figures.public import public_figures

from . import accessibility
from .config import CONTENT_ID, DEFAULT_ROOT, BuildError, _read_toml, display_path, load_config
from .markup import UnparsedMarkdown, content_html
from .theme import theme_css

FRONT_MATTER_KEYS = {
    "title", "description", "nav_order", "nav_title", "slug", "template", "form", "key", "noindex",
}
STRINGS_FILE = "_strings.toml"
_SETTING = re.compile(r"\{\{\s*site\.([a-z_]+)\s*\}\}")
_PRIVACY = re.compile(r"\{\{\s*privacy\.([a-z_]+)\s*\}\}")
_ACCESSIBILITY = re.compile(r"\{\{\s*accessibility\.([a-z_]+)\s*\}\}")
_INTAKE = re.compile(r"\{\{\s*intake\.([a-z_]+)\s*\}\}")
# {{ mail }}...{{ /mail }}: text that holds only when the app can send e-mail (a promise of a confirmation).
_IF_MAIL = re.compile(r"\{\{\s*mail\s*\}\}(.*?)\{\{\s*/mail\s*\}\}", re.S)
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*")


def translated(value: Any, lang: str) -> str:
    """A site.toml value that is either one text or a table of texts per language."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("nl") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def long_date(day: dt.date, months: list[str]) -> str:
    return f"{day.day} {months[day.month - 1]} {day.year}"


@dataclass
class Page:
    lang: str
    source: Path
    title: str
    description: str
    url: str  # "/melding-doen/", "/en/"
    out_path: str  # "melding-doen/index.html"
    body: str  # Markdown
    key: str | None = None
    nav_order: int | None = None
    nav_title: str | None = None
    template: str = "page.html"
    form: str | None = None
    noindex: bool = False
    html: Markup = field(default=Markup(""), repr=False)


def _dutch(problem: str) -> str:
    """A build problem of an admin-written text, as the coordinator reads it."""
    link = re.search(r"broken internal link (\S+)", problem)
    if link:
        return f"de link {link.group(1)} wijst naar een pagina die niet op de site staat"
    return "de tekst breekt een regel van de site (" + problem.split(": ", 1)[-1] + ")"


class Site:
    def __init__(self, root: Path | str = DEFAULT_ROOT, data_dir: Path | str | None = None,
                 today: dt.date | None = None, intake_days: int | None = None, mail: bool = False):
        """data_dir: the app's data folder; when it exists, the forms offer the programme's
        own conflict types and the results page shows figures computed from it.
        intake_days: the intake term as the app knows it (else from the data folder).
        mail: whether the app sends e-mail; only then do the pages promise a confirmation."""
        self.root = Path(root).resolve()
        self.mail = mail
        self.content_dir = self.root / "content"
        self.templates_dir = self.root / "templates"
        self.static_dir = self.root / "static"
        self.config = self._load_config()
        self.theme_css = theme_css(self.config.get("colors") or {}, self.root / "site.toml")
        self.today = today or clock.today()
        self.data = _read_data(Path(data_dir)) if data_dir else None
        self.intake_days = intake_days or intake_term.from_settings((self.data or {}).get("settings") or [])
        self.forms = {name: forms.configured(form, self.data["lists"]) if self.data else form
                      for name, form in forms.FORMS.items()}
        self.languages = self._discover_languages()
        self.default_lang = self.languages[0]
        self.strings = self._load_strings()
        self.env = self._make_env()
        self.content_pages = self._load_pages()
        self.skipped: list[str] = []  # items written in the admin left out of this build, and why
        self._add_items(self.data.get("publicity") or [] if self.data else [])
        self._check_forms()

    def _add_items(self, items: list) -> None:
        """The content pages plus the news and stories written in the admin."""
        from .publicity import publicity_pages

        self.items = items
        self.pages = sorted(self.content_pages + publicity_pages(self, items),
                            key=lambda p: (self.languages.index(p.lang), p.url))

    def leave_out(self, problems: list[tuple[Path, str]]) -> None:
        """Build without the admin's items whose pages have `problems` (source, message): one bad
        text never keeps the rest of the site from being published. `skipped` says which and why,
        in Dutch, for the coordinator."""
        from .publicity import item_source

        faulty = {source for source, _ in problems}
        for item in self.items:
            if item_source(item) in faulty:
                reasons = [_dutch(message) for source, message in problems if source == item_source(item)]
                self.skipped.append(f"“{item.get('title')}”: " + "; ".join(dict.fromkeys(reasons)))
        self._add_items([i for i in self.items if item_source(i) not in faulty])

    # -- loading ---------------------------------------------------------
    def _load_config(self) -> dict[str, Any]:
        return load_config(self.root)

    def _discover_languages(self) -> list[str]:
        if not self.content_dir.is_dir():
            raise BuildError(f"{display_path(self.content_dir)}: content folder is missing")
        langs = []
        for folder in sorted(p for p in self.content_dir.iterdir() if p.is_dir()):
            if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", folder.name):
                raise BuildError(f"{display_path(folder)}: folder name is not a language code")
            if not (folder / STRINGS_FILE).is_file():
                raise BuildError(f"{display_path(folder)}: a language folder needs {STRINGS_FILE}")
            langs.append(folder.name)
        default = self.config["default_language"]
        if default not in langs:
            raise BuildError(f"{display_path(self.content_dir)}: no folder for the default language {default!r}")
        # The default language lives at "/", the others at "/<lang>/".
        return [default] + [lang for lang in langs if lang != default]

    def _load_strings(self) -> dict[str, dict[str, str]]:
        strings = {lang: _read_toml(self.content_dir / lang / STRINGS_FILE) for lang in self.languages}
        expected = set(strings[self.default_lang])
        for lang in self.languages:
            missing = sorted(expected - set(strings[lang]))
            if missing:
                path = self.content_dir / lang / STRINGS_FILE
                raise BuildError(f"{display_path(path)}: missing string(s): {', '.join(missing)}")
            if strings[lang]["direction"] not in ("ltr", "rtl"):
                raise BuildError(f"{display_path(self.content_dir / lang / STRINGS_FILE)}: direction must be "
                                 f"\"ltr\" or \"rtl\" (got {strings[lang]['direction']!r})")
        return strings

    def _make_env(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([
                jinja2.FileSystemLoader(str(self.templates_dir)),
                jinja2.FileSystemLoader(str(forms.TEMPLATE_DIR)),
            ]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=template_cache.for_kind("site"),  # None, except in the test suite
        )
        env.filters["tel_href"] = tel_href
        env.filters["tr"] = translated
        templating.register(env)  # nl_date, nl_datetime, decimal: the same as the admin's
        return env

    def prefix(self, lang: str) -> str:
        return "" if lang == self.default_lang else "/" + lang

    def _load_pages(self) -> list[Page]:
        pages: list[Page] = []
        seen_urls: dict[str, Path] = {}
        seen_keys: dict[tuple[str, str], Path] = {}
        for lang in self.languages:
            for source in sorted((self.content_dir / lang).rglob("*.md")):
                page = self._load_page(lang, source)
                if page.url in seen_urls:
                    raise BuildError(
                        f"{display_path(source)}: URL {page.url} is also used by "
                        f"{display_path(seen_urls[page.url])}")
                seen_urls[page.url] = source
                if page.key:
                    if (lang, page.key) in seen_keys:
                        raise BuildError(
                            f"{display_path(source)}: key {page.key!r} is also used by "
                            f"{display_path(seen_keys[(lang, page.key)])}")
                    seen_keys[(lang, page.key)] = source
                pages.append(page)
        for lang in self.languages:
            if not any(p.lang == lang and p.url == self.prefix(lang) + "/" for p in pages):
                raise BuildError(f"{display_path(self.content_dir / lang)}: there is no home page (index.md)")
        return sorted(pages, key=lambda p: (self.languages.index(p.lang), p.url))

    def _load_page(self, lang: str, source: Path) -> Page:
        where = display_path(source)
        try:
            post = frontmatter.load(source)
        except Exception as exc:  # YAML errors come in several types
            raise BuildError(f"{where}: cannot read front matter: {exc}") from None
        meta = dict(post.metadata)
        unknown = sorted(set(meta) - FRONT_MATTER_KEYS)
        if unknown:
            raise BuildError(f"{where}: unknown front matter key(s): {', '.join(unknown)} "
                             f"(allowed: {', '.join(sorted(FRONT_MATTER_KEYS))})")
        for required in ("title", "description"):
            if not meta.get(required):
                raise BuildError(f"{where}: front matter needs a {required!r}")
        rel = source.relative_to(self.content_dir / lang).with_suffix("")
        default_slug = "" if rel.as_posix() == "index" else rel.as_posix()
        slug = str(meta.get("slug", default_slug)).strip("/")
        if slug and not _SLUG.fullmatch(slug):
            raise BuildError(f"{where}: slug {slug!r} may only hold a-z, 0-9, '-' and '/'")
        url = self.prefix(lang) + "/" + (slug + "/" if slug else "")
        form_name = meta.get("form")
        if form_name is not None and form_name not in forms.FORMS:
            raise BuildError(f"{where}: unknown form {form_name!r} (known: {', '.join(sorted(forms.FORMS))})")
        nav_order = meta.get("nav_order")
        if nav_order is not None and not isinstance(nav_order, int):
            raise BuildError(f"{where}: nav_order must be a whole number")
        template = meta.get("template") or ("form_page.html" if form_name else "page.html")
        try:
            self.env.get_template(template)
        except jinja2.TemplateNotFound:
            raise BuildError(f"{where}: template {template!r} does not exist") from None
        body = self._fill_settings(post.content, lang, where)
        page = Page(
            lang=lang, source=source, title=str(meta["title"]),
            description=self._fill_settings(str(meta["description"]), lang, where),
            url=url, out_path=url.lstrip("/") + "index.html", body=body,
            key=str(meta["key"]) if meta.get("key") else None,
            nav_order=nav_order, nav_title=meta.get("nav_title"),
            template=template, form=form_name, noindex=bool(meta.get("noindex", False)),
        )
        try:
            page.html = content_html(page.body)
        except UnparsedMarkdown as exc:
            raise BuildError(f"{where}: {exc}") from None
        return page

    def _fill_settings(self, text: str, lang: str, where: str) -> str:
        """Content may say {{ site.phone }} (site.toml), {{ privacy.case }} (retention periods),
        {{ intake.term }} (the intake term, '5 werkdagen') and {{ accessibility.status }} (site.toml
        [accessibility]): each written once, where it is set."""
        def fill(match: re.Match) -> str:
            key = match.group(1)
            if key not in self.config or key in ("colors", "accessibility") or isinstance(self.config[key], list):
                raise BuildError(f"{where}: {match.group(0)} names no setting in site.toml")
            value = translated(self.config[key], lang)
            if key == "phone" and self.strings[lang]["direction"] == "rtl":
                return f"\u2066{value}\u2069"  # isolated left to right: 012 345 6789, not 6789 345 012
            return value

        words = self.retention_periods(lang)

        def period(match: re.Match) -> str:
            if match.group(1) not in words:
                raise BuildError(f"{where}: {match.group(0)} names no retention period ({', '.join(sorted(words))})")
            return words[match.group(1)]
        def intake(match: re.Match) -> str:
            if match.group(1) != "term":
                raise BuildError(f"{where}: {match.group(0)} is unknown; the intake term is {{{{ intake.term }}}}")
            return intake_term.in_words(self.intake_days, lang)

        def statement(match: re.Match) -> str:
            facts = self.accessibility_statement(lang)
            if match.group(1) not in facts:
                raise BuildError(f"{where}: {match.group(0)} names no fact of the accessibility statement "
                                 f"({', '.join(sorted(facts))})")
            return facts[match.group(1)]
        text = _IF_MAIL.sub(lambda match: match.group(1) if self.mail else "", text)
        text = _INTAKE.sub(intake, _PRIVACY.sub(period, _SETTING.sub(fill, text)))
        return _ACCESSIBILITY.sub(statement, text)

    def accessibility_statement(self, lang: str) -> dict[str, str]:
        """{{ accessibility.status }} and so on: the statement's facts from site.toml [accessibility]."""
        return accessibility.fields(self.config["accessibility"], lang, translated,
                                    lambda day: long_date(day, self.strings[lang]["months"]))

    def retention_periods(self, lang: str) -> dict[str, str]:
        """{{ privacy.case }} and so on: the periods the retention run uses, from the same pure
        module and the programme's settings, so the statement says what the software does."""
        return retention_periods.statement(retention_periods.from_settings((self.data or {}).get("settings") or []), lang)

    def _check_forms(self) -> None:
        """Every form's page and thank-you URLs must be real pages, so the app's redirects work."""
        for page in self.pages:
            if not page.form:
                continue
            form = self.forms[page.form]
            where = display_path(page.source)
            if page.lang not in form.page_urls or page.lang not in form.thanks_urls:
                raise BuildError(f"{where}: form {form.name!r} has no page/thanks URL for language "
                                 f"{page.lang!r}; add it to the form's page_urls and thanks_urls")
            if form.page_url(page.lang) != page.url:
                raise BuildError(f"{where}: page is at {page.url} but form {form.name!r} "
                                 f"expects {form.page_url(page.lang)}")
            if self.page_at(form.thanks_url(page.lang)) is None:
                raise BuildError(f"{where}: form {form.name!r} redirects to "
                                 f"{form.thanks_url(page.lang)} but no page has that URL")

    # -- look-ups --------------------------------------------------------
    def page_at(self, url: str) -> Page | None:
        return next((p for p in self.pages if p.url == url), None)

    def home(self, lang: str) -> Page:
        page = self.page_at(self.prefix(lang) + "/")
        assert page is not None  # checked while loading
        return page

    def page_for_form(self, form_name: str, lang: str) -> Page:
        for page in self.pages:
            if page.form == form_name and page.lang == lang:
                return page
        raise LookupError(f"no page in {lang!r} carries form {form_name!r}")

    def url_for_key(self, key: str, lang: str) -> str:
        for page in self.pages:
            if page.key == key and page.lang == lang:
                return page.url
        raise BuildError(f"a template links to the page with key {key!r}, "
                         f"but {display_path(self.content_dir / lang)} has none")

    def children(self, page: Page) -> list[Page]:
        """Indexed pages one level below `page` (the stories under Ervaringen)."""
        depth = page.url.count("/") + 1
        found = [p for p in self.pages if p.lang == page.lang and p.url != page.url
                 and p.url.startswith(page.url) and p.url.count("/") == depth and not p.noindex]
        return sorted(found, key=lambda p: (p.nav_order if p.nav_order is not None else 999, p.title))

    def conflict_label(self, value: str, lang: str) -> str:
        field = self.forms["report"].field("conflict_type")
        if value in {v for v, _ in field.choices}:
            return field.choice_label(value, lang)
        every = forms.list_choices(self.data["lists"], "conflict_types", include_retired=True) if self.data else []
        return next((forms.fields.pick(label, lang) for v, label in every if v == value), value)

    def figures(self) -> dict[str, Any] | None:
        if not self.data:
            return None
        return public_figures(self.data["cases"], self.data["volunteers"], today=self.today)

    def figure_rows(self, figures: dict[str, Any] | None, lang: str) -> dict[str, list[tuple[str, Any]]]:
        """The results page's tables as (label, number) rows in `lang`."""
        if not figures:
            return {"years": [], "types": []}
        t = self.strings[lang]
        years = [(f"{year} {t['results_so_far']}" if year == figures["computed_on"].year else str(year),
                  t["results_fewer"] if figure.suppressed else figure.value)
                 for year, figure in figures["per_year"]]
        types = [(self.conflict_label(value, lang), number) for value, number in figures["conflict_types"]]
        return {"years": years, "types": types}

    def nav(self, lang: str) -> list[Page]:
        items = [p for p in self.pages if p.lang == lang and p.nav_order is not None]
        return sorted(items, key=lambda p: (p.nav_order, p.url))

    def translations(self, page: Page | None, lang: str) -> list[dict[str, str]]:
        """Links to this page in every other language (that language's home if untranslated)."""
        links = []
        for other in self.languages:
            if other == lang:
                continue
            target = None
            if page is not None and page.key:
                target = next((p for p in self.pages if p.lang == other and p.key == page.key), None)
            target = target or self.home(other)
            links.append({"lang": other, "url": target.url, "name": self.strings[other]["language_name"],
                          "dir": self.strings[other]["direction"],
                          "translated": target.key == (page.key if page else None)})
        return links

    # -- rendering -------------------------------------------------------
    def _context(self, lang: str, page: Page | None) -> dict[str, Any]:
        return {
            "site": self.config,
            "lang": lang,
            "t": self.strings[lang],
            "page": page,
            "nav": self.nav(lang),
            "home_url": self.home(lang).url,
            "translations": self.translations(page, lang),
            "url_for_key": lambda key: self.url_for_key(key, lang),
            "has_key": lambda key: any(p.key == key and p.lang == lang for p in self.pages),
            "long_date": lambda day: long_date(day, self.strings[lang]["months"]),
            "document_title": lambda title, error=False: self.document_title(title, lang, error),
            "has_errors": False,
            "content_id": CONTENT_ID,
        }

    def document_title(self, title: str, lang: str, error: bool = False) -> str:
        """The <title>: "Fout: " after a post with mistakes, then the page, then the site's name."""
        parts = [self.strings[lang]["error_title_prefix"]] if error else []
        parts.append(title if title == self.config["name"] else f"{title} - {self.config['name']}")
        return " ".join(parts)

    def _title_element(self, title: str, lang: str, error: bool = False) -> str:
        """A <title> before an htmx fragment: htmx puts it in the page's title, as a full page would."""
        return f"<title>{escape(self.document_title(title, lang, error))}</title>\n"

    def render_page(self, page: Page, result: forms.Result | None = None, *,
                    token: str | None = None, form: forms.Form | None = None) -> str:
        """form: overrides the page's form (the app passes its configured choices)."""
        context = self._context(page.lang, page)
        context.update(
            content=page.html,
            form=form or (self.forms[page.form] if page.form else None),
            result=result,
            token=token,
            has_errors=bool(result and (result.errors or result.notice)),
            children=self.children(page),
        )
        if page.template == "results.html":
            context["figures"] = self.figures()
            context["rows"] = self.figure_rows(context["figures"], page.lang)
        return self.env.get_template(page.template).render(context)

    def render_404(self, lang: str) -> str:
        return self.env.get_template("404.html").render(self._context(lang, None))

    def _macros(self) -> Any:
        return self.env.get_template("forms/macros.html").module

    def render_form(self, form_name: str, lang: str, result: forms.Result | None = None, *,
                    token: str | None = None, form: forms.Form | None = None) -> str:
        html = str(self._macros().render_form(form or self.forms[form_name], lang, result, token))
        if result is None:
            return html
        title = self.page_for_form(form_name, lang).title
        return self._title_element(title, lang, bool(result.errors or result.notice)) + html

    def render_thanks_fragment(self, form_name: str, lang: str) -> str:
        form = self.forms[form_name]
        page = self.page_at(form.thanks_url(lang))
        if page is None:
            raise LookupError(f"no thank-you page at {form.thanks_url(lang)}")
        return self._title_element(page.title, lang) + str(self._macros().render_thanks(form, lang, page.title, page.html))


def _read_data(data_dir: Path) -> dict[str, list] | None:
    """The tables the site needs from the app's data folder, or None without one."""
    if not (data_dir / "tables").is_dir():
        return None
    from db import Store  # only a build with data needs the storage engine

    view = Store(data_dir).read()
    return {name: list(view.table(name).all()) for name in ("lists", "cases", "volunteers", "publicity", "settings")}
