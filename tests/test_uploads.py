"""Uploads (buurtbemiddeling/uploads.py): only PDF, PNG and JPEG judged by their content, a size
limit, stored outside the web root under a random name, sent back only as a download."""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from buurtbemiddeling import uploads

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32


def _file(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


@pytest.mark.parametrize("data, mime, ext", [(PDF, "application/pdf", "pdf"), (PNG, "image/png", "png"),
                                             (JPEG, "image/jpeg", "jpg")])
def test_a_pdf_png_or_jpeg_is_kept_by_what_its_bytes_say(app, data, mime, ext):
    with app.test_request_context():
        meta = uploads.save(_file(data, "scan.bestand"))
    assert meta["type"] == mime and meta["name"] == f"scan.{ext}" and meta["stored"].endswith(f".{ext}")


@pytest.mark.parametrize("data, name", [
    (b"<html><script>alert(1)</script></html>", "bon.pdf"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "bon.png"),
    (b"MZ\x90\x00", "bon.jpg"),
    (b"PK\x03\x04 word document", "verslag.docx"),
])
def test_a_file_that_only_claims_to_be_a_pdf_or_image_is_refused(module_app, data, name):
    with module_app.test_request_context(), pytest.raises(uploads.UploadError, match="Dit soort bestand kan niet"):
        uploads.save(_file(data, name))


def test_an_empty_file_and_a_file_over_the_limit_are_refused(app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    with app.test_request_context():
        with pytest.raises(uploads.UploadError, match="leeg"):
            uploads.save(_file(b"", "leeg.pdf"))
        with pytest.raises(uploads.UploadError, match="te groot"):
            uploads.save(_file(PDF + b"x" * 2000, "groot.pdf"))


def test_a_stored_file_lives_outside_the_web_root_readable_only_by_the_app(app):
    with app.test_request_context():
        meta = uploads.save(_file(PDF, "../../public/index.html.pdf"))
        folder = uploads.upload_dir()
    path = folder / meta["stored"]
    assert path.is_file() and path.read_bytes() == PDF
    assert Path(app.instance_path) in path.parents
    assert Path(app.config["PUBLIC_DIR"]).resolve() not in path.resolve().parents
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "/" not in meta["name"] and ".." not in meta["name"]


def test_a_file_is_sent_only_as_a_download_that_no_browser_renders(app):
    with app.test_request_context():
        meta = uploads.save(_file(PNG, "foto.png"))
        response = uploads.send(meta)
        response.direct_passthrough = False
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store" and response.mimetype == "image/png"


@pytest.mark.parametrize("stored", ["../secret_key", "../../instance/secret_key", "abc.pdf", "", None])
def test_a_stored_name_that_is_not_ours_is_never_opened(module_app, stored):
    with module_app.test_request_context(), pytest.raises(Exception) as caught:
        uploads.send({"stored": stored, "type": "application/pdf", "name": "x.pdf"})
    assert getattr(caught.value, "code", None) == 404


def test_a_receipt_download_is_for_the_coordinator_only(app, client, as_user, store):
    with app.test_request_context():
        meta = uploads.save(_file(PDF, "bon.pdf"))
    with store.transaction() as tx:
        expense_id = tx.table("budget_expenses").insert({"date": "2026-01-05", "line": "overig", "amount_cents": 500,
                                                         "description": "Koffie", "receipt": meta})
    url = f"/beheer/budget/uitgaven/{expense_id}/bon"
    assert "/beheer/inloggen" in client.get(url).headers["Location"]
    as_user.volunteer()
    assert client.get(url).status_code == 403
    as_user.coordinator()
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
