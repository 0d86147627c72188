"""Field types of the public forms.

A field knows its labels, hints and rules in every language and turns what a
visitor typed into a clean value (`clean`) or raises `ValidationError` with a
plain-language message. Texts are dicts keyed by language code; a missing
language falls back to Dutch so a new language never breaks a form.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field as _field
from typing import Any, ClassVar, Mapping, Sequence

from .translations import LANGUAGES, translate

from common import phone, postcode

Text = Mapping[str, str]  # {"nl": "...", "en": "..."}
Choice = tuple[str, Text]

FALLBACK_LANG = "nl"


def pick(text: Text | None, lang: str) -> str:
    """The text in `lang`, else its translation from forms/translations, else Dutch; "" for none."""
    if not text:
        return ""
    return text.get(lang) or translate(text.get(FALLBACK_LANG) or "", lang)


class ValidationError(ValueError):
    """A field's value is not acceptable; carries the message in each language."""

    def __init__(self, messages: Text):
        super().__init__(pick(messages, FALLBACK_LANG))
        self.messages = dict(messages)

    def message(self, lang: str) -> str:
        return pick(self.messages, lang)


# Default messages; `{max}` is filled in. A field overrides any of them with
# `messages={"required": {...}, ...}` so the text can name the thing asked for.
DEFAULT_MESSAGES: dict[str, dict[str, str]] = {
    "required": {"nl": "Vul dit veld in", "en": "Fill in this field"},
    "too_long": {
        "nl": "Uw antwoord is te lang. Gebruik maximaal {max} tekens",
        "en": "Your answer is too long. Use {max} characters or fewer",
    },
    "invalid": {"nl": "Dit antwoord is niet goed", "en": "This answer is not valid"},
    "choose": {"nl": "Kies een van de mogelijkheden", "en": "Select one of the options"},
}

# Control characters other than tab and newlines have no business in a form post.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(eq=False)
class Field:
    """Base class: a single-line text input."""

    name: str
    label: Text
    hint: Text | None = None
    required: bool = True
    max_length: int | None = None
    autocomplete: str | None = None
    choices: Sequence[Choice] = ()
    messages: Mapping[str, Text] = _field(default_factory=dict)

    kind: ClassVar[str] = "input"  # which macro renders it
    input_type: ClassVar[str] = "text"
    multiple: ClassVar[bool] = False  # posts a list (checkbox group)
    default_max_length: ClassVar[int] = 200
    # Extra per-type input attributes (inputmode, spellcheck) for a better keyboard.
    input_attrs: ClassVar[dict[str, str]] = {}
    css_class: ClassVar[str] = ""  # e.g. a narrower input for a postcode

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"field name must be lower_snake_case: {self.name!r}")
        if self.max_length is None:
            self.max_length = self.default_max_length

    # -- texts -----------------------------------------------------------
    @property
    def id(self) -> str:
        """HTML id of the (first) input; the error summary links here."""
        return "field-" + self.name.replace("_", "-")

    def label_for(self, lang: str) -> str:
        return pick(self.label, lang)

    def hint_for(self, lang: str) -> str:
        return pick(self.hint, lang)

    def described_by(self, lang: str, has_error: bool) -> str:
        """Value for aria-describedby: the hint and the error message, if shown."""
        ids = []
        if self.hint_for(lang):
            ids.append(self.id + "-hint")
        if has_error:
            ids.append(self.id + "-error")
        return " ".join(ids)

    def choice_id(self, index: int) -> str:
        """Id of the n-th (0-based) option; the first one is the field's id."""
        return self.id if index == 0 else f"{self.id}-{index + 1}"

    def error(self, key: str, **fmt: Any) -> ValidationError:
        texts = self.messages.get(key) or DEFAULT_MESSAGES[key]
        return ValidationError({lang: pick(texts, lang).format(**fmt) for lang in (*texts, *LANGUAGES)})

    def choice_label(self, value: str, lang: str) -> str:
        for choice_value, label in self.choices:
            if choice_value == value:
                return pick(label, lang)
        return value

    # -- cleaning --------------------------------------------------------
    def clean(self, raw: Any) -> Any:
        """Return the cleaned value, or None when empty and optional."""
        text = self._text(raw)
        if text == "":
            if self.required:
                raise self.error("required")
            return None
        if self.max_length is not None and len(text) > self.max_length:
            raise self.error("too_long", max=self.max_length)
        return self.convert(text)

    def convert(self, text: str) -> Any:
        """Type-specific parsing of a non-empty, length-checked string."""
        return text

    def _text(self, raw: Any) -> str:
        if isinstance(raw, (list, tuple)):
            raw = raw[0] if raw else ""
        if raw is None:
            return ""
        # Browsers post CRLF; count a line break as one character, like maxlength.
        text = _CONTROL.sub("", str(raw).replace("\r\n", "\n").replace("\r", "\n"))
        return text.strip()


class TextField(Field):
    pass


class TextAreaField(Field):
    kind = "textarea"
    default_max_length = 4000
    rows: ClassVar[int] = 6


_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_EMAIL_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def is_email(text: str) -> bool:
    """A practical syntax check (RFC 5321 limits, no quoted local parts or IP domains)."""
    if len(text) > 254 or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    if not (0 < len(local) <= 64) or not _EMAIL_LOCAL.fullmatch(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_LABEL.fullmatch(label) for label in labels):
        return False
    return re.fullmatch(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]+", labels[-1]) is not None


class EmailField(Field):
    input_type = "email"
    default_max_length = 254
    input_attrs = {"spellcheck": "false"}

    def convert(self, text: str) -> str:
        if not is_email(text):
            raise self.error("invalid")
        local, domain = text.split("@")
        return f"{local}@{domain.lower()}"


class PhoneField(Field):
    input_type = "tel"
    default_max_length = 30

    def convert(self, text: str) -> str:
        number = phone.clean(text)
        if number is None:
            raise self.error("invalid")
        return number


class PostcodeField(Field):
    default_max_length = 10
    input_attrs = {"spellcheck": "false"}
    css_class: ClassVar[str] = "input--postcode"

    def convert(self, text: str) -> str:
        code = postcode.clean(text)
        if code is None:
            raise self.error("invalid")
        return code


class DateField(Field):
    """A native date input; also accepts dd-mm-yyyy typed without a date picker."""

    input_type = "date"
    default_max_length = 20

    def convert(self, text: str) -> _dt.date:
        for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
            try:
                return _dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise self.error("invalid")


class SelectField(Field):
    kind = "select"

    def convert(self, text: str) -> str:
        if text not in {value for value, _ in self.choices}:
            raise self.error("choose")
        return text

    def clean(self, raw: Any) -> Any:
        # An unknown choice is "not chosen"; say so instead of "too long".
        text = self._text(raw)
        if text == "":
            if self.required:
                raise self.error("required")
            return None
        return self.convert(text)


class RadioField(SelectField):
    """One choice from a few, rendered as a fieldset with a legend."""

    kind = "radios"


class CheckboxField(Field):
    """A single yes/no box, e.g. consent. Cleans to True/False."""

    kind = "checkbox"
    value: ClassVar[str] = "ja"  # posted when ticked

    def clean(self, raw: Any) -> bool:
        ticked = self._text(raw) == self.value
        if self.required and not ticked:
            raise self.error("required")
        return ticked


class CheckboxesField(Field):
    """Several choices from a list, rendered as a fieldset with a legend."""

    kind = "checkboxes"
    multiple = True

    def clean(self, raw: Any) -> list[str]:
        if raw is None:
            raw = []
        elif isinstance(raw, str):
            raw = [raw]
        chosen = {self._text(item) for item in raw} - {""}
        allowed = [value for value, _ in self.choices]
        if chosen - set(allowed):
            raise self.error("choose")
        if self.required and not chosen:
            raise self.error("required")
        return [value for value in allowed if value in chosen]  # in list order


@dataclass(eq=False)
class CheckboxGridField(CheckboxesField):
    """Checkboxes in a grid of rows x columns (days x parts of the day).

    Values are "<row>-<column>" ("ma-ochtend"). Rendered as one fieldset per row
    inside the field's fieldset, so a screen reader announces "Maandag, Ochtend".
    """

    rows: Sequence[Choice] = ()
    columns: Sequence[Choice] = ()

    kind = "grid"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.choices = tuple(
            (f"{row}-{column}", {lang: f"{pick(row_label, lang)} {pick(col_label, lang).lower()}"
                                 for lang in set(row_label) | set(col_label)})
            for row, row_label in self.rows for column, col_label in self.columns
        )

    def grid(self, lang: str) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
        """[(row value, row label, [(choice value, column label, input id)])] in order."""
        out, index = [], 0
        for row, row_label in self.rows:
            cells = []
            for column, col_label in self.columns:
                cells.append((f"{row}-{column}", pick(col_label, lang), self.choice_id(index)))
                index += 1
            out.append((row, pick(row_label, lang), cells))
        return out
