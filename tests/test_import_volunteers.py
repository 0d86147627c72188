"""Bringing the existing volunteer pool in: people with their steps, trainings, hours and
qualification dates, checked all-or-nothing."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from buurtbemiddeling.volunteers import importing, qualifications
from common import phone

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


def _pool(view) -> dict[str, dict]:
    """What a coordinator sees of each volunteer: details, step with its dates, trainings with their dates and hours."""
    names = {t.doc_id: t["name"] for t in view.table(qualifications.TRAININGS)}
    records = view.index(qualifications.RECORDS, "volunteer_id")
    found = {}
    for v in view.table("volunteers"):
        if v.get("step") not in importing.POOL_STEPS:
            continue
        steps = {s["step"]: s["at"][:10] for s in v.get("steps") or []}
        found[v.get("email") or v["name"]] = {
            "details": (v["name"], phone.clean(v.get("phone")) or v.get("phone") or "", v.get("street") or "", v.get("postcode") or "", v.get("languages") or []),
            "step": v["step"], "start": v["start_date"], "active": steps.get("actief"), "stopped": steps.get("gestopt"),
            "agreement": (v.get("agreement") or {}).get("signed_on") or "",
            "trainings": sorted((names[r["training_id"]], r["date"], float(r["hours"] or 0)) for r in records.get(v.doc_id, ())),
        }
    return found


def test_the_pool_round_trips_export_import_into_an_empty_instance_same_people_trainings_and_dates(client, store, coordinator, clock, tmp_path):
    import io

    import openpyxl

    from app import create_app
    from buurtbemiddeling import demo

    demo.fill(store)
    before = _pool(store.read())
    assert len(before) > 30 and sum(len(v["trainings"]) for v in before.values()) > 50
    assert {"actief", "gestopt", "inactief"} <= {v["step"] for v in before.values()}
    response = client.get("/beheer/vrijwilligers/pool.csv")
    assert response.status_code == 200 and 'filename="vrijwilligerspool-2026-12-06.csv"' in response.headers["Content-Disposition"]
    exported = response.data
    assert exported.decode("utf-8-sig").splitlines()[0].split(";") == [c.name for c in importing.COLUMNS]

    # An empty install: only the training catalogue is made first, by name, as the import's notes ask.
    other = create_app({"INSTANCE_PATH": tmp_path / "other", "TESTING": True, "SECRET_KEY": "test", "SESSION_COOKIE_SECURE": False,
                        "WTF_CSRF_ENABLED": False, "RETENTION_AUTO_RUN": False, "CLOCK": clock})
    other_store = other.extensions["store"]
    with other_store.transaction() as tx:
        for training in store.read().table(qualifications.TRAININGS):
            tx.table(qualifications.TRAININGS).insert(dict(training))
    from buurtbemiddeling.auth import users
    from .conftest import PASSWORD
    users.create_user(other_store, "nieuw@lindenhoven.example", PASSWORD, "coordinator", "Nina Nieuw")
    there = other.test_client()
    there.post("/beheer/inloggen", data={"email": "nieuw@lindenhoven.example", "password": PASSWORD})
    preview = there.post("/beheer/vrijwilligers/import", data={"file": (io.BytesIO(exported), "pool.csv")},
                         content_type="multipart/form-data")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:3000]
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.get_data(as_text=True))[1]
    assert there.post("/beheer/vrijwilligers/import/bevestigen", data={"token": token}).status_code == 303
    after = _pool(other_store.read())
    assert {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)} == {}
    assert after == before

    # The spreadsheet has the same rows, with phone numbers as text and dates as dates.
    book = openpyxl.load_workbook(io.BytesIO(client.get("/beheer/vrijwilligers/pool.xlsx").data))
    rows = list(book["Vrijwilligerspool"].iter_rows(values_only=True))
    assert len(rows) == len(before) + 1 and rows[0] == tuple(c.name for c in importing.COLUMNS)
    phones = [row[2] for row in rows[1:] if row[2]]
    assert phones and all(isinstance(p, str) and p.startswith("0") for p in phones)
    assert all(isinstance(row[7], dt.datetime) for row in rows[1:])
