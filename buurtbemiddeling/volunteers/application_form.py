"""The application form used in the admin to enter an application taken by phone or on paper.

The public site's form (`forms.FORMS["application"]`) is the one definition; while it does
not exist this stand-in writes the same `values` shape, so both kinds of record are alike.
"""
from __future__ import annotations

from forms import FORMS, CheckboxesField, EmailField, Form, PhoneField, PostcodeField, SelectField, TextAreaField, TextField

from ..settings import lists
from . import pool

DAYS = (("ma", "Maandag"), ("di", "Dinsdag"), ("wo", "Woensdag"), ("do", "Donderdag"), ("vr", "Vrijdag"),
        ("za", "Zaterdag"), ("zo", "Zondag"))
PARTS = (("ochtend", "ochtend"), ("middag", "middag"), ("avond", "avond"))
AVAILABILITY = tuple((f"{d}-{p}", {"nl": f"{day} {part}"}) for d, day in DAYS for p, part in PARTS)
LANGUAGES = ("Nederlands", "Engels", "Turks", "Arabisch", "Berbers", "Pools", "Papiaments", "Duits", "Tigrinya")


def _nl(text: str) -> dict[str, str]:
    return {"nl": text}


def _fallback(wijken, channels) -> Form:
    return Form("application", "/aanmelding", [
        TextField("name", _nl("Naam"), max_length=100, messages={"required": _nl("Vul de naam in")}),
        EmailField("email", _nl("E-mailadres"), required=False),
        PhoneField("phone", _nl("Telefoonnummer"), required=False),
        TextField("street", _nl("Straat en huisnummer"), required=False, max_length=150),
        PostcodeField("postcode", _nl("Postcode"), required=False),
        SelectField("wijk", _nl("Wijk"), required=False, choices=wijken) if wijken
        else TextField("wijk", _nl("Wijk"), required=False, max_length=80),
        SelectField("age_band", _nl("Leeftijd"), required=False, choices=[(b, _nl(b)) for b in pool.AGE_BANDS]),
        CheckboxesField("languages", _nl("Talen"), required=False, choices=[(lang, _nl(lang)) for lang in LANGUAGES]),
        TextField("languages_other", _nl("Andere talen"), required=False, hint=_nl("Gescheiden door komma's.")),
        CheckboxesField("availability", _nl("Beschikbaar"), required=False, choices=AVAILABILITY),
        TextAreaField("motivation", _nl("Motivatie"), required=False, max_length=4000),
        TextAreaField("experience", _nl("Ervaring"), required=False, max_length=4000),
        SelectField("heard_via", _nl("Gehoord via"), required=False, choices=channels),
        TextAreaField("background", _nl("Achtergrond (zelf beschreven)"), required=False, max_length=1000),
    ], page_urls={"nl": "/"}, thanks_urls={"nl": "/"}, submit=_nl("Aanmelding opslaan"))


def admin_form(view) -> Form:
    """The public form when it exists (consent is the applicant's to give, so it stays), else the stand-in."""
    public = FORMS.get("application")
    if public is not None:
        return public
    wijken = [(v, _nl(label)) for v, label in lists.choices(view, "wijken")] if "wijken" in lists.registered() else []
    channels = [(v, _nl(label)) for v, label in lists.choices(view, "recruitment_channels")]
    return _fallback(wijken, channels)


def values_from(cleaned: dict) -> dict:
    """The stored values: the contract's fields always present, dates as text."""
    values = {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in cleaned.items()}
    for key in ("languages", "availability"):
        values[key] = list(values.get(key) or [])
    values.setdefault("consent", True)
    return values
