"""In real Chromium: mail configured in config.toml, a test mail sent to a real SMTP server
(aiosmtpd) from Instellingen > E-mail, and the outbox showing it sent; the texts editor's
live preview refuses an unknown merge field; the case page's letters at phone width."""
import os

import pytest

from buurtbemiddeling.auth import users
from tests.smtp_server import Inbox, parsed, running
from tests.test_cases_views import VALID
from buurtbemiddeling.reports import intake as report_intake
from forms import FORMS

from .conftest import LIVE_CONFIG, axe_violations, serve, shot, sign_in

PASSWORD = "een lang wachtwoord"


@pytest.fixture
def smtp():
    with running(Inbox()) as inbox:
        yield inbox


@pytest.fixture
def mail_server_app(tmp_path, public_dir, smtp):
    instance = tmp_path / "instance"
    instance.mkdir()
    # Configured as a host does it: in the instance's config.toml.
    (instance / "config.toml").write_text(
        f'MAIL_SERVER = "127.0.0.1"\nMAIL_PORT = {smtp.port}\n'
        f'MAIL_PASSWORD = "geheim-wachtwoord-123"\nMAIL_FROM = "Buurtbemiddeling <noreply@lindenhoven.example>"\n')
    server = serve(instance, public_dir, **LIVE_CONFIG)
    yield server
    server.shutdown()


def login(context, server):
    """A new page of `context`, signed in as the coordinator, on no page yet."""
    users.create_user(server.app.extensions["store"], "carla@lindenhoven.example", PASSWORD, "coordinator", "Carla")
    sign_in(context, server, "carla@lindenhoven.example", PASSWORD)
    return context.new_page()


def test_the_coordinator_sends_a_test_mail_and_sees_it_sent_in_the_outbox(browser, mail_server_app, smtp):
    page = login(browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}), mail_server_app)
    page.goto(mail_server_app.url + "/beheer/")
    page.get_by_role("link", name="Instellingen").first.click()
    page.get_by_role("link", name="E-mail", exact=True).click()
    page.get_by_text("127.0.0.1").wait_for()  # visible once the page has loaded (is_visible() does not wait)
    assert page.get_by_text("ingesteld (verborgen)").is_visible()
    assert "geheim-wachtwoord-123" not in page.content()
    page.get_by_label("Naar").fill("test@lindenhoven.example")
    page.get_by_role("button", name="Testmail sturen").click()
    page.get_by_text("staat klaar en gaat meteen weg").wait_for()
    outbox = page.locator("#outbox")
    outbox.get_by_text("Verstuurd", exact=True).wait_for(timeout=15000)  # the page polls while a mail waits
    assert outbox.get_by_text("t***@lindenhoven.example").is_visible()
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["test@lindenhoven.example"] and "Testmail" in parsed(envelope)[0]["Subject"]
    shot(page, "email-1280")
    found = axe_violations(page)
    assert found == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]

    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True,
                                  storage_state=page.context.storage_state())
    phone = context.new_page()
    phone.goto(mail_server_app.url + "/beheer/instellingen/e-mail")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "email-375")
    context.close()
    page.context.close()


def test_the_live_preview_fills_sample_values_and_refuses_an_unknown_field(browser, mail_server_app):
    page = login(browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}), mail_server_app)
    page.goto(mail_server_app.url + "/beheer/instellingen/teksten/kennismaking-b")
    preview = page.locator("#text-preview")
    assert "J. de Boer" in preview.inner_text()
    body = page.get_by_label("Tekst (Markdown)")
    body.fill("Beste {{ naam }},\n\nUw buur {{ naam_a }} klaagt.")
    preview.get_by_text("Het invulveld {{ naam_a }} kent").wait_for()
    shot(page, "texts-1280")
    found = axe_violations(page)
    assert found == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]
    body.fill("Beste {{ naam }},\n\n**Welkom** bij {{ programma }}.")
    preview.locator("strong", has_text="Welkom").wait_for()
    assert "Beste J. de Boer" in preview.inner_text()
    page.context.close()


def test_the_case_page_offers_letters_and_feedback_at_phone_width(browser, mail_server_app):
    store = mail_server_app.app.extensions["store"]
    result = FORMS["report"].validate(VALID)
    report_id = report_intake.store_submission(store, "report", result.cleaned)
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = login(context, mail_server_app)
    page.goto(f"{mail_server_app.url}/beheer/meldingen/{report_id}")
    page.get_by_role("button", name="Zaak aanmaken en intake starten").click()
    page.wait_for_load_state()
    section = page.locator("#brieven")
    assert section.get_by_label("Brief", exact=True).is_visible()
    section.get_by_label("Brief", exact=True).select_option(label="Kennismakingsbrief partij B – partij B")
    with page.expect_download() as download:
        section.get_by_role("button", name="Pdf maken om af te drukken").click()
    assert download.value.suggested_filename.startswith("kennismaking-b-")
    page.reload()
    assert page.locator("#tijdlijn").get_by_text("Kennismakingsbrief partij B voor partij B als pdf gemaakt").is_visible()
    # This section fits a phone; the widest thing in it ends inside the screen.
    right = section.evaluate("s => Math.max(...[s, ...s.querySelectorAll('*')].map(e => e.getBoundingClientRect().right))")
    assert right <= 375, right
    section.scroll_into_view_if_needed()
    if os.environ.get("SCREENSHOTS"):
        section.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "case-letters-375.png"))
    # The section itself (the parties table above it is another area's: see the lead's notes).
    found = axe_violations(page, context="#brieven")
    assert found == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]
    context.close()
