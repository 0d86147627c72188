"""The columns of a case's whole life in a spreadsheet: what the export writes, the import
reads, the columns page documents and the template shows. One list, so an exported file
imports again unchanged. No Flask."""
from __future__ import annotations

from ..sheets import Column

# Steps whose date a file may carry, each with its column (the main line after the intake).
STEP_DATES = {
    "gekoppeld": "Gekoppeld op",
    "gesprek-a": "Gesprek partij A op",
    "gesprek-b": "Gesprek partij B op",
    "pendel": "Pendelbemiddeling op",
    "bemiddelingsgesprek": "Bemiddelingsgesprek op",
    "nazorg": "Nazorg vanaf",
}
PARTIES = "abc"  # A and B, and a third household in a group mediation
TALKS = ("gesprek-a", "gesprek-b", "pendel", "bemiddelingsgesprek")  # the latest is the last talk

_DATE = "Datum als dd-mm-jjjj."


def _party(letter: str, required_street: bool) -> tuple[Column, ...]:
    p = letter.lower()
    return (
        Column(f"Partij {letter}", f"{p}_name", "Naam." + (" Verplicht." if letter == "A" else "")
               + (" Alleen bij een groepsbemiddeling met een derde huishouden." if letter == "C" else ""),
               required=letter == "A", aliases=(f"naam {p}",)),
        Column(f"Adres {letter}", f"{p}_street", "Straat en huisnummer.", required=required_street),
        Column(f"Postcode {letter}", f"{p}_postcode", "4 cijfers en 2 letters."),
        Column(f"Telefoon {letter}", f"{p}_phone", "10 cijfers; blijft tekst, de 0 vooraan blijft staan."),
        Column(f"E-mail {letter}", f"{p}_email", ""),
        Column(f"Huishouden {letter}", f"{p}_household", "Een waarde uit de lijst Huishoudens."),
        Column(f"Huur of koop {letter}", f"{p}_tenure", "huur of koop."),
    )


def _nazorg(letter: str) -> tuple[Column, ...]:
    p = letter.lower()
    return (
        Column(f"Nazorg {letter} op", f"nazorg_{p}_on", f"Wanneer partij {letter} is gebeld voor de nazorg. {_DATE}"),
        Column(f"Nazorg {letter} afspraken", f"nazorg_{p}_holds", "Houden de afspraken? ja, deels, nee of geen (er waren geen afspraken)."),
        Column(f"Nazorg {letter} tevredenheid", f"nazorg_{p}_satisfaction", "1 (zeer ontevreden) tot en met 5 (zeer tevreden)."),
    ) + ((Column(f"Nazorg {letter} verslag", f"nazorg_{p}_text", "Wat de nazorg opleverde, zoals bij het afsluiten geschreven."),)
         if letter in "AB" else ())


COLUMNS: tuple[Column, ...] = (
    Column("Nummer", "number", "JJJJ-NNNN, bijvoorbeeld 2024-0031. Leeg: het volgende nummer van het jaar van aanmelding.",
           aliases=("zaaknummer",)),
    Column("Aangemeld", "reported", f"De dag van de melding. Verplicht. {_DATE}", required=True,
           aliases=("datum", "datum aanmelding")),
    Column("Stap", "step", "Waar de zaak nu staat: Aangemeld, Intake, Bemiddelaars gekoppeld, Gesprek partij A, "
           "Gesprek partij B, Pendelbemiddeling, Bemiddelingsgesprek, Nazorg, Afgesloten, Ongeschikt of In de wacht. "
           "Leeg: afgeleid uit de uitkomst, het intakebesluit en de datums.", aliases=("status",)),
    Column("Wijk", "wijk", "Een waarde uit de lijst Wijken."),
    Column("Soort conflict", "conflict_types", "Eén of meer waarden uit de lijst Soorten conflict, gescheiden door |. Verplicht.",
           required=True, aliases=("conflict", "soort")),
    Column("Verwijzer", "referrer", "Een waarde uit de lijst Soorten verwijzers. Leeg: zelfmelder."),
    Column("Verwijzer organisatie", "referrer_org", "Naam van de verwijzende organisatie."),
    *_party("A", True),
    *_party("B", True),
    *_party("C", False),
    Column("Omschrijving", "description", "Waar het conflict over gaat."),
    Column("Complex", "complex", "ja of nee."),
    Column("Intakebesluit", "decision", "geschikt of ongeschikt. Leeg: afgeleid uit de stap."),
    Column("Intake besloten op", "decided_on", "Nodig bij elk intakebesluit: daarmee telt ‘intake binnen de termijn’. " + _DATE),
    Column("Reden ongeschikt", "unsuitable_reason", "Bij ongeschikt: een waarde uit de lijst Redenen ongeschikt."),
    Column("Bemiddelaars", "duo", "Namen of e-mailadressen uit de vrijwilligerspool, gescheiden door |."),
    *(Column(name, f"date_{step}", _DATE) for step, name in STEP_DATES.items()),
    Column("Uitkomst", "outcome", "Bij een afgesloten zaak: een waarde uit de lijst Uitkomsten."),
    Column("Reden niet opgelost", "not_solved_reason", "Bij niet opgelost: een waarde uit de lijst Redenen niet opgelost."),
    Column("Reden", "reason", "Alleen in oudere bestanden: de reden bij ongeschikt of niet opgelost."),
    Column("Afgesloten op", "closed_on", "Nodig bij een afgesloten zaak. " + _DATE),
    Column("Afspraken", "agreements", "De gemaakte afspraken."),
    *_nazorg("A"),
    *_nazorg("B"),
    *_nazorg("C"),
    Column("Uren", "hours", "Tijd aan de zaak besteed, in uren (bijvoorbeeld 12,5)."),
    Column("Tijd (minuten)", "minutes", "Alleen in oudere bestanden: de tijd in minuten."),
)
# Written by the export for reading, not read back by the import.
EXPORT_ONLY = ("Partner in het netwerk", "Nazorg gepland", "Laatste activiteit")

EXAMPLES = (
    {"number": "2024-0001", "reported": "08-01-2024", "wijk": "De Linden", "conflict_types": "Geluidsoverlast",
     "referrer": "Politie", "referrer_org": "Politie Lindenhoven", "a_name": "Petra de Boer", "a_street": "Kerkstraat 1",
     "a_postcode": "7411 AB", "a_phone": "0612345678", "b_name": "Familie Smit", "b_street": "Kerkstraat 3",
     "complex": "nee", "decided_on": "09-01-2024", "duo": "Anna Jansen | Bram de Wit", "date_gekoppeld": "12-01-2024",
     "date_gesprek-a": "17-01-2024", "date_gesprek-b": "19-01-2024", "date_bemiddelingsgesprek": "31-01-2024",
     "date_nazorg": "31-01-2024", "outcome": "Opgelost", "closed_on": "04-03-2024", "agreements": "Na 22 uur geen muziek.",
     "nazorg_a_on": "28-02-2024", "nazorg_a_holds": "ja", "nazorg_a_satisfaction": "5",
     "nazorg_b_on": "29-02-2024", "nazorg_b_holds": "ja", "nazorg_b_satisfaction": "4", "hours": "11,5"},
    {"number": "", "reported": "20-12-2024", "conflict_types": "Tuin en erfgrens | Huisdieren",
     "referrer": "Woningcorporatie", "a_name": "Kees Vos", "a_street": "Lindelaan 2", "b_street": "Lindelaan 4",
     "decided_on": "23-12-2024", "unsuitable_reason": "Er loopt al een juridische procedure", "step": "Ongeschikt"},
    {"number": "", "reported": "15-11-2024", "conflict_types": "Parkeren", "a_name": "Mia Mol", "a_street": "Tulpstraat 9",
     "b_street": "Tulpstraat 11", "decided_on": "18-11-2024", "duo": "anna.jansen@example.nl | Bram de Wit",
     "date_gekoppeld": "20-11-2024", "date_gesprek-a": "25-11-2024", "outcome": "Niet opgelost",
     "not_solved_reason": "Partij B wil niet meedoen", "closed_on": "10-12-2024", "hours": "4"},
)
