"""Erasure on request reaches every copy (issue 16, points 2 and 8): a resident of the demo
programme, also written into an agenda, a story draft, another case's timeline, a queued mail,
an earlier report, an appointment, the handover sheet and an uploaded letter, is erased through
the admin; then no file of the instance folder holds their name, phone number or address, and
restoring a backup made before the erasure does not bring them back (nor switches two-step
login off)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from werkzeug.datastructures import FileStorage

from buurtbemiddeling import demo, mail, uploads
from buurtbemiddeling.auth import recovery, users
from buurtbemiddeling.cases import documents, repo as case_repo
from buurtbemiddeling.demo.network import tiny_pdf
from buurtbemiddeling.matching import handover
from buurtbemiddeling.privacy import erasure, registry, subjects
from buurtbemiddeling.reports import intake
from buurtbemiddeling.restoring import restore_backup
from common import clock as programme_clock
from db.backup import backup


def _files(instance: Path) -> dict[str, bytes]:
    """Every file of the instance folder but the backups (which hold the past by design)."""
    return {str(p.relative_to(instance)): p.read_bytes() for p in instance.rglob("*")
            if p.is_file() and "backups" not in p.relative_to(instance).parts}


def _traces(instance: Path, person: dict) -> dict[str, list[str]]:
    """Which files still hold the person's name, street and number, or phone number (as stored,
    as digits, or as +31)."""
    digits = re.sub(r"\D", "", person["phone"])
    wanted = {"naam": person["name"].lower(), "adres": person["street"].lower(), "telefoon": digits,
              "telefoon +31": "31 " + digits[1:2] + " " + digits[2:6]}
    found: dict[str, list[str]] = {}
    for name, data in _files(instance).items():
        text = data.decode("utf-8", "replace").lower()
        plain = re.sub(r"[\s\-.]", "", text)
        for label, value in wanted.items():
            if value in text or (label == "telefoon" and value in plain):
                found.setdefault(label, []).append(name)
    return found


@pytest.fixture
def town(app, store, clock):
    """The demo programme, with one resident (party A of a case, a name no one else has) written
    into many other places."""
    with app.app_context():
        demo.fill(store)
    view = store.read()
    everything = "\n".join(json.dumps(list(map(dict, view.table(n).all())), ensure_ascii=False) for n in store.table_names())
    case = next(c for c in view.table("cases").all()
                if c["parties"][0].get("phone") and c["parties"][0].get("email")
                and everything.count(c["parties"][0]["name"]) == 1)
    person = dict(case["parties"][0])
    neighbour = case["parties"][1]["name"]
    other_case = next(c for c in view.table("cases").all() if c.doc_id != case.doc_id)
    spaced = f"+31 6 {person['phone'][2:6]} {person['phone'][6:]}"
    with store.transaction() as tx:
        event = tx.table("events").all()[0]
        tx.table("events").update({"agenda": event["agenda"] + f"\n4. Nabespreken: {person['name']}, {person['street']},"
                                   f" tel. {spaced}"}, doc_ids=[event.doc_id])
        tx.table("publicity").insert({
            "kind": "ervaring", "lang": "nl", "title": "Weer rust in de straat", "summary": "Een verhaal over burenruzie.",
            "body": f"{person['name']} van de {person['street']} vertelt hoe het gesprek ging.", "anonymised": False,
            "slug": "weer-rust", "published": False, "created_at": "2026-12-01T10:00:00+01:00",
            "updated_at": "2026-12-01T10:00:00+01:00", "by": "1"})
        tx.table("appointments").insert({"case_id": case.doc_id, "kind": "gesprek-a", "date": "2026-12-10",
                                         "start": "19:00", "end": "20:00", "place": f"Thuis, {person['street']}",
                                         "volunteers": list(case.get("duo") or []), "coordinator": False,
                                         "status": "gepland", "uid": "x@buurtbemiddeling", "created_at": "2026-12-06T10:16:00+01:00"})
        mail.queue(tx, [mail.Mail(person["email"], "Uw afspraak", f"Beste {person['name']},\n\nTot donderdag."),
                        mail.Mail("bemiddelaar@voorbeeld.nl", "Gesprek", f"Bel {person['name']} op {person['phone']}.")],
                   record=f"case:{case.doc_id}")
    case_repo.add_entry(store, other_case.doc_id, {"kind": "note", "text": f"De buurman, {person['name']}, belde ook."}, None)
    handover.save(store, case.doc_id, {"summary": f"{person['name']} woont op {person['street']}.", "safety": "",
                                       "agreements": ""}, "1", programme_clock.now())
    meta = documents.save(store.data_dir, case.doc_id, "brief.pdf", io.BytesIO(tiny_pdf(f"Brief aan {person['name']}")))
    case_repo.add_entry(store, case.doc_id, {"kind": "document", "title": "Brief", **meta}, None)
    intake.store_submission(store, "report", {"name": person["name"], "phone": person["phone"], "email": person["email"],
                                              "street": person["street"], "description": "Weer lawaai",
                                              "conflict_type": "geluidsoverlast"})
    return {"case": case.doc_id, "person": person, "neighbour": neighbour, "document": meta["stored_as"]}


def _erase(client, case_id: int):
    response = client.post("/beheer/inloggen", data={"email": demo.DEMO_EMAIL, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    return client.post("/beheer/privacy/personen/wissen", data={"sleutel": f"case:{case_id}:0", "bevestig": "ja"})


def test_an_erased_resident_is_in_no_file_of_the_instance_and_stays_erased_after_a_restore(app, client, store, town):
    instance, person = Path(app.instance_path), town["person"]
    assert set(_traces(instance, person)) == {"naam", "adres", "telefoon", "telefoon +31"}  # the copies are there
    view = store.read()  # the registry knows every field these places wrote (outbox, handover, appointment, ...)
    assert {n: registry.unregistered(n, d) for n in store.table_names() for d in view.table(n).all()
            if registry.unregistered(n, d)} == {}
    saved = backup(store)

    coordinator = users.find_by_email(store.read(), demo.DEMO_EMAIL)
    response = _erase(client, town["case"])
    # Two-step login switched on after the backup was made.
    users.update(store, str(coordinator.doc_id), totp_enabled=True, totp_secret="sealed-secret")
    recovery.renew(store, str(coordinator.doc_id))
    security = {k: users.get_doc(store.read(), coordinator.doc_id).get(k) for k in users.SECURITY_FIELDS}

    assert response.status_code == 303
    told = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gewist: " in told and "nieuws en verhalen (1)" in told and "e-mail (2)" in told and "1 bestand" in told
    assert _traces(instance, person) == {}
    view = store.read()
    case = view.table("cases").get(doc_id=town["case"])
    assert case["parties"][0]["name"] == "" and case["parties"][1]["name"] == town["neighbour"]  # B stays
    assert subjects.search(view, person["name"]) == [] and subjects.search(view, person["phone"]) == []
    assert not (Path(app.config["DATA_DIR"]) / "documents" / str(town["case"]) / town["document"]).exists()
    assert not [m for m in view.table("outbox").all() if m["to"] == person["email"]]

    entry = next(e for e in store.audit_entries() if e["action"] == "privacy.erase")
    assert entry["record"] == f"case:{town['case']}" and entry["files"] == 1
    assert {"events.agenda", "publicity.body", "case_events.text", "handovers.summary", "appointments.place",
            "outbox.mail", "outbox.body", "reports.values.name", "cases.parties[].name"} <= set(entry["places"])
    ledger = (Path(app.config["DATA_DIR"]) / "erasures" / "ledger.jsonl").read_text()
    assert json.loads(ledger)["records"] == [f"case:{town['case']}:0"]

    restore_backup(store, saved)
    assert _traces(instance, person) == {}
    view = store.read()
    assert view.table("cases").get(doc_id=town["case"])["parties"][1]["name"] == town["neighbour"]
    assert subjects.search(view, person["name"]) == []
    after = users.get_doc(view, coordinator.doc_id)
    assert {k: after.get(k) for k in users.SECURITY_FIELDS} == security and after["totp_enabled"] is True


def test_a_namesake_with_another_phone_number_keeps_their_details(store, clock):
    first = intake.store_submission(store, "report", {"name": "Kees Kok", "phone": "0611111111", "description": "x",
                                                      "conflict_type": "geluidsoverlast"})
    other = intake.store_submission(store, "report", {"name": "Kees Kok", "phone": "0622222222", "description": "y",
                                                      "conflict_type": "geluidsoverlast"})
    same = intake.store_submission(store, "report", {"name": "K. Kok", "phone": "06-11111111", "description": "z",
                                                     "conflict_type": "geluidsoverlast"})
    erasure.erase(store, [subjects.parse_key(f"report:{first}")], programme_clock.today())
    reports = store.read().table("reports")
    assert reports.get(doc_id=first)["values"]["name"] == ""
    assert reports.get(doc_id=other)["values"] == {**reports.get(doc_id=other)["values"], "name": "Kees Kok",
                                                    "phone": "0622222222"}
    assert reports.get(doc_id=same)["values"]["phone"] == ""  # the same phone number: the same person


def test_redaction_finds_a_name_across_accents_case_and_a_phone_number_in_any_notation(tmp_path):
    hasher = erasure.Hasher(b"k" * 32)
    marks = erasure.Marks()
    for kind, value in (("name", "Ayşe Yılmaz"), ("address", "Lindelaan 12"), ("phone", "06-12345678"),
                        ("email", "ayse@voorbeeld.nl")):
        marks.add(hasher, kind, value)
    text = "Gesprek met AYSE yilmaz (lindelaan 12), bel +31 6 1234 5678 of mail Ayse@Voorbeeld.nl. Lindelaan 14 niet."
    assert marks.redact(hasher, text) == ("Gesprek met [verwijderd] ([verwijderd]), bel [verwijderd] of mail "
                                          "[verwijderd]. Lindelaan 14 niet.")
    marks.add(hasher, "name", "Jan")  # one word alone would take every Jan out of every note
    assert marks.redact(hasher, "Jan belde") == "Jan belde"


def test_an_erased_volunteer_leaves_no_account_upload_name_or_failed_login_behind(app, client, store, clock):
    with app.app_context():
        demo.fill(store)
    view = store.read()
    holders = [v["name"] for v in view.table("volunteers").all()] + [
        p["name"] for c in view.table("cases").all() for p in c["parties"]]
    accounts = {u.get("volunteer_id") for u in view.table("users").all()}
    volunteer = next(v for v in view.table("volunteers").all()
                     if v.doc_id in accounts and holders.count(v["name"]) == 1 and v.get("phone") and v.get("street"))
    person = {"name": volunteer["name"], "street": volunteer["street"], "phone": volunteer["phone"]}
    with app.app_context():  # their VOG, uploaded, with their name in it
        certificate = uploads.save(FileStorage(io.BytesIO(tiny_pdf(f"VOG {person['name']}")), filename="vog.pdf"))
    with store.transaction() as tx:
        tx.table("training_records").insert({"volunteer_id": volunteer.doc_id, "training_id": 1, "date": "2026-01-05",
                                             "hours": 0, "certificate": certificate, "notes": "", "by": "1",
                                             "at": "2026-01-05T10:00:00+01:00"})
    client.post("/beheer/inloggen", data={"email": volunteer["email"], "password": "fout"})  # a failed login
    instance = Path(app.instance_path)
    assert "naam" in _traces(instance, person)
    assert volunteer["email"].lower() in "".join(p.read_text() for p in (instance / "data" / "counters").glob("*.json"))

    erasure.erase(store, [subjects.parse_key(f"volunteer:{volunteer.doc_id}")], programme_clock.today(),
                  upload_dir=Path(app.config["DATA_DIR"]) / "uploads")
    assert _traces(instance, person) == {}
    everything = b"".join(_files(instance).values()).decode("utf-8", "replace").lower()
    assert volunteer["email"].lower() not in everything
    assert not (Path(app.config["DATA_DIR"]) / "uploads" / certificate["stored"]).exists()
    account = next(u for u in store.read().table("users").all() if u.get("volunteer_id") == volunteer.doc_id)
    assert account["active"] is False and account["password_hash"] is None


def test_a_published_story_naming_the_person_leaves_the_public_site_when_they_are_erased(
        app, client, store, clock, tmp_path):
    from tests import portal_data

    built = portal_data.build(store)
    app.config["PUBLIC_DIR"] = str(tmp_path / "site")
    with store.transaction() as tx:
        tx.table("publicity").insert({"kind": "verhaal", "lang": "nl", "title": "Weer rust", "slug": "weer-rust",
                                      "summary": "Twee buren praten weer.", "anonymised": True, "published": True,
                                      "published_on": "2026-11-02", "body": "Henk Huisman vertelt hoe het ging."})
    portal_data.login(client, portal_data.COORDINATOR)
    client.post("/beheer/publiciteit/site-publiceren")
    pages = lambda: "".join(p.read_text("utf-8") for p in (tmp_path / "site").rglob("*.html"))  # noqa: E731
    assert "Henk Huisman" in pages()
    response = client.post("/beheer/privacy/personen/wissen", data={"sleutel": f"case:{built.case_a}:0", "bevestig": "ja"})
    assert "opnieuw gebouwd" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Henk Huisman" not in pages() and "[verwijderd] vertelt hoe het ging" in pages()
