"""A corpus of XSS payloads typed into every free-text field of the public forms and the main
admin and portal forms: each shows as literal text everywhere, in pages, in PDFs (checked with
pdftotext) and in CSV exports (where a formula is neutralised)."""
from __future__ import annotations

import csv
import io
import re
import subprocess

import pytest
from markupsafe import escape

from forms import FORMS
from forms.fields import TextAreaField, TextField
from common import clock
from tests import portal_data
from tests.portal_data import coordinator, login, programme  # noqa: F401  (fixtures)
from tests.test_mail import VALID_APPLICATION
from tests.test_public_forms import VALID_REFERRAL
from tests.test_reports import VALID as VALID_REPORT

SCRIPT = '<script>alert("xss")</script>'
IMG = '"><img src=x onerror=alert(1)>'
SVG = "'><svg onload=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","klik")'
PAYLOADS = (SCRIPT, IMG, SVG)
VALID = {"report": VALID_REPORT, "referral": VALID_REFERRAL, "application": VALID_APPLICATION}
PATHS = {"report": "/melding", "referral": "/verwijzing", "application": "/aanmelden-vrijwilliger"}


def free_text_fields(form_name: str) -> list[str]:
    return [f.name for f in FORMS[form_name].fields if type(f) in (TextField, TextAreaField)]


def assert_inert(html: str, payload: str) -> None:
    """The payload never reaches the page as markup: no raw tag, no live attribute."""
    assert payload not in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("form_name", sorted(PATHS))
def test_a_payload_in_every_public_text_field_is_stored_and_shown_as_text(client, store, form_name, payload):
    data = {**VALID[form_name], **{name: payload for name in free_text_fields(form_name)}}
    response = client.post(PATHS[form_name], data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    table = "applications" if form_name == "application" else "reports"
    [record] = store.read().table(table).all()
    portal_data.build(store)
    login(client, portal_data.COORDINATOR)
    url = f"/beheer/vrijwilligers/aanmeldingen/{record.doc_id}" if table == "applications" else f"/beheer/meldingen/{record.doc_id}"
    html = client.get(url).get_data(as_text=True)
    assert_inert(html, payload)
    assert str(escape(payload)) in html
    list_url = "/beheer/vrijwilligers/aanmeldingen" if table == "applications" else "/beheer/meldingen/"
    assert_inert(client.get(list_url).get_data(as_text=True), payload)


def test_a_public_form_with_errors_shows_the_payload_back_as_text(client):
    data = {**VALID_REPORT, "description": SCRIPT, "name": IMG, "consent": ""}
    response = client.post("/melding", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_inert(html, SCRIPT)
    assert_inert(html, IMG)
    assert str(escape(SCRIPT)) in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_a_report_turned_case_is_text_on_every_case_page_and_in_the_handover_pdf(
        client, store, payload, tmp_path):
    portal_data.build(store)
    client.post("/melding", data={**VALID_REPORT, "name": payload, "description": payload, "street": payload})
    report_id = store.read().table("reports").all()[-1].doc_id
    login(client, portal_data.COORDINATOR)
    location = client.post(f"/beheer/meldingen/{report_id}/zaak").headers["Location"]
    case_id = int(re.search(r"/zaken/(\d+)", location).group(1))
    assert client.post(f"/beheer/zaken/{case_id}/notitie", data={"text": payload}).status_code == 303
    assert client.post(f"/beheer/zaken/{case_id}/overdracht",
                       data={"summary": payload, "safety": payload, "agreements": payload}).status_code == 303
    for path in ("", "/gegevens", "/koppelen", "/overdracht", "/nabespreking", "/nazorg"):
        html = client.get(f"/beheer/zaken/{case_id}{path}").get_data(as_text=True)
        assert_inert(html, payload)
    assert str(escape(payload)) in client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    assert_inert(client.get("/beheer/zaken/").get_data(as_text=True), payload)
    pdf = client.get(f"/beheer/zaken/{case_id}/overdracht.pdf").data
    assert re.sub(r"\s+", "", payload) in pdf_text(pdf, tmp_path)


def test_the_case_export_neutralises_formulas_typed_by_a_resident(client, store):
    portal_data.build(store)
    client.post("/melding", data={**VALID_REPORT, "name": FORMULA, "street": "+31 kwaad", "description": "@SUM(A1)"})
    report_id = store.read().table("reports").all()[-1].doc_id
    login(client, portal_data.COORDINATOR)
    client.post(f"/beheer/meldingen/{report_id}/zaak")
    text = client.get("/beheer/zaken/export.csv").get_data(as_text=True).lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + FORMULA in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_the_protocol_editor_is_sanitised_on_the_page_and_literal_in_the_pdf(
        coordinator, client, programme, payload, tmp_path):
    response = coordinator.post("/beheer/protocollen/nieuw", data={"title": payload, "body": f"Tekst {payload}\n", "note": payload})
    protocol_id = int(re.search(r"/protocollen/(\d+)", response.headers["Location"]).group(1))
    coordinator.post(f"/beheer/protocollen/{protocol_id}/versie/1/publiceren")
    for path in ("", "/versie/1", "/lezen"):
        assert_inert(coordinator.get(f"/beheer/protocollen/{protocol_id}{path}").get_data(as_text=True), payload)
    assert_inert(coordinator.get("/beheer/protocollen/").get_data(as_text=True), payload)
    text = pdf_text(coordinator.get(f"/beheer/protocollen/{protocol_id}/pdf").data, tmp_path)
    assert re.sub(r"\s+", "", payload) in text  # the title, as written
    login(client, portal_data.ANNA)
    assert_inert(client.get("/portaal/protocollen").get_data(as_text=True), payload)
    assert_inert(client.get("/portaal/").get_data(as_text=True), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_the_volunteers_portal_forms_is_text_for_them_and_the_coordinator(client, store, programme, payload):
    login(client, portal_data.ANNA)
    from buurtbemiddeling.cases import repo as case_repo

    today = clock.today().isoformat()
    posts = [
        client.post(f"/portaal/zaken/{programme.case_a}/contact", data={
            "date": today, "with": "partij-a", "channel": "telefoon", "minutes": "10", "summary": payload}),
        client.post(f"/portaal/zaken/{programme.case_a}/nabespreking", data={
            "talk": "gesprek-a", "date": today, "went_well": payload, "hard": payload, "coaching_needed": "nee"}),
        client.post("/portaal/declaraties", data={"date": today, "amount": "5", "description": payload}),
        client.post(f"/portaal/voorstellen/{programme.proposal_c}", data={"answer": "nee", "note": payload}),
    ]
    assert [r.status_code for r in posts] == [303, 303, 303, 303]
    for url in (f"/portaal/zaken/{programme.case_a}", "/portaal/declaraties", "/portaal/"):
        assert_inert(client.get(url).get_data(as_text=True), payload)
    assert str(escape(payload)) in client.get(f"/portaal/zaken/{programme.case_a}").get_data(as_text=True)
    client.post("/beheer/uitloggen")
    login(client, portal_data.COORDINATOR)
    for url in (f"/beheer/zaken/{programme.case_a}", f"/beheer/zaken/{programme.case_c}/koppelen",
                "/beheer/budget/declaraties", "/beheer/kwaliteit/", "/beheer/coaching/", "/beheer/"):
        assert_inert(client.get(url).get_data(as_text=True), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_the_volunteer_and_partner_admin_forms_is_text(coordinator, store, programme, payload):
    posts = [
        coordinator.post("/beheer/netwerk/nieuw", data={"name": payload, "type": "politie", "notes": payload, "address": payload}),
        coordinator.post(f"/beheer/vrijwilligers/{programme.anna}/contact", data={"on": "2026-01-05", "kind": "gesprek", "note": payload}),
        coordinator.post("/beheer/kwaliteit/signalen", data={"volunteer_id": str(programme.anna), "date": "2026-01-05",
                                                             "kind": "zorg", "source": "coordinator", "text": payload}),
    ]
    assert [r.status_code for r in posts] == [303, 303, 303], [r.get_data(as_text=True)[:300] for r in posts]
    partner_id = max(p.doc_id for p in store.read().table("partners").all())
    for url in (f"/beheer/netwerk/{partner_id}", "/beheer/netwerk/", f"/beheer/vrijwilligers/{programme.anna}",
                f"/beheer/kwaliteit/vrijwilliger/{programme.anna}", "/beheer/privacy/logboek"):
        assert_inert(coordinator.get(url).get_data(as_text=True), payload)


def test_the_data_subject_export_pdf_shows_a_payload_literally(coordinator, store, programme, tmp_path):
    with store.transaction() as tx:
        tx.table("cases").update({"description": SCRIPT}, doc_ids=[programme.case_a])
    pdf = coordinator.post("/beheer/privacy/personen/export.pdf", data={"sleutel": f"case:{programme.case_a}:0"}).data
    assert re.sub(r"\s+", "", SCRIPT) in pdf_text(pdf, tmp_path)
