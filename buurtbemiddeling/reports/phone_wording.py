"""The report form as the coordinator fills it in during a phone call: the same fields as the
public form (forms/report.py), its questions worded for the coordinator about the caller."""
from __future__ import annotations

HEADINGS = {"Over u": "De melder (partij A)", "Over uw buren": "De buren (partij B)",
            "Over het probleem": "Het probleem", "Toestemming": "Toestemming"}
LABELS = {
    "name": "Naam van de melder",
    "email": "E-mailadres van de melder",
    "phone": "Telefoonnummer van de melder",
    "street": "Straat en huisnummer van de melder",
    "postcode": "Postcode van de melder",
    "place": "Woonplaats",
    "contact_way": "Hoe wil de melder benaderd worden?",
    "contact_time": "Wanneer is de melder het best te bellen?",
    "language": "Taal of tolk",
    "b_name": "Naam van de buren",
    "b_street": "Straat en huisnummer van de buren",
    "b_postcode": "Postcode van de buren",
    "conflict_type": "Waar gaat het probleem vooral over?",
    "description": "Wat is er gebeurd, volgens de melder?",
    "since": "Sinds wanneer speelt het?",
    "tried": "Wat heeft de melder al geprobeerd?",
    "violence": "Noemt de melder geweld of bedreiging?",
    "consent": "De melder geeft (mondeling) toestemming om de gegevens te gebruiken voor buurtbemiddeling",
}
HINTS = {
    "email": "E-mailadres of telefoonnummer; allebei mag ook.",
    "language": "Als de melder liever in een andere taal praat of een tolk nodig heeft. Leeg als Nederlands goed is.",
    "violence": "Bij geweld of bedreiging: verwijs bij gevaar naar 112, anders naar de politie (0900-8844). "
                "De melding kan wel worden opgeslagen.",
    "consent": "Vertel dat de gegevens alleen voor buurtbemiddeling worden gebruikt (privacyverklaring).",
}


def heading(text: str) -> str:
    return HEADINGS.get(text, text)


def label(field) -> str:
    return LABELS.get(field.name) or field.label_for("nl")
