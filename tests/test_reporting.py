"""Rapportages: the report page and PDF, the narrative, the benchmark export and the partner
feedback. The figures themselves are tested by hand in test_figures_report.py."""
from __future__ import annotations

import csv
import io
import re
import subprocess

import pytest

from buurtbemiddeling import demo
from buurtbemiddeling.network import partners as network

TODAY = "2026-02-01"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def pdf_info(data: bytes) -> str:
    return subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()


def case(number, reported, *, step="afgesloten", outcome="opgelost", closed=None, organisation="", rtype="zelfmelder",
         wijk="centrum", types=("geluidsoverlast",)):
    return {
        "number": number, "step": step, "reported_at": f"{reported}T09:00:00", "created_at": f"{reported}T09:00:00",
        "wijk": wijk, "conflict_types": list(types), "source": "telefoon", "complex": False, "minutes": 95,
        "referrer": {"type": rtype, "organisation": organisation, "person": "wijkagent Jansen", "phone": "0612345678",
                     "email": "jansen@politie.example"},
        "parties": [{"name": "Anna de Vries", "street": "Merelstraat 8", "postcode": "7412 AB", "phone": "0611111111",
                     "email": "anna@example.nl", "household": "alleenstaand", "tenure": "huur", "landlord": "Woonstede"},
                    {"name": "Bert Bakker", "street": "Merelstraat 10", "postcode": "7412 AB", "household": "gezin-met-kinderen",
                     "tenure": "koop"}],
        "description": "Harde muziek van de bovenburen, al maanden.",
        "intake": {"decision": "geschikt", "decided_on": reported, "checklist": [], "reason": "", "advice": ""},
        "closing": {"outcome": outcome, "reason": "", "closed_on": closed, "agreements": "Muziek zachter na tienen.",
                    "nazorg_a": "Gaat goed.", "nazorg_b": "Tevreden."} if closed else None,
        "duo": [],
    }


def store_the_data(app) -> dict:
    app.config["CLOCK"] = TODAY
    with app.extensions["store"].transaction() as tx:
        police = tx.table(network.PARTNERS).insert({"name": "Politie Lindenhoven, basisteam", "type": "politie"})
        tx.table(network.PARTNERS).insert({"name": "Woonstede", "type": "woningcorporatie"})
        tx.table("cases").insert_multiple([
            # Spans two years: a 2024 report, a 2025 result.
            case("2024-001", "2024-12-20", closed="2025-01-15", organisation="Politie basisteam Lindenhoven", rtype="politie"),
            case("2025-001", "2025-03-03", closed="2025-04-02", outcome="niet-opgelost", organisation="politie lindenhoven basisteam",
                 rtype="politie", types=("parkeren",)),
            case("2025-002", "2025-05-05", step="gesprek-a", organisation="Politie Lindenhoven, basisteam", rtype="politie"),
            case("2025-003", "2025-06-01", closed="2025-07-01", wijk="noord"),
        ])
    return {"police": police}


@pytest.fixture
def data(app):
    return store_the_data(app)


@pytest.fixture(scope="module")
def shared_data(module_app):
    """The data, stored once for the module's tests that only read (`module_app`)."""
    return store_the_data(module_app)


# -- who may -----------------------------------------------------------------------------

URLS = ["/beheer/rapportages/", "/beheer/rapportages/pdf?jaar=2025", "/beheer/rapportages/benchmark.csv?jaar=2025",
        "/beheer/rapportages/toelichting?jaar=2025", "/beheer/rapportages/partners/1", "/beheer/rapportages/partners/1/pdf"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_the_login(module_clients, shared_data, url):
    response = module_clients.anonymous.get(url)
    assert response.status_code == 302 and "/beheer/inloggen" in response.headers["Location"]


@pytest.mark.parametrize("url", URLS)
def test_volunteers_may_not_see_reports(module_clients, shared_data, url):
    assert module_clients.volunteer.get(url).status_code == 403


def test_the_area_is_in_the_navigation(module_clients, shared_data):
    coordinator = module_clients.coordinator
    page = coordinator.get("/beheer/").get_data(as_text=True)
    assert 'href="/beheer/rapportages/"' in page and 'href="/beheer/publiciteit/"' in page


# -- the page ----------------------------------------------------------------------------

def test_the_annual_report_page_shows_the_figures_of_the_year(module_clients, shared_data):
    coordinator = module_clients.coordinator
    page = coordinator.get("/beheer/rapportages/?jaar=2025").get_data(as_text=True)
    assert "<h1>Jaarverslag" in page and "2025" in page
    assert "66,7%" in page and "(2 van 3)" in page  # closed in 2025: 2024-001, 2025-001, 2025-003
    assert 'src="data:image/svg+xml;base64,' in page and 'alt="Grafiek: meldingen per maand' in page
    assert "Anna de Vries" not in page and "Merelstraat" not in page


def test_a_quarter_and_a_custom_period_can_be_chosen(module_clients, shared_data):
    coordinator = module_clients.coordinator
    page = coordinator.get("/beheer/rapportages/?jaar=2025&kwartaal=2").get_data(as_text=True)
    assert "Kwartaalrapportage" in page and "2e kwartaal 2025" in page
    page = coordinator.get("/beheer/rapportages/?van=2024-12-01&tot=2025-01-31").get_data(as_text=True)
    assert "01-12-2024 t/m 31-01-2025" in page


def test_a_wrong_period_says_what_is_wrong_and_shows_this_year(module_clients, shared_data):
    coordinator = module_clients.coordinator
    response = coordinator.get("/beheer/rapportages/?van=2025-05-01&tot=2025-01-01")
    assert response.status_code == 422 and "De einddatum ligt vóór de begindatum." in response.get_data(as_text=True)
    assert coordinator.get("/beheer/rapportages/pdf?jaar=abc").status_code == 404


def test_an_empty_year_says_so_and_shows_no_percentages(module_clients, shared_data):
    coordinator = module_clients.coordinator
    page = coordinator.get("/beheer/rapportages/?jaar=2019").get_data(as_text=True)
    assert "In deze periode is niets geregistreerd" in page and "nog niets te tellen" in page
    assert 'src="data:image/svg' not in page  # nothing to draw


# -- the narrative -------------------------------------------------------------------------

def test_the_coordinator_writes_a_narrative_that_is_shown_sanitised(client, as_user, data, store):
    as_user.coordinator()
    text = "## Een goed jaar\n\nMeer meldingen van de **politie**. <script>alert(1)</script>"
    response = client.post("/beheer/rapportages/toelichting?jaar=2025", data={"text": text})
    assert response.status_code == 303 and "jaar=2025" in response.headers["Location"]
    page = client.get("/beheer/rapportages/?jaar=2025").get_data(as_text=True)
    assert "<h2>Een goed jaar</h2>" in page and "<strong>politie</strong>" in page and "<script>alert" not in page
    assert "Een goed jaar" not in client.get("/beheer/rapportages/?jaar=2024").get_data(as_text=True)  # per period
    assert any(e.get("record") == "report-narrative:2025" for e in store.audit_entries())


def test_a_too_long_narrative_is_refused_and_kept(client, as_user, data):
    as_user.coordinator()
    response = client.post("/beheer/rapportages/toelichting?jaar=2025", data={"text": "x" * 20_001})
    assert response.status_code == 422 and "te lang" in response.get_data(as_text=True)
    assert "x" * 200 in response.get_data(as_text=True)


# -- the PDF ---------------------------------------------------------------------------------

def test_the_annual_report_pdf_has_a_title_page_contents_page_numbers_and_tags(client, as_user, data):
    as_user.coordinator()
    client.post("/beheer/rapportages/toelichting?jaar=2025", data={"text": "Een **rustig** jaar."})
    response = client.get("/beheer/rapportages/pdf?jaar=2025")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="jaarverslag-2025.pdf"' in response.headers["Content-Disposition"]
    text, info = pdf_text(response.data), pdf_info(response.data)
    assert "Tagged:          yes" in info and 'pdfuaid:part="1"' in subprocess.run(
        ["pdfinfo", "-meta", "-"], input=response.data, capture_output=True).stdout.decode()  # PDF/UA-1
    first_page = text.split("\f")[0]
    assert "Buurtbemiddeling Lindenhoven" in first_page and "Jaarverslag" in first_page and "2025" in first_page
    contents = text.split("\f")[1]
    assert "Inhoud" in contents and "Resultaten" in contents and "Hoe is geteld" in contents
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 5 and f"Pagina 3 van {pages}" in text
    assert "Een rustig jaar." in text and "Meldingen per maand" in text  # narrative and chart text
    assert "Anna de Vries" not in text and "Merelstraat" not in text


def test_the_pdf_renders_for_an_empty_quarter(module_clients, shared_data):
    coordinator = module_clients.coordinator
    text = pdf_text(coordinator.get("/beheer/rapportages/pdf?jaar=2019&kwartaal=1").data)
    assert "Kwartaalrapportage" in text and "niets geregistreerd" in text


def test_the_annual_report_renders_for_the_full_demo_data(app, client, store):
    with app.app_context():
        demo.fill(store)
    client.post("/beheer/inloggen", data={"email": demo.DEMO_EMAIL, "password": demo.DEMO_PASSWORD})
    year = int(store.read().table("cases").all()[-1]["reported_at"][:4])
    assert client.get(f"/beheer/rapportages/?jaar={year}").status_code == 200
    text = pdf_text(client.get(f"/beheer/rapportages/pdf?jaar={year}").data)
    assert "Jaarverslag" in text and "Geluidsoverlast" in text and "Budget" in text


# -- benchmark export ---------------------------------------------------------------------------

def benchmark_rows(client) -> tuple[str, list[dict]]:
    response = client.get("/beheer/rapportages/benchmark.csv?jaar=2025")
    assert response.status_code == 200 and 'filename="benchmark-2025.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    return text, list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_the_benchmark_export_counts_by_month_without_household_details_or_anything_personal(client, as_user, data, store):
    with store.transaction() as tx:  # five alike: a group the export may show as it is
        tx.table("cases").insert_multiple(case(f"2025-1{n}", "2025-09-02", closed="2025-10-01") for n in range(5))
    as_user.coordinator()
    text, rows = benchmark_rows(client)
    alike = [r for r in rows if r["maand_melding"] == "2025-09"]
    assert len(alike) == 5 and all(r["samengevoegd"] == "" for r in alike)
    first = alike[0]
    assert first["maand_afsluiting"] == "2025-10" and first["uitkomst"] == "opgelost" and first["wijk"] == "centrum"
    assert first["nazorg_gedaan"] == "ja" and first["volgnummer"].isdigit()
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", line) for line in text.splitlines())  # never a day
    for column in ("datum_melding", "huishouden_a", "woonsituatie_b", "aantal_huishoudens"):
        assert column not in rows[0]
    for personal in ("Anna", "Merelstraat", "7412", "0611111111", "@", "Jansen", "Woonstede", "muziek", "Muziek",
                     "2024-001", "Politie Lindenhoven", "alleenstaand", "koop"):
        assert personal not in text


def test_benchmark_groups_under_five_over_all_fields_together_are_merged_or_left_out(client, as_user, data, store):
    with store.transaction() as tx:  # four alike in September, one of them in another wijk
        tx.table("cases").insert_multiple(case(f"2025-1{n}", f"2025-09-0{n + 1}", closed="2025-10-01",
                                               wijk="noord" if n == 0 else "centrum") for n in range(4))
    as_user.coordinator()
    text, rows = benchmark_rows(client)
    combos = {}
    for row in rows:
        key = tuple(v for k, v in row.items() if k not in ("volgnummer", "samengevoegd"))
        combos[key] = combos.get(key, 0) + 1
    assert rows and all(n >= 5 for n in combos.values())
    assert any("wijk" in row["samengevoegd"] for row in rows)
    assert "noord" not in text
    page = client.get("/beheer/rapportages/?jaar=2025").get_data(as_text=True)
    assert "minder dan 5 zaken" in page and "samengevoegd" in page


def test_a_benchmark_cell_never_runs_as_a_formula(client, as_user, data, store):
    with store.transaction() as tx:
        tx.table("cases").insert_multiple(case(f"2025-00{n}", "2025-08-01", wijk="=HYPERLINK(1)", step="intake")
                                          for n in range(5, 10))
    as_user.coordinator()
    assert "'=HYPERLINK(1)" in client.get("/beheer/rapportages/benchmark.csv?jaar=2025").get_data(as_text=True)


# -- partner feedback -----------------------------------------------------------------------------

def test_a_partner_page_shows_the_cases_it_referred(module_clients, shared_data):
    coordinator = module_clients.coordinator
    page = coordinator.get(f"/beheer/netwerk/{shared_data['police']}").get_data(as_text=True)
    assert "Verwezen zaken" in page and "3 zaken verwezen" in page
    other = coordinator.get("/beheer/netwerk/2").get_data(as_text=True)
    assert "Nog geen zaken gevonden" in other


def test_the_feedback_report_gives_stage_and_outcome_never_content(client, as_user, data, store):
    as_user.coordinator()
    page = client.get(f"/beheer/rapportages/partners/{data['police']}?jaar=2025").get_data(as_text=True)
    assert "2025-001" in page and "2025-002" in page and "2024-001" not in page  # only 2025's referrals
    assert "Gesprek partij A" in page and "Niet opgelost" in page
    for content in ("Anna", "Merelstraat", "muziek", "Muziek zachter", "Gaat goed", "wijkagent Jansen", "Parkeren"):
        assert content not in page
    pdf = client.get(f"/beheer/rapportages/partners/{data['police']}/pdf?jaar=2025")
    text = pdf_text(pdf.data)
    assert "Terugkoppeling aan Politie Lindenhoven" in text and "2025-001" in text and "Anna" not in text
    assert any(e.get("record") == f"partner-feedback:{data['police']}" for e in store.audit_entries())


def test_an_unknown_partner_is_not_found(module_clients, shared_data):
    coordinator = module_clients.coordinator
    assert coordinator.get("/beheer/rapportages/partners/99").status_code == 404


def test_a_report_of_a_period_still_running_says_up_to_which_day_it_counts(client, as_user, data, clock):
    as_user.coordinator()
    running = " ".join(pdf_text(client.get("/beheer/rapportages/pdf?jaar=2026").data).split("\f")[0].split())
    assert "Opgemaakt op 06-12-2026. De periode loopt nog: de cijfers gaan tot en met 06-12-2026." in running
    ended = " ".join(pdf_text(client.get("/beheer/rapportages/pdf?jaar=2025").data).split("\f")[0].split())
    assert "Opgemaakt op 06-12-2026." in ended and "loopt nog" not in ended
