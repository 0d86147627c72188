"""A public form: its fields in order, where it posts to, and how it validates."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field as _field
from typing import Any, Callable, Iterable, Mapping, Sequence

from .fields import Field, Text, ValidationError, pick

# Texts the form macros need that belong to no single field.
UI_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "error_summary": "Er is een probleem",
        "error_prefix": "Fout:",
        "optional": "(niet verplicht)",
        "submit": "Versturen",
        "choose": "Maak een keuze",
        "honeypot": "Laat dit veld leeg",
    },
    "en": {
        "error_summary": "There is a problem",
        "error_prefix": "Error:",
        "optional": "(optional)",
        "submit": "Send",
        "choose": "Choose",
        "honeypot": "Leave this field empty",
    },
}

# Name of the hidden field that carries the page's language in every post.
LANG_FIELD = "lang"
# Spam guards (see buurtbemiddeling/spam.py): a field people never see, and a signed
# start time that htmx fetches from TOKEN_URL/<form name> when the page loads.
HONEYPOT_FIELD = "website"
TOKEN_FIELD = "started"
TOKEN_URL = "/formulier-start"
RESERVED_FIELDS = (LANG_FIELD, HONEYPOT_FIELD, TOKEN_FIELD)


def ui(lang: str, key: str) -> str:
    return pick({code: texts[key] for code, texts in UI_TEXT.items()}, lang)


@dataclass(frozen=True)
class Heading:
    """A sub-heading between groups of fields (rendered as <h2>); not a field."""

    text: Text
    hint: Text | None = None
    kind = "heading"

    def text_for(self, lang: str) -> str:
        return pick(self.text, lang)

    def hint_for(self, lang: str) -> str:
        return pick(self.hint, lang)


@dataclass
class Result:
    """Outcome of `Form.validate`.

    values:  what the visitor typed, per field (str, or list for checkbox groups),
             to put back in the form; never the cleaned value.
    cleaned: the cleaned values of every field that passed (None when left empty).
    errors:  field name -> message in the post's language, in form order.
    notice:  a message about the whole post, shown above the errors; `ok` ignores it.
    """

    values: dict[str, Any] = _field(default_factory=dict)
    cleaned: dict[str, Any] = _field(default_factory=dict)
    errors: dict[str, str] = _field(default_factory=dict)
    lang: str = "nl"
    # A message about the whole post (e.g. "sent too quickly, check and send again").
    notice: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


# A cross-field rule: gets the cleaned values of fields without errors, returns
# errors to add (field name -> ValidationError); fields that already failed are skipped.
Check = Callable[[Mapping[str, Any]], Mapping[str, ValidationError] | None]


class Form:
    def __init__(
        self,
        name: str,
        action: str,
        fields: Sequence[Field | Heading],
        *,
        page_urls: Mapping[str, str],
        thanks_urls: Mapping[str, str],
        submit: Text | None = None,
        checks: Iterable[Check] = (),
    ):
        """`fields` may mix Heading items in between to group fields.

        page_urls / thanks_urls: per language, the public page carrying the form and
        the page to redirect to after a successful post without JavaScript. The site
        build fails if either does not exist, so they cannot drift from the content.
        """
        self.name = name
        self.action = action
        self.items: tuple[Field | Heading, ...] = tuple(fields)
        self.fields: tuple[Field, ...] = tuple(i for i in self.items if isinstance(i, Field))
        self.page_urls = dict(page_urls)
        self.thanks_urls = dict(thanks_urls)
        self.submit = dict(submit) if submit else None
        self.checks = tuple(checks)
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"form {name!r} has duplicate field names")
        reserved = sorted(set(names) & set(RESERVED_FIELDS))
        if reserved:
            raise ValueError(f"form {name!r}: field name(s) {', '.join(reserved)} are reserved")

    def __repr__(self) -> str:
        return f"<Form {self.name} -> {self.action}>"

    # -- look-ups --------------------------------------------------------
    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.page_urls)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"form {self.name!r} has no field {name!r}")

    def page_url(self, lang: str) -> str:
        return self.page_urls[lang]

    def thanks_url(self, lang: str) -> str:
        return self.thanks_urls[lang]

    def lang_of(self, data: Any, default: str = "nl") -> str:
        """The language a post came from (hidden `lang` field), limited to known ones."""
        lang = _get(data, LANG_FIELD)
        return lang if lang in self.page_urls else default

    def ui(self, lang: str, key: str) -> str:
        return ui(lang, key)

    @property
    def html_id(self) -> str:
        return "form-" + self.name

    @property
    def token_url(self) -> str:
        return f"{TOKEN_URL}/{self.name}"

    honeypot_field = HONEYPOT_FIELD
    token_field = TOKEN_FIELD

    def submit_for(self, lang: str) -> str:
        return pick(self.submit, lang) or ui(lang, "submit")

    def with_choices(self, field_name: str, choices: Sequence[tuple[str, Text]]) -> "Form":
        """A copy with one field's choice list replaced (e.g. conflict types from config)."""
        target = self.field(field_name)
        items = [
            dataclasses.replace(i, choices=tuple(choices)) if i is target else i
            for i in self.items
        ]
        return Form(
            self.name, self.action, items,
            page_urls=self.page_urls, thanks_urls=self.thanks_urls,
            submit=self.submit, checks=self.checks,
        )

    # -- validation ------------------------------------------------------
    def validate(self, data: Any, lang: str = "nl") -> Result:
        """Validate a post (werkzeug MultiDict or plain dict)."""
        result = Result(lang=lang)
        for f in self.fields:
            raw = _getlist(data, f.name) if f.multiple else _get(data, f.name)
            result.values[f.name] = raw
            try:
                result.cleaned[f.name] = f.clean(raw)
            except ValidationError as exc:
                result.errors[f.name] = exc.message(lang)
        for check in self.checks:
            passed = {k: v for k, v in result.cleaned.items() if k not in result.errors}
            for name, exc in (check(passed) or {}).items():
                result.errors.setdefault(name, exc.message(lang))
        # Keep errors in form order so the summary reads top to bottom.
        result.errors = {f.name: result.errors[f.name] for f in self.fields if f.name in result.errors}
        for name in result.errors:
            result.cleaned.pop(name, None)
        return result


def _get(data: Any, name: str) -> str:
    value = data.get(name, "") if data is not None else ""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def _getlist(data: Any, name: str) -> list[str]:
    if data is None:
        return []
    if hasattr(data, "getlist"):
        return [str(v) for v in data.getlist(name)]
    value = data.get(name)
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]
