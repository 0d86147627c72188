"""The subject export (inzageverzoek): what we hold about one person, and only that, in Dutch.

Made from the hits the coordinator chose (`privacy/subjects.py`) and the personal-data registry
(`privacy/registry.py`). The same plain structure becomes the JSON file and the PDF: every key
is a Dutch label, every value a text (dates as 06-12-2026), a list or such a mapping.

What "only about them" means, where one record holds several people:
- A case where they are a party: their own party details; every other party is only
  "de andere partij" (no name, address, phone, e-mail, household or landlord). The referrer's
  organisation is named, the person at the referrer is not. In the case's texts (description,
  intake note, agreements, timeline notes, the handover's summary, debriefs) the other people's
  names, streets, postcodes, phone numbers and e-mail addresses are replaced.
- Left out because they are the other party's own: contacts with the other party, letters and
  appointments for them, the debrief of the talk with them, their nazorg and nazorg note, and the
  handover's safety notes (a judgement that may be about the other party). Also left out: detail
  edits (they hold before/after values of every party), documents (a file cannot be partly
  given) and the mediators' names. The coordinator may add a document by hand after reading it.
- A report: the reporter gets their report without partij B's details and with the others'
  details replaced in its texts; partij B named in someone's report gets only what the report
  says about them as a person (their name and address as written) and the kind of conflict —
  the report's story is the reporter's. A referrer gets their own details and the stage only.
- An application or a volunteer is about that person: all of it (interview notes, trainings,
  claims, signals, coaching notes, their own answers to proposals, the meetings they were invited
  to), with the residents of those cases replaced by "een bewoner".
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Mapping

from common import clock, tables
from figures import cases as case_figures
from forms import FORMS

from ..budget.money import format_euro
from ..cases import appointments, records, workflow
from ..matching import proposals
from ..quality import debrief, nazorg
from ..settings import lists
from . import registry, subjects

OTHER_PARTY = "de andere partij"
REFERRER = "de verwijzer"
RESIDENT = "een bewoner"  # in a volunteer's own texts
REPLACED = {registry.ADDRESS: "[adres]", registry.PHONE: "[telefoonnummer]", registry.EMAIL: "[e-mailadres]"}
# Dutch labels of the fields a person's details are stored in (registry HOLDERS' fields).
FIELD_LABELS = {
    "name": "Naam", "person": "Naam", "b_name": "Naam", "referrer_name": "Naam",
    "street": "Straat en huisnummer", "b_street": "Straat en huisnummer", "postcode": "Postcode",
    "b_postcode": "Postcode", "place": "Woonplaats", "phone": "Telefoonnummer", "referrer_phone": "Telefoonnummer",
    "email": "E-mailadres", "referrer_email": "E-mailadres", "language": "Taal of tolk", "call_time": "Beste tijd om te bellen",
    "household": "Huishouden", "tenure": "Huur of koop", "landlord": "Verhuurder",
}
NAME_PARTICLES = {"van", "der", "den", "de", "het", "ter", "ten", "te", "op", "in", "al", "el", "bin"}
INTRO = ("Dit zijn de gegevens die wij over u bewaren. Waar een zaak ook over iemand anders gaat, "
         "heet die persoon hier ‘de andere partij’: hun gegevens en wat zij zelf vertelden staan hier niet in.")


# -- keeping other people out of a text ------------------------------------------------------

class Others:
    """The people whose details must not appear: each detail with what replaces it."""

    def __init__(self) -> None:
        self.words: list[tuple[bool, re.Pattern, str]] = []  # (is a name, pattern, replacement)
        self.phones: set[str] = set()

    def add(self, details: Mapping[str, Any], fields: Mapping[str, str], name_as: str) -> None:
        for field, kind in fields.items():
            value = details.get(field)
            if not isinstance(value, str) or len(value.strip()) < 3:
                continue
            value = value.strip()
            if kind == registry.NAME:
                parts = [value] + [w for w in re.findall(r"[^\W\d_]{3,}", value) if w.lower() not in NAME_PARTICLES]
                self.words += [(True, _word(p), name_as) for p in parts]
            elif kind == registry.PHONE:
                self.phones.add(subjects.digits(value))
            elif kind in REPLACED:
                self.words.append((False, _word(value), REPLACED[kind]))

    def clean(self, text: Any) -> Any:
        if not isinstance(text, str):
            return text
        if self.phones:
            text = subjects.PHONE_IN_TEXT.sub(
                lambda m: REPLACED[registry.PHONE] if subjects.digits(m.group()) in self.phones else m.group(), text)
        # E-mail addresses and streets before names (a name is often part of them), longest first.
        for _, pattern, replacement in sorted(self.words, key=lambda w: (w[0], -len(w[1].pattern))):
            text = pattern.sub(replacement, text)
        return text


def _word(text: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)", re.IGNORECASE)


def _case_others(case: Mapping[str, Any], own: int | None, parties_as: str = OTHER_PARTY) -> Others:
    """Everyone on a case but the party `own` (None: the subject is not a party)."""
    others = Others()
    party_fields = registry.holder(tables.CASES, "parties[]").fields
    for index, party in enumerate(case.get("parties") or []):
        if index != own:
            others.add(party, party_fields, parties_as)
    if own is not None:
        others.add(case.get("referrer") or {}, registry.holder(tables.CASES, "referrer").fields, REFERRER)
    return others


# -- shared pieces ---------------------------------------------------------------------------

def _date(value: Any) -> str:
    return clock.date_text(value) if value else ""


def _moment(value: Any) -> str:
    return clock.datetime_text(value) if value else ""


def _details(place: Mapping[str, Any], fields: Iterable[str], view=None) -> dict[str, str]:
    out = {}
    for field in fields:
        value = place.get(field)
        if field == "household" and view is not None:
            value = lists.label(view, "household_types", value) if value else value
        elif field == "tenure":
            value = records.TENURES.get(value, value)
        if value not in (None, "", []):
            out[FIELD_LABELS.get(field, field)] = value if isinstance(value, str) else ", ".join(map(str, value)) \
                if isinstance(value, list) else str(value)
    return out


def _compact(record: Mapping[str, Any]) -> dict[str, Any]:
    """Without empty values: the export shows what is held."""
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


# -- reports -----------------------------------------------------------------------------------

def _form_value(view, form, name: str, value: Any) -> Any:
    field = next((f for f in form.fields if f.name == name), None) if form else None
    choices = dict(field.choices) if field is not None and field.choices else {}

    def one(v):
        label = choices.get(v)
        return (label.get("nl") if isinstance(label, Mapping) else label) or v

    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(str(one(v)) for v in value)
    return one(value)


def _form_label(form, name: str) -> str:
    field = next((f for f in form.fields if f.name == name), None) if form else None
    return field.label_for("nl") if field is not None else FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _report(view, doc, hit: subjects.Hit) -> dict[str, Any]:
    values = doc.get("values") or {}
    form = FORMS.get(doc.get("form"))
    holder = subjects.holder_of(hit)
    out = {"Melding": f"Melding {hit.doc_id}", "Ontvangen op": _date(doc.get("received_at")),
           "U staat erin als": holder.role, "Uw gegevens": _details(values, holder.fields)}
    if hit.party is not None or hit.referrer:
        # Partij B or the referrer: the report's story is the reporter's; the kind of conflict is enough.
        if values.get("conflict_type"):
            out[_form_label(form, "conflict_type")] = _form_value(view, form, "conflict_type", values["conflict_type"])
        return _compact(out)
    others = Others()
    personal = set()
    for other in registry.holders(tables.REPORTS):
        personal |= set(other.fields)
        if other is not holder:
            others.add(values, other.fields, REFERRER if other.role == "verwijzer" else OTHER_PARTY)
    if any(values.get(f) for h in registry.holders(tables.REPORTS) if subjects.is_party_b(h) for f in h.fields):
        out["Buren"] = OTHER_PARTY
    for name, value in values.items():
        if name in personal or value in (None, "", []):
            continue
        out[_form_label(form, name)] = others.clean(_form_value(view, form, name, value))
    return _compact(out)


# -- cases -------------------------------------------------------------------------------------

def _talk_with(own: int | None, key: str | None) -> bool:
    """Whether a talk, contact or appointment (by its key: partij-a, gesprek-b, ...) is with
    someone other than the subject's own party."""
    if not key or own is None:
        return False
    letter = key.rsplit("-", 1)[-1] if key.startswith(("partij-", "gesprek-")) else None
    return letter is not None and len(letter) == 1 and letter != records.party_letter(own).lower()


def _timeline(view, case_id: int, own: int, others: Others) -> list[dict[str, str]]:
    shown = []
    for event in sorted(_own_related(view, tables.CASE_EVENTS, case_id), key=lambda e: (e.get("at") or "", e.doc_id)):
        kind = event.get("kind")
        # Appointments are listed from their own table, only the subject's and the joint ones.
        if kind in ("edit", "duo", "document", "appointment") or _talk_with(own, event.get("with")):
            continue
        if kind == "letter" and event.get("party") != own:
            continue
        text = " ".join(str(event[k]) for k in ("summary", "text", "note") if event.get(k))
        if kind == "step" and event.get("to"):
            text = f"Naar stap ‘{workflow.label(event['to'])}’"
        shown.append({"Datum": _moment(event.get("at")), "Soort": records.EVENT_KINDS.get(kind, kind),
                      "Met": records.CONTACT_WITH.get(event.get("with"), "") if event.get("with") else "",
                      "Tekst": others.clean(text)})
    return shown


def _own_related(view, table: str, case_id: int) -> list:
    return list(view.index(table, "case_id").get(case_id, ()))


def _case(view, doc, hit: subjects.Hit) -> dict[str, Any]:
    referrer = doc.get("referrer") or {}
    out = {"Zaak": f"Zaak {doc.get('number') or hit.doc_id}", "Aangemeld op": _date(case_figures.reported_on(doc)),
           "Stap": workflow.label(doc.get("step"))}
    if hit.referrer:
        out.update({"U staat erin als": "verwijzer",
                    "Uw gegevens": _details(referrer, registry.holder(tables.CASES, "referrer").fields),
                    "Organisatie": referrer.get("organisation") or ""})
        return _compact(out)  # a referrer hears stage and outcome only; so does their export
    parties = doc.get("parties") or []
    own = hit.party if hit.party is not None and 0 <= hit.party < len(parties) else None
    if own is None:
        return _compact(out)
    others = _case_others(doc, own)
    intake, closing = doc.get("intake") or {}, doc.get("closing") or {}
    own_letter = records.party_letter(own).lower()
    out.update({
        "U staat erin als": f"partij {records.party_letter(own)}",
        "Uw gegevens": _details(parties[own], list(registry.holder(tables.CASES, "parties[]").fields)
                                + ["household", "tenure", "landlord"], view),
        "De andere partij": OTHER_PARTY if len(parties) > 1 else "",
        "Soort conflict": ", ".join(lists.label(view, "conflict_types", t) for t in doc.get("conflict_types") or []),
        "Wijk": lists.label(view, "wijken", doc["wijk"]) if doc.get("wijk") else "",
        "Verwijzer": referrer.get("organisation") or lists.label(view, "referrer_types", referrer.get("type")) if referrer.get("type") else "",
        "Omschrijving": others.clean(doc.get("description")),
        "Intake": _compact({"Besluit": intake.get("decision") or "", "Besloten op": _date(intake.get("decided_on")),
                            "Reden": lists.label(view, "unsuitable_reasons", intake["reason"]) if intake.get("reason") else "",
                            "Notitie": others.clean(intake.get("advice"))}),
        "Afsluiting": _compact({"Uitkomst": lists.label(view, "outcomes", closing["outcome"]) if closing.get("outcome") else "",
                                "Afgesloten op": _date(closing.get("closed_on")),
                                "Afspraken": others.clean(closing.get("agreements")),
                                "Nazorg": others.clean(closing.get(f"nazorg_{own_letter}"))}),
        "Tijdlijn": _timeline(view, hit.doc_id, own, others),
        "Afspraken met de bemiddelaars": [_compact({
            "Soort": appointments.KINDS[a["kind"]].label if a.get("kind") in appointments.KINDS else a.get("kind"),
            "Datum": _date(a.get("date")), "Van": a.get("start") or "", "Tot": a.get("end") or "",
            "Waar": others.clean(a.get("place")),
            "Status": appointments.STATUSES.get(a.get("status"), a.get("status") or "")})
            for a in _own_related(view, tables.APPOINTMENTS, hit.doc_id) if not _talk_with(own, a.get("kind"))],
        "Overdracht aan de bemiddelaars": others.clean(" ".join(h.get("summary") or "" for h in
                                                                _own_related(view, tables.HANDOVERS, hit.doc_id)).strip()),
        "Nabesprekingen van de bemiddelaars": [_compact({
            "Gesprek": debrief.TALKS.get(d.get("talk"), d.get("talk")), "Datum": _date(d.get("date")),
            "Wat ging goed": others.clean(d.get("went_well")), "Wat was lastig": others.clean(d.get("hard"))})
            for d in _own_related(view, tables.DEBRIEFS, hit.doc_id) if not _talk_with(own, d.get("talk"))],
        "Nazorg": [_compact({"Gebeld op": _date(n.get("contacted_on")), "Afspraken": nazorg.HOLDS.get(n.get("holds"), ""),
                             "Tevredenheid": nazorg.SATISFACTION.get(n.get("satisfaction"), ""),
                             "Notitie": others.clean(n.get("note"))})
                   for n in _own_related(view, tables.NAZORG, hit.doc_id) if n.get("party") == own],
    })
    return _compact(out)


# -- applications and volunteers -----------------------------------------------------------------

def _residents_of(view, case_id: Any) -> Others:
    case = view.table(tables.CASES).get(doc_id=case_id) if isinstance(case_id, int) else None
    return _case_others(case, None, RESIDENT) if case else Others()


def _application(view, doc, hit: subjects.Hit) -> dict[str, Any]:
    values, form = doc.get("values") or {}, FORMS.get(doc.get("form"))
    out = {"Aanmelding": f"Aanmelding {hit.doc_id}", "Ontvangen op": _date(doc.get("received_at"))}
    out.update({_form_label(form, k): _form_value(view, form, k, v) for k, v in values.items() if v not in (None, "", [])})
    out["Stappen"] = [_compact({"Stap": s.get("step") or "", "Datum": _moment(s.get("at")), "Reden": s.get("reason") or ""})
                      for s in doc.get("steps") or []]
    out["Gesprekken"] = [_compact({"Datum": _date(i.get("held_on")), "Gesprek": i.get("kind") or "",
                                   "Besluit": i.get("decision") or "", "Reden": i.get("reason") or "",
                                   "Aantekeningen": "; ".join(f"{sc.get('label') or sc.get('criterion')}: {sc['note']}"
                                                              for sc in i.get("scores") or [] if sc.get("note"))})
                         for i in doc.get("interviews") or []]
    return _compact(out)


VOLUNTEER_FIELDS = {"name": "Naam", "email": "E-mailadres", "phone": "Telefoonnummer", "street": "Straat en huisnummer",
                    "postcode": "Postcode", "wijk": "Wijk", "age_band": "Leeftijd", "gender": "Gender",
                    "languages": "Talen", "availability": "Beschikbaar", "max_cases": "Hoeveel zaken tegelijk",
                    "start_date": "Begonnen op", "step": "Stap", "notes": "Notities"}


def _volunteer(view, doc, hit: subjects.Hit) -> dict[str, Any]:
    vid = hit.doc_id
    out = {"Vrijwilliger": doc.get("name") or f"Vrijwilliger {vid}"}
    for key, label in VOLUNTEER_FIELDS.items():
        value = doc.get(key)
        if key == "start_date":
            value = _date(value)
        elif key == "wijk" and value:
            value = lists.label(view, "wijken", value)
        out[label] = ", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))
    names = {t.doc_id: t.get("name") for t in view.table(tables.TRAININGS).all()}
    mine = lambda table: list(view.index(table, "volunteer_id").get(vid, ()))  # noqa: E731
    out["Trainingen"] = [_compact({"Training": names.get(r.get("training_id"), ""), "Datum": _date(r.get("date")),
                                   "Uren": str(r.get("hours") or "")}) for r in mine(tables.TRAINING_RECORDS)]
    out["Declaraties"] = [_compact({"Datum": _date(c.get("date")), "Bedrag": format_euro(c.get("amount_cents") or 0),
                                    "Omschrijving": c.get("description") or "", "Status": c.get("status") or ""})
                          for c in mine(tables.EXPENSE_CLAIMS)]
    out["Signalen"] = [_compact({"Datum": _date(s.get("date")), "Tekst": _residents_of(view, s.get("case_id")).clean(s.get("text"))})
                       for s in mine(tables.VOLUNTEER_SIGNALS)]
    out["Coachingsnotities"] = [_compact({"Datum": _date(n.get("date")),
                                          "Inhoud": _residents_of(view, n.get("case_id")).clean(n.get("content"))})
                                for n in mine(tables.COACHING_NOTES)]
    out["Voorstellen voor een zaak"] = [_proposal(view, p, vid) for p in view.table(tables.DUO_PROPOSALS).all()
                                         if vid in (p.get("duo") or [])]
    out["Bijeenkomsten"] = [_compact({"Bijeenkomst": e.get("title") or "", "Datum": _date(e.get("date")),
                                      "Aanwezig": ("ja" if vid in (e.get("attendance") or []) else "nee")
                                      if e.get("attendance") else ""})
                            for e in view.table(tables.EVENTS).all() if vid in (e.get("invitees") or [])]
    return _compact(out)


def _proposal(view, proposal, vid: int) -> dict[str, str]:
    """A proposal to the volunteer: the case by number, their own answer (no resident in it)."""
    case = view.table(tables.CASES).get(doc_id=proposal.get("case_id")) if isinstance(proposal.get("case_id"), int) else None
    given = (proposal.get("answers") or {}).get(str(vid)) or {}
    return _compact({"Zaak": case.get("number", "") if case else "", "Voorgesteld op": _date(proposal.get("proposed_at")),
                     "Status": proposals.STATUSES.get(proposal.get("status"), proposal.get("status") or ""),
                     "Uw antwoord": given.get("answer") or "",
                     "Uw toelichting": _residents_of(view, proposal.get("case_id")).clean(given.get("note"))})


SECTIONS = (("report", "Meldingen", _report), ("case", "Zaken", _case),
            ("application", "Aanmeldingen als vrijwilliger", _application), ("volunteer", "Als vrijwilliger", _volunteer))


def subject_export(view, hits: Iterable[subjects.Hit], organisation: str, now: dt.datetime) -> dict[str, Any]:
    """The export of one person: Dutch keys, texts only, nothing of anyone else."""
    hits = list(dict.fromkeys(hits))
    out: dict[str, Any] = {"Inzage persoonsgegevens": {"Organisatie": organisation, "Gemaakt op": clock.datetime_text(now),
                                                        "Toelichting": INTRO}}
    for kind, title, build in SECTIONS:
        table = view.table(subjects.TABLE_OF_KIND[kind])
        found = [build(view, doc, hit) for hit in hits if hit.kind == kind
                 for doc in [table.get(doc_id=hit.doc_id)] if doc is not None]
        if found:
            out[title] = found
    return out
