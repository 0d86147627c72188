"""Building blocks the public forms share: texts, contact and address fields.

The same field appears about different people ("your postcode", "the resident's
postcode", "your neighbours' postcode"); `Whose` holds those phrases so every
message names exactly what is asked for, in every language.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from markupsafe import Markup

from common import phone, postcode

from .fields import (
    CheckboxField,
    EmailField,
    PhoneField,
    PostcodeField,
    RadioField,
    Text,
    TextAreaField,
    TextField,
    ValidationError,
    pick,
)

PRIVACY_URLS = {"nl": "/privacy/", "en": "/en/privacy/", "tr": "/tr/gizlilik/", "ar": "/ar/privacy/",
                "pl": "/pl/prywatnosc/"}
YES_NO = (("ja", {"nl": "Ja", "en": "Yes"}), ("nee", {"nl": "Nee", "en": "No"}))


def msg(nl: str, en: str) -> Text:
    return {"nl": nl, "en": en}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Whose:
    """How to name one person's details in messages: {thing: (Dutch, English)}."""

    phrases: Mapping[str, tuple[str, str]]

    def of(self, thing: str) -> tuple[str, str]:
        return self.phrases[thing]

    def required(self, thing: str, example: tuple[str, str] | None = None) -> Text:
        nl, en = self.of(thing)
        if example:
            return msg(f"Vul {nl} in, bijvoorbeeld {example[0]}", f"Enter {en}, like {example[1]}")
        return msg(f"Vul {nl} in", f"Enter {en}")

    def too_long(self, thing: str) -> Text:
        nl, en = self.of(thing)
        return msg(f"{_cap(nl)} is te lang. Gebruik maximaal {{max}} tekens",
                   f"{_cap(en)} must be {{max}} characters or fewer")

    def invalid(self, thing: str, how_nl: str, example_en: str) -> Text:
        nl, en = self.of(thing)
        return msg(f"{_cap(nl)} is niet goed. {how_nl}", f"Enter {en} in the correct format, like {example_en}")


SELF = Whose({
    "name": ("uw naam", "your name"),
    "email": ("uw e-mailadres", "your email address"),
    "phone": ("uw telefoonnummer", "your phone number"),
    "street": ("uw straat en huisnummer", "your street and house number"),
    "postcode": ("uw postcode", "your postcode"),
    "place": ("uw woonplaats", "your town"),
})
RESIDENT = Whose({
    "name": ("de naam van de bewoner", "the resident's name"),
    "email": ("het e-mailadres van de bewoner", "the resident's email address"),
    "phone": ("het telefoonnummer van de bewoner", "the resident's phone number"),
    "street": ("de straat en het huisnummer van de bewoner", "the resident's street and house number"),
    "postcode": ("de postcode van de bewoner", "the resident's postcode"),
    "place": ("de woonplaats van de bewoner", "the resident's town"),
})
NEIGHBOURS = Whose({
    "name": ("de naam van de buren", "the neighbours' name"),
    "street": ("de straat en het huisnummer van de buren", "the neighbours' street and house number"),
    "postcode": ("de postcode van de buren", "the neighbours' postcode"),
})

POSTCODE_EXAMPLE = (postcode.EXAMPLE, postcode.EXAMPLE)
POSTCODE_HOW = postcode.HOW


def name_field(name: str, label: Text, whose: Whose, **options: Any) -> TextField:
    options.setdefault("max_length", 100)
    return TextField(name, label, messages={"required": whose.required("name"),
                                            "too_long": whose.too_long("name")}, **options)


def email_field(name: str, label: Text, whose: Whose, **options: Any) -> EmailField:
    return EmailField(name, label, messages={
        "required": whose.required("email"),
        "invalid": whose.invalid("email", "Gebruik de vorm naam@voorbeeld.nl", "name@example.com"),
        "too_long": whose.too_long("email"),
    }, **options)


def phone_field(name: str, label: Text, whose: Whose, **options: Any) -> PhoneField:
    options.setdefault("hint", msg(phone.HINT, "For example 06 12345678, +31 6 12345678 or 0900-8844"))
    return PhoneField(name, label, messages={
        "required": whose.required("phone"),
        "invalid": whose.invalid("phone", phone.HOW,
                                 "Use 10 digits (for example 06 12345678), an 0800 or 0900 number, or +country and number"),
        "too_long": whose.too_long("phone"),
    }, **options)


def street_field(name: str, label: Text, whose: Whose, **options: Any) -> TextField:
    options.setdefault("max_length", 150)
    return TextField(name, label, messages={"required": whose.required("street"),
                                            "too_long": whose.too_long("street")}, **options)


def postcode_field(name: str, label: Text, whose: Whose, **options: Any) -> PostcodeField:
    invalid = whose.invalid("postcode", POSTCODE_HOW, "1234 AB")
    return PostcodeField(name, label, messages={
        "required": whose.required("postcode", POSTCODE_EXAMPLE),
        "invalid": invalid,
        "too_long": invalid,
    }, **options)


def place_field(name: str, label: Text, whose: Whose, **options: Any) -> TextField:
    options.setdefault("max_length", 100)
    return TextField(name, label, messages={"required": whose.required("place"),
                                            "too_long": whose.too_long("place")}, **options)


def text_area(name: str, label: Text, required_msg: Text | None = None, *,
              too_long_msg: Text | None = None, **options: Any) -> TextAreaField:
    messages = {"too_long": too_long_msg or msg("Uw antwoord is te lang. Gebruik maximaal {max} tekens",
                                                "Your answer must be {max} characters or fewer")}
    if required_msg:
        messages["required"] = required_msg
    return TextAreaField(name, label, messages=messages, **options)


def conflict_type_field(conflict_types, label: Text, required_msg: Text) -> RadioField:
    return RadioField("conflict_type", label, choices=tuple(conflict_types), messages={"required": required_msg})


class PerLanguage(Mapping):
    """A text per language, made when a language is first asked for: the forms are defined at
    import, and a text in Turkish, Arabic or Polish reads that language's translation file."""

    def __init__(self, languages: Mapping[str, Any], make: Callable[[str], str]) -> None:
        self._languages, self._make, self._made = languages, make, {}

    def __getitem__(self, lang: str) -> str:
        if lang not in self._made:
            if lang not in self._languages:
                raise KeyError(lang)
            self._made[lang] = self._make(lang)
        return self._made[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._languages)

    def __len__(self) -> int:
        return len(self._languages)


def privacy_consent(label: Text, purpose: Text, required_msg: Text, name: str = "consent") -> CheckboxField:
    """The consent box, with a link to the privacy statement in its hint."""
    read = msg("Lees de privacyverklaring", "Read the privacy statement")
    hint = PerLanguage(PRIVACY_URLS, lambda lang: Markup('{} <a href="{}">{}</a>.').format(
        pick(purpose, lang), PRIVACY_URLS[lang], pick(read, lang)))
    return CheckboxField(name, label, hint=hint, messages={"required": required_msg})


def email_or_phone(email: str, phone: str, message: Text):
    """A check: at least one way to reach the person (reported on the email field)."""

    def check(cleaned: Mapping[str, Any]) -> dict[str, ValidationError]:
        if email not in cleaned or phone not in cleaned:
            return {}  # one of them already has its own error
        if not cleaned[email] and not cleaned[phone]:
            return {email: ValidationError(message)}
        return {}

    return check
