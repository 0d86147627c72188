"""An applicant in real Chromium: the public form, then selection and training until *actief*."""

import pytest

from common import clock
from buurtbemiddeling.auth import users
from buurtbemiddeling.reports import intake as report_intake
from forms import FORMS

from .conftest import LIVE_CONFIG, axe_violations, next_page_on_a_phone, serve, sign_in, sign_in_a_coordinator

TODAY = clock.today().isoformat()
PASSWORD = "een lang wachtwoord"


def apply_on_the_public_site(page, base: str) -> None:
    page.goto(base + "/vrijwilliger-worden/")
    page.get_by_label("Naam", exact=True).fill("Esra Kaya")
    page.get_by_label("E-mailadres").fill("esra@voorbeeld.nl")
    page.get_by_label("Telefoonnummer").fill("06 12345678")
    page.get_by_label("Straat en huisnummer", exact=True).fill("Merelstraat 8")
    page.get_by_label("Postcode", exact=True).fill("7413 KL")
    page.locator('input[name="age_band"][value="26-40"]').check()
    page.locator('input[name="languages"][value="nederlands"]').check()
    page.locator('input[name="languages"][value="turks"]').check()
    page.locator('input[name="availability"][value="di-avond"]').check()
    page.get_by_label("Waarom wilt u buurtbemiddelaar worden?").fill("Ik wil mijn buurt helpen.")
    page.locator('input[name="heard_via"][value="krant"]').check()
    page.get_by_label("Ik ga akkoord met de privacyverklaring").check()
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.get_by_text("Bedankt").first.wait_for()


# What apply_on_the_public_site fills in.
ESRA = {"name": "Esra Kaya", "email": "esra@voorbeeld.nl", "phone": "06 12345678", "street": "Merelstraat 8",
        "postcode": "7413 KL", "age_band": "26-40", "languages": ["nederlands", "turks"], "availability": ["di-avond"],
        "motivation": "Ik wil mijn buurt helpen.", "heard_via": "krant", "consent": "ja"}


def move_to(page, step: str, reason: str = "") -> None:
    page.get_by_label("Naar stap").select_option(label=step)
    if reason:
        page.get_by_label("Toelichting").fill(reason)
    page.get_by_role("button", name="Stap wijzigen").click()


@pytest.mark.parametrize("with_js", [True, False], ids=["htmx", "no-js"])
def test_an_applicant_goes_from_the_public_form_through_selection_and_training_to_active(browser, live_server, with_js):
    # The applicant fills in the public form without JavaScript (its htmx variant is the public site's
    # test). It is the same path in both runs: sent in Chromium once, stored the same way for the other.
    if with_js:
        result = FORMS["application"].validate(ESRA)
        assert result.errors == {}
        report_intake.store_submission(live_server.app.extensions["store"], "application", result.cleaned)
    else:
        applicant = browser.new_context(locale="nl-NL", java_script_enabled=False)
        apply_on_the_public_site(applicant.new_page(), live_server.url)
        applicant.close()

    context = browser.new_context(locale="nl-NL", java_script_enabled=with_js)
    page = context.new_page()
    sign_in_a_coordinator(context, live_server)

    # The programme's catalogue needs a basistraining first.
    page.goto(live_server.url + "/beheer/vrijwilligers/")
    page.get_by_role("navigation", name="Vrijwilligers").get_by_role("link", name="Trainingen").click()
    page.get_by_label("Naam", exact=True).fill("Basistraining buurtbemiddeling")
    page.get_by_label("Soort").select_option("basistraining")
    page.get_by_label("Uren").fill("15")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("link", name="Basistraining buurtbemiddeling").wait_for()

    # The application waits on the overview and opens from the list.
    page.get_by_role("navigation", name="Vrijwilligers").get_by_role("link", name="Overzicht").click()
    page.get_by_role("row", name="Esra Kaya").get_by_text("Kennismakingsgesprek plannen").wait_for()  # visible
    page.get_by_role("navigation", name="Vrijwilligers").get_by_role("link", name="Aanmeldingen").click()
    page.get_by_role("link", name="Esra Kaya").click()
    page.get_by_role("heading", name="Aanmelding van Esra Kaya").wait_for()
    assert page.get_by_text("Krant of huis-aan-huisblad").is_visible()
    move_to(page, "Kennismakingsgesprek")
    page.get_by_text("Stap gewijzigd naar ‘Kennismakingsgesprek’").wait_for()

    # Selection interview: every criterion scored, then the decision.
    page.get_by_role("link", name="Selectiegesprek vastleggen").click()
    for criterion in ("Sociale vaardigheden", "Probleemoplossend communiceren", "Samenwerken", "Neutraliteit",
                      "Betrouwbaarheid", "Inlevingsvermogen"):
        page.get_by_role("group", name=criterion).get_by_label("4 goed").check()
    page.get_by_role("group", name="Besluit").get_by_label("Aannemen").check()
    page.get_by_label("Reden van het besluit").fill("Luistert goed en blijft neutraal.")
    page.get_by_role("button", name="Gesprek opslaan").click()
    page.get_by_role("heading", name="Esra Kaya", exact=True).wait_for()
    assert page.get_by_text("Esra Kaya is aangenomen").is_visible()
    assert "Turks" in page.locator(".facts").first.inner_text()

    move_to(page, "Basistraining")
    move_to(page, "Meeloopperiode")
    move_to(page, "Actief")  # not yet: no basistraining recorded
    page.get_by_text("Zonder afgeronde basistraining").first.wait_for()

    page.get_by_text("Training of kwalificatie vastleggen").click()
    page.get_by_label("Training of kwalificatie", exact=True).select_option(label="Basistraining buurtbemiddeling (15 uur)")
    page.get_by_label("Datum (gevolgd of behaald)").fill(TODAY)
    page.get_by_role("button", name="Vastleggen").click()
    page.get_by_text("Basistraining buurtbemiddeling is vastgelegd.").wait_for()
    move_to(page, "Actief")
    page.get_by_text("Stap gewijzigd naar ‘Actief’").wait_for()
    assert page.locator(".lead .step-actief").inner_text() == "Actief"
    context.close()


def test_the_volunteer_pages_have_no_accessibility_violations(page, live_server):
    from buurtbemiddeling.demo import volunteers as demo
    import random

    store = live_server.app.extensions["store"]
    demo.add(store, random.Random(1))
    users.create_user(store, "carla@lindenhoven.example", PASSWORD, "coordinator", "Carla")
    sign_in(page.context, live_server, "carla@lindenhoven.example", PASSWORD)
    for path in ("/beheer/vrijwilligers/", "/beheer/vrijwilligers/1", "/beheer/vrijwilligers/pool",
                 "/beheer/vrijwilligers/aanmeldingen/1/gesprek", "/beheer/vrijwilligers/1/bewerken",
                 "/beheer/vrijwilligers/activiteiten/nieuw", "/beheer/vrijwilligers/onkosten"):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path


def _past_activities(store) -> None:
    """A trip in nine days, and thirty intervision evenings a week apart (26 and later on page 2)."""
    import datetime as dt

    with store.transaction() as tx:
        tx.table("events").insert({"kind": "uitje", "title": "Rondvaart", "start": "18:00", "end": "21:00",
                                   "date": (clock.today() + dt.timedelta(days=9)).isoformat(), "invitees": []})
        for n in range(1, 31):
            tx.table("events").insert({"kind": "intervisie", "title": f"Intervisieavond {n:02d}", "start": "19:30",
                                       "end": "21:00", "place": "Buurthuis De Linde", "invitees": [],
                                       "date": (clock.today() - dt.timedelta(days=7 * n)).isoformat()})


def _finished_applications(store) -> None:
    """Thirty rejected applications; Aanmelder 30 is the newest, 05 and older on page 2."""
    with store.transaction() as tx:
        for n in range(1, 31):
            tx.table("applications").insert({"form": "application", "source": "web", "step": "afgewezen",
                                             "received_at": f"2026-01-{n:02d}T10:00:00",
                                             "values": {"name": f"Aanmelder {n:02d}", "wijk": "Centrum"}})


def _pool(store) -> None:
    from tests.test_volunteers_views import _pool_of_sixty

    _pool_of_sixty(store)


# Paged lists of the volunteers area: what fills it, the list (with its filter), the next page's
# address, a row there, a row of page 1, and a link the filter or the list keeps on every page.
PAGED_LISTS = {
    "activiteiten": (_past_activities, "/beheer/vrijwilligers/activiteiten", "?pagina=2#geweest",
                     "Intervisieavond 26", "Intervisieavond 25", "Rondvaart"),
    "aanmeldingen": (_finished_applications, "/beheer/vrijwilligers/aanmeldingen?alle=1", "?pagina=2&alle=1",
                     "Aanmelder 05", "Aanmelder 06", "Alleen lopende aanmeldingen"),
    "vrijwilligers": (_pool, "/beheer/vrijwilligers/?stap=actief", "?pagina=2&stap=actief#pool",
                      "Vrijwilliger 59", "Vrijwilliger 49", "alle vrijwilligers tonen"),
}


@pytest.fixture(scope="module")
def paged_lists(browser, public_dir, tmp_path_factory):
    """One server and one signed-in phone tab for the three lists: each fills a table of its own
    (events, applications, volunteers), which no other of these lists shows."""
    server = serve(tmp_path_factory.mktemp("paged-lists") / "instance", public_dir, **LIVE_CONFIG)
    users.create_user(server.app.extensions["store"], "carla@lindenhoven.example", PASSWORD, "coordinator", "Carla")
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True)
    sign_in(context, server, "carla@lindenhoven.example", PASSWORD)
    yield server, context.new_page()
    context.close()
    server.shutdown()


@pytest.mark.parametrize("name", PAGED_LISTS)
def test_a_paged_list_goes_to_its_next_page_on_a_phone_with_its_filter_kept(paged_lists, name):
    fill, url, next_query, on_next, on_first, kept = PAGED_LISTS[name]
    live_server, phone_page = paged_lists
    fill(live_server.app.extensions["store"])
    next_page_on_a_phone(phone_page, live_server.url + url, "**" + url.split("?")[0] + next_query, f"{name}-pagina-2")
    assert phone_page.get_by_role("link", name=on_next).is_visible()
    assert phone_page.get_by_role("link", name=on_first).count() == 0
    assert phone_page.get_by_role("link", name=kept).count() == 1
