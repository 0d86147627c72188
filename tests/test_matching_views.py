"""The Koppelen page, proposing and answering, and the handover sheet as the coordinator uses them."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from buurtbemiddeling.cases import repo as case_repo
from buurtbemiddeling.matching import proposals

from .matching_data import add_case, add_volunteers
from .conftest import stored_once


def store_a_case_and_volunteers(store) -> dict:
    case_id = add_case(store)
    ayse, kees, henk = add_volunteers(store, "Ayse", "Kees", "Henk")
    with store.transaction() as tx:
        tx.table("volunteers").update({"languages": ["Nederlands", "Turks"]}, doc_ids=[ayse])
    (buurman,) = add_volunteers(store, "Buurman", street="Lindelaan 80")
    (nieuw,) = add_volunteers(store, "Nieuweling", trained=False)
    return {"case": case_id, "ayse": ayse, "kees": kees, "henk": henk, "buurman": buurman, "nieuw": nieuw}


@pytest.fixture
def matched(store):
    return store_a_case_and_volunteers(store)


shared_matched = stored_once(store_a_case_and_volunteers)  # for the tests that only read (`module_app`)


def test_the_koppelen_page_ranks_duos_with_explanations_and_shows_who_is_excluded_and_why(client, as_user, store, matched):
    as_user.coordinator()
    page = client.get(f"/beheer/zaken/{matched['case']}/koppelen").get_data(as_text=True)
    assert "Spreekt Turks, net als partij A" in page
    assert page.index("Ayse") < page.index("Komen niet in aanmerking")
    assert "Woont in dezelfde straat als partij A (Lindelaan 12)" in page
    assert "Nog geen basistraining: niet inzetbaar" in page
    assert store.audit_entries(record=f"case:{matched['case']}")[0]["action"] == "view"


def test_who_is_excluded_follows_a_training_recorded_after_the_page_was_seen(client, as_user, store, matched):
    """The excluded table is kept with the ranking: a basistraining recorded since is on the next visit."""
    as_user.coordinator()
    url = f"/beheer/zaken/{matched['case']}/koppelen"

    def excluded_part() -> str:
        page = client.get(url).get_data(as_text=True)
        return page[page.index("Komen niet in aanmerking"):]

    assert "Nieuweling" in excluded_part() and "Nog geen basistraining" in excluded_part()
    with store.transaction() as tx:
        training = next(t.doc_id for t in tx.table("trainings").all() if t.get("kind") == "basistraining")
        tx.table("training_records").insert({"volunteer_id": matched["nieuw"], "training_id": training,
                                              "date": "2025-02-01", "hours": 15})
    assert "Nieuweling" not in excluded_part()
    assert "Nog geen basistraining" not in excluded_part()


def test_the_case_page_shows_the_best_duos_while_none_is_chosen(client, as_user, matched):
    as_user.coordinator()
    page = client.get(f"/beheer/zaken/{matched['case']}").get_data(as_text=True)
    assert "Duo koppelen" in page and "Dit duo voorstellen" in page and "Spreekt Turks" in page


def test_proposing_a_duo_and_two_yeses_link_it_and_lead_to_the_handover(client, as_user, store, matched):
    as_user.coordinator()
    case_id, ayse, kees = matched["case"], matched["ayse"], matched["kees"]
    response = client.post(f"/beheer/zaken/{case_id}/koppelen", data={"duo": f"{ayse}-{kees}"})
    assert response.status_code == 303
    proposal = proposals.open_proposal(store.read(), case_id)
    assert proposal["duo"] == [ayse, kees] and any("Spreekt Turks" in r for r in proposal["reasons"])
    page = client.get(f"/beheer/zaken/{case_id}/koppelen").get_data(as_text=True)
    assert page.count("Nog geen antwoord") == 2
    client.post(f"/beheer/zaken/{case_id}/koppelen/{proposal.doc_id}/antwoord", data={"volunteer_id": ayse, "answer": "ja"})
    response = client.post(f"/beheer/zaken/{case_id}/koppelen/{proposal.doc_id}/antwoord",
                           data={"volunteer_id": kees, "answer": "ja"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/beheer/zaken/{case_id}/overdracht")
    case = case_repo.get_case(store.read(), case_id)
    assert case["step"] == "gekoppeld" and case["duo"] == [ayse, kees]


def test_an_excluded_volunteer_cannot_be_proposed_and_the_reason_is_shown_again(client, as_user, store, matched):
    as_user.coordinator()
    response = client.post(f"/beheer/zaken/{matched['case']}/koppelen",
                           data={"first": matched["buurman"], "second": matched["kees"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Buurman: Woont in dezelfde straat als partij A" in page
    assert proposals.open_proposal(store.read(), matched["case"]) is None
    # Both choices come back selected, each in its own list.
    first, second = (page.split(f'id="eigen-{slot}"')[1].split("</select>")[0] for slot in ("first", "second"))
    assert f'<option value="{matched["buurman"]}" selected>Buurman</option>' in first and first.count("selected") == 1
    assert f'<option value="{matched["kees"]}" selected>Kees</option>' in second and second.count("selected") == 1
    fresh = client.get(f"/beheer/zaken/{matched['case']}/koppelen").get_data(as_text=True)
    assert "selected" not in fresh.split('id="eigen-first"')[1].split("</select>")[0]


def test_a_refusal_shows_a_message_and_the_case_waits_for_another_duo(client, as_user, store, matched):
    as_user.coordinator()
    client.post(f"/beheer/zaken/{matched['case']}/koppelen", data={"duo": f"{matched['ayse']}-{matched['henk']}"})
    proposal = proposals.open_proposal(store.read(), matched["case"])
    response = client.post(f"/beheer/zaken/{matched['case']}/koppelen/{proposal.doc_id}/antwoord",
                           data={"volunteer_id": matched["henk"], "answer": "nee", "note": "op vakantie"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Henk kan niet meedoen; kies een ander duo." in page and "op vakantie" in page
    assert case_repo.get_case(store.read(), matched["case"])["step"] == "intake"


def test_an_answer_without_a_choice_is_refused_with_a_dutch_message(client, as_user, store, matched):
    as_user.coordinator()
    client.post(f"/beheer/zaken/{matched['case']}/koppelen", data={"duo": f"{matched['ayse']}-{matched['kees']}"})
    proposal = proposals.open_proposal(store.read(), matched["case"])
    response = client.post(f"/beheer/zaken/{matched['case']}/koppelen/{proposal.doc_id}/antwoord",
                           data={"volunteer_id": matched["kees"], "answer": ""})
    assert response.status_code == 422 and "Kies of de vrijwilliger meedoet of niet." in response.get_data(as_text=True)


def test_the_handover_sheet_shows_what_the_duo_needs_and_creating_it_is_audited(client, as_user, store, matched):
    as_user.coordinator()
    with store.transaction() as tx:
        tx.table("cases").update({"duo": [matched["ayse"], matched["kees"]], "violence_reported": True},
                                 doc_ids=[matched["case"]])
    page = client.get(f"/beheer/zaken/{matched['case']}/overdracht").get_data(as_text=True)
    for needed in ("Anna Jansen", "Lindelaan 12", "0612345678", "Harde muziek na middernacht.", "geweld of bedreiging"):
        assert needed in page
    sheet = page[page.index('class="handover-sheet"'):page.index("Tekst voor het duo aanpassen")]
    for secret in ("Bosman", "Interne notitie", "anna@example.nl", "Woonstede", "Al geprobeerd"):
        assert secret not in sheet
    assert store.audit_entries(record=f"case:{matched['case']}")[0]["action"] == "handover"


def test_the_coordinator_words_the_safety_note_and_a_too_long_text_keeps_what_was_typed(client, as_user, matched):
    as_user.coordinator()
    url = f"/beheer/zaken/{matched['case']}/overdracht"
    assert client.post(url, data={"safety": "Grote hond bij partij B.", "summary": "", "agreements": ""}).status_code == 303
    assert "Grote hond bij partij B." in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"safety": "Blijft staan", "summary": "x" * 3001, "agreements": ""})
    assert response.status_code == 422 and "Blijft staan" in response.get_data(as_text=True)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_handover_pdf_holds_the_parties_and_not_the_referrer(client, as_user, store, matched, tmp_path):
    as_user.coordinator()
    with store.transaction() as tx:
        tx.table("cases").update({"duo": [matched["ayse"], matched["kees"]]}, doc_ids=[matched["case"]])
    response = client.get(f"/beheer/zaken/{matched['case']}/overdracht.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "overdracht.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Anna Jansen" in text and "Ayse" in text and "Bosman" not in text
    entry = store.audit_entries(record=f"case:{matched['case']}")[0]
    assert (entry["action"], entry.get("format")) == ("handover", "pdf")


@pytest.mark.parametrize("method, url", [
    ("get", "/beheer/zaken/{case}/koppelen"), ("post", "/beheer/zaken/{case}/koppelen"),
    ("post", "/beheer/zaken/{case}/koppelen/1/antwoord"), ("get", "/beheer/zaken/{case}/overdracht"),
    ("get", "/beheer/zaken/{case}/overdracht.pdf"),
])
def test_only_the_coordinator_may_match_and_see_the_handover(module_clients, shared_matched, method, url):
    module_clients.only_the_coordinator_may(method, url.format(case=shared_matched["case"]))


def test_answering_and_proposing_are_post_only(module_clients, shared_matched):
    assert module_clients.coordinator.get(f"/beheer/zaken/{shared_matched['case']}/koppelen/1/antwoord").status_code == 405


def test_an_unknown_case_or_proposal_is_not_found(module_clients, shared_matched):
    coordinator = module_clients.coordinator
    assert coordinator.get("/beheer/zaken/999/koppelen").status_code == 404
    assert coordinator.post(f"/beheer/zaken/{shared_matched['case']}/koppelen/999/antwoord", data={}).status_code == 404


def test_each_session_proposes_from_the_kept_duo_cards_with_its_own_token(app, store, matched):
    """The duo cards are rendered once per kept ranking; each coordinator's session gets its own
    form token in them, and a card's 'Dit duo voorstellen' works with real CSRF checks."""
    import re

    from buurtbemiddeling.auth import users

    from .conftest import PASSWORD, signed_in_client

    app.config["WTF_CSRF_ENABLED"] = True
    users.create_user(store, "tweede@lindenhoven.example", PASSWORD, "coordinator", "Tweede")
    sessions = []
    for _ in range(2):  # two browsers, logged in through the form
        browser = signed_in_client(app, "tweede@lindenhoven.example")
        page = browser.get(f"/beheer/zaken/{matched['case']}/koppelen").get_data(as_text=True)
        sessions.append((browser, page, set(re.findall(r'name="csrf_token" value="([^"]+)"', page))))
    (_, _, first), (browser, page, second) = sessions
    assert len(first) == 1 and len(second) == 1 and first != second
    duo = re.search(r'name="duo" value="(\d+-\d+)"><button type="submit" class="button button-secondary">Dit duo voorstellen',
                    page.replace("\n", "").replace("    ", ""))[1]
    response = browser.post(f"/beheer/zaken/{matched['case']}/koppelen", data={"duo": duo, "csrf_token": second.pop()})
    assert response.status_code == 303
    assert proposals.open_proposal(store.read(), matched["case"])["duo"] == [int(v) for v in duo.split("-")]
