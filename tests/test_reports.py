"""A resident's report: from the public form post to the coordinator's inbox."""
import pytest

from buurtbemiddeling.reports import intake

VALID = {
    "lang": "nl", "name": "Anna de Vries", "email": "anna@voorbeeld.nl", "phone": "06 12345678",
    "street": "Lindelaan 12", "postcode": "7412ab", "place": "Lindenhoven", "contact_way": "telefoon",
    "contact_time": ["avond"], "b_street": "Lindelaan 14", "conflict_type": "geluidsoverlast",
    "description": "Harde muziek tot diep in de nacht.", "violence": "nee", "consent": "ja",
}


def reports_in(store):
    return store.read().table(intake.TABLE).all()


def test_a_valid_report_is_stored_and_the_resident_sees_the_thank_you_page(client, store):
    response = client.post("/melding", data=VALID)
    assert response.status_code == 303 and response.location == "/melding/bedankt/"
    [report] = reports_in(store)
    assert report["values"]["postcode"] == "7412 AB"
    assert report["status"] == "nieuw" and report["source"] == "web" and report["flags"] == []


def test_with_htmx_a_valid_report_answers_the_thank_you_fragment(client, store):
    response = client.post("/melding", data=VALID, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'role="status"' in html
    assert len(reports_in(store)) == 1
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("field, value, message", [
    ("consent", None, "privacyverklaring"),
    ("postcode", "12345", "4 cijfers en 2 letters"),
    ("email", "anna@", "naam@voorbeeld.nl"),
    ("description", "x" * 4001, "maximaal 4000 tekens"),
    ("street", "", "straat en huisnummer"),
])
def test_a_bad_report_is_not_stored_and_comes_back_with_a_dutch_message_and_every_value_kept(client, store, field, value, message):
    data = {k: v for k, v in VALID.items() if k != field}
    if value is not None:
        data[field] = value
    response = client.post("/melding", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Er is een probleem" in html and message in html
    assert 'href="#field-' in html  # the summary links to the field
    assert 'value="Anna de Vries"' in html and "Lindelaan 14" in html
    if value:
        assert value in html  # even the wrong value is kept, to correct it
    assert reports_in(store) == []


def test_with_htmx_a_bad_report_answers_only_the_form_with_errors_and_the_error_title(client, store):
    response = client.post("/melding", data={**VALID, "postcode": "abc"}, headers={"HX-Request": "true"})
    title, form = response.get_data(as_text=True).split("\n", 1)
    assert response.status_code == 422 and title == "<title>Fout: Melding doen - Buurtbemiddeling Lindenhoven</title>"
    assert form.startswith("<form") and "Er is een probleem" in form and "<html" not in form
    assert reports_in(store) == []


def test_an_english_report_comes_back_in_english(client):
    response = client.post("/melding", data={**VALID, "lang": "en", "postcode": "nope"})
    assert "There is a problem" in response.get_data(as_text=True)
    assert client.post("/melding", data={**VALID, "lang": "en"}).location == "/en/report/thanks/"


def test_a_report_of_violence_is_stored_and_flagged(client, store):
    client.post("/melding", data={**VALID, "violence": "ja"})
    [report] = reports_in(store)
    assert report["flags"] == ["veiligheid"]


def test_the_public_form_post_is_post_only(module_clients):
    assert module_clients.anonymous.get("/melding").status_code == 405


def test_the_inbox_lists_new_reports_longest_waiting_first_and_opens_each(client, store, as_user):
    client.post("/melding", data={**VALID, "name": "Eerste Melder"})
    client.post("/melding", data={**VALID, "name": "Tweede Melder"})
    as_user.coordinator()
    html = client.get("/beheer/meldingen/").get_data(as_text=True)
    assert html.index("Eerste Melder") < html.index("Tweede Melder")
    report_id = max(doc.doc_id for doc in reports_in(store))
    detail = client.get(f"/beheer/meldingen/{report_id}").get_data(as_text=True)
    assert "Tweede Melder" in detail and "7412 AB" in detail and "Geluidsoverlast" in detail


def test_opening_a_report_is_written_to_the_audit_log(client, store, as_user):
    client.post("/melding", data=VALID)
    user = as_user.coordinator()
    report_id = reports_in(store)[0].doc_id
    client.get(f"/beheer/meldingen/{report_id}")
    [entry] = store.audit_entries(record=f"report:{report_id}")
    assert entry["user"] == user.id and entry["action"] == "view"


@pytest.fixture(scope="module")
def shared_report(module_app):
    """One report, sent once for the module's tests that only read (`module_app`)."""
    assert module_app.test_client().post("/melding", data=VALID).status_code == 303


@pytest.mark.parametrize("path", ["/beheer/", "/beheer/meldingen/", "/beheer/meldingen/1"])
def test_the_inbox_is_closed_to_anonymous_visitors_and_volunteers(module_clients, shared_report, path):
    assert module_clients.anonymous.get(path).status_code == 302  # to the login page
    assert module_clients.volunteer.get(path).status_code == 403


def test_an_unknown_report_is_a_404(module_clients):
    assert module_clients.coordinator.get("/beheer/meldingen/999").status_code == 404


def test_the_demo_fills_the_inbox_with_fictional_reports(app, store):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Inloggen op http://127.0.0.1:5000/beheer/ met coordinator@lindenhoven.example" in result.output
    assert len(reports_in(store)) >= 10


def test_the_demo_gives_the_address_the_system_runs_at(app):
    result = app.test_cli_runner().invoke(args=["demo", "--url", "http://localhost:8080"])
    assert result.exit_code == 0, result.output
    assert "Inloggen op http://localhost:8080/beheer/ met coordinator@lindenhoven.example" in result.output
    assert "5000" not in result.output


def test_vandaag_shows_the_new_reports_one_click_from_each(client, as_user):
    client.post("/melding", data={**VALID, "name": "Nieuwe Melder", "violence": "ja"})
    as_user.coordinator()
    html = client.get("/beheer/").get_data(as_text=True)
    assert "Nieuwe Melder" in html and "Geweld of bedreiging gemeld" in html
    assert 'href="/beheer/meldingen/1"' in html


def test_a_long_inbox_shows_fifty_new_reports_a_page_longest_waiting_first(client, store, as_user):
    from buurtbemiddeling.reports import intake

    with store.transaction() as tx:
        tx.table(intake.TABLE).insert_multiple(
            {"form": "report", "received_at": f"2026-01-{1 + n // 24:02}T{n % 24:02}:00:00", "source": "web", "lang": "nl",
             "status": "nieuw", "flags": [], "values": {"name": f"Melder {n:03}", "conflict_type": "geluidsoverlast"}}
            for n in range(120))
    as_user.coordinator()
    first = client.get("/beheer/meldingen/").get_data(as_text=True)
    assert first.count(">Melder ") == 50 and "Melder 000" in first and "Melder 050" not in first
    assert "Pagina 1 van 3" in first and 'href="/beheer/meldingen/?pagina=2"' in first
    last = client.get("/beheer/meldingen/?pagina=3").get_data(as_text=True)
    assert last.count(">Melder ") == 20 and "Melder 119" in last and "Pagina 3 van 3" in last
    assert "Melder 119" in client.get("/beheer/meldingen/?pagina=99").get_data(as_text=True)  # the nearest page
