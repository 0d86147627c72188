"""File rights: on a shared host no other account may read the instance (data, audit log,
backups, documents); case documents are stored and handed out under safe names; CSV exports
name their charset once."""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from buurtbemiddeling.filetypes import download_name

from .test_cases_views import add_report
from .test_reports import VALID


def _a_day_of_use(app, client, as_user, store) -> int:
    client.post("/melding", data=VALID)  # a resident's report
    client.post("/melding", data={**VALID, "website": "https://spam.example"})  # a robot
    as_user.coordinator()
    client.post("/beheer/inloggen", data={"email": "x@example.nl", "password": "fout fout fout"})
    as_user.coordinator()
    response = client.post(f"/beheer/meldingen/{add_report(store)}/zaak", data={"wijk": "de-linden"})
    case_id = int(response.location.rsplit("/", 1)[-1])
    client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": "Partij A gebeld."})
    client.post(f"/beheer/zaken/{case_id}/document", content_type="multipart/form-data",
                data={"title": "Afspraken", "file": (io.BytesIO(b"%PDF-1.4 afspraken"), "afspraken.pdf")})
    client.get(f"/beheer/zaken/{case_id}")
    client.post("/beheer/budget/2026/begroting", data={"training": "1.000,00"})
    client.post("/beheer/mijn-account/tweestaps/starten")
    client.get("/beheer/zaken/export.csv")
    assert app.test_cli_runner().invoke(args=["backup"]).exit_code == 0
    client.post("/beheer/uitloggen")
    return case_id


def test_after_a_day_of_use_no_other_account_can_read_anything_in_the_instance(app, client, as_user, store):
    _a_day_of_use(app, client, as_user, store)
    instance = Path(app.instance_path)
    seen = {"files": 0, "folders": 0}
    wrong = []
    for root, folders, files in os.walk(instance):
        for name in folders:
            mode = stat.S_IMODE(os.stat(Path(root) / name).st_mode)
            seen["folders"] += 1
            if mode != 0o700:
                wrong.append(f"{Path(root, name).relative_to(instance)}/ {oct(mode)}")
        for name in files:
            mode = stat.S_IMODE(os.lstat(Path(root) / name).st_mode)
            seen["files"] += 1
            if mode != 0o600:
                wrong.append(f"{Path(root, name).relative_to(instance)} {oct(mode)}")
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert not wrong, "\n".join(wrong)
    # The day did reach every kind of file: tables, audit log, counters, documents, backups.
    names = {p.relative_to(instance).parts[:2] for p in instance.rglob("*") if p.is_file()}
    assert {("data", "tables"), ("data", "audit"), ("data", "counters"), ("data", "documents")} <= names
    assert any(part[0] == "backups" for part in names), names


def test_a_case_document_is_stored_under_a_generated_name_and_handed_out_as_its_real_type(app, client, as_user, store):
    as_user.coordinator()
    response = client.post(f"/beheer/meldingen/{add_report(store)}/zaak", data={"wijk": "de-linden"})
    case_id = int(response.location.rsplit("/", 1)[-1])
    for uploaded in ("shell.php", "page.html", "../../etc/passwd"):
        client.post(f"/beheer/zaken/{case_id}/document", content_type="multipart/form-data",
                    data={"title": "Verslag", "file": (io.BytesIO(b"%PDF-1.4 verslag"), uploaded)})
    stored = sorted(p.name for p in (Path(app.config["DATA_DIR"]) / "documents" / str(case_id)).iterdir())
    assert len(stored) == 3 and all(len(name) == 36 and name.endswith(".pdf") for name in stored)
    events = [e for e in store.read().table("case_events").all() if e.get("kind") == "document"]
    assert sorted(e["filename"] for e in events) == ["page.pdf", "passwd.pdf", "shell.pdf"]
    shell = next(e for e in events if e["filename"] == "shell.pdf")
    download = client.get(f"/beheer/zaken/{case_id}/document/{shell.doc_id}")
    assert download.headers["Content-Type"] == "application/pdf"
    assert 'filename=shell.pdf' in download.headers["Content-Disposition"]


def test_a_document_kept_under_its_uploaded_name_is_handed_out_under_its_real_type(app, client, as_user, store):
    as_user.coordinator()
    response = client.post(f"/beheer/meldingen/{add_report(store)}/zaak", data={"wijk": "de-linden"})
    case_id = int(response.location.rsplit("/", 1)[-1])
    client.post(f"/beheer/zaken/{case_id}/document", content_type="multipart/form-data",
                data={"title": "Verslag", "file": (io.BytesIO(b"%PDF-1.4 verslag"), "verslag.pdf")})
    [event] = [e for e in store.read().table("case_events").all() if e.get("kind") == "document"]
    with store.transaction() as tx:  # as stored before names followed the detected type
        tx.table("case_events").update({"filename": "shell.php"}, doc_ids=[event.doc_id])
    download = client.get(f"/beheer/zaken/{case_id}/document/{event.doc_id}")
    assert 'filename=shell.pdf' in download.headers["Content-Disposition"]


def test_the_download_name_keeps_the_uploaded_stem_and_takes_the_detected_extension():
    assert download_name("Afspraken 12-3.PDF", "pdf") == "Afspraken 12-3.pdf"
    assert download_name("foto.jpeg", "jpg") == "foto.jpg"
    assert download_name("C:\\Users\\anna\\brief.php", "pdf") == "brief.pdf"
    assert download_name("", "png") == "document.png" and download_name(".htaccess", "pdf") == "htaccess.pdf"


def test_csv_exports_name_their_charset_once(client, as_user):
    as_user.coordinator()
    for path in ("/beheer/zaken/export.csv", "/beheer/zaken/import/voorbeeld.csv"):
        assert client.get(path).headers["Content-Type"] == "text/csv; charset=utf-8", path
