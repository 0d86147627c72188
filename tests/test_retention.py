"""Retention: closed cases, handled reports, rejected applicants and stopped volunteers are
anonymised after their period, with a fixed clock; the figures stay right; the privacy
statement on the site says the same periods."""
from __future__ import annotations

import datetime as dt

import pytest

import sitebuilder
from buurtbemiddeling.auth import users
from buurtbemiddeling.cases import documents
from buurtbemiddeling.privacy import retention
from common import retention_periods as periods
from buurtbemiddeling.settings import numbers
from figures import cases as case_figures

CLOSED_ON = dt.date(2024, 3, 15)
DAY_BEFORE = dt.date(2026, 3, 14)  # 24 months after CLOSED_ON, minus a day
DUE_DAY = dt.date(2026, 3, 15)


def filled(doc) -> dict:
    """What is left of a scrubbed doc: emptied fields keep their key, with no value."""
    return {k: v for k, v in doc.items() if v not in ("", [], {}, None)}


def _party(name, street, email=""):
    return {"name": name, "street": street, "postcode": "7412 AB", "place": "Lindenhoven", "phone": "0612345678",
            "email": email, "household": "gezin", "tenure": "huur", "landlord": "Woonstichting", "language": "Turks"}


@pytest.fixture
def data(store, app):
    with store.transaction() as tx:
        report_id = tx.table("reports").insert({
            "form": "report", "received_at": "2024-01-02T10:00:00+00:00", "status": "verwerkt", "source": "web",
            "values": {"name": "Henk Huisman", "email": "henk@bewoners.example", "conflict_type": "geluidsoverlast",
                       "description": "Harde muziek"}})
        case_id = tx.table("cases").insert({
            "number": "2024-0001", "step": "afgesloten", "reported_at": "2024-01-02T10:00:00", "report_id": report_id,
            "created_at": "2024-01-02T10:00:00", "wijk": "centrum", "conflict_types": ["geluidsoverlast"],
            "parties": [_party("Henk Huisman", "Lindelaan 1", "henk@bewoners.example"), _party("Ilse Ijzer", "Lindelaan 3")],
            "referrer": {"type": "politie", "organisation": "Politie Lindenhoven", "person": "Wijkagent Bosman",
                         "phone": "0900", "email": "bosman@politie.example"},
            "description": "Henk hoort elke nacht muziek bij Ilse.", "duo": [1, 2], "minutes": 600, "complex": False,
            "intake": {"decision": "geschikt", "checklist": ["buren"], "reason": "", "advice": "Bel eerst Henk",
                       "decided_on": "2024-01-04"},
            "closing": {"outcome": "opgelost", "reason": "", "agreements": "Muziek uit om 23 uur",
                        "nazorg_a": "Henk tevreden", "nazorg_b": "Ilse tevreden", "closed_on": CLOSED_ON.isoformat()}})
        tx.table("reports").update({"case_id": case_id}, doc_ids=[report_id])
        open_case = tx.table("cases").insert({
            "number": "2024-0002", "step": "gesprek-a", "reported_at": "2024-01-05T10:00:00",
            "parties": [_party("Greet Groen", "Kerkstraat 8"), _party("Jan Jansen", "Kerkstraat 10")],
            "conflict_types": ["parkeren"], "duo": [1, 2], "description": "Auto voor de deur"})
        handled = tx.table("reports").insert({
            "form": "report", "received_at": "2023-12-01T10:00:00+00:00", "status": "afgehandeld",
            "handled_at": "2024-03-15T10:00:00", "handled_reason": "doorverwezen",
            "values": {"name": "Karin Kok", "phone": "0688888888", "conflict_type": "tuin-erfgrens"}})
        events = tx.table("case_events")
        contact = events.insert({"case_id": case_id, "kind": "contact", "at": "2024-01-10T12:00:00", "with": "partij-a",
                                 "channel": "huisbezoek", "minutes": 60, "summary": "Henk vertelt over zijn slaap"})
        document = events.insert({"case_id": case_id, "kind": "document", "at": "2024-02-01T12:00:00",
                                  "title": "Afsprakenformulier Henk", "filename": "afspraken-henk.pdf",
                                  "stored_as": "a" * 32 + ".pdf", "content_type": "application/pdf"})
        tx.table("handovers").insert({"case_id": case_id, "summary": "Henk slaapt slecht", "safety": "", "agreements": ""})
        tx.table("appointments").insert({"case_id": case_id, "kind": "gesprek-a", "date": "2024-01-10", "start": "19:30",
                                         "end": "", "place": "Bij Henk thuis, Lindelaan 1", "volunteers": [1, 2],
                                         "coordinator": False, "status": "gehouden"})
        tx.table("debriefs").insert({"case_id": case_id, "talk": "gesprek-a", "date": "2024-01-10",
                                     "went_well": "Henk opende zich", "hard": "", "checklist": [{"item": "Samen", "done": True}],
                                     "coaching_needed": False, "volunteer_ids": [1, 2]})
        applications = tx.table("applications")
        rejected = applications.insert({
            "form": "application", "received_at": "2025-01-05T10:00:00", "step": "afgewezen",
            "steps": [{"step": "afgewezen", "at": "2025-09-20T10:00:00", "by": "Carla", "reason": "Niet neutraal genoeg"}],
            "values": {"name": "Otto Oever", "email": "otto@voorbeeld.nl", "motivation": "Ik wil helpen",
                       "wijk": "Centrum", "age_band": "30-45", "heard_via": "website"}})
        volunteers = tx.table("volunteers")
        stopped = volunteers.insert({
            "name": "Piet Paal", "email": "piet@voorbeeld.nl", "phone": "0611112222", "street": "Hofweg 9",
            "postcode": "7413 CD", "step": "gestopt", "gender": "man", "age_band": "56-67", "start_date": "2018-01-01",
            "steps": [{"step": "gestopt", "at": "2024-03-15T10:00:00", "by": "Carla", "reason": "Verhuisd naar Assen"}],
            "background": "Surinaams", "notes": "Goede luisteraar"})
        tx.table("volunteer_signals").insert({"volunteer_id": stopped, "date": "2023-05-01", "kind": "positief",
                                              "note": "Piet deed het goed"})
    folder = documents.folder(store.data_dir, case_id)
    folder.mkdir(parents=True)
    (folder / ("a" * 32 + ".pdf")).write_bytes(b"%PDF-1.4 Henk")
    account = users.create_account(store, "piet@voorbeeld.nl", "volunteer", "Piet Paal", volunteer_id=stopped)
    return dict(case=case_id, open_case=open_case, report=report_id, handled=handled, contact=contact,
                document=document, rejected=rejected, stopped=stopped, account=account.id, folder=folder)


def test_nothing_is_due_the_day_before_the_period_ends(store, data):
    assert [d.record for d in retention.plan(store.read(), DAY_BEFORE)] == []


def test_a_closed_case_is_due_24_months_after_closure_by_default(store, data):
    due = retention.plan(store.read(), DUE_DAY)
    assert [d.record for d in due] == [f"case:{data['case']}", f"report:{data['handled']}", f"volunteer:{data['stopped']}"]
    assert due[0].since == CLOSED_ON and due[0].due == DUE_DAY


def test_a_rejected_application_is_due_after_six_months(store, data):
    assert f"application:{data['rejected']}" not in {d.record for d in retention.plan(store.read(), dt.date(2026, 3, 19))}
    assert f"application:{data['rejected']}" in {d.record for d in retention.plan(store.read(), dt.date(2026, 3, 20))}


def test_a_dry_run_changes_nothing(store, data):
    before = dict(store.read().table("cases").get(doc_id=data["case"]))
    due = retention.run(store, DUE_DAY, dry_run=True)
    assert due and dict(store.read().table("cases").get(doc_id=data["case"])) == before
    assert retention.last_run(store.read()) is None


def test_the_run_anonymises_a_closed_case_but_keeps_what_the_figures_need(store, data):
    before = store.read().table("cases").get(doc_id=data["case"])
    figures_before = (case_figures.reported_on(before), case_figures.closed_on(before), case_figures.end_state(before),
                      case_figures.duration_days(before))
    retention.run(store, DUE_DAY)
    view = store.read()
    case = view.table("cases").get(doc_id=data["case"])
    text = str(dict(case))
    for secret in ("Henk", "Ilse", "Lindelaan", "0612345678", "bewoners.example", "Bosman", "Muziek uit", "Bel eerst"):
        assert secret not in text, secret
    assert (case_figures.reported_on(case), case_figures.closed_on(case), case_figures.end_state(case),
            case_figures.duration_days(case)) == figures_before
    assert case["conflict_types"] == ["geluidsoverlast"] and case["wijk"] == "centrum" and case["minutes"] == 600
    assert [p["tenure"] for p in case["parties"]] == ["huur", "huur"] and case["parties"][0]["postcode"] == "7412"
    assert case["referrer"]["type"] == "politie" and case["referrer"]["organisation"] == "Politie Lindenhoven"
    assert case["anonymised_at"] == DUE_DAY.isoformat()


def test_the_run_empties_the_timeline_handover_debriefs_and_the_report_of_the_case(store, data):
    retention.run(store, DUE_DAY)
    view = store.read()
    contact = view.table("case_events").get(doc_id=data["contact"])
    assert contact["summary"] == "" and contact["minutes"] == 60 and contact["kind"] == "contact"
    assert view.table("case_events").get(doc_id=data["document"])["filename"] == ""
    assert not (data["folder"] / ("a" * 32 + ".pdf")).exists()
    assert [h for h in view.table("handovers").all() if h["case_id"] == data["case"]] == []
    [appointment] = view.table("appointments").all()
    assert (appointment["place"], appointment["kind"], appointment["date"]) == ("", "gesprek-a", "2024-01-10")
    debrief = view.table("debriefs").all()[0]
    assert debrief["went_well"] == "" and debrief["checklist"] == [{"item": "Samen", "done": True}]
    report = view.table("reports").get(doc_id=data["report"])
    assert filled(report["values"]) == {"conflict_type": "geluidsoverlast"} and report["case_id"] == data["case"]


def test_the_run_leaves_a_running_case_alone(store, data):
    retention.run(store, dt.date(2040, 1, 1))
    assert store.read().table("cases").get(doc_id=data["open_case"])["parties"][0]["name"] == "Greet Groen"


def test_a_stopped_volunteer_loses_name_contact_details_notes_and_account(store, data):
    retention.run(store, DUE_DAY)
    view = store.read()
    volunteer = view.table("volunteers").get(doc_id=data["stopped"])
    assert volunteer["name"] == f"Oud-vrijwilliger {data['stopped']}"
    assert volunteer["email"] == volunteer["phone"] == volunteer["background"] == volunteer["notes"] == ""
    assert [filled(s) for s in volunteer["steps"]] == [{"step": "gestopt", "at": "2024-03-15T10:00:00"}]
    assert volunteer["gender"] == "man" and volunteer["start_date"] == "2018-01-01"
    assert view.table("volunteer_signals").all()[0]["note"] == ""
    account = users.get_doc(view, data["account"])
    assert account["active"] is False and "piet" not in account["email"] and account["name"].startswith("Oud-")


def test_a_stopped_volunteers_claims_keep_their_amounts_for_the_budget_but_lose_text_and_receipt(store, data, tmp_path):
    (tmp_path / ("a" * 32 + ".png")).write_bytes(b"bon")
    with store.transaction() as tx:
        claim = tx.table("expense_claims").insert({
            "volunteer_id": data["stopped"], "date": "2023-05-01", "amount_cents": 1250, "status": "goedgekeurd",
            "description": "Taxi naar Piet", "reason": "", "entered_by": "Carla",
            "receipt": {"stored": "a" * 32 + ".png", "name": "bon van Piet.png", "type": "image/png", "size": 3}})
    retention.run(store, DUE_DAY, upload_dir=tmp_path)
    doc = store.read().table("expense_claims").get(doc_id=claim)
    assert filled(doc) == {"volunteer_id": data["stopped"], "date": "2023-05-01", "amount_cents": 1250, "status": "goedgekeurd"}
    assert not (tmp_path / ("a" * 32 + ".png")).exists()


def test_a_rejected_application_keeps_only_its_recruitment_figures(store, data):
    retention.run(store, dt.date(2026, 3, 20))
    doc = store.read().table("applications").get(doc_id=data["rejected"])
    assert filled(doc["values"]) == {"wijk": "Centrum", "age_band": "30-45", "heard_via": "website"}
    assert [filled(s) for s in doc["steps"]] == [{"step": "afgewezen", "at": "2025-09-20T10:00:00"}]


def test_the_audit_log_says_what_went_but_not_what_it_held(store, data):
    retention.run(store, DUE_DAY, user="1")
    entries = store.audit_entries(record=f"case:{data['case']}")
    assert entries[0]["action"] == "retention.anonymise"
    assert "Henk" not in str(entries)


def test_the_daily_run_runs_once_a_day(store, data):
    assert len(retention.run_daily(store, DUE_DAY)) == 3
    assert retention.run_daily(store, DUE_DAY) is None
    assert retention.last_run(store.read()) == DUE_DAY.isoformat()
    assert retention.run_daily(store, DUE_DAY + dt.timedelta(days=1)) == []


def test_a_longer_period_set_by_the_coordinator_postpones_the_anonymisation(store, data):
    with store.transaction() as tx:
        numbers.set_value(tx, periods.CASE, 36)
    assert f"case:{data['case']}" not in {d.record for d in retention.plan(store.read(), DUE_DAY)}
    assert f"case:{data['case']}" in {d.record for d in retention.plan(store.read(), dt.date(2027, 3, 15))}


def test_the_cli_previews_and_runs_the_retention(app, store, data):
    runner = app.test_cli_runner()
    preview = runner.invoke(args=["retention", "--dry-run"])
    assert preview.exit_code == 0 and "Zaak 2024-0001" in preview.output and "zou worden geanonimiseerd" in preview.output
    assert store.read().table("cases").get(doc_id=data["case"])["parties"][0]["name"] == "Henk Huisman"
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0 and "geanonimiseerd" in result.output
    assert store.read().table("cases").get(doc_id=data["case"])["parties"][0]["name"] == ""


def test_the_first_request_of_the_day_runs_the_retention_after_the_answer(app, client, store, data):
    app.config["RETENTION_AUTO_RUN"] = True
    response = client.get("/beheer/inloggen")
    assert store.read().table("cases").get(doc_id=data["case"])["parties"][0]["name"] == "Henk Huisman"
    response.close()  # the server closes the response once it is sent
    assert store.read().table("cases").get(doc_id=data["case"])["parties"][0]["name"] == ""
    assert retention.last_run(store.read()) is not None


def test_the_preview_page_lists_what_will_go_and_the_coordinator_can_run_it(as_user, client, store, data, monkeypatch):
    as_user.coordinator()
    html = client.get("/beheer/privacy/bewaartermijnen").get_data(as_text=True)
    assert "Zaak 2024-0001" in html and "2 jaar" in html and "6 maanden" in html
    from common.clock import today

    due = len(retention.plan(store.read(), today()))
    monkeypatch.setattr("buurtbemiddeling.privacy.views.RETENTION_SHOWN", 1)  # years due at once after an import
    html = client.get("/beheer/privacy/bewaartermijnen").get_data(as_text=True)
    assert due > 1 and f"Hier staan de eerste 1 van {due}." in html
    assert client.post("/beheer/privacy/bewaartermijnen/uitvoeren").status_code == 303
    assert store.read().table("cases").get(doc_id=data["case"])["parties"][0]["name"] == ""


def test_the_retention_pages_are_for_the_coordinator_only(as_user, client):
    assert "/beheer/inloggen" in client.get("/beheer/privacy/bewaartermijnen").headers["Location"]
    as_user.volunteer()
    assert client.get("/beheer/privacy/bewaartermijnen").status_code == 403
    assert client.post("/beheer/privacy/bewaartermijnen/uitvoeren").status_code == 403
    assert client.get("/beheer/privacy/bewaartermijnen/uitvoeren").status_code == 405


def test_the_periods_are_settings_the_coordinator_can_change(as_user, client):
    as_user.coordinator()
    html = client.get("/beheer/instellingen/").get_data(as_text=True)
    assert "Bewaartermijn afgesloten zaak" in html


def test_the_privacy_statement_states_the_periods_the_run_uses(store, tmp_path):
    with store.transaction() as tx:
        numbers.set_value(tx, periods.CASE, 36)
        numbers.set_value(tx, periods.APPLICATION, 3)
    site = sitebuilder.Site(sitebuilder.DEFAULT_ROOT, data_dir=store.data_dir)
    nl = site.page_at("/privacy/").html
    en = site.page_at("/en/privacy/").html
    assert "tot 3 jaar nadat de zaak is afgesloten" in nl and "3 maanden daarna" in nl
    assert "until 3 years after the case is closed" in en and "3 months later" in en
    default = sitebuilder.Site(sitebuilder.DEFAULT_ROOT).page_at("/privacy/").html
    assert "tot 2 jaar nadat de zaak is afgesloten" in default and "6 maanden daarna" in default
