"""The intake term is one setting: the case page, Vandaag, the quality page, the confirmation
mails and the public site all say the same number of working days."""
import datetime as dt
from pathlib import Path

from buurtbemiddeling.settings import numbers
from common import intake_term
from sitebuilder import Site
from sitebuilder.output import build
from sitebuilder.site import DEFAULT_ROOT

from .test_build import make_data
from .test_mail import body, mail_app, post, smtp  # noqa: F401  (fixtures)
from .test_reports import VALID

ROOT = Path(__file__).resolve().parents[1]


def set_term(store, days):
    with store.transaction() as tx:
        numbers.set_value(tx, intake_term.KEY, days)


def test_the_term_reads_the_setting_and_falls_back_to_five_working_days():
    assert intake_term.from_settings([]) == 5
    assert intake_term.from_settings([{"key": "intake_working_days", "value": 3}]) == 3
    assert intake_term.from_settings([{"key": "intake_working_days", "value": 99}]) == 5
    assert intake_term.in_words(1) == "1 werkdag" and intake_term.in_words(3, "en") == "3 working days"


def test_a_case_is_late_only_while_it_waits_for_its_intake_after_the_deadline():
    case = {"reported_at": "2025-06-06T10:00:00", "step": "aangemeld"}  # a Friday
    assert intake_term.deadline(case, 2) == dt.date(2025, 6, 11)  # Monday 9 June is Tweede Pinksterdag
    assert not intake_term.is_late(case, dt.date(2025, 6, 11), 2)
    assert intake_term.is_late(case, dt.date(2025, 6, 12), 2)
    assert not intake_term.is_late({**case, "step": "intake", "intake": {"decision": "geschikt"}}, dt.date(2025, 7, 1), 2)


def test_the_confirmation_mail_promises_the_term_that_is_set(mail_app, client, smtp, store):  # noqa: F811
    set_term(store, 3)
    assert post(client, "/melding", VALID).status_code == 303
    _, text = body(smtp.to("anna@voorbeeld.nl")[0])
    assert "Binnen 3 werkdagen neemt de coördinator contact met u op" in text
    assert "5 werkdagen" not in text


def test_the_thank_you_panel_after_an_htmx_post_promises_the_term_that_is_set(client, store):
    set_term(store, 2)
    answer = client.post("/melding", data=VALID, headers={"HX-Request": "true"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Binnen 2 werkdagen" in html and "5 werkdagen" not in html


def test_the_public_site_built_with_the_programmes_data_promises_its_term(tmp_path):
    data = make_data(tmp_path / "data")
    from db import Store
    set_term(Store(data), 1)
    out = tmp_path / "public"
    build(Site(DEFAULT_ROOT, data_dir=data, today=dt.date(2025, 6, 1)), out)
    pages = {path: path.read_text("utf-8") for path in out.rglob("*.html")}
    promising = [path for path, html in pages.items() if "Binnen 1 werkdag " in html or "within 1 working day" in html]
    assert len(promising) >= 10  # home, report, thanks, referrers, FAQ, how it works, in both languages
    assert not [p for p, html in pages.items() if "5 werkdagen" in html or "5 working days" in html
                if "toegankelijkheid" not in str(p) and "accessibility" not in str(p)]
    report_page = pages[out / "melding-doen" / "index.html"]
    assert 'content="Meld een probleem met uw buren bij Buurtbemiddeling Lindenhoven. Wij nemen binnen 1 werkdag' in report_page


def test_the_quality_page_names_the_term_that_is_set(as_user, client, store):
    as_user.coordinator()
    set_term(store, 4)
    html = client.get("/beheer/kwaliteit/").get_data(as_text=True)
    assert "Intake binnen 4 werkdagen" in html


def test_no_content_file_or_mail_text_writes_the_term_as_a_number():
    texts = {path: path.read_text("utf-8") for path in (ROOT / "site" / "content").rglob("*.md")}
    texts[ROOT / "buurtbemiddeling" / "reports" / "confirmations.py"] = \
        (ROOT / "buurtbemiddeling" / "reports" / "confirmations.py").read_text("utf-8")
    hard_coded = [str(p.relative_to(ROOT)) for p, text in texts.items()
                  if ("binnen 5 werkdagen" in text.lower() or "within 5 working days" in text.lower())
                  and p.stem not in ("toegankelijkheid", "accessibility")]
    assert hard_coded == []
