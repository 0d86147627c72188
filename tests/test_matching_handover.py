"""The handover sheet holds what the duo needs and nothing else."""
from __future__ import annotations

from buurtbemiddeling.matching import handover

CASE = {
    "number": "2026-014",
    "parties": [
        {"name": "Anna Jansen", "street": "Lindelaan 12", "postcode": "7412 AB", "place": "Lindenhoven",
         "phone": "0612345678", "email": "anna@example.nl", "household": "oudere", "tenure": "huur",
         "landlord": "Woonstede", "language": "Turks"},
        {"name": "Bram Smit", "street": "Lindelaan 14", "postcode": "7412 AB", "place": "Lindenhoven",
         "phone": "0687654321", "email": "bram@example.nl", "household": "gezin-met-kinderen", "tenure": "koop",
         "landlord": "", "language": ""},
    ],
    "referrer": {"type": "politie", "organisation": "Politie", "person": "wijkagent R. Bosman"},
    "intake": {"advice": "Interne notitie: melder belt vaak de politie"},
    "conflict_types": ["geluidsoverlast"],
    "description": "Harde muziek na middernacht.\n\nAl geprobeerd: aangebeld.",
    "violence_reported": True,
    "complex": False,
}
DUO = [{"name": "Els", "phone": "0611111111", "email": "els@example.nl", "knows": ["x"]},
       {"name": "Kees", "phone": "0622222222"}]


def flatten(value):
    if isinstance(value, dict):
        return " ".join(flatten(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(flatten(v) for v in value)
    return str(value)


def test_the_sheet_shows_parties_addresses_phones_and_the_conflict_in_short():
    sheet = handover.sheet(CASE, DUO, None, {"geluidsoverlast": "Geluidsoverlast"})
    assert sheet["parties"][0] == {"letter": "A", "name": "Anna Jansen", "street": "Lindelaan 12", "postcode": "7412 AB",
                                   "place": "Lindenhoven", "phone": "0612345678", "call_time": "", "language": "Turks"}
    assert sheet["summary"] == "Harde muziek na middernacht."
    assert sheet["conflict_types"] == ["Geluidsoverlast"]
    assert sheet["duo"] == [{"name": "Els", "phone": "0611111111"}, {"name": "Kees", "phone": "0622222222"}]


def test_the_sheet_never_shows_the_referrer_the_intake_notes_or_e_mail_addresses():
    text = flatten(handover.sheet(CASE, DUO, None))
    for secret in ("Bosman", "Politie", "Interne notitie", "anna@example.nl", "els@example.nl", "Woonstede", "huur",
                   "gezin-met-kinderen", "Al geprobeerd"):
        assert secret not in text


def test_a_reported_threat_becomes_a_safety_note_beside_the_coordinators_own():
    sheet = handover.sheet(CASE, DUO, {"safety": "Partij B heeft een grote hond.", "summary": "", "agreements": ""})
    assert sheet["safety"][0].startswith("Bij de melding is geweld of bedreiging genoemd")
    assert sheet["safety"][1] == "Partij B heeft een grote hond."


def test_the_coordinators_wording_replaces_the_first_paragraph_and_agreements_come_from_the_closing():
    own = handover.sheet(CASE, DUO, {"summary": "Muziek; B werkt in ploegendienst.", "safety": "", "agreements": ""})
    assert own["summary"] == "Muziek; B werkt in ploegendienst."
    closed = handover.sheet({**CASE, "closing": {"agreements": "Na 22 uur zachter."}}, DUO)
    assert closed["agreements"] == "Na 22 uur zachter."


def test_a_long_description_is_cut_at_a_word():
    summary = handover.first_paragraph("woord " * 300)
    assert len(summary) <= handover.SUMMARY_LIMIT + 2 and summary.endswith(" …")


def test_too_long_wording_is_refused_with_a_message():
    values, errors = handover.check({"summary": "x" * 3001, "safety": " Hond ", "agreements": ""})
    assert errors == {"summary": "Gebruik maximaal 3000 tekens."} and values["safety"] == "Hond"
