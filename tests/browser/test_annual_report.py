"""The coordinator downloads the annual report for the full demo data in real Chromium, and
finds its text (title page, contents, figures, narrative) in the PDF."""
from __future__ import annotations

import subprocess

from buurtbemiddeling import demo

from .conftest import axe_violations, sign_in


def test_the_coordinator_downloads_the_annual_report_of_the_demo_programme(page, live_server, tmp_path):
    app = live_server.app
    app.config["PDF_SEPARATE_PROCESS"] = True  # as in production: the other flows' PDFs are made in the server's process
    with app.app_context():
        demo.fill(app.extensions["store"])
    cases = app.extensions["store"].read().table("cases").all()
    year = max(int(c["reported_at"][:4]) for c in cases) - 1  # a whole year of demo data

    # The demo's account, signed in without the login form (tests/browser/test_budget_flow.py fills it in).
    sign_in(page.context, live_server, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    page.goto(live_server.url + "/beheer/")

    page.get_by_role("link", name="Rapportages", exact=True).click()
    page.get_by_label("Jaar").select_option(str(year))
    page.get_by_label("Kwartaal").select_option("")
    page.get_by_role("button", name="Tonen").first.click()
    page.get_by_role("heading", name=f"Jaarverslag {year}").wait_for()
    assert page.get_by_role("heading", name="Een druk jaar").is_visible()  # the demo narrative
    assert page.locator('img.chart[alt^="Grafiek: meldingen per maand"]').is_visible()
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pdf downloaden").click()
    download = download_info.value
    assert download.suggested_filename == f"jaarverslag-{year}.pdf"
    path = tmp_path / "report.pdf"
    download.save_as(path)

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    pages = text.split("\f")
    assert "Jaarverslag" in pages[0] and str(year) in pages[0] and "Buurtbemiddeling Lindenhoven" in pages[0]
    assert "Inhoud" in pages[1] and "Kerncijfers" in pages[1] and "Vrijwilligers" in pages[1]
    assert "Een druk jaar" in text and "Meldingen per maand" in text and "Doorlooptijd" in text
    assert "Geluidsoverlast" in text and "Pagina 2 van" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Tagged:          yes" in info
