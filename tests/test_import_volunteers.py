"""Bringing the existing volunteer pool in: people with their steps, trainings, hours and
qualification dates, checked all-or-nothing."""
from __future__ import annotations

import pytest

from buurtbemiddeling.volunteers import qualifications

POOL = """Naam;E-mail;Telefoon;Talen;Stap;Gestart op;Actief sinds;Gestopt op;Overeenkomst getekend op;Trainingen
Anna Jansen;anna@example.nl;06 12345678;engels | Turks;Actief;01-02-2022;15-05-2022;;01-02-2022;basistraining: 12-03-2022 (15 uur) | VOG: 10-01-2024
Bram de Wit;;020-1234567;;Gestopt;01-09-2019;;30-06-2024;;Basistraining: 20-10-2019 (7,5 uur) | Basistraining: 27-10-2019
"""


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


@pytest.fixture
def catalogue(store):
    with store.transaction() as tx:
        table = tx.table(qualifications.TRAININGS)
        return {"basis": table.insert({"name": "Basistraining", "kind": "basistraining", "hours": 8, "required": False}),
                "vog": table.insert({"name": "VOG", "kind": "kwalificatie", "hours": 0, "validity_months": 36,
                                     "required": True})}


def test_the_pool_comes_in_with_trainings_hours_and_qualification_dates(client, store, coordinator, catalogue):
    preview = client.post("/beheer/vrijwilligers/import", data={"text": POOL})
    assert preview.status_code == 200 and "Alle 2 regels zijn in orde" in preview.get_data(as_text=True)
    assert client.post("/beheer/vrijwilligers/import/bevestigen", data={"text": POOL}).status_code == 303
    view = store.read()
    anna, bram = sorted(view.table("volunteers").all(), key=lambda v: v["name"])
    assert anna["step"] == "actief" and anna["phone"] == "0612345678" and anna["languages"] == ["Engels", "Turks"]
    assert [(s["step"], s["at"][:10]) for s in anna["steps"]] == [("aangenomen", "2022-02-01"), ("actief", "2022-05-15")]
    assert anna["agreement"]["signed_on"] == "2022-02-01"
    assert [(s["step"], s["at"][:10]) for s in bram["steps"]][-1] == ("gestopt", "2024-06-30")
    records = {(r["volunteer_id"], r["training_id"], r["date"], r["hours"]) for r in view.table(qualifications.RECORDS).all()}
    assert records == {(anna.doc_id, catalogue["basis"], "2022-03-12", 15.0), (anna.doc_id, catalogue["vog"], "2024-01-10", 0.0),
                       (bram.doc_id, catalogue["basis"], "2019-10-20", 7.5), (bram.doc_id, catalogue["basis"], "2019-10-27", 8.0)}
    assert qualifications.has_basistraining(view, anna.doc_id) and qualifications.has_basistraining(view, bram.doc_id)
    page = client.get(f"/beheer/vrijwilligers/{anna.doc_id}").get_data(as_text=True)
    assert "<td>VOG</td>" in page and "<td>Basistraining</td>" in page


@pytest.mark.parametrize("row, message", [
    ("Cor;;;;Actief;01-02-2022;;;;Kickboksen: 01-03-2022", "Training ‘Kickboksen’ staat niet in de catalogus"),
    ("Cor;;;;Gestopt;01-02-2022;;01-01-2021;;", "‘Gestopt op’ (01-01-2021) ligt vóór de start (01-02-2022)"),
    ("Cor;;;;Gestopt;01-02-2022;;;;", "Bij stap Gestopt hoort de datum"),
    ("Anna Jansen;anna@example.nl;;;Actief;01-02-2022;;;;", "staat twee keer in het bestand"),
    ("Cor;;;;Actief;01-02-2022;;;;VOG 10-01-2024", "schrijf naam, dubbele punt en datum"),
])
def test_a_pool_file_with_one_wrong_row_writes_nothing(client, store, coordinator, catalogue, row, message):
    text = POOL + row + "\n"
    preview = client.post("/beheer/vrijwilligers/import", data={"text": text})
    assert preview.status_code == 422 and message in preview.get_data(as_text=True)
    assert client.post("/beheer/vrijwilligers/import/bevestigen", data={"text": text}).status_code == 422
    assert store.read().table("volunteers").all() == [] and store.read().table(qualifications.RECORDS).all() == []
