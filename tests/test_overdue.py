"""Nothing overdue unseen: new reports the oldest first, "Te laat" from the day after the
intake term, on Vandaag and in the inbox; the inbox filtered by kind and state, with labels."""
import re

import pytest

from buurtbemiddeling.reports import intake as report_intake
from forms import FORMS

VALID = {
    "name": "Anna de Vries", "email": "anna@voorbeeld.nl", "phone": "06 12345678",
    "street": "Lindelaan 12", "postcode": "7412ab", "place": "Lindenhoven", "contact_way": "telefoon",
    "b_name": "Bert Jansen", "b_street": "Lindelaan 14", "conflict_type": "tuin-erfgrens",
    "description": "De schutting staat op mijn grond.", "violence": "nee", "consent": "ja",
}


def add_report(store, received_at, source="web", **changes):
    result = FORMS["report"].validate({**VALID, **changes})
    assert result.ok, result.errors
    report_id = report_intake.store_submission(store, "report", result.cleaned, source=source)
    with store.transaction() as tx:
        tx.table("reports").update({"received_at": received_at}, doc_ids=[report_id])
    return report_id


def html(response):
    return response.get_data(as_text=True)


def panel(page):
    start = page.index('id="nieuw"')
    return page[start:page.index("</section>", start)]


@pytest.fixture
def coordinator(as_user):
    return as_user.coordinator()


def test_a_report_is_late_on_the_day_after_the_term_not_on_its_last_day(client, store, clock, coordinator):
    # Monday 30-11 (10:00 in Amsterdam, stored in UTC); 5 working days: the term ends Monday 07-12.
    add_report(store, "2026-11-30T09:00:00+00:00", name="Tineke Wijaya")
    clock.set("2026-12-07T16:00:00+01:00")
    assert "Te laat" not in panel(html(client.get("/beheer/")))
    assert "intake vóór 07-12-2026" in panel(html(client.get("/beheer/")))
    clock.set("2026-12-08T08:00:00+01:00")
    today = panel(html(client.get("/beheer/")))
    assert re.search(r"Tineke Wijaya</a>\s*<span class=\"meta\"><strong class=\"tag tag-overdue\">Te laat</strong>", today)
    inbox = html(client.get("/beheer/meldingen/"))
    row = inbox[inbox.index("Tineke Wijaya"):inbox.index("</tr>", inbox.index("Tineke Wijaya"))]
    assert "Te laat" in row


def test_vandaag_and_the_inbox_show_the_longest_waiting_report_first(client, store, clock, coordinator):
    add_report(store, "2026-12-04T09:00:00+00:00", name="Nieuwste Melder")
    add_report(store, "2026-11-16T09:00:00+00:00", name="Oudste Melder")
    handled = add_report(store, "2026-11-01T09:00:00+00:00", name="Afgehandelde Melder")
    with store.transaction() as tx:
        tx.table("reports").update({"status": "afgehandeld"}, doc_ids=[handled])
    today = panel(html(client.get("/beheer/")))
    assert today.index("Oudste Melder") < today.index("Nieuwste Melder")
    assert "Afgehandelde Melder" not in today
    inbox = html(client.get("/beheer/meldingen/"))
    assert inbox.index("Oudste Melder") < inbox.index("Nieuwste Melder") < inbox.index("Afgehandelde Melder")


def test_the_inbox_filters_by_kind_and_state_and_shows_labels_not_codes(client, store, clock, coordinator):
    add_report(store, "2026-12-04T09:00:00+00:00", name="Web Melder")
    add_report(store, "2026-12-04T10:00:00+00:00", source="telefoon", name="Telefoon Melder")
    inbox = html(client.get("/beheer/meldingen/"))
    assert "Tuin of erfgrens" in inbox and "tuin-erfgrens" not in inbox
    phoned = html(client.get("/beheer/meldingen/?soort=telefonisch"))
    assert "Telefoon Melder" in phoned and "Web Melder" not in phoned
    assert '<option value="telefonisch" selected>' in phoned
    handled = html(client.get("/beheer/meldingen/?status=afgehandeld"))
    assert "Geen meldingen met deze filters." in handled
