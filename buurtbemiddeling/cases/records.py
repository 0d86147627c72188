"""Shapes of a case and its timeline entries, and the checks on what the coordinator types.

Pure of Flask and of the store: functions take plain mappings (a posted form, a report
doc) and return clean values or a dict of Dutch error messages per field.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Mapping

from common import phone, postcode
from figures import cases as case_rules
import forms  # its fields (the e-mail rule) load when a party is checked, not with the cases

from ..reports.intake import preferred_language
from .workflow import Change, WorkflowError, parse_date

PARTY_FIELDS = ("name", "street", "postcode", "place", "phone", "email", "household", "tenure", "landlord", "language",
                "call_time")
# The report form's "when is the best time to call you?" as a party's call_time.
CALL_TIMES = {"ochtend": "ochtend", "middag": "middag", "avond": "avond"}
TENURES = {"huur": "Huur", "koop": "Koop"}
CONTACT_WITH = {
    "verwijzer": "Verwijzer", "partij-a": "Partij A", "partij-b": "Partij B",
    "bemiddelaars": "Bemiddelaars", "anders": "Iemand anders",
}
CHANNELS = {
    "telefoon": "Telefoon", "email": "E-mail", "huisbezoek": "Huisbezoek",
    "kantoor": "Op kantoor", "brief": "Brief", "app": "Berichtenapp",
}
# How a contact attempt went; a phone call often does not reach anyone.
CONTACT_OUTCOMES = {"bereikt": "Bereikt", "niet-bereikt": "Niet bereikt", "voicemail": "Voicemail ingesproken"}
UNREACHED_WARNING = 3  # from this many attempts in a row without reaching someone, the case page warns
EVENT_KINDS = {
    "created": "Aangemaakt", "step": "Stap", "intake": "Intake", "contact": "Contact",
    "note": "Notitie", "document": "Document", "edit": "Gegevens gewijzigd", "duo": "Duo",
    "feedback": "Terugkoppeling verwijzer", "letter": "Brief",
    "appointment": "Afspraak",
}
MAX_MINUTES = 24 * 60

Errors = dict[str, str]


def party_letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def mail_address(case: Mapping[str, Any], index: int) -> str | None:
    """The party's e-mail address, when there is one."""
    from .. import mail  # with ssl and email: only where an address is checked, not with every record

    address = ((case.get("parties") or [])[index]).get("email")
    return address if mail.is_address(address) else None


def empty_party() -> dict[str, str]:
    return {name: "" for name in PARTY_FIELDS}


def _text(data: Mapping, name: str, limit: int = 200) -> str:
    value = data.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    # Inputs carry maxlength; only a crafted post is cut short.
    return " ".join(str(value or "").split())[:limit]


# -- from a report -----------------------------------------------------------------

def from_report(report: Mapping, report_id: int, *, wijk: str = "") -> dict[str, Any]:
    """The fields of a new case, copied from a web, phone or referral report."""
    values = report.get("values") or {}
    party_a = empty_party() | {
        "name": values.get("name") or "", "street": values.get("street") or "",
        "postcode": values.get("postcode") or "", "place": values.get("place") or "",
        "phone": values.get("phone") or "", "email": values.get("email") or "",
        "language": preferred_language(report),
        "call_time": call_time(values.get("contact_time")),
    }
    party_b = empty_party() | {
        "name": values.get("b_name") or "", "street": values.get("b_street") or "",
        "postcode": values.get("b_postcode") or "", "place": values.get("place") or "",
    }
    if report.get("form") == "referral":
        referrer = {"type": values.get("org_type") or "overig", "organisation": values.get("org_name") or "",
                    "person": values.get("referrer_name") or "", "phone": values.get("referrer_phone") or "",
                    "email": values.get("referrer_email") or "",
                    "feedback_consent": values.get("feedback_consent") is True}
    else:
        referrer = {"type": "zelfmelder", "organisation": "", "person": "", "phone": "", "email": ""}
    conflict = values.get("conflict_type")
    conflict_types = list(conflict) if isinstance(conflict, (list, tuple)) else ([conflict] if conflict else [])
    description = values.get("description") or ""
    extra = [f"Sinds: {values['since']}" if values.get("since") else "",
             f"Al geprobeerd: {values['tried']}" if values.get("tried") else ""]
    return {
        "report_id": report_id,
        "source": report.get("source", "web"),
        "reported_at": report.get("received_at") or "",
        "parties": [party_a, party_b],
        "wijk": wijk,
        "referrer": referrer,
        "conflict_types": conflict_types,
        "description": "\n\n".join([description, *[e for e in extra if e]]).strip(),
        "complex": False,
        "violence_reported": values.get("violence") == "ja",
    }


def call_time(chosen: Any) -> str:
    """"ochtend, avond" from the report form's checkboxes (a list or one value)."""
    chosen = chosen if isinstance(chosen, (list, tuple)) else [chosen] if chosen else []
    return ", ".join(CALL_TIMES[c] for c in chosen if c in CALL_TIMES)


def new_case(fields: Mapping[str, Any], *, number: str, now: dt.datetime, step: str = "aangemeld") -> dict[str, Any]:
    stamp = now.isoformat(timespec="seconds")
    return {
        "number": number,
        "step": step,
        "held_from": None,
        "report_id": None,
        "source": "beheer",
        "reported_at": stamp,
        "parties": [empty_party(), empty_party()],
        "wijk": "",
        "referrer": {"type": "zelfmelder", "organisation": "", "person": "", "phone": "", "email": ""},
        "conflict_types": [],
        "description": "",
        "complex": False,
        "duo": [],
        "minutes": 0,
        "intake": {"checklist": [], "decision": "", "reason": "", "advice": ""},
        "closing": None,
        "last_talk": None,
        "nazorg_due": None,
        "created_at": stamp,
        "last_activity_at": stamp,
        **fields,
    }


# -- the case details form -----------------------------------------------------------

# Party fields written in one canonical form, or refused with a message.
_NORMALISED = (
    ("postcode", postcode.clean, "De postcode van partij {letter} is niet goed. " + postcode.HOW + "."),
    ("phone", phone.clean, "Het telefoonnummer van partij {letter} is niet goed. " + phone.HOW + "."),
)


def parse_details(data: Mapping, *, valid: Callable[[str, str], bool], today: dt.date,
                  party_count: int, partners: Mapping[int, str]) -> tuple[dict[str, Any], Errors]:
    """Clean the 'Gegevens' form. `valid(list_key, value)` checks configured list values;
    `partners` (id -> name) are the network partners the referrer may be linked to.

    Parties are posted as p0-name, p0-street, ...; a party beyond B left wholly empty is dropped.
    """
    errors: Errors = {}
    parties = []
    for index in range(party_count):
        party = {name: _text(data, f"p{index}-{name}", 150) for name in PARTY_FIELDS}
        letter = party_letter(index)
        if index >= 2 and not any(party.values()):
            continue
        prefix = f"p{index}-"
        if index == 0 and not party["name"]:
            errors[prefix + "name"] = "Vul de naam van partij A in."
        if not party["street"] and index < 2:
            errors[prefix + "street"] = f"Vul het adres (straat en huisnummer) van partij {letter} in."
        for name, clean, problem in _NORMALISED:
            if party[name]:
                value = clean(party[name])
                if value is None:
                    errors[prefix + name] = problem.format(letter=letter)
                else:
                    party[name] = value
        if party["email"] and not forms.fields.is_email(party["email"]):
            errors[prefix + "email"] = f"Het e-mailadres van partij {letter} is niet goed. Gebruik de vorm naam@voorbeeld.nl."
        if party["household"] and not valid("household_types", party["household"]):
            errors[prefix + "household"] = f"Kies een huishouden uit de lijst voor partij {letter}."
        if party["tenure"] and party["tenure"] not in TENURES:
            errors[prefix + "tenure"] = f"Kies huur of koop voor partij {letter}."
        parties.append(party)

    wijk = _text(data, "wijk")
    if wijk and not valid("wijken", wijk):
        errors["wijk"] = "Kies een wijk uit de lijst."
    referrer = {
        "type": _text(data, "referrer_type"), "organisation": _text(data, "referrer_organisation", 150),
        "person": _text(data, "referrer_person", 150), "phone": _text(data, "referrer_phone", 30),
        "email": _text(data, "referrer_email", 150),
    }
    if not valid("referrer_types", referrer["type"]):
        errors["referrer_type"] = "Kies wie de zaak heeft aangemeld."
    if referrer["phone"]:
        referrer["phone"] = phone.clean(referrer["phone"]) or referrer["phone"]
    try:
        referrer = with_partner(referrer, parse_partner(data.get(PARTNER_FIELD), partners))
    except WorkflowError as exc:
        errors[exc.field] = exc.message
    conflict_types = data.getlist("conflict_types") if hasattr(data, "getlist") else list(data.get("conflict_types") or [])
    conflict_types = [c for c in dict.fromkeys(conflict_types) if c]
    if not conflict_types:
        errors["conflict_types"] = "Kies minstens één soort conflict."
    elif not all(valid("conflict_types", c) for c in conflict_types):
        errors["conflict_types"] = "Kies soorten conflict uit de lijst."
    description = str(data.get("description") or "").replace("\r\n", "\n").strip()
    if len(description) > 8000:
        errors["description"] = "De omschrijving is te lang. Gebruik maximaal 8000 tekens."
    reported = None
    try:
        reported = parse_date(data.get("reported_at"), "datum van aanmelding", "reported_at", today=today)
    except WorkflowError as exc:
        errors[exc.field] = exc.message
    cleaned = {
        "parties": parties, "wijk": wijk, "referrer": referrer, "conflict_types": conflict_types,
        "description": description, "complex": data.get("complex") == "ja",
    }
    if reported:
        cleaned["reported_date"] = reported
    return cleaned, errors


def details_form_values(case: Mapping) -> dict[str, Any]:
    """A case as the flat values of the 'Gegevens' form."""
    values: dict[str, Any] = {}
    for index, party in enumerate(case.get("parties") or []):
        for name in PARTY_FIELDS:
            values[f"p{index}-{name}"] = party.get(name, "")
    referrer = case.get("referrer") or {}
    values.update({
        "wijk": case.get("wijk", ""), "referrer_type": referrer.get("type", ""),
        "referrer_organisation": referrer.get("organisation", ""), "referrer_person": referrer.get("person", ""),
        "referrer_phone": referrer.get("phone", ""), "referrer_email": referrer.get("email", ""),
        PARTNER_FIELD: "" if referrer.get("partner_id") is None else str(referrer["partner_id"]),
        "conflict_types": list(case.get("conflict_types") or []), "description": case.get("description", ""),
        "complex": "ja" if case.get("complex") else "", "reported_at": str(case_rules.reported_on(case) or ""),
    })
    return values


# -- the referrer's network partner ---------------------------------------------------

# The select on the 'Gegevens' form and on a report's "make a case" form.
PARTNER_FIELD = "referrer_partner"


def parse_partner(value: Any, partners: Mapping[int, str]) -> int | None:
    """The chosen partner's id ("" is none); one not in `partners` (id -> name) is refused."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) not in partners:
        raise WorkflowError("Deze partner staat niet in het netwerk. Kies een partner uit de lijst "
                            "of ‘Geen / niet bekend’.", PARTNER_FIELD)
    return int(text)


def with_partner(referrer: Mapping[str, Any], partner_id: int | None) -> dict[str, Any]:
    """The referrer linked to `partner_id`; without `partner_id` when None (then the partner
    feedback falls back to the organisation's name). A resident who reported themselves
    was referred by no partner."""
    if partner_id is not None and referrer.get("type") == "zelfmelder":
        raise WorkflowError("Een zelfmelder is niet door een partner verwezen. Kies een ander soort verwijzer "
                            "of bij ‘Partner in het netwerk’ ‘Geen / niet bekend’.", PARTNER_FIELD)
    found = {key: value for key, value in referrer.items() if key != "partner_id"}
    if partner_id is not None:
        found["partner_id"] = partner_id
    return found


def partner_note(case: Mapping, partner_id: int | None, partners: Mapping[int, str]) -> str:
    """What the timeline says when the case's link to a network partner changes; "" when it does not."""
    old = (case.get("referrer") or {}).get("partner_id")
    if old == partner_id:
        return ""
    if partner_id is None:
        return f"niet meer gekoppeld aan netwerkpartner {partners.get(old) or old}"
    return f"gekoppeld aan netwerkpartner {partners.get(partner_id) or partner_id}"


def details_change(case: Mapping, cleaned: Mapping[str, Any], partners: Mapping[int, str]) -> Change:
    """The 'Gegevens' form written; its timeline entry also says when the partner link changed."""
    partner_id = cleaned["referrer"].get("partner_id")
    note = partner_note(case, partner_id, partners)
    event = {"kind": "edit", "note": f"Gegevens bijgewerkt; {note}" if note else "Gegevens bijgewerkt"}
    return Change(dict(cleaned), {**event, "partner_id": partner_id} if note else event)


def link_partner(case: Mapping, partner_id: int | None, partners: Mapping[int, str]) -> Change:
    """Link the case's referrer to a network partner (or unlink it), with its timeline entry."""
    note = partner_note(case, partner_id, partners)
    event = {"kind": "edit", "note": note[:1].upper() + note[1:] + ".", "partner_id": partner_id} if note else {}
    return Change({"referrer": with_partner(case.get("referrer") or {}, partner_id)}, event)


# -- timeline entries ----------------------------------------------------------------

def parse_minutes(text: Any) -> int:
    text = str(text or "").strip()
    if not text:
        return 0
    match = re.fullmatch(r"(?:(\d{1,2})[:u.])?(\d{1,4})", text)
    if not match:
        raise WorkflowError("Vul de tijd in minuten in, bijvoorbeeld 20 (of 1:30 voor anderhalf uur).", "minutes")
    minutes = int(match.group(1) or 0) * 60 + int(match.group(2))
    if minutes > MAX_MINUTES:
        raise WorkflowError("Zoveel tijd past niet in één dag. Vul de minuten van dit ene contact in.", "minutes")
    return minutes


def parse_contact(data: Mapping, *, today: dt.date, not_before: dt.date | None) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    entry: dict[str, Any] = {"kind": "contact"}
    try:
        entry["date"] = parse_date(data.get("date"), "datum van het contact", "date", today=today,
                                   not_before=not_before).isoformat()
    except WorkflowError as exc:
        errors[exc.field] = exc.message
    entry["with"] = _text(data, "with")
    if entry["with"] not in CONTACT_WITH:
        errors["with"] = "Kies met wie u contact had."
    entry["channel"] = _text(data, "channel")
    if entry["channel"] not in CHANNELS:
        errors["channel"] = "Kies hoe het contact was."
    entry["outcome"] = _text(data, "outcome") or "bereikt"
    if entry["outcome"] not in CONTACT_OUTCOMES:
        errors["outcome"] = "Kies of u iemand heeft bereikt."
    entry["summary"] = str(data.get("summary") or "").replace("\r\n", "\n").strip()
    if not entry["summary"] and entry["outcome"] == "bereikt":
        errors["summary"] = "Schrijf kort wat er besproken is."
    elif len(entry["summary"]) > 4000:
        errors["summary"] = "De samenvatting is te lang. Gebruik maximaal 4000 tekens."
    try:
        entry["minutes"] = parse_minutes(data.get("minutes"))
    except WorkflowError as exc:
        errors[exc.field] = exc.message
    return entry, errors


def unreached(events) -> dict[str, int]:
    """Per person contacted ("partij-a", ...): the attempts since they were last reached."""
    counts: dict[str, int] = {}
    for event in events:  # oldest first
        if event.get("kind") != "contact":
            continue
        reached = event.get("outcome", "bereikt") == "bereikt"
        counts[event.get("with", "")] = 0 if reached else counts.get(event.get("with", ""), 0) + 1
    return {who: count for who, count in counts.items() if count}


def parse_note(data: Mapping) -> tuple[dict[str, Any], Errors]:
    text = str(data.get("text") or "").replace("\r\n", "\n").strip()
    if not text:
        return {}, {"text": "Schrijf de notitie."}
    if len(text) > 4000:
        return {}, {"text": "De notitie is te lang. Gebruik maximaal 4000 tekens."}
    return {"kind": "note", "text": text}, {}


def minutes_label(minutes: int | None) -> str:
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} u {rest} min"
    return f"{hours} u" if hours else f"{rest} min"
