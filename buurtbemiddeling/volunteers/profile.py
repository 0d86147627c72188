"""The volunteer profile form: what the coordinator may edit, checked. Pure.

Text the coordinator types comes back unchanged in `raw` on an error, so nothing is lost.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from common import phone as phones
from common import postcode as postcodes
from forms.fields import is_email

from . import pool
from .checks import past_date
from .application_form import AVAILABILITY

GENDERS = pool.GENDERS


def _lines(text: str) -> list[str]:
    return [line.strip()[:150] for line in (text or "").splitlines() if line.strip()][:50]


def check_profile(form: Any, conflict_types: Sequence[tuple[str, str]], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """`form` is a MultiDict (languages and availability come as lists)."""
    errors: dict[str, str] = {}
    name = (form.get("name") or "").strip()[:100]
    if not name:
        errors["name"] = "Vul de naam in."
    email = (form.get("email") or "").strip()
    if email and not is_email(email):
        errors["email"] = "Het e-mailadres is niet goed. Gebruik de vorm naam@voorbeeld.nl."
    phone = (form.get("phone") or "").strip()
    if phone and phones.clean(phone) is None:
        errors["phone"] = f"Het telefoonnummer is niet goed. {phones.HOW}."
    postcode = (form.get("postcode") or "").strip()
    code = postcodes.clean(postcode)
    if postcode and not code:
        errors["postcode"] = f"De postcode is niet goed. {postcodes.HOW}."
    age_band = form.get("age_band") or ""
    if age_band and age_band not in pool.AGE_BANDS:
        errors["age_band"] = "Kies een leeftijdsgroep."
    gender = form.get("gender") or ""
    if gender and gender not in GENDERS:
        errors["gender"] = "Kies een gender of laat het leeg."
    max_cases = (form.get("max_cases") or "").strip()
    if not (max_cases.isdigit() and 1 <= int(max_cases) <= 10):
        errors["max_cases"] = "Vul een aantal van 1 tot 10 in."
    start = past_date(form.get("start_date"), errors, "start_date", today, required=False,
                      missing="Vul de startdatum in, bijvoorbeeld 2024-09-01.", future="De startdatum ligt in de toekomst.")
    experience = {}
    for value, label in conflict_types:
        raw = (form.get(f"experience_{value}") or "").strip()
        if raw and not (raw.isdigit() and int(raw) <= 500):
            errors[f"experience_{value}"] = f"Vul bij {label.lower()} een aantal zaken in (een heel getal)."
        elif raw and int(raw):
            experience[value] = int(raw)
    allowed = {value for value, _ in AVAILABILITY}
    languages = [part.strip() for part in (form.get("languages") or "").split(",") if part.strip()][:20]
    doc = {
        "name": name, "email": email.lower(), "phone": phones.clean(phone) if phone and "phone" not in errors else phone,
        "street": (form.get("street") or "").strip()[:150],
        "postcode": code or postcode,
        "wijk": (form.get("wijk") or "").strip()[:80], "languages": languages, "age_band": age_band, "gender": gender,
        "background": (form.get("background") or "").strip()[:1000],
        "availability": [v for v, _ in AVAILABILITY if v in set(form.getlist("availability")) & allowed],
        "max_cases": int(max_cases) if max_cases.isdigit() else 2, "experience": experience, "start_date": start,
        "notes": (form.get("notes") or "").strip()[:4000], "knows": _lines(form.get("knows") or ""),
    }
    return doc, errors


def form_values(doc: dict[str, Any]) -> dict[str, Any]:
    """A volunteer doc as the edit form shows it."""
    return {**doc, "languages": ", ".join(doc.get("languages", [])), "knows": "\n".join(doc.get("knows", [])),
            **{f"experience_{k}": v for k, v in (doc.get("experience") or {}).items()}}
