"""Protocols: versions, the diff, publishing, who has read it, the PDF and the debrief checklist."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from buurtbemiddeling.auth import users
from buurtbemiddeling.protocols import checklist, diff, documents
from buurtbemiddeling.protocols.checklist import published_checklist

from .conftest import PASSWORD

AUTHOR = documents.Author("1", "Carla")
TEXT = """Inleiding.

## Werkwijze in duo's

- Altijd met z'n tweeën.

## Checklist

- Rollen **vooraf** verdeeld
- [ ] Contacten vastgelegd in
  het systeem
1. Zie [het handboek](https://example.org/handboek)

## Nazorg

- Bel na zes weken.
"""


# -- pure rules -----------------------------------------------------------------------------

def test_the_checklist_is_the_list_under_the_checklist_heading_as_plain_text():
    assert checklist.checklist_items(TEXT) == [
        "Rollen vooraf verdeeld", "Contacten vastgelegd in het systeem", "Zie het handboek"]


def test_a_dutch_checklijst_heading_counts_and_a_text_without_one_has_no_items():
    assert checklist.checklist_items("### Checklijst:\n* Een\n* Twee\n") == ["Een", "Twee"]
    assert checklist.checklist_items("## Werkwijze\n- Niet dit\n") == []


def test_the_diff_counts_added_and_removed_lines_and_marks_the_changed_words():
    result = diff.compare("een\ntwee\ndrie\n", "een\ntwee bis\ndrie\nvier\n")
    assert (result.added, result.removed, result.changed) == (2, 1, 1)
    assert result.summary() == "1 regel gewijzigd, 1 regel toegevoegd."
    kinds = [row.kind for row in result.rows]
    assert kinds == ["same", "del", "add", "same", "add"]
    changed = result.rows[2]
    assert [(s.kind, s.text) for s in changed.segments] == [("same", "twee"), ("add", " bis")]


def test_long_unchanged_stretches_fold_into_one_row_that_says_how_many_lines():
    old = "\n".join(f"regel {n}" for n in range(30))
    new = old.replace("regel 15", "regel vijftien")
    rows = diff.compare(old, new).rows
    skips = [row.skipped for row in rows if row.kind == "skip"]
    assert skips == [13, 12] and len(rows) == 2 + 2 + 2 + 2  # two folds, 2+2 context, the changed pair


def test_identical_texts_have_no_differences():
    assert diff.compare("a\nb\n", "a\nb\n").unchanged


def test_a_new_version_needs_a_note_and_a_change(store):
    pid = documents.create(store, "Werkprotocol", "Tekst\n", "", AUTHOR)
    with pytest.raises(documents.ProtocolError) as missing:
        documents.add_version(store, pid, "Werkprotocol", "Andere tekst", "", AUTHOR)
    assert "wat er veranderd" in missing.value.errors["note"]
    with pytest.raises(documents.ProtocolError) as same:
        documents.add_version(store, pid, "Werkprotocol", "Tekst\r\n", "Niets", AUTHOR)
    assert "gelijk aan versie 1" in same.value.errors["body"]
    assert documents.add_version(store, pid, "Werkprotocol", "Tekst 2", "Zin erbij", AUTHOR) == 2
    assert [v["number"] for v in documents.versions(store.read(), pid)] == [2, 1]
    assert documents.version(store.read(), pid, 1)["body"] == "Tekst\n"  # old versions stay as they were


def test_the_debrief_checklist_comes_only_from_published_versions(store):
    assert published_checklist(store.read()) == []
    pid = documents.create(store, "Werkprotocol", "## Checklist\n- Eerste punt\n", "", AUTHOR)
    assert published_checklist(store.read()) == []
    documents.publish(store, pid, 1, AUTHOR)
    documents.add_version(store, pid, "Werkprotocol", "## Checklist\n- Concept punt\n", "Concept", AUTHOR)
    other = documents.create(store, "Privacy", "## Checklist\n- Geen lijstjes thuis\n- Eerste punt\n", "", AUTHOR)
    documents.publish(store, other, 1, AUTHOR)
    assert published_checklist(store.read()) == ["Eerste punt", "Geen lijstjes thuis"]


# -- pages ------------------------------------------------------------------------------------

def _protocol(store, body=TEXT, publish=True) -> int:
    pid = documents.create(store, "Werkprotocol vrijwilligers", body, "Eerste versie", AUTHOR)
    if publish:
        documents.publish(store, pid, 1, AUTHOR)
    return pid


def test_protocol_pages_are_for_the_coordinator(client, as_user, store):
    pid = _protocol(store)
    coordinator_only = ["/beheer/protocollen/", "/beheer/protocollen/nieuw", f"/beheer/protocollen/{pid}",
                        f"/beheer/protocollen/{pid}/nieuwe-versie", f"/beheer/protocollen/{pid}/versie/1",
                        f"/beheer/protocollen/{pid}/verschil"]
    for url in coordinator_only + [f"/beheer/protocollen/{pid}/lezen", f"/beheer/protocollen/{pid}/pdf"]:
        response = client.get(url)
        assert response.status_code == 302 and "/beheer/inloggen" in response.location, url
    as_user.volunteer()
    for url in coordinator_only:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/beheer/protocollen/{pid}/versie/1/publiceren").status_code == 403
    as_user.login("partner@lindenhoven.example", "partner")
    assert client.get(f"/beheer/protocollen/{pid}/lezen").status_code == 403


def test_mutations_are_post_only(client, as_user, store):
    pid = _protocol(store)
    as_user.coordinator()
    assert client.get(f"/beheer/protocollen/{pid}/versie/1/publiceren").status_code == 405
    assert client.get(f"/beheer/protocollen/{pid}/gelezen").status_code == 405


def test_the_coordinator_writes_a_protocol_and_a_new_version_and_sees_the_difference(client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/protocollen/nieuw", data={"title": "Werkprotocol", "body": "Regel een\nRegel twee\n", "note": ""})
    assert response.status_code == 302
    pid = documents.all_protocols(store.read())[0].doc_id
    page = client.get(f"/beheer/protocollen/{pid}").get_data(as_text=True)
    assert "Nog niet gepubliceerd" in page and "Versie 1 publiceren" in page
    response = client.post(f"/beheer/protocollen/{pid}/nieuwe-versie",
                           data={"title": "Werkprotocol", "body": "Regel een\nRegel 2\nRegel drie\n", "note": "Drie regels"})
    assert response.status_code == 302 and "verschil?van=1&naar=2" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "1 regel gewijzigd, 1 regel toegevoegd." in page
    assert "<del><span class=\"visually-hidden\">[weg: </span>twee" in page
    assert "<ins><span class=\"visually-hidden\">[nieuw: </span>2" in page
    assert "Gewijzigd, was" in page and "Gewijzigd, nu" in page and "Toegevoegd" in page and "Carla Coördinator" in page and "Drie regels" in page


def test_a_rejected_version_keeps_everything_that_was_typed(client, as_user, store):
    pid = _protocol(store)
    as_user.coordinator()
    response = client.post(f"/beheer/protocollen/{pid}/nieuwe-versie",
                           data={"title": "Werkprotocol vrijwilligers", "body": "Nieuwe <tekst> hier", "note": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Schrijf kort wat er veranderd is" in html and "Nieuwe &lt;tekst&gt; hier</textarea>" in html
    assert len(documents.versions(store.read(), pid)) == 1


def test_publishing_a_version_makes_volunteers_read_again_and_the_coordinator_sees_who_has_not(client, as_user, store):
    pid = _protocol(store)
    volunteer = as_user.volunteer()
    other = users.create_user(store, "anna@lindenhoven.example", PASSWORD, "volunteer", "Anna de Boer")
    page = client.get(f"/beheer/protocollen/{pid}/lezen").get_data(as_text=True)
    assert "Rollen <strong>vooraf</strong> verdeeld" in page and "Ik heb dit protocol gelezen" in page
    assert client.post(f"/beheer/protocollen/{pid}/gelezen").status_code == 302
    assert "Bevestigd" in client.get(f"/beheer/protocollen/{pid}/lezen").get_data(as_text=True)

    readers = documents.readers(store.read(), pid)
    assert [u["name"] for u, _ in readers.read] == ["Victor Vrijwilliger"] and [u["name"] for u in readers.pending] == ["Anna de Boer"]
    as_user.coordinator()
    page = client.get(f"/beheer/protocollen/{pid}").get_data(as_text=True)
    assert "1 van 2" in page and "Anna de Boer" in page
    assert "Anna de Boer" not in page.split("Nog niet bevestigd")[0]

    documents.add_version(store, pid, "Werkprotocol vrijwilligers", TEXT + "\nExtra.\n", "Extra", AUTHOR)
    client.post(f"/beheer/protocollen/{pid}/versie/2/publiceren")
    assert store.read().table("protocols").get(doc_id=pid)["published"] == 2
    assert sorted(u.doc_id for u in documents.readers(store.read(), pid).pending) == sorted([int(volunteer.id), int(other.id)])


def test_the_today_panel_lists_protocols_that_volunteers_have_not_all_read(store, as_user):
    from buurtbemiddeling.protocols.dashboard import unread_panel

    pid = _protocol(store)
    assert unread_panel(store.read())["unread"] == []  # no volunteers yet
    as_user.volunteer()
    rows = unread_panel(store.read())["unread"]
    assert [(p.doc_id, readers.total, len(readers.pending)) for p, _, readers in rows] == [(pid, 1, 1)]


def test_volunteers_only_ever_see_the_published_version(client, as_user, store):
    draft = _protocol(store, publish=False)
    pid = _protocol(store, body="## Gepubliceerd\nJuiste tekst\n")
    documents.add_version(store, pid, "Werkprotocol vrijwilligers", "Concepttekst\n", "Concept", AUTHOR)
    as_user.volunteer()
    assert client.get(f"/beheer/protocollen/{draft}/lezen").status_code == 404
    assert client.get(f"/beheer/protocollen/{draft}/pdf").status_code == 404
    assert client.post(f"/beheer/protocollen/{draft}/gelezen").status_code == 404
    page = client.get(f"/beheer/protocollen/{pid}/lezen").get_data(as_text=True)
    assert "Juiste tekst" in page and "Concepttekst" not in page


def test_an_unknown_protocol_or_version_is_not_found(client, as_user, store):
    pid = _protocol(store)
    as_user.coordinator()
    assert client.get("/beheer/protocollen/99").status_code == 404
    assert client.get(f"/beheer/protocollen/{pid}/versie/9").status_code == 404
    assert client.get(f"/beheer/protocollen/{pid}/verschil?van=1&naar=9").status_code == 404
    assert client.post(f"/beheer/protocollen/{pid}/versie/9/publiceren").status_code == 404


def test_script_in_a_protocol_text_is_never_run(client, as_user, store):
    pid = _protocol(store, body='Hallo <script>alert(1)</script> <img src=x onerror=alert(2)> [klik](javascript:alert(3))\n')
    as_user.coordinator()
    for url in (f"/beheer/protocollen/{pid}", f"/beheer/protocollen/{pid}/versie/1"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "protocol.pdf"
    path.write_bytes(data)
    return subprocess.run([shutil.which("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_holds_the_text_and_says_which_version_it_is(client, as_user, store, tmp_path):
    pid = _protocol(store, body=TEXT + "\n<script>alert('pdf')</script>\n")
    as_user.coordinator()
    response = client.get(f"/beheer/protocollen/{pid}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="werkprotocol-vrijwilligers-versie-1.pdf"' in response.headers["Content-Disposition"]
    text = _pdf_text(response.data, tmp_path)
    assert "Werkprotocol vrijwilligers" in text and "Versie 1, gepubliceerd op" in text
    assert "Rollen vooraf verdeeld" in text and "Pagina 1 van 1" in text and "alert" not in text


# -- writing with a preview, reading what changed ----------------------------------------------

def test_the_sections_a_change_falls_in_are_named_in_the_order_of_the_text():
    new = TEXT.replace("- Bel na zes weken.", "- Bel na vier weken.").replace("Inleiding.", "Inleiding, herzien.")
    assert diff.sections(TEXT, new) == ["Begin van de tekst", "Nazorg"]
    assert diff.sections(TEXT, TEXT + "\n## Bij geweld\n\n- Bel 112.\n") == ["Bij geweld"]


def test_the_preview_renders_markdown_through_the_one_home_without_scripts(client, as_user):
    as_user.coordinator()
    response = client.post("/beheer/protocollen/voorbeeld", data={"body": "## Kopje\n\n- **vet**\n\n<script>alert(1)</script>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h2>Kopje</h2>" in html and "<strong>vet</strong>" in html
    assert "<script" not in html
    as_user.volunteer()
    assert client.post("/beheer/protocollen/voorbeeld", data={"body": "x"}).status_code == 403


def test_the_preview_button_without_javascript_shows_the_text_and_saves_nothing(client, as_user, store):
    pid = _protocol(store)
    as_user.coordinator()
    page = client.get(f"/beheer/protocollen/{pid}/nieuwe-versie").get_data(as_text=True)
    assert 'hx-post="/beheer/protocollen/voorbeeld"' in page and "<h2>Checklist</h2>" in page
    response = client.post(f"/beheer/protocollen/{pid}/nieuwe-versie", data={
        "title": "Werkprotocol vrijwilligers", "body": "## Nieuw kopje\n\nNieuwe tekst", "note": "", "voorbeeld": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h2>Nieuw kopje</h2>" in html and "## Nieuw kopje" in html
    assert len(documents.versions(store.read(), pid)) == 1


def test_a_volunteer_asked_to_confirm_again_is_told_what_changed_since_the_version_they_read(client, as_user, store):
    pid = _protocol(store)
    as_user.volunteer()
    first = client.get(f"/beheer/protocollen/{pid}/lezen").get_data(as_text=True)
    assert "Wat is er veranderd" not in first  # never read before: the whole text is new
    client.post(f"/beheer/protocollen/{pid}/gelezen")
    documents.add_version(store, pid, "Werkprotocol vrijwilligers", TEXT.replace("zes weken", "vier weken"),
                          "Nazorg eerder", AUTHOR)
    documents.publish(store, pid, 2, AUTHOR)
    page = client.get(f"/beheer/protocollen/{pid}/lezen").get_data(as_text=True)
    changes = page[page.index('id="veranderd"'):page.index("De hele tekst van versie 2")]
    assert "Wat is er veranderd sinds versie 1?" in changes and "Versie 2: Nazorg eerder" in changes
    assert "Veranderd in: Nazorg." in changes and "1 regel gewijzigd." in changes
    assert "<del><span class=\"visually-hidden\">[weg: </span>zes" in changes
    assert "<ins><span class=\"visually-hidden\">[nieuw: </span>vier" in changes
    client.post(f"/beheer/protocollen/{pid}/gelezen")
    assert "Wat is er veranderd" not in client.get(f"/beheer/protocollen/{pid}/lezen").get_data(as_text=True)
