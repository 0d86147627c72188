"""Every upload route takes files up to its stated limit and answers a larger one with a Dutch
message on the page, never a bare "413 Request Entity Too Large" — with CSRF protection on,
so the limit is known before the token check reads the body."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from buurtbemiddeling import uploads
from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import repo

from .conftest import PASSWORD

TEMPLATES = Path(__file__).resolve().parent.parent / "buurtbemiddeling" / "templates"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def admin(app, csrf_client, store):
    users.create_user(store, "c@example.nl", PASSWORD, "coordinator", "Carla")
    token = TOKEN.search(csrf_client.get("/beheer/inloggen").get_data(as_text=True)).group(1)
    assert csrf_client.post("/beheer/inloggen", data={"email": "c@example.nl", "password": PASSWORD,
                                                      "csrf_token": token}).status_code == 302
    token = TOKEN.search(csrf_client.get("/beheer/zaken/import").get_data(as_text=True)).group(1)
    case_id, _ = repo.create_case(store, {"parties": [{"name": "A"}, {}]}, None)
    with store.transaction() as tx:
        partner = tx.table("partners").insert({"name": "Woonstede", "type": "woningcorporatie"})
        agreement = tx.table("partner_agreements").insert({"partner_id": partner, "title": "Convenant"})
        volunteer = tx.table("volunteers").insert({"name": "Vera", "step": "actief"})
        expense = tx.table("budget_expenses").insert({"date": "2026-01-05", "line": "overig", "amount_cents": 500,
                                                      "description": "Koffie", "receipt": None})
    urls = {"cases.import_preview": "/beheer/zaken/import", "cases.import_commit": "/beheer/zaken/import/bevestigen",
            "cases.add_document": f"/beheer/zaken/{case_id}/document"}
    with csrf_client.application.test_request_context():
        from flask import url_for
        ids = {"partner_id": partner, "agreement_id": agreement, "volunteer_id": volunteer, "expense_id": expense}
        for endpoint in uploads.LIMITS:
            if endpoint not in urls:
                rule = next(r for r in csrf_client.application.url_map.iter_rules() if r.endpoint == endpoint)
                urls[endpoint] = url_for(endpoint, **{k: v for k, v in ids.items() if k in rule.arguments})
    return csrf_client, token, urls


def _file_fields(endpoint: str) -> list[str]:
    if endpoint.endswith(".import_preview"):  # every area's import: the cases and the volunteer pool
        return ["file"]
    if endpoint.endswith(".import_commit"):
        return ["text"]
    return {"cases.add_document": ["file"], "budget.new_expense": ["receipt"], "budget.edit_expense": ["receipt"],
            "budget.add_claim": ["receipt"], "volunteers.record_add": ["certificate"]}.get(endpoint, ["document"])


def _post(client, url, token, endpoint, size):
    data = {"csrf_token": token, "title": "Stuk"}
    for name in _file_fields(endpoint):
        if name == "text":
            data[name] = "x" * size
        else:
            data[name] = (io.BytesIO(b"%PDF-1.4\n" + b"0" * (size - 9)), "stuk.pdf")
    return client.post(url, data=data, content_type="multipart/form-data")


def test_every_form_that_uploads_a_file_has_a_limit_set_before_the_body_is_read(app):
    endpoints = set()
    for template in TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form[^>]*multipart/form-data[^>]*>", template.read_text()):
            endpoints |= set(re.findall(r"url_for\('([\w.]+)'", form))
    assert endpoints and endpoints <= set(uploads.LIMITS), endpoints - set(uploads.LIMITS)


def test_each_upload_route_takes_a_body_at_its_limit_and_refuses_one_above_in_dutch(admin):
    client, token, urls = admin
    for endpoint, url in urls.items():
        with client.application.app_context():
            limit = uploads.LIMITS[endpoint]()
        at_limit = _post(client, url, token, endpoint, limit)
        assert at_limit.status_code not in (400, 413), (endpoint, at_limit.status_code)
        above = _post(client, url, token, endpoint, limit + uploads.BODY_OVERHEAD + 1)
        page = above.get_data(as_text=True)
        assert above.status_code == 413 and "te groot" in page and f"{limit // (1024 * 1024)} MB" in page, endpoint
        assert "Request Entity Too Large" not in page and '<html lang="nl">' in page, endpoint


def test_a_case_document_at_the_limit_is_kept_and_one_byte_more_is_refused_on_the_case_page(admin, store):
    client, token, urls = admin
    url = urls["cases.add_document"]
    with client.application.app_context():
        limit = uploads.LIMITS["cases.add_document"]()
    assert _post(client, url, token, "cases.add_document", limit).status_code == 303
    assert [e for e in store.read().table(repo.EVENTS).all() if e.get("kind") == "document"][0]["size"] == limit
    over = _post(client, url, token, "cases.add_document", limit + 1)
    assert over.status_code == 422 and "groter dan 10 MB" in over.get_data(as_text=True)
    far_over = _post(client, url, token, "cases.add_document", limit + uploads.BODY_OVERHEAD + 1)
    page = far_over.get_data(as_text=True)
    assert far_over.status_code == 413 and 'id="document-file-error"' in page and "Tijdlijn" in page
