"""Standard letters to the parties: which letter may go to whom, and the merge fields each
one gets — computed only for the fields its template allows, so a letter can never carry more
(the kennismakingsbrief to party B knows nothing of party A or of the conflict). Pure.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sitebuilder
from common import clock

from .. import mail
from ..cases import appointments as appointment_rules
from ..cases.records import mail_address, party_letter  # noqa: F401  (mail_address: case_views asks here)
from . import templates


class LetterError(ValueError):
    def __init__(self, message: str, field: str = "letter"):
        super().__init__(message)
        self.message, self.field = message, field


def long_date(day: dt.date) -> str:
    months = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december")
    return f"{day.day} {months[day.month - 1]} {day.year}"


def choose(case: Mapping[str, Any], key: str, party: Any, appointment_id: Any,
           mine: Sequence[Mapping[str, Any]]) -> tuple[templates.Template, int, Mapping[str, Any] | None]:
    """Check the coordinator's choice: a known letter, a party it may go to, and for the
    confirmation a planned appointment of this case."""
    template = templates.LETTERS.get(key)
    if template is None:
        raise LetterError("Kies een brief.")
    index = int(party) if str(party or "").isdigit() else template.parties[0]
    if index not in template.parties:
        allowed = " of ".join(f"partij {party_letter(i)}" for i in template.parties)
        raise LetterError(f"De {template.label.lower()} gaat alleen naar {allowed}.", "party")
    parties = case.get("parties") or []
    if index >= len(parties) or not (parties[index].get("name") or "").strip():
        raise LetterError(f"Van partij {party_letter(index)} is geen naam bekend. Vul eerst de gegevens aan.", "party")
    appointment = None
    if "afspraak_datum" in template.fields:
        appointment = next((a for a in mine if str(a.doc_id) == str(appointment_id or "")), None)
        if appointment is None:
            raise LetterError("Kies de afspraak die de brief bevestigt. Geen afspraak in de lijst? "
                              "Plan die eerst onder ‘Afspraken’.", "appointment")
    if "advies" in template.fields and not ((case.get("intake") or {}).get("advice") or "").strip():
        raise LetterError("Er is bij het intakebesluit geen advies geschreven.", "letter")
    return template, index, appointment


def values(template: templates.Template, case: Mapping[str, Any], index: int, *,
           appointment: Mapping[str, Any] | None, volunteer_names: Mapping[int, str], coordinator: str,
           site: Mapping[str, Any], today: dt.date) -> dict[str, str]:
    """The merge fields of one letter: only those its template allows."""
    party = (case.get("parties") or [])[index]
    every = {
        "datum": lambda: long_date(today),
        "zaaknummer": lambda: case.get("number") or "",
        "naam": lambda: party.get("name") or "",
        "adres": lambda: party.get("street") or "",
        "postcode_plaats": lambda: " ".join(p for p in (party.get("postcode"), party.get("place")) if p),
        "afspraak_datum": lambda: long_date(clock.to_date(appointment["date"])) if appointment else "",
        "afspraak_tijd": lambda: "–".join(t for t in ((appointment or {}).get("start"), (appointment or {}).get("end")) if t),
        "afspraak_plaats": lambda: (appointment or {}).get("place") or "",
        "bemiddelaars": lambda: " en ".join((volunteer_names.get(v) or "").split(" ")[0]
                                            for v in (appointment or {}).get("volunteers") or [] if volunteer_names.get(v)),
        "advies": lambda: (case.get("intake") or {}).get("advice") or "",
        "coordinator": lambda: coordinator,
        "programma": lambda: site["name"], "telefoon": lambda: site["phone"], "email": lambda: site["email"],
        "adres_programma": lambda: f"{site['address']}, {site['postcode']} {site['city']}",
    }
    return {name: every[name]() for name in template.fields}


def address_lines(fields: Mapping[str, str]) -> list[str]:
    """The recipient's address for the envelope window."""
    return [line for line in (fields.get("naam"), fields.get("adres"), fields.get("postcode_plaats")) if line]


# -- composing and queueing (the store functions) ---------------------------------------

@dataclass(frozen=True)
class Letter:
    """A letter to a party, its fields worked out but not yet filled in."""

    template: templates.Template
    party: int
    subject: str
    body: str                   # Markdown, fields not yet filled
    fields: Mapping[str, str]

    def text(self) -> str:
        """The letter as plain text for a mail (Markdown reads as text)."""
        return templates.fill(self.template, self.body, self.fields)

    def markdown(self) -> str:
        """The letter as Markdown for the PDF, its values escaped."""
        return templates.fill(self.template, self.body, self.fields, markdown=True)


def compose(view, case: Mapping[str, Any], key: str, party: Any, appointment_id: Any, *, coordinator: str,
            today: dt.date, volunteer_names: Mapping[int, str] | None = None) -> Letter:
    """A letter of the case, filled in. `view` may be a transaction."""
    mine = appointment_rules.of_case(appointment_rules.all_of(view), case.doc_id)
    template, index, appointment = choose(case, key, party, appointment_id, mine)
    fields = values(template, case, index, appointment=appointment, volunteer_names=volunteer_names or {},
                    coordinator=coordinator, site=sitebuilder.site_config(), today=today)
    subject, body = templates.current(view, key)
    return Letter(template, index, templates.fill(template, subject, fields), body, fields)


def queue_mail(tx, case_id: int, letter: Letter, address: str) -> dict[str, Any]:
    """Queue the letter as a mail; returns its timeline entry."""
    [mail_id] = mail.queue(tx, [mail.Mail(address, letter.subject, letter.text(), kind=f"letter-{letter.template.key}",
                                          reply_to=sitebuilder.site_config()["email"])], record=f"case:{case_id}")
    return {"kind": "letter", "letter": letter.template.key, "party": letter.party, "channel": "e-mail",
            "mail_id": mail_id, "note": f"{letter.template.label} per e-mail aan partij {party_letter(letter.party)} "
                                        f"({mail.mask(address)})."}
