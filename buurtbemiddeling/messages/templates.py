"""The programme's standard texts: feedback mails to referrers and letters to the parties.

Each text is Markdown with merge fields written as {{ veld }}. Every template names the
fields it may use, and only those: the kennismakingsbrief to party B cannot hold who reported
or what about, a referrer's mail only the stage and outcome. A text with a field its template
does not allow is refused with a Dutch message. The coordinator edits the texts under
Instellingen → Teksten; edits live in table `message_templates`, the defaults here. Pure.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Mapping
from common import tables

TABLE = tables.MESSAGE_TEMPLATES
MAX_TEXT = 8000
_FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|!>~])")

FIELDS = {
    "datum": "de datum van vandaag, bijvoorbeeld 3 maart 2026",
    "zaaknummer": "het nummer van de zaak",
    "naam": "de naam van de ontvanger",
    "adres": "straat en huisnummer van de ontvanger",
    "postcode_plaats": "postcode en woonplaats van de ontvanger",
    "afspraak_datum": "de datum van de afspraak",
    "afspraak_tijd": "de tijd van de afspraak",
    "afspraak_plaats": "waar de afspraak is",
    "bemiddelaars": "de voornamen van de twee bemiddelaars",
    "advies": "het advies bij het intakebesluit ongeschikt",
    "verwijzer": "de naam van de verwijzer",
    "organisatie": "de organisatie van de verwijzer",
    "verwijsdatum": "de datum van de verwijzing",
    "stap": "waar de zaak is: aangenomen, niet geschikt of afgesloten",
    "uitkomst": "de uitkomst bij afsluiten (opgelost, deels opgelost, niet opgelost)",
    "coordinator": "uw naam (de coördinator)",
    "programma": "de naam van de buurtbemiddeling (site.toml)",
    "telefoon": "het telefoonnummer van de buurtbemiddeling",
    "email": "het e-mailadres van de buurtbemiddeling",
    "adres_programma": "het postadres van de buurtbemiddeling",
}
PROGRAMME = ("datum", "coordinator", "programma", "telefoon", "email", "adres_programma")
RECIPIENT = ("naam", "adres", "postcode_plaats")


class TemplateError(ValueError):
    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Template:
    """A standard text with the merge fields it may hold, and its shipped wording."""

    key: str
    label: str
    kind: str                 # "feedback" (a mail to a referrer) or "letter" (to a party)
    fields: tuple[str, ...]   # the merge fields this text may hold
    subject: str
    body: str
    parties: tuple[int, ...] = ()  # letters: to which party (0 = A, 1 = B) it may go
    purpose: str = ""


_SIGNATURE = "Met vriendelijke groet,\n\n{{ coordinator }}  \nCoördinator {{ programma }}  \n{{ telefoon }} · {{ email }}"
_FEEDBACK_FIELDS = ("verwijzer", "organisatie", "verwijsdatum", "zaaknummer", "stap", "uitkomst",
                    "coordinator", "programma", "telefoon", "email")

TEMPLATES: dict[str, Template] = {t.key: t for t in (
    Template("terugkoppeling-aangenomen", "Terugkoppeling: zaak aangenomen", "feedback", _FEEDBACK_FIELDS,
             "Uw verwijzing van {{ verwijsdatum }}: aangenomen",
             "Beste {{ verwijzer }},\n\nDe bewoner die u op {{ verwijsdatum }} naar {{ programma }} verwees, "
             "heeft met ons gesproken. De zaak ({{ zaaknummer }}) is aangenomen: twee bemiddelaars gaan aan de slag.\n\n"
             "Als de zaak is afgesloten, hoort u hoe die is afgelopen. Wat de bewoners in de gesprekken vertellen, "
             "blijft vertrouwelijk.\n\n" + _SIGNATURE,
             purpose="Gaat naar de verwijzer als de intake ‘geschikt’ besluit, als de bewoner toestemming gaf."),
    Template("terugkoppeling-ongeschikt", "Terugkoppeling: niet geschikt", "feedback", _FEEDBACK_FIELDS,
             "Uw verwijzing van {{ verwijsdatum }}: niet geschikt voor buurtbemiddeling",
             "Beste {{ verwijzer }},\n\nDank voor uw verwijzing van {{ verwijsdatum }} (zaak {{ zaaknummer }}). "
             "Na de intake vinden wij buurtbemiddeling voor deze situatie niet geschikt. De bewoner heeft van ons "
             "gehoord waar hij of zij beter terecht kan.\n\nBel gerust als u hierover wilt overleggen.\n\n" + _SIGNATURE,
             purpose="Gaat naar de verwijzer als de intake ‘ongeschikt’ besluit, als de bewoner toestemming gaf."),
    Template("terugkoppeling-afgesloten", "Terugkoppeling: zaak afgesloten", "feedback", _FEEDBACK_FIELDS,
             "Uw verwijzing van {{ verwijsdatum }}: afgesloten",
             "Beste {{ verwijzer }},\n\nDe zaak die u op {{ verwijsdatum }} naar ons verwees ({{ zaaknummer }}), "
             "is afgesloten. Uitkomst: **{{ uitkomst }}**.\n\nWat de bewoners in de gesprekken vertellen, blijft "
             "vertrouwelijk. Dank voor uw verwijzing.\n\n" + _SIGNATURE,
             purpose="Gaat naar de verwijzer als de zaak wordt afgesloten, als de bewoner toestemming gaf."),
    Template("kennismaking-b", "Kennismakingsbrief partij B", "letter", (*PROGRAMME, *RECIPIENT, "zaaknummer"),
             "Kennismaking met {{ programma }}",
             "Beste {{ naam }},\n\nWij zijn {{ programma }}. Wij helpen buren die er samen niet uitkomen, "
             "met twee getrainde vrijwilligers: buurtbemiddelaars. Zij kiezen geen partij en vertellen niets door.\n\n"
             "Een buurtbewoner heeft ons gevraagd om te helpen bij een probleem in de buurt. Wij willen graag ook "
             "uw kant van het verhaal horen. Daarom willen twee bemiddelaars bij u langskomen voor een gesprek. "
             "Meedoen is vrijwillig en kost niets.\n\nWilt u ons bellen op {{ telefoon }} om een afspraak te maken? "
             "Mailen kan ook: {{ email }}. Noem dan het nummer {{ zaaknummer }}.\n\n" + _SIGNATURE,
             parties=(1,), purpose="De eerste brief aan partij B: wie we zijn, nooit wie meldde of waarover."),
    Template("bevestiging-afspraak", "Bevestiging van een afspraak", "letter",
             (*PROGRAMME, *RECIPIENT, "zaaknummer", "afspraak_datum", "afspraak_tijd", "afspraak_plaats", "bemiddelaars"),
             "Bevestiging van uw afspraak op {{ afspraak_datum }}",
             "Beste {{ naam }},\n\nHierbij bevestigen wij de afspraak met de buurtbemiddelaars:\n\n"
             "- Datum: {{ afspraak_datum }}\n- Tijd: {{ afspraak_tijd }}\n- Plaats: {{ afspraak_plaats }}\n"
             "- Bemiddelaars: {{ bemiddelaars }}\n\nKunt u niet? Bel dan {{ telefoon }}.\n\n" + _SIGNATURE,
             parties=(0, 1), purpose="Bevestigt datum, tijd en plaats van een gesprek."),
    Template("afsluitbrief", "Afsluitbrief", "letter", (*PROGRAMME, *RECIPIENT, "zaaknummer"),
             "Afsluiting van de buurtbemiddeling",
             "Beste {{ naam }},\n\nDe buurtbemiddeling (zaak {{ zaaknummer }}) is afgesloten. Dank voor uw inzet "
             "en het vertrouwen in onze bemiddelaars.\n\nGaat het later toch weer mis? Bel ons gerust op "
             "{{ telefoon }}.\n\n" + _SIGNATURE,
             parties=(0, 1), purpose="Sluit de bemiddeling af."),
    Template("ongeschikt-advies", "Ongeschikt, met advies", "letter", (*PROGRAMME, *RECIPIENT, "zaaknummer", "advies"),
             "Uw aanmelding bij {{ programma }}",
             "Beste {{ naam }},\n\nDank voor uw aanmelding bij {{ programma }} (zaak {{ zaaknummer }}). "
             "Wij hebben goed gekeken naar uw situatie. Buurtbemiddeling past hier helaas niet.\n\n"
             "Ons advies:\n\n{{ advies }}\n\nHeeft u vragen? Bel {{ telefoon }}.\n\n" + _SIGNATURE,
             parties=(0,), purpose="Aan de melder als de intake ‘ongeschikt’ besluit."),
)}

LETTERS = {key: t for key, t in TEMPLATES.items() if t.kind == "letter"}
FEEDBACK = {key: t for key, t in TEMPLATES.items() if t.kind == "feedback"}


def names_in(text: str) -> list[str]:
    return [match.group(1) for match in _FIELD.finditer(text or "")]


def check(template: Template, subject: str, body: str) -> None:
    """Refuse a text with a field the template does not allow, or that is empty or too long."""
    if not subject.strip():
        raise TemplateError("Vul een onderwerp in.", "subject")
    if not body.strip():
        raise TemplateError("Schrijf de tekst.", "body")
    if len(body) > MAX_TEXT or len(subject) > 200:
        raise TemplateError(f"De tekst is te lang. Gebruik maximaal {MAX_TEXT} tekens.", "body")
    for where, text in (("subject", subject), ("body", body)):
        unknown = [name for name in names_in(text) if name not in template.fields]
        if unknown:
            allowed = ", ".join("{{ " + name + " }}" for name in template.fields)
            raise TemplateError(f"Het invulveld {{{{ {unknown[0]} }}}} kent ‘{template.label}’ niet. "
                                f"U kunt gebruiken: {allowed}.", where)


def current(view, key: str) -> tuple[str, str]:
    """(subject, body) as the coordinator last saved them, else the default."""
    template = TEMPLATES[key]
    saved = next((d for d in view.table(TABLE).all() if d.get("key") == key), None)
    return (saved["subject"], saved["body"]) if saved else (template.subject, template.body)


def save(tx, key: str, subject: str, body: str, *, by: str, at: str) -> None:
    template = TEMPLATES[key]
    subject, body = " ".join(subject.split()), body.replace("\r\n", "\n").strip()
    check(template, subject, body)
    table = tx.table(TABLE)
    found = [d.doc_id for d in table.all() if d.get("key") == key]
    doc = {"key": key, "subject": subject, "body": body, "updated_by": by, "updated_at": at}
    if found:
        table.update(doc, doc_ids=found)
    else:
        table.insert(doc)


def reset(tx, key: str) -> None:
    tx.table(TABLE).remove(doc_ids=[d.doc_id for d in tx.table(TABLE).all() if d.get("key") == key])


def fill(template: Template, text: str, values: Mapping[str, str], *, markdown: bool = False) -> str:
    """The text with its fields filled in. Only the template's fields are used (any other
    value is never looked at); with `markdown`, values are escaped so a name stays text."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in template.fields:
            raise TemplateError(f"Het invulveld {{{{ {name} }}}} kent ‘{template.label}’ niet.")
        found = str(values.get(name) or "")
        if markdown:
            found = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(found, quote=False)).replace("\n", "  \n")
        return found
    return _FIELD.sub(value, text)
