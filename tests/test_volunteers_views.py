"""The volunteers area in the admin: who may use each view, and what the coordinator does there."""
from datetime import timedelta
from io import BytesIO

import pytest
from icalendar import Calendar

from common import clock
from buurtbemiddeling.volunteers import application_form, pipeline, selection

from tests.conftest import stored_once

BASE = "/beheer/vrijwilligers"
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = clock.today().isoformat()


def seed(store):
    """One application, one volunteer in training, a catalogue, an event and a claim."""
    with store.transaction() as tx:
        app_id = tx.table("applications").insert({
            "form": "application", "received_at": "2026-01-05T10:00:00", "source": "web", "lang": "nl", "status": "nieuw",
            "flags": [], "values": {"name": "Anna Aanmelder", "email": "anna@voorbeeld.nl", "wijk": "Centrum",
                                    "languages": ["Nederlands"], "availability": ["ma-avond"], "heard_via": "krant"}})
        vol_id = tx.table("volunteers").insert({
            "name": "Victor Vrijwilliger", "step": "meeloopperiode", "steps": [], "languages": ["Nederlands"],
            "availability": [], "max_cases": 2, "experience": {}, "knows": [], "contacts": [], "start_date": "2025-01-01",
            "agreement": {"signed_on": "", "document": None}})
        basis = tx.table("trainings").insert({"name": "Basistraining", "kind": "basistraining", "hours": 15,
                                              "validity_months": None, "required": False, "retired": False})
        event_id = tx.table("events").insert({"kind": "intervisie", "title": "Intervisie", "date": TODAY, "start": "19:30",
                                              "end": "21:30", "place": "Buurthuis", "agenda": "", "invitees": [vol_id],
                                              "attendance": [], "notes": "", "uid": "x@buurtbemiddeling"})
        claim_id = tx.table("expense_claims").insert({"volunteer_id": vol_id, "date": TODAY, "amount_cents": 500,
                                                      "description": "Reis", "receipt": None, "status": "ingediend"})
    return {"application_id": app_id, "volunteer_id": vol_id, "training_id": basis, "event_id": event_id,
            "expense_id": claim_id, "record_id": 1}


GET_VIEWS = [
    "/", "/aanmeldingen", "/aanmeldingen/nieuw", "/aanmeldingen/{application_id}", "/aanmeldingen/{application_id}/gesprek",
    "/nieuw", "/{volunteer_id}", "/{volunteer_id}/bewerken", "/{volunteer_id}/overeenkomst",
    "/{volunteer_id}/trainingen/{record_id}/certificaat", "/trainingen", "/trainingen/{training_id}", "/activiteiten",
    "/activiteiten/nieuw", "/activiteiten/{event_id}", "/activiteiten/{event_id}/bewerken", "/activiteiten/{event_id}.ics",
    "/onkosten", "/pool",
]
POST_ONLY = [
    "/aanmeldingen/{application_id}/stap", "/{volunteer_id}/stap", "/{volunteer_id}/trainingen", "/{volunteer_id}/contact",
    "/activiteiten/{event_id}/aanwezigheid", "/activiteiten/agenda", "/pool/bevolking",
]
POST_VIEWS = POST_ONLY + ["/aanmeldingen/nieuw", "/aanmeldingen/{application_id}/gesprek", "/nieuw", "/{volunteer_id}/bewerken",
                          "/trainingen", "/trainingen/{training_id}", "/activiteiten/nieuw", "/activiteiten/{event_id}/bewerken",
                          "/{volunteer_id}/overeenkomst"]


seeded = stored_once(seed)  # for the tests that only read (`module_app`)


@pytest.mark.parametrize("path", GET_VIEWS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(module_clients, seeded, path):
    response = module_clients.anonymous.get(BASE + path.format(**seeded))
    assert response.status_code == 302 and "/beheer/inloggen" in response.location


@pytest.mark.parametrize("path", GET_VIEWS + POST_VIEWS)
def test_a_volunteer_may_not_use_the_coordinators_volunteer_views(module_clients, seeded, path):
    client, ids = module_clients.volunteer, seeded
    method = client.post if path in POST_VIEWS and path not in GET_VIEWS else client.get
    assert method(BASE + path.format(**ids)).status_code == 403
    if path in POST_VIEWS:
        assert client.post(BASE + path.format(**ids)).status_code == 403


@pytest.mark.parametrize("path", POST_ONLY)
def test_changes_are_post_only(module_clients, seeded, path):
    assert module_clients.coordinator.get(BASE + path.format(**seeded)).status_code == 405


@pytest.mark.parametrize("path", [p for p in GET_VIEWS if "certificaat" not in p and "overeenkomst" not in p and "bon" not in p])
def test_the_coordinator_sees_every_page(module_clients, seeded, path):
    response = module_clients.coordinator.get(BASE + path.format(**seeded))
    assert response.status_code == 200


def test_with_htmx_a_page_answers_only_its_content(module_clients, seeded):
    html = module_clients.coordinator.get(BASE + "/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in html and "Wie wacht waarop" in html


def test_viewing_an_application_or_a_volunteer_is_audited(client, store, as_user):
    ids = seed(store)
    user = as_user.coordinator()
    client.get(f"{BASE}/aanmeldingen/{ids['application_id']}")
    client.get(f"{BASE}/{ids['volunteer_id']}")
    records = {(e["action"], e["record"]) for e in store.audit_entries(user=user.id)}
    assert ("view", f"application:{ids['application_id']}") in records
    assert ("view", f"volunteer:{ids['volunteer_id']}") in records


def test_the_overview_shows_who_waits_for_what(module_clients, seeded):
    html = module_clients.coordinator.get(BASE + "/").get_data(as_text=True)
    assert "Anna Aanmelder" in html and "Kennismakingsgesprek plannen" in html
    assert "Victor Vrijwilliger" in html and "Evalueren en actief maken" in html


def test_an_application_entered_by_hand_has_the_same_shape_as_one_from_the_web(client, store, as_user):
    as_user.coordinator()
    form = application_form.admin_form(store.read())
    first_language = form.field("languages").choices[0][0]
    response = client.post(BASE + "/aanmeldingen/nieuw", data={
        "name": "Piet Telefoon", "phone": "06 12345678", "wijk": "Centrum", "languages": [first_language],
        "availability": ["di-avond"], "heard_via": "krant", "consent": "ja", "email": "piet@voorbeeld.nl",
        "street": "Kerkstraat 1", "postcode": "7411AB", "age_band": "41-55", "motivation": "Ik wil helpen."})
    assert response.status_code == 303, response.get_data(as_text=True)
    [doc] = store.read().table("applications").all()
    assert doc["form"] == "application" and doc["status"] == "nieuw" and doc["source"] == "beheer"
    assert doc["values"]["name"] == "Piet Telefoon" and doc["values"]["languages"] == [first_language]
    assert doc["values"]["availability"] == ["di-avond"] and doc["values"]["postcode"] == "7411 AB"
    assert pipeline.step_of(doc) == "nieuw"


def test_a_bad_hand_entered_application_comes_back_with_a_message_and_the_values(client, store, as_user):
    as_user.coordinator()
    response = client.post(BASE + "/aanmeldingen/nieuw", data={"name": "", "email": "piet@", "motivation": "Ik wil helpen."})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Er is een probleem" in html and "Ik wil helpen." in html
    assert store.read().table("applications").all() == []


def interview_data(decision="aannemen", score="4"):
    data = {"held_on": TODAY, "kind": "selectiegesprek", "decision": decision, "reason": "Luistert goed en blijft neutraal.",
            "interviewers": "Carla"}
    data.update({f"score_{value}": score for value, _ in selection.DEFAULT_CRITERIA})
    return data


def test_from_application_through_selection_and_training_to_active(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    app_url = f"{BASE}/aanmeldingen/{ids['application_id']}"
    assert client.post(app_url + "/stap", data={"to": "kennismakingsgesprek"}).status_code == 303
    assert client.post(app_url + "/stap", data={"to": "selectiegesprek"}).status_code == 303
    response = client.post(app_url + "/stap", data={"to": "aangenomen"})
    assert response.status_code == 422 and "selectiegesprek" in response.get_data(as_text=True)

    response = client.post(app_url + "/gesprek", data=interview_data())
    assert response.status_code == 303
    application = store.read().table("applications").get(doc_id=ids["application_id"])
    assert application["step"] == "aangenomen" and application["interviews"][0]["decision"] == "aannemen"
    volunteer_id = application["volunteer_id"]
    assert response.location.endswith(f"/vrijwilligers/{volunteer_id}")
    volunteer = store.read().table("volunteers").get(doc_id=volunteer_id)
    assert volunteer["name"] == "Anna Aanmelder" and volunteer["application_id"] == ids["application_id"]
    assert [s["step"] for s in volunteer["steps"]] == ["kennismakingsgesprek", "selectiegesprek", "aangenomen"]

    vol_url = f"{BASE}/{volunteer_id}"
    assert client.post(vol_url + "/stap", data={"to": "basistraining"}).status_code == 303
    assert client.post(vol_url + "/stap", data={"to": "meeloopperiode"}).status_code == 303
    response = client.post(vol_url + "/stap", data={"to": "actief"})
    assert response.status_code == 422 and "basistraining" in response.get_data(as_text=True)
    response = client.post(vol_url + "/trainingen", data={"training_id": str(ids["training_id"]), "date": TODAY, "hours": ""})
    assert response.status_code == 303
    assert client.post(vol_url + "/stap", data={"to": "actief"}).status_code == 303
    assert store.read().table("volunteers").get(doc_id=volunteer_id)["step"] == "actief"


def test_a_rejection_after_the_selection_interview_moves_the_applicant_to_rejected(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    app_url = f"{BASE}/aanmeldingen/{ids['application_id']}"
    client.post(app_url + "/stap", data={"to": "selectiegesprek"})
    client.post(app_url + "/gesprek", data=interview_data("afwijzen", "2"))
    application = store.read().table("applications").get(doc_id=ids["application_id"])
    assert application["step"] == "afgewezen" and "volunteer_id" not in application
    assert store.read().table("volunteers").count(lambda d: d.get("name") == "Anna Aanmelder") == 0


def test_an_incomplete_interview_keeps_what_was_typed(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    data = interview_data()
    del data["score_neutraliteit"]
    data["note_samenwerken"] = "Werkte goed mee in het rollenspel"
    response = client.post(f"{BASE}/aanmeldingen/{ids['application_id']}/gesprek", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Geef een score voor neutraliteit." in html
    assert "Werkte goed mee in het rollenspel" in html


def test_stopping_needs_a_reason_and_records_the_chosen_stop_reason(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    url = f"{BASE}/{ids['volunteer_id']}/stap"
    assert client.post(url, data={"to": "gestopt"}).status_code == 422
    assert client.post(url, data={"to": "gestopt", "reason_code": "verhuisd", "reason": "naar Zwolle"}).status_code == 303
    [entry] = store.read().table("volunteers").get(doc_id=ids["volunteer_id"])["steps"]
    assert entry["reason"] == "Verhuisd — naar Zwolle" and entry["reason_code"] == "verhuisd"


def test_the_profile_is_edited_with_availability_experience_and_people_known(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    response = client.post(f"{BASE}/{ids['volunteer_id']}/bewerken", data={
        "name": "Victor Vrijwilliger", "postcode": "7411ab", "languages": "Nederlands, Turks", "age_band": "41-55",
        "gender": "man", "availability": ["ma-avond", "za-ochtend"], "max_cases": "3", "experience_geluidsoverlast": "4",
        "knows": "Kerkstraat 12\nFam. Jansen", "start_date": "2024-05-01"})
    assert response.status_code == 303
    doc = store.read().table("volunteers").get(doc_id=ids["volunteer_id"])
    assert doc["postcode"] == "7411 AB" and doc["languages"] == ["Nederlands", "Turks"]
    assert doc["availability"] == ["ma-avond", "za-ochtend"] and doc["max_cases"] == 3
    assert doc["experience"] == {"geluidsoverlast": 4} and doc["knows"] == ["Kerkstraat 12", "Fam. Jansen"]
    assert doc["step"] == "meeloopperiode"  # the profile form never changes the step


def test_a_bad_profile_comes_back_with_messages_and_keeps_the_input(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    response = client.post(f"{BASE}/{ids['volunteer_id']}/bewerken", data={"name": "Victor", "postcode": "12", "max_cases": "0",
                                                                           "notes": "Belt liever dan mailt"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "4 cijfers en 2 letters" in html and "Belt liever dan mailt" in html


def test_a_signed_agreement_is_stored_outside_the_web_root_and_only_downloaded(client, store, as_user, app):
    ids = seed(store)
    user = as_user.coordinator()
    url = f"{BASE}/{ids['volunteer_id']}/overeenkomst"
    response = client.post(url, data={"signed_on": TODAY, "document": (BytesIO(PDF), "../../overeenkomst victor.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    meta = store.read().table("volunteers").get(doc_id=ids["volunteer_id"])["agreement"]["document"]
    assert meta["name"] == "overeenkomst victor.pdf" and meta["stored"] != meta["name"]
    stored = (app.config.get("UPLOAD_DIR") or f"{app.config['DATA_DIR']}/uploads") + "/" + meta["stored"]
    assert open(stored, "rb").read() == PDF
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert ("download", f"volunteer:{ids['volunteer_id']}") in {(e["action"], e["record"]) for e in store.audit_entries(user=user.id)}


@pytest.mark.parametrize("content, name", [(b"<script>alert(1)</script>", "evil.pdf"), (b"MZ\x90\x00", "prog.png")])
def test_a_file_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(client, store, as_user, content, name):
    ids = seed(store)
    as_user.coordinator()
    response = client.post(f"{BASE}/{ids['volunteer_id']}/overeenkomst", data={"signed_on": TODAY, "document": (BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Dit soort bestand kan niet" in response.get_data(as_text=True)
    assert store.read().table("volunteers").get(doc_id=ids["volunteer_id"])["agreement"]["document"] is None


def test_a_file_above_the_size_limit_is_refused(client, store, as_user, app):
    ids = seed(store)
    app.config["UPLOAD_MAX_BYTES"] = 1024
    as_user.coordinator()
    response = client.post(f"{BASE}/{ids['volunteer_id']}/trainingen", data={
        "training_id": str(ids["training_id"]), "date": TODAY, "certificate": (BytesIO(PDF + b"0" * 2000), "cert.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "te groot" in response.get_data(as_text=True)


def test_an_upload_larger_than_the_small_form_limit_still_passes_csrf(csrf_client, store, app):
    """The app-wide 64 KB limit is for public forms; an upload of a few hundred KB must reach the view."""
    from buurtbemiddeling.auth import users
    ids = seed(store)
    users.create_user(store, "c@lindenhoven.example", "een lang wachtwoord", "coordinator", "C")
    page = csrf_client.get("/beheer/inloggen").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    csrf_client.post("/beheer/inloggen", data={"email": "c@lindenhoven.example", "password": "een lang wachtwoord", "csrf_token": token})
    page = csrf_client.get(f"{BASE}/{ids['volunteer_id']}").get_data(as_text=True)  # a fresh session has a fresh token
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    big = PDF + b"0" * 300_000
    response = csrf_client.post(f"{BASE}/{ids['volunteer_id']}/overeenkomst", data={
        "signed_on": TODAY, "document": (BytesIO(big), "groot.pdf"), "csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 303


def test_a_contact_moment_is_logged_and_sets_the_last_personal_contact(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    response = client.post(f"{BASE}/{ids['volunteer_id']}/contact", data={"on": TODAY, "kind": "kaart", "note": "Kaartje na zware zaak"})
    assert response.status_code == 303
    html = client.get(f"{BASE}/{ids['volunteer_id']}").get_data(as_text=True)
    assert "Kaartje na zware zaak" in html
    assert client.post(f"{BASE}/{ids['volunteer_id']}/contact", data={"on": "morgen", "kind": "kaart"}).status_code == 422


def test_the_training_catalogue_refuses_a_short_basistraining(client, store, as_user):
    as_user.coordinator()
    response = client.post(BASE + "/trainingen", data={"name": "Snelle basis", "kind": "basistraining", "hours": "8"})
    assert response.status_code == 422 and "minstens 15 uur" in response.get_data(as_text=True)
    assert client.post(BASE + "/trainingen", data={"name": "VOG", "kind": "kwalificatie", "validity_months": "36",
                                                   "required": "ja"}).status_code == 303
    [vog] = store.read().table("trainings").all()
    assert vog["required"] and vog["validity_months"] == 36


def test_an_event_is_planned_attendance_recorded_and_exported_to_a_calendar(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    day = (clock.today() + timedelta(days=10)).isoformat()
    response = client.post(BASE + "/activiteiten/nieuw", data={"kind": "bedankbijeenkomst", "title": "Nieuwjaarsborrel", "date": day,
                                                                "start": "17:00", "end": "19:00", "place": "Café De Haven",
                                                                "invitees": [str(ids["volunteer_id"]), "999"]})
    assert response.status_code == 303
    event_id = int(response.location.rsplit("/", 1)[1])
    event = store.read().table("events").get(doc_id=event_id)
    assert event["invitees"] == [ids["volunteer_id"]]
    ahead = client.post(f"{BASE}/activiteiten/{event_id}/aanwezigheid", data={"attended": [str(ids["volunteer_id"])]},
                        follow_redirects=True)
    assert "moet nog plaatsvinden" in ahead.get_data(as_text=True)  # not recorded in advance
    assert store.read().table("events").get(doc_id=event_id).get("attendance", []) == []
    with store.transaction() as tx:
        tx.table("events").update({"date": (clock.today() - timedelta(days=1)).isoformat()}, doc_ids=[event_id])
    client.post(f"{BASE}/activiteiten/{event_id}/aanwezigheid", data={"attended": [str(ids["volunteer_id"])], "notes": "Gezellig"})
    assert store.read().table("events").get(doc_id=event_id)["attendance"] == [ids["volunteer_id"]]
    ics = client.get(f"{BASE}/activiteiten/{event_id}.ics")
    assert ics.mimetype == "text/calendar" and ics.headers["Content-Disposition"].startswith("attachment")
    [item] = Calendar.from_ical(ics.data).walk("VEVENT")
    assert "Nieuwjaarsborrel" in str(item["summary"]) and str(item["location"]) == "Café De Haven"


def test_the_activities_that_took_place_come_in_pages_and_the_coming_ones_stay_on_each(client, store, as_user):
    seed(store)
    as_user.coordinator()
    with store.transaction() as tx:
        for n in range(1, 31):  # Avond 01 was yesterday, Avond 30 thirty days ago
            tx.table("events").insert({"kind": "intervisie", "title": f"Avond {n:02d}", "start": "19:30", "end": "21:00",
                                       "date": (clock.today() - timedelta(days=n)).isoformat(), "invitees": []})
    first = client.get(BASE + "/activiteiten").get_data(as_text=True)
    assert "Pagina 1 van 2" in first and "Avond 25" in first and "Avond 26" not in first
    assert f'href="{BASE}/activiteiten?pagina=2#geweest"' in first
    second = client.get(BASE + "/activiteiten?pagina=2").get_data(as_text=True)
    assert "Avond 26" in second and "Avond 30" in second and "Avond 25" not in second
    for html in (first, second):  # the coming one (seed's) on every page
        assert html.index(">Intervisie</a>") < html.index('id="geweest"')
    assert "Avond 30" in client.get(BASE + "/activiteiten?pagina=7").get_data(as_text=True)  # the nearest page


def test_all_applications_come_in_pages_that_keep_the_choice_to_show_finished_ones(client, store, as_user):
    seed(store)  # Anna's, open, received 5 January
    as_user.coordinator()
    with store.transaction() as tx:
        for n in range(1, 31):  # Aanmelder 01 came on 1 February, Aanmelder 30 on 2 March: newer than Anna's
            tx.table("applications").insert({"form": "application", "source": "web", "step": "afgewezen",
                                             "received_at": f"2026-{2 + n // 29:02d}-{1 + (n - 1) % 28:02d}T10:00:00",
                                             "values": {"name": f"Aanmelder {n:02d}"}})
    assert "Pagina" not in client.get(BASE + "/aanmeldingen").get_data(as_text=True)  # the open one only
    first = client.get(BASE + "/aanmeldingen?alle=1").get_data(as_text=True)
    assert "Pagina 1 van 2" in first and "Aanmelder 30" in first and "Aanmelder 06" in first
    assert "Aanmelder 05" not in first and f'href="{BASE}/aanmeldingen?pagina=2&amp;alle=1"' in first
    second = client.get(BASE + "/aanmeldingen?alle=1&pagina=2").get_data(as_text=True)
    assert "Aanmelder 05" in second and "Aanmelder 01" in second and "Anna Aanmelder" in second
    assert "Aanmelder 06" not in second and "Ook afgeronde aanmeldingen tonen" not in second
    assert "Pagina 1 van 2" in client.get(BASE + "/aanmeldingen?alle=1&pagina=-1").get_data(as_text=True)
    assert "Pagina 2 van 2" in client.get(BASE + "/aanmeldingen?alle=1&pagina=40").get_data(as_text=True)  # the nearest


def _pool_of_sixty(store) -> None:
    """Vrijwilliger 01 … 60: the odd ones active, the even ones inactive (nobody waits for a next step)."""
    with store.transaction() as tx:
        for n in range(1, 61):
            tx.table("volunteers").insert({"name": f"Vrijwilliger {n:02d}", "step": "actief" if n % 2 else "inactief",
                                           "steps": [], "languages": ["Nederlands"], "max_cases": 2,
                                           "start_date": "2025-01-01"})


def test_the_pool_comes_in_pages_that_keep_the_chosen_step(client, store, as_user):
    as_user.coordinator()
    _pool_of_sixty(store)
    first = client.get(BASE + "/").get_data(as_text=True)
    assert "Pagina 1 van 3" in first and "Vrijwilliger 25" in first and "Vrijwilliger 26" not in first
    second = client.get(BASE + "/?pagina=2").get_data(as_text=True)
    assert "Vrijwilliger 26" in second and "Vrijwilliger 50" in second and "Vrijwilliger 51" not in second
    active = client.get(BASE + "/?stap=actief&pagina=2").get_data(as_text=True)  # 30 active: 25 and 5
    assert "Pagina 2 van 2" in active and "Vrijwilliger 51" in active and "Vrijwilliger 59" in active
    assert "Vrijwilliger 49" not in active and "Vrijwilliger 52" not in active
    assert f'href="{BASE}/?pagina=1&amp;stap=actief#pool"' in active
    assert "Pagina 3 van 3" in client.get(BASE + "/?pagina=12").get_data(as_text=True)  # the nearest page


def test_a_bad_event_keeps_what_was_typed(client, store, as_user):
    seed(store)
    as_user.coordinator()
    response = client.post(BASE + "/activiteiten/nieuw", data={"kind": "uitje", "title": "Rondvaart", "date": "2026-06-01",
                                                                "start": "18:00", "end": "14:00", "agenda": "Varen en eten"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "eindtijd" in html and "Varen en eten" in html


def test_the_calendar_feed_works_only_with_its_secret_address_and_a_new_address_ends_the_old(client, store, as_user):
    seed(store)
    as_user.coordinator()
    assert client.get(BASE + "/agenda/geraden.ics").status_code == 404
    client.post(BASE + "/activiteiten/agenda")
    token = store.read().table("calendar_feed").all()[0]["token"]
    as_user.anonymous()
    feed = client.get(f"{BASE}/agenda/{token}.ics")
    assert feed.status_code == 200 and b"Intervisie" in feed.data and b"Victor" not in feed.data
    as_user.coordinator()
    client.post(BASE + "/activiteiten/agenda")
    assert client.get(f"{BASE}/agenda/{token}.ics").status_code == 404


def test_the_onkosten_tab_shows_the_budgets_claims_and_a_claim_entered_there_comes_back_to_it(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    html = client.get(f"{BASE}/onkosten?vrijwilliger={ids['volunteer_id']}").get_data(as_text=True)
    assert "Victor Vrijwilliger" in html and "Reis" in html and 'action="/beheer/budget/declaraties"' in html
    response = client.post("/beheer/budget/declaraties", data={
        "volunteer_id": str(ids["volunteer_id"]), "date": TODAY, "amount": "12,50", "description": "Parkeren",
        "back": f"{BASE}/onkosten", "receipt": (BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 20), "bon.png")},
        content_type="multipart/form-data")
    assert response.status_code == 303 and response.location.endswith(f"{BASE}/onkosten")
    claim = store.read().table("expense_claims").all()[-1]
    assert claim["amount_cents"] == 1250 and claim["receipt"]["type"] == "image/png"
    assert store.read().table("expenses").all() == [], "the volunteers area keeps no claims of its own"


def test_a_volunteers_page_lists_their_claims_from_the_budget(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    html = client.get(f"{BASE}/{ids['volunteer_id']}").get_data(as_text=True)
    section = html[html.index('id="onkosten"'):]
    assert "Reis" in section and "€\u00a05,00" in section and "Ingediend" in section
    assert f"/onkosten?vrijwilliger={ids['volunteer_id']}" in section


def test_population_figures_are_saved_and_a_gap_is_shown(client, store, as_user):
    seed(store)
    with store.transaction() as tx:
        tx.table("volunteers").insert({"name": "A", "step": "actief", "wijk": "Centrum", "languages": ["Nederlands"]})
    as_user.coordinator()
    assert client.post(BASE + "/pool/bevolking", data={"dimension": "wijk", "shares": "Centrum: 40\nVogelbuurt: 60"}).status_code == 303
    html = client.get(BASE + "/pool").get_data(as_text=True)
    assert "Wervingstekorten" in html and "Vogelbuurt" in html
    response = client.post(BASE + "/pool/bevolking", data={"dimension": "wijk", "shares": "Centrum veertig"})
    assert response.status_code == 422 and "Centrum veertig" in response.get_data(as_text=True)


def test_vandaag_shows_qualifications_thank_yous_and_waiting_applicants(client, store, as_user):
    seed(store)
    as_user.coordinator()
    html = client.get("/beheer/").get_data(as_text=True)
    assert "Aanmelders die het langst wachten" in html and "Anna Aanmelder" in html
    assert "Trainingen en kwalificaties" in html and "Basistraining" in html  # Victor lacks it in his meeloopperiode
    assert "Wie verdient een bedankje" in html


def test_a_volunteer_already_in_the_programme_is_added_by_hand_but_not_as_an_applicant(client, store, as_user):
    as_user.coordinator()
    data = {"name": "Oude Rot", "max_cases": "2", "step": "nieuw"}
    assert client.post(BASE + "/nieuw", data=data).status_code == 422
    assert client.post(BASE + "/nieuw", data={**data, "step": "inactief"}).status_code == 303
    [doc] = store.read().table("volunteers").all()
    assert doc["step"] == "inactief" and doc["steps"][0]["reason"] == "Ingevoerd in het beheer"


def test_a_selection_interview_with_a_new_applicant_dates_both_the_interview_step_and_the_decision(client, store, as_user):
    ids = seed(store)
    as_user.coordinator()
    client.post(f"{BASE}/aanmeldingen/{ids['application_id']}/gesprek", data=interview_data())
    application = store.read().table("applications").get(doc_id=ids["application_id"])
    assert [s["step"] for s in application["steps"]] == ["selectiegesprek", "aangenomen"]
    assert application["steps"][-1]["reason"] == "Luistert goed en blijft neutraal."


def test_the_overview_shows_the_fifteen_longest_waits_and_links_to_everyone_waiting(client, store, as_user):
    with store.transaction() as tx:
        tx.table("applications").insert_multiple({
            "form": "application", "received_at": f"2026-01-{day:02}T10:00:00", "source": "web", "lang": "nl",
            "status": "nieuw", "flags": [], "values": {"name": f"Wachter {day:02}", "email": f"w{day}@voorbeeld.nl"}}
            for day in range(1, 21))
    as_user.coordinator()
    page = client.get(BASE + "/").get_data(as_text=True)
    assert 'Wie wacht waarop <span class="count">20</span>' in page and page.count(">Wachter ") == 15
    assert "Wachter 01" in page and "Wachter 20" not in page  # the longest wait first
    everyone = client.get(BASE + "/?wacht=alle").get_data(as_text=True)
    assert everyone.count(">Wachter ") == 20 and "wachtenden tonen" not in everyone


def test_the_calendar_feed_carries_no_agenda_and_three_independent_readers_agree_on_summer_and_winter_times(
        client, store, as_user):
    import ics
    import vobject
    from zoneinfo import ZoneInfo

    seed(store)
    with store.transaction() as tx:
        for day in ("2027-07-02", "2027-01-15"):  # summer time and winter time in Amsterdam
            tx.table("events").insert({"kind": "intervisie", "title": f"Intervisie {day}", "date": day,
                                       "start": "19:30", "end": "21:00", "place": "Buurthuis De Linde",
                                       "agenda": "Casus van mevrouw Amrani, Kerkstraat 12, 06-12345678",
                                       "invitees": [], "attendance": []})
    as_user.coordinator()
    client.post(BASE + "/activiteiten/agenda")
    token = store.read().table("calendar_feed").all()[0]["token"]
    as_user.anonymous()
    body = client.get(f"{BASE}/agenda/{token}.ics").get_data(as_text=True)
    for detail in ("Amrani", "Kerkstraat", "12345678"):
        assert detail not in body  # the free-text agenda never leaves in a feed
    amsterdam = ZoneInfo("Europe/Amsterdam")

    def starts(pairs):
        return {title: moment.astimezone(amsterdam).strftime("%Y-%m-%d %H:%M")
                for title, moment in pairs if title.startswith("Intervisie: Intervisie 2027")}

    wanted = {"Intervisie: Intervisie 2027-07-02": "2027-07-02 19:30",
              "Intervisie: Intervisie 2027-01-15": "2027-01-15 19:30"}
    assert starts((str(e["summary"]), e.decoded("dtstart"))
                  for e in Calendar.from_ical(body).walk("VEVENT")) == wanted
    assert starts((e.summary.value, e.dtstart.value) for e in vobject.readOne(body).vevent_list) == wanted
    assert starts((e.name, e.begin.datetime) for e in ics.Calendar(body).events) == wanted


def test_a_wijk_shows_by_its_name_on_the_applications_list_the_pool_list_and_the_volunteers_page(client, store, as_user):
    ids = seed(store)
    with store.transaction() as tx:
        tx.table("applications").update({"values": {"name": "Anna Aanmelder", "wijk": "de-linden"}}, doc_ids=[ids["application_id"]])
        tx.table("volunteers").update({"wijk": "havenkwartier"}, doc_ids=[ids["volunteer_id"]])
    as_user.coordinator()
    applications = client.get(BASE + "/aanmeldingen").get_data(as_text=True)
    assert "De Linden" in applications and "de-linden" not in applications
    for path in ("/", f"/{ids['volunteer_id']}"):
        html = client.get(BASE + path).get_data(as_text=True)
        assert "Havenkwartier" in html and ">havenkwartier<" not in html, path
