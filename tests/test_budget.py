"""The budget: euro cents from Dutch input, realisation per line, expenses, receipts and claims."""
import io
from datetime import date

import pytest

from buurtbemiddeling.budget import ledger
from buurtbemiddeling.budget.money import format_euro, input_value, parse_cents

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


# ---- money ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, cents", [
    ("1.234,56", 123456), ("12,50", 1250), ("12,5", 1250), ("€ 12", 1200), ("€12,-", 1200), ("12", 1200),
    ("1234", 123400), ("1.234", 123400), ("12.50", 1250), (" 0,05 ", 5), ("EUR 7,00", 700), ("1.000.000", 100000000),
])
def test_dutch_amounts_are_read_as_whole_cents(typed, cents):
    assert parse_cents(typed) == cents
    assert isinstance(parse_cents(typed), int)


@pytest.mark.parametrize("typed, message", [
    ("", "Vul een bedrag in"), ("twaalf", "is geen bedrag"), ("12,345", "hoogstens twee cijfers"),
    ("-5", "niet negatief"), ("0", "meer dan € 0,00"), ("1,2,3", "is geen bedrag"), ("12.3456", "is geen bedrag"),
    ("١٢٣", "is geen bedrag"), ("١٢,٥٠", "is geen bedrag"), ("۱۲۳", "is geen bedrag"),  # Arabic-Indic, Persian digits
])
def test_a_wrong_amount_gets_a_dutch_message(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_cents(typed)


def test_zero_is_allowed_where_no_budget_is_a_real_answer():
    assert parse_cents("0", allow_zero=True) == 0


@pytest.mark.parametrize("cents, shown", [
    (123456, "€\u00a01.234,56"), (5, "€\u00a00,05"), (-1200, "-€\u00a012,00"), (100000000, "€\u00a01.000.000,00"),
])
def test_amounts_are_shown_the_dutch_way(cents, shown):
    assert format_euro(cents) == shown


def test_an_amount_put_back_into_a_field_reads_as_the_same_cents():
    for cents in (1, 99, 100, 123456, 100000000):
        assert parse_cents(input_value(cents)) == cents


# ---- realisation, computed by hand ---------------------------------------------------------

LINES = [{"year": 2026, "line": "training", "amount_cents": 100000},
         {"year": 2026, "line": "onkosten_vrijwilligers", "amount_cents": 10000},
         {"year": 2026, "line": "werving_pr", "amount_cents": 100000},
         {"year": 2025, "line": "training", "amount_cents": 5}]
EXPENSES = [{"date": "2026-01-10", "line": "training", "amount_cents": 60000},
            {"date": "2026-12-31", "line": "training", "amount_cents": 30000},
            {"date": "2025-12-31", "line": "training", "amount_cents": 99999},  # last year: not counted
            {"date": "2026-05-01", "line": "werving_pr", "amount_cents": 89999},
            {"date": "2026-03-03", "line": "overig", "amount_cents": 1000}]  # no budget for it
CLAIMS = [{"volunteer_id": 1, "date": "2026-02-01", "amount_cents": 6000, "status": "goedgekeurd"},
          {"volunteer_id": 2, "date": "2026-02-02", "amount_cents": 5000, "status": "ingediend"},
          {"volunteer_id": 2, "date": "2026-02-03", "amount_cents": 7000, "status": "afgewezen"},
          {"volunteer_id": 1, "date": "2025-12-30", "amount_cents": 4000, "status": "goedgekeurd"}]


def test_realisation_per_line_matches_the_sums_made_by_hand():
    real = ledger.realisation(2026, LINES, EXPENSES, CLAIMS)
    by = {line.line: line for line in real.lines}
    assert (by["training"].spent, by["training"].remaining, by["training"].percent) == (90000, 10000, 90)
    assert (by["onkosten_vrijwilligers"].claims, by["onkosten_vrijwilligers"].percent) == (6000, 60)
    assert by["werving_pr"].percent == 89  # 89.999% is not yet 90%
    assert real.budget == 210000 and real.spent == 90000 + 6000 + 89999 + 1000


def test_a_line_warns_from_ninety_percent_and_a_line_without_budget_warns_once_money_is_spent():
    by = {line.line: line for line in ledger.realisation(2026, LINES, EXPENSES, CLAIMS).lines}
    assert by["training"].state == "bijna"
    assert by["werving_pr"].state == "ok"
    assert by["onkosten_vrijwilligers"].state == "ok"
    assert by["overig"].state == "over"
    assert by["ruimtes_catering"].state == "leeg" and not by["ruimtes_catering"].warns


def test_only_approved_claims_of_the_year_count():
    real = ledger.realisation(2025, LINES, EXPENSES, CLAIMS)
    assert {line.line: line.claims for line in real.lines}["onkosten_vrijwilligers"] == 4000


def test_an_empty_year_has_no_budget_and_no_spending():
    real = ledger.realisation(2030, LINES, EXPENSES, CLAIMS)
    assert not real.has_budget and real.spent == 0 and real.percent is None and real.warnings == []


def test_the_year_overview_adds_up_per_month_and_per_volunteer():
    overview = ledger.year_overview(2026, LINES, EXPENSES, CLAIMS)
    keys = list(ledger.LINES)
    assert overview.months[keys.index("training")][0] == 60000
    assert overview.months[keys.index("training")][11] == 30000
    assert overview.months[keys.index("onkosten_vrijwilligers")][1] == 6000
    assert sum(overview.month_totals) == overview.realisation.spent
    assert overview.claims_by_volunteer == [(1, 1, 6000)]
    assert overview.claims_open == 1 and overview.receipts_missing == 4


def test_a_claim_is_decided_once_and_a_rejection_needs_a_reason():
    claim = {"status": "ingediend"}
    assert ledger.decide(claim, "goedkeuren", by="C", at="t")["status"] == "goedgekeurd"
    with pytest.raises(ledger.DecisionError, match="waarom"):
        ledger.decide(claim, "afwijzen", by="C", at="t")
    with pytest.raises(ledger.DecisionError, match="al besloten"):
        ledger.decide({"status": "goedgekeurd"}, "afwijzen", by="C", at="t", reason="x")


# ---- the views -----------------------------------------------------------------------------

PAGES = ["/beheer/budget/", "/beheer/budget/2026", "/beheer/budget/2026/begroting", "/beheer/budget/uitgaven/nieuw",
         "/beheer/budget/2026/jaaroverzicht", "/beheer/budget/declaraties"]
POSTS = ["/beheer/budget/uitgaven/1/verwijderen", "/beheer/budget/declaraties/1/goedkeuren",
         "/beheer/budget/declaraties/1/afwijzen"]


RECEIPTS = ["/beheer/budget/uitgaven/1/bon", "/beheer/budget/declaraties/1/bon"]


@pytest.mark.parametrize("path", PAGES + RECEIPTS)
def test_an_anonymous_visitor_is_sent_to_the_login(module_clients, path):
    response = module_clients.anonymous.get(path)
    assert response.status_code == 302 and "/beheer/inloggen" in response.location


@pytest.mark.parametrize("path", PAGES + RECEIPTS)
def test_a_volunteer_may_not_see_the_budget(module_clients, path):
    assert module_clients.volunteer.get(path).status_code == 403


@pytest.mark.parametrize("path", POSTS)
def test_changes_are_post_only(module_clients, path):
    assert module_clients.coordinator.get(path).status_code == 405


@pytest.mark.parametrize("path", PAGES)
def test_the_coordinator_sees_every_budget_page(module_clients, path):
    assert module_clients.coordinator.get(path).status_code == 200


def test_a_budget_with_a_wrong_amount_comes_back_with_the_message_and_every_value(client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/budget/2026/begroting", data={"training": "4.500", "werving_pr": "veel"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Werving en PR: ‘veel’ is geen bedrag" in html and 'value="4.500"' in html and 'value="veel"' in html
    assert store.read().table(ledger.BUDGET_LINES).all() == []


def test_the_budget_is_stored_in_cents_and_a_line_at_ninety_percent_warns(client, as_user, store):
    as_user.coordinator()
    client.post("/beheer/budget/2026/begroting", data={"training": "1.000,00", "overig": "€ 50"})
    amounts = {d["line"]: d["amount_cents"] for d in store.read().table(ledger.BUDGET_LINES).all() if d["year"] == 2026}
    assert amounts["training"] == 100000 and amounts["overig"] == 5000 and amounts["werving_pr"] == 0
    response = client.post("/beheer/budget/uitgaven/nieuw", data={
        "date": "2026-03-14", "line": "training", "amount": "900", "description": "Trainer basistraining"})
    assert response.status_code == 303 and response.location.endswith("/beheer/budget/2026")
    html = client.get("/beheer/budget/2026").get_data(as_text=True)
    assert "Training: 90% van het budget is besteed." in html and "Bijna op" in html
    assert "€\u00a0900,00" in html and "Geen bon" in html


def test_an_expense_keeps_its_receipt_and_only_the_coordinator_downloads_it(app, client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/budget/uitgaven/nieuw", data={
        "date": "2026-03-14", "line": "ruimtes_catering", "amount": "45,50", "description": "Zaalhuur",
        "receipt": (io.BytesIO(PNG), "bon.png")}, content_type="multipart/form-data")
    assert response.status_code == 303
    [expense] = store.read().table(ledger.EXPENSES).all()
    assert expense["amount_cents"] == 4550 and expense["receipt"]["type"] == "image/png"
    download = client.get(f"/beheer/budget/uitgaven/{expense.doc_id}/bon")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    as_user.volunteer()
    assert client.get(f"/beheer/budget/uitgaven/{expense.doc_id}/bon").status_code == 403


def test_a_receipt_that_is_not_a_pdf_or_image_is_refused_and_the_typed_values_stay(client, as_user, store):
    as_user.coordinator()
    response = client.post("/beheer/budget/uitgaven/nieuw", data={
        "date": "2026-03-14", "line": "overig", "amount": "12,50", "description": "Postzegels",
        "receipt": (io.BytesIO(b"MZ\x90\x00 not a receipt"), "bon.pdf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Dit soort bestand kan niet" in html
    assert 'value="12,50"' in html and 'value="Postzegels"' in html
    assert store.read().table(ledger.EXPENSES).all() == []


def _expense_with_receipt(app, client, store):
    """An expense booked through the form with a receipt; the expense and where its file is."""
    client.post("/beheer/budget/uitgaven/nieuw", data={
        "date": "2026-03-14", "line": "overig", "amount": "5", "description": "Koffie",
        "receipt": (io.BytesIO(PNG), "bon.png")}, content_type="multipart/form-data")
    [expense] = store.read().table(ledger.EXPENSES).all()
    with app.app_context():
        from buurtbemiddeling import uploads
        return expense, uploads.upload_dir() / expense["receipt"]["stored"]


def test_deleting_an_expense_removes_its_receipt_and_is_audited(app, client, as_user, store):
    user = as_user.coordinator()
    expense, stored = _expense_with_receipt(app, client, store)
    assert stored.exists()
    assert client.post(f"/beheer/budget/uitgaven/{expense.doc_id}/verwijderen").status_code == 303
    assert store.read().table(ledger.EXPENSES).all() == [] and not stored.exists()
    assert any(e["action"] == "delete" and e["record"] == f"expense:{expense.doc_id}" for e in store.audit_entries())
    assert user


def _volunteer(store, name="Vera Visser"):
    with store.transaction() as tx:
        return tx.table("volunteers").insert({"name": name})


def test_an_approved_claim_counts_on_the_volunteers_line_automatically(client, as_user, store):
    as_user.coordinator()
    vid = _volunteer(store)
    client.post("/beheer/budget/2026/begroting", data={"onkosten_vrijwilligers": "100"})
    response = client.post("/beheer/budget/declaraties", data={
        "volunteer_id": str(vid), "date": "2026-02-02", "amount": "12,50", "description": "Reiskosten intake"})
    assert response.status_code == 303
    [claim] = store.read().table(ledger.CLAIMS).all()
    assert claim["status"] == "ingediend" and claim["amount_cents"] == 1250 and claim["volunteer_id"] == vid
    assert "waarvan declaraties" not in client.get("/beheer/budget/2026").get_data(as_text=True)

    row = client.post(f"/beheer/budget/declaraties/{claim.doc_id}/goedkeuren", headers={"HX-Request": "true"})
    html = row.get_data(as_text=True)
    assert row.status_code == 200 and html.lstrip().startswith("<tr") and "Goedgekeurd" in html
    assert "waarvan declaraties €\u00a012,50" in client.get("/beheer/budget/2026").get_data(as_text=True)
    assert "Vera Visser" in client.get("/beheer/budget/declaraties").get_data(as_text=True)
    audited = [(e["action"], e["record"]) for e in store.audit_entries()]
    assert ("goedkeuren", f"expense_claim:{claim.doc_id}") in audited and ("view", "expense_claims") in audited


def test_a_claim_cannot_be_decided_twice(client, as_user, store):
    as_user.coordinator()
    vid = _volunteer(store)
    with store.transaction() as tx:
        cid = tx.table(ledger.CLAIMS).insert({"volunteer_id": vid, "date": "2026-02-02", "amount_cents": 500,
                                               "description": "Parkeren", "status": "goedgekeurd"})
    response = client.post(f"/beheer/budget/declaraties/{cid}/afwijzen", data={"reason": "dubbel"})
    assert response.status_code == 422 and "al besloten" in response.get_data(as_text=True)
    assert store.read().table(ledger.CLAIMS).get(doc_id=cid)["status"] == "goedgekeurd"


def test_a_claim_for_someone_who_is_not_a_volunteer_is_refused_with_the_values_kept(client, as_user, store):
    as_user.coordinator()
    _volunteer(store)
    response = client.post("/beheer/budget/declaraties", data={
        "volunteer_id": "99", "date": "2026-02-02", "amount": "12,50", "description": "Reiskosten"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kies bij ‘Vrijwilliger’" in html and 'value="Reiskosten"' in html
    assert store.read().table(ledger.CLAIMS).all() == []


def test_a_claim_keeps_its_receipt_and_only_the_coordinator_downloads_it(client, as_user, store):
    as_user.coordinator()
    vid = _volunteer(store)
    response = client.post("/beheer/budget/declaraties", data={
        "volunteer_id": str(vid), "date": "2026-02-02", "amount": "7,80", "description": "Parkeren",
        "receipt": (io.BytesIO(PNG), "bon.png")}, content_type="multipart/form-data")
    assert response.status_code == 303 and response.location.endswith("/beheer/budget/declaraties")
    [claim] = store.read().table(ledger.CLAIMS).all()
    assert claim["receipt"]["type"] == "image/png"
    assert f"/beheer/budget/declaraties/{claim.doc_id}/bon" in client.get("/beheer/budget/declaraties").get_data(as_text=True)
    download = client.get(f"/beheer/budget/declaraties/{claim.doc_id}/bon")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    as_user.volunteer()
    assert client.get(f"/beheer/budget/declaraties/{claim.doc_id}/bon").status_code == 403


@pytest.mark.parametrize("field, typed, message", [
    ("date", "2026-03-02", "in de toekomst"), ("amount", "12.000,00", "te veel"), ("amount", "0", "meer dan"),
])
def test_a_claim_for_future_costs_or_an_unlikely_amount_is_refused(field, typed, message):
    form = {"volunteer_id": "1", "date": "2026-02-02", "amount": "12,50", "description": "Bus", field: typed}
    _, errors = ledger.check_claim(form, {1: "Vera"}, by="C", today=date(2026, 3, 1))
    assert list(errors) == [field] and message in errors[field]


def test_after_a_claim_the_browser_goes_back_to_an_admin_page_only(client, as_user, store):
    as_user.coordinator()
    vid = _volunteer(store)
    form = {"volunteer_id": str(vid), "date": "2026-02-02", "amount": "5", "description": "Bus"}
    back = client.post("/beheer/budget/declaraties", data={**form, "back": "/beheer/vrijwilligers/onkosten"})
    elsewhere = client.post("/beheer/budget/declaraties", data={**form, "back": "https://example.com/"})
    assert back.location.endswith("/beheer/vrijwilligers/onkosten")
    assert elsewhere.location.endswith("/beheer/budget/declaraties")


def test_the_claims_list_filters_on_a_volunteer(client, as_user, store):
    as_user.coordinator()
    vera, wim = _volunteer(store), _volunteer(store, "Wim Wever")
    with store.transaction() as tx:
        for vid, text in ((vera, "Bus Vera"), (wim, "Trein Wim")):
            tx.table(ledger.CLAIMS).insert({"volunteer_id": vid, "date": "2026-02-02", "amount_cents": 500,
                                            "description": text, "status": "ingediend"})
    html = client.get(f"/beheer/budget/declaraties?vrijwilliger={wim}").get_data(as_text=True)
    assert "Trein Wim" in html and "Bus Vera" not in html
    assert [c["description"] for c in ledger.claims_of(store.read(), vera)] == ["Bus Vera"]


def _claims_of_wim_and_vera(store) -> int:
    """60 approved claims of Wim (Reis 01 on 1 January … Reis 60, a day later each) and one of Vera."""
    vera, wim = _volunteer(store), _volunteer(store, "Wim Wever")
    with store.transaction() as tx:
        tx.table(ledger.CLAIMS).insert({"volunteer_id": vera, "date": "2026-03-03", "amount_cents": 500,
                                        "description": "Bus Vera", "status": "goedgekeurd"})
        for n in range(1, 61):
            tx.table(ledger.CLAIMS).insert({"volunteer_id": wim, "date": f"2026-{1 + (n - 1) // 28:02d}-{1 + (n - 1) % 28:02d}",
                                            "amount_cents": 100 * n, "description": f"Reis {n:02d}", "status": "goedgekeurd"})
    return wim


@pytest.mark.parametrize("path", ["/beheer/budget/declaraties", "/beheer/vrijwilligers/onkosten"])
def test_the_claims_list_comes_in_pages_that_keep_its_filters(client, as_user, store, path):
    as_user.coordinator()
    wim = _claims_of_wim_and_vera(store)
    query = f"status=goedgekeurd&vrijwilliger={wim}"
    first = client.get(f"{path}?{query}").get_data(as_text=True)
    assert "Pagina 1 van 3" in first and "Reis 60" in first and "Reis 36" in first and "Reis 35" not in first
    assert f'href="{path}?pagina=2&amp;{query.replace("&", "&amp;")}#declaraties"' in first
    second = client.get(f"{path}?pagina=2&{query}").get_data(as_text=True)
    assert "Pagina 2 van 3" in second and "Reis 35" in second and "Reis 11" in second
    assert "Reis 36" not in second and "Reis 10" not in second and "Bus Vera" not in second
    assert f'href="{path}?pagina=1&amp;{query.replace("&", "&amp;")}#declaraties"' in second
    assert f'href="{path}?pagina=3&amp;{query.replace("&", "&amp;")}#declaraties"' in second
    last = client.get(f"{path}?pagina=99&{query}").get_data(as_text=True)  # the nearest page
    assert "Pagina 3 van 3" in last and "Reis 01" in last and "Reis 11" not in last
    assert "Pagina 1 van 3" in client.get(f"{path}?pagina=nul&{query}").get_data(as_text=True)
    everyone = client.get(path).get_data(as_text=True)  # 61 claims: Vera's between Wim's by date
    assert "Pagina 1 van 3" in everyone and f'href="{path}?pagina=2#declaraties"' in everyone


def test_the_year_overview_shows_lines_months_and_open_claims(client, as_user, store):
    as_user.coordinator()
    vid = _volunteer(store)
    with store.transaction() as tx:
        ledger.set_budget(tx, 2026, {"training": 100000})
        tx.table(ledger.EXPENSES).insert({"date": "2026-04-01", "line": "training", "amount_cents": 25000,
                                          "description": "Trainer", "receipt": None})
        tx.table(ledger.CLAIMS).insert({"volunteer_id": vid, "date": "2026-04-02", "amount_cents": 500,
                                        "description": "Bus", "status": "ingediend"})
    html = client.get("/beheer/budget/2026/jaaroverzicht").get_data(as_text=True)
    assert "Jaaroverzicht budget 2026" in html and "Trainer" in html
    assert "1 declaratie uit 2026" in html and "ontbreekt de bon" in html


def test_budget_forms_need_a_csrf_token(csrf_client, app, store):
    from buurtbemiddeling.auth import users
    users.create_user(store, "c@lindenhoven.example", "een lang wachtwoord", "coordinator", "C")
    app.config["WTF_CSRF_ENABLED"] = False
    csrf_client.post("/beheer/inloggen", data={"email": "c@lindenhoven.example", "password": "een lang wachtwoord"})
    app.config["WTF_CSRF_ENABLED"] = True
    response = csrf_client.post("/beheer/budget/2026/begroting", data={"training": "1"})
    assert response.status_code == 400
    assert store.read().table(ledger.BUDGET_LINES).all() == []


def test_claims_from_the_old_volunteers_table_move_into_expense_claims(tmp_path):
    import db.migrations
    from db import Store

    store = Store(tmp_path)
    with store.transaction() as tx:
        tx.table("expenses").insert({"volunteer_id": 3, "date": "2026-01-05", "amount_cents": 780, "what": "Parkeren",
                                     "receipt": None, "status": "goedgekeurd", "decided_on": "2026-01-07",
                                     "decided_by": "Carla", "reason": "", "by": "Carla", "at": "2026-01-05T10:00:00"})
    with store.transaction() as tx:
        db.migrations._one_claims_table(tx)
    view = store.read()
    [claim] = view.table(ledger.CLAIMS).all()
    assert (claim["description"], claim["amount_cents"], claim["status"], claim["decided_at"]) == ("Parkeren", 780, "goedgekeurd", "2026-01-07")
    assert view.table("expenses").all() == []
    assert ledger.realisation_of(view, 2026).lines[1].claims == 780


def test_the_year_overview_downloads_as_a_spreadsheet_with_amounts_as_numbers(client, as_user, store):
    import openpyxl

    as_user.coordinator()
    with store.transaction() as tx:
        tx.table(ledger.BUDGET_LINES).insert({"year": 2025, "line": next(iter(ledger.LINES)), "amount_cents": 150000})
        tx.table(ledger.EXPENSES).insert({"date": "2025-03-04", "line": next(iter(ledger.LINES)), "amount_cents": 12345,
                                     "description": "Zaalhuur"})
    assert "jaaroverzicht.xlsx" in client.get("/beheer/budget/2025/jaaroverzicht").get_data(as_text=True)
    response = client.get("/beheer/budget/2025/jaaroverzicht.xlsx")
    assert 'filename="budget-jaaroverzicht-2025.xlsx"' in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    first = [[c.value for c in row] for row in book["Realisatie 2025"].iter_rows()]
    assert first[1][:3] == [ledger.LINES[next(iter(ledger.LINES))], 1500, 123.45]
    months = [[c.value for c in row] for row in book["Per maand 2025"].iter_rows()]
    assert months[0][3] == "mrt" and months[1][3] == 123.45 and months[-1][-1] == 123.45


# ---- correcting an expense, claims for a case -----------------------------------------------

def _expense(store, **extra):
    with store.transaction() as tx:
        return tx.table(ledger.EXPENSES).insert({"date": "2026-03-14", "line": "training", "amount_cents": 90000,
                                                 "description": "Trainer basistraining", "receipt": None,
                                                 "by": "Carla", **extra})


def test_an_expense_is_corrected_with_its_old_values_in_the_form_and_the_change_audited(client, as_user, store):
    as_user.coordinator()
    expense_id = _expense(store)
    assert f"/beheer/budget/uitgaven/{expense_id}/wijzigen" in client.get("/beheer/budget/2026").get_data(as_text=True)
    form = client.get(f"/beheer/budget/uitgaven/{expense_id}/wijzigen").get_data(as_text=True)
    assert 'value="900,00"' in form and 'value="Trainer basistraining"' in form and 'value="2026-03-14"' in form
    response = client.post(f"/beheer/budget/uitgaven/{expense_id}/wijzigen", data={
        "date": "2026-03-15", "line": "training", "amount": "850,00", "description": "Trainer basistraining"})
    assert response.status_code == 303
    expense = store.read().table(ledger.EXPENSES).get(doc_id=expense_id)
    assert (expense["date"], expense["amount_cents"], expense["by"]) == ("2026-03-15", 85000, "Carla")
    assert expense["updated_by"] == "Carla Coördinator"
    html = client.get("/beheer/budget/2026").get_data(as_text=True)
    assert "€\u00a0850,00" in html and "€\u00a0900,00" not in html
    [entry] = [e for e in store.audit_entries() if e["record"] == f"expense:{expense_id}"]
    assert entry["action"] == "update"
    assert entry["changes"] == {"date": ["2026-03-14", "2026-03-15"], "amount_cents": [90000, 85000]}


def test_a_wrong_correction_keeps_what_was_typed_and_changes_nothing(client, as_user, store):
    as_user.coordinator()
    expense_id = _expense(store)
    response = client.post(f"/beheer/budget/uitgaven/{expense_id}/wijzigen", data={
        "date": "2099-03-15", "line": "training", "amount": "veel", "description": "Trainer en zaal"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "in de toekomst" in html and "‘veel’ is geen bedrag" in html
    assert 'value="Trainer en zaal"' in html and 'value="veel"' in html
    assert store.read().table(ledger.EXPENSES).get(doc_id=expense_id)["amount_cents"] == 90000


def test_a_new_receipt_replaces_the_old_one_and_no_file_keeps_it(app, client, as_user, store):
    as_user.coordinator()
    expense, old = _expense_with_receipt(app, client, store)
    form = {"date": "2026-03-14", "line": "overig", "amount": "6", "description": "Koffie en thee"}
    client.post(f"/beheer/budget/uitgaven/{expense.doc_id}/wijzigen", data=form)
    assert store.read().table(ledger.EXPENSES).get(doc_id=expense.doc_id)["receipt"] == expense["receipt"]
    assert old.exists()
    client.post(f"/beheer/budget/uitgaven/{expense.doc_id}/wijzigen", data={**form, "receipt": (io.BytesIO(PNG), "nieuw.png")},
                content_type="multipart/form-data")
    receipt = store.read().table(ledger.EXPENSES).get(doc_id=expense.doc_id)["receipt"]
    assert receipt["name"] == "nieuw.png" and not old.exists()


def test_the_edit_page_of_an_expense_is_the_coordinators_only(client, as_user, store):
    expense_id = _expense(store)
    as_user.volunteer()
    assert client.get(f"/beheer/budget/uitgaven/{expense_id}/wijzigen").status_code == 403
    assert client.post(f"/beheer/budget/uitgaven/{expense_id}/wijzigen", data={"amount": "1"}).status_code == 403
    as_user.coordinator()
    assert client.get("/beheer/budget/uitgaven/999/wijzigen").status_code == 404


def _case(store):
    """A running case, made the way the admin makes one; its number is 2026-0001."""
    from buurtbemiddeling.cases import repo as case_repo
    from tests.portal_data import _System

    parties = [{"name": "Henk Huisman", "street": "Lindelaan 1"}, {"name": "Ilse IJzer", "street": "Lindelaan 3"}]
    case_id, number = case_repo.create_case(store, {"parties": parties, "conflict_types": ["geluidsoverlast"],
                                                    "reported_at": "2026-02-01T10:00:00+01:00"}, _System())
    assert number == "2026-0001"
    return case_id


def test_a_claim_names_its_case_and_the_case_page_shows_its_costs(client, as_user, store):
    as_user.coordinator()
    vid, case_id = _volunteer(store), _case(store)
    response = client.post("/beheer/budget/declaraties", data={
        "volunteer_id": str(vid), "date": "2026-02-02", "amount": "12,50", "description": "Reiskosten gesprek A",
        "case": "2026-0001"})
    assert response.status_code == 303
    [claim] = store.read().table(ledger.CLAIMS).all()
    assert claim["case_id"] == case_id
    assert any(e["record"] == f"expense_claim:{claim.doc_id}" and e["case"] == case_id for e in store.audit_entries())
    client.post(f"/beheer/budget/declaraties/{claim.doc_id}/goedkeuren")
    page = client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)
    section = page[page.index('id="onkosten"'):]
    assert "Onkosten voor deze zaak" in section and "Reiskosten gesprek A" in section and "Vera Visser" in section
    assert "Goedgekeurd" in section and "€\u00a012,50" in section
    assert "zaak 2026-0001" in client.get("/beheer/budget/declaraties").get_data(as_text=True)


def test_a_case_without_claims_shows_no_costs_section(client, as_user, store):
    as_user.coordinator()
    case_id = _case(store)
    assert 'id="onkosten"' not in client.get(f"/beheer/zaken/{case_id}").get_data(as_text=True)


def test_a_claim_for_an_unknown_case_number_is_refused_and_the_values_stay(client, as_user, store):
    as_user.coordinator()
    vid = _volunteer(store)
    _case(store)
    response = client.post("/beheer/budget/declaraties", data={
        "volunteer_id": str(vid), "date": "2026-02-02", "amount": "12,50", "description": "Bus", "case": "2026-0099"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "‘2026-0099’ is geen zaaknummer" in html
    assert 'value="2026-0099"' in html and 'value="Bus"' in html
    assert store.read().table(ledger.CLAIMS).all() == []


def test_the_year_overview_downloads_as_a_pdf_a_municipality_can_read(client, as_user, store, clock):
    from .test_reporting import pdf_text

    as_user.coordinator()
    vid = _volunteer(store)
    with store.transaction() as tx:
        ledger.set_budget(tx, 2025, {"training": 150000, "werving_pr": 20000})
        tx.table(ledger.EXPENSES).insert_multiple([
            {"date": "2025-03-04", "line": "training", "amount_cents": 123456, "description": "Basistraining voorjaar", "receipt": None},
            {"date": "2025-11-20", "line": "werving_pr", "amount_cents": 25050, "description": "Flyers wijkmarkt", "receipt": {"name": "bon.pdf"}},
            {"date": "2024-12-31", "line": "training", "amount_cents": 99900, "description": "Vorig jaar", "receipt": None}])
        tx.table(ledger.CLAIMS).insert_multiple([
            {"volunteer_id": vid, "date": "2025-06-02", "amount_cents": 1250, "description": "Bus", "status": "goedgekeurd"},
            {"volunteer_id": vid, "date": "2025-06-03", "amount_cents": 900, "description": "Trein", "status": "ingediend"}])
    assert "jaaroverzicht.pdf" in client.get("/beheer/budget/2025/jaaroverzicht").get_data(as_text=True)
    response = client.get("/beheer/budget/2025/jaaroverzicht.pdf")
    assert 'filename="budget-jaaroverzicht-2025.pdf"' in response.headers["Content-Disposition"]
    text = " ".join(pdf_text(response.data).split())
    # By hand: budget 1.500 + 200 = 1.700; spent 1.234,56 + 250,50 + 12,50 (the approved claim) = 1.497,56.
    assert "Jaaroverzicht budget 2025" in text and "tot en met 31-12-2025" in text
    assert "Begroot € 1.700,00" in text and "Besteed € 1.497,56 (88%)" in text and "Over € 202,44" in text
    # Claims go on one line only; the others say so with a dash rather than a column of € 0,00.
    assert "Training € 1.500,00 € 1.234,56 – € 1.234,56 € 265,44 82%" in text
    assert "Werving en PR € 200,00 € 250,50 – € 250,50 -€ 50,50 125%" in text  # overspent: a negative difference
    # Spent without a budget (the label wraps: pdftotext reads its second line after the row).
    assert "Onkostenvergoeding € 0,00 € 0,00 € 12,50 € 12,50 -€ 12,50 geen budget vrijwilligers" in text
    assert "1 goedgekeurde declaratie van 1 vrijwilliger, samen € 12,50" in text and "Vera" not in text
    assert "Declaraties nog niet beoordeeld (tellen niet mee) 1" in text and "Uitgaven zonder bon 1" in text
    assert "04-03-2025 Basistraining voorjaar € 1.234,56 ontbreekt" in text and "20-11-2025 Flyers wijkmarkt € 250,50 aanwezig" in text
    assert "Vorig jaar" not in text and "Hoe is geteld" in text
    assert any(e["action"] == "export" and e["record"] == "budget:2025" for e in store.audit_entries())
