"""The shared pure pieces in `common/`: one home each for folding, phone numbers and postcodes.

The inventory tests read the source: a second NFKD fold, postcode pattern or phone rule
elsewhere fails here, so the homes stay the only ones."""
import ast
import re
from pathlib import Path

import pytest

from buurtbemiddeling.cases import intake, search
from buurtbemiddeling.matching import score
from buurtbemiddeling.network import referrals
from common import folding, phone, postcode
from forms import REFERRAL, REPORT

from .test_public_forms import VALID_REFERRAL
from .source_tree import parsed

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("buurtbemiddeling", "common", "db", "figures", "forms", "sitebuilder")


def source_files():
    for folder in CODE_DIRS:
        yield from sorted((ROOT / folder).rglob("*.py"))


# -- folding ------------------------------------------------------------------------

@pytest.mark.parametrize("typed, folded", [
    ("Yılmaz", "yilmaz"), ("YILMAZ", "yilmaz"), ("İlkay Şahin", "ilkay sahin"), ("Çelik", "celik"),
    ("Łukasz Wójcik", "lukasz wojcik"), ("Straße", "strasse"), ("  Ünal\t Öz ", "unal oz"), (None, ""),
])
def test_every_spelling_of_a_name_folds_to_the_same_text(typed, folded):
    assert folding.fold(typed) == folded


def test_conflict_of_interest_search_and_partner_names_agree_on_a_turkish_name():
    # Matching compares words, search compares folded text, partner names word sets.
    assert score.street_name("Yıldızstraat 4") == score.street_name("YILDIZSTRAAT 4") == "yildizstraat"
    assert search.fold("Ayşe Yılmaz") == folding.fold("AYSE YILMAZ")
    assert referrals.names_match("Woonstichting Yıldız", "woonstichting YILDIZ")
    assert intake.normalise_address("Yıldızstr. 8 a") == intake.normalise_address("Yildizstraat 8A")


def test_a_slug_is_made_of_the_folded_words():
    assert folding.slug("Kennismaking partij B – versie 2") == "kennismaking-partij-b-versie-2"
    assert folding.slug("!!!", default="protocol") == "protocol"


# -- phone numbers --------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("06-123 456 78", "0612345678"), ("+31 (0)6 12345678", "0612345678"), ("0031 6 12345678", "0612345678"),
    ("0900-8844", "09008844"), ("0800 1234", "08001234"), ("0900 123 4567", "09001234567"),
    ("088-123 4567", "0881234567"), ("14 050", "14050"), ("+32 2 123 45 67", "+3221234567"),
    ("+90 212 123 45 67", "+902121234567"),
])
def test_a_phone_number_is_accepted_in_every_usual_form(typed, stored):
    assert phone.clean(typed) == stored


@pytest.mark.parametrize("typed", ["123", "06-123", "0900-88", "+0 123 456 789", "telefoon", "0012"])
def test_what_cannot_be_a_phone_number_is_refused(typed):
    assert phone.clean(typed) is None


def test_a_service_number_is_dialled_without_country_code_and_others_with():
    assert phone.tel_href("0900-8844") == "tel:09008844"
    assert phone.tel_href("012 345 6789") == "tel:+31123456789"


def test_the_public_referral_form_accepts_the_police_number_the_site_prints():
    result = REFERRAL.validate({**VALID_REFERRAL, "referrer_phone": "0900-8844"})
    assert not result.errors
    assert result.cleaned["referrer_phone"] == "09008844"


def test_a_resident_may_give_a_foreign_number_on_the_report_form():
    field = REPORT.field("phone")
    assert field.convert("+48 601 234 567") == "+48601234567"


def test_a_referral_with_the_police_number_is_stored(client, store):
    response = client.post("/verwijzing", data={**VALID_REFERRAL, "referrer_phone": "0900-8844"})
    assert response.status_code == 303
    [referral] = store.read().table("reports").all()
    assert referral["values"]["referrer_phone"] == "09008844"


# -- postcodes --------------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [("1234ab", "1234 AB"), (" 7413 kl ", "7413 KL"), ("0123 AB", None),
                                           ("12345", None), ("", None)])
def test_a_postcode_is_four_digits_not_starting_with_0_and_two_letters(typed, stored):
    assert postcode.clean(typed) == stored


def test_a_volunteers_profile_refuses_a_postcode_with_a_leading_zero():
    from werkzeug.datastructures import MultiDict
    import datetime as dt
    from buurtbemiddeling.volunteers.profile import check_profile
    _, errors = check_profile(MultiDict({"name": "Els", "postcode": "0123 AB", "max_cases": "2"}), [], dt.date(2026, 1, 5))
    assert errors["postcode"].startswith("De postcode is niet goed")


# -- inventory: no second home --------------------------------------------------------

HOMES = {
    "fold": ROOT / "common" / "folding.py",
    "postcode": ROOT / "common" / "postcode.py",
    "phone": ROOT / "common" / "phone.py",
}
# What re-implementing looks like in source.
PATTERNS = {
    "fold": re.compile(r"unicodedata\.normalize|\bNFKD\b"),
    "postcode": re.compile(r"\[1-9\]\[0-9\]\{3\}|\\d\{4\}\)?\\s\*\(?\[A-Za-z\]\{2\}|\[A-Z\]\{2\}.*postcode"),
    "phone": re.compile(r"def (normalise|clean|check|valid)_?phone|startswith\(\"\+31\"\)|\"0031\""),
}


@pytest.mark.parametrize("rule", sorted(HOMES))
def test_the_rule_is_written_only_in_its_home(rule):
    offenders = [str(path.relative_to(ROOT)) for path in source_files()
                 if path != HOMES[rule] and PATTERNS[rule].search(path.read_text(encoding="utf-8"))]
    assert offenders == [], f"{rule} is re-implemented in {offenders}; use {HOMES[rule].relative_to(ROOT)}"


def test_the_inventory_patterns_find_the_homes_themselves():
    # A pattern that finds nothing would make the test above pass for ever.
    for rule, home in HOMES.items():
        assert PATTERNS[rule].search(home.read_text(encoding="utf-8")), rule


def test_common_imports_nothing_of_the_admin_or_flask():
    for path in (ROOT / "common").rglob("*.py"):
        tree = parsed(path)
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not name.startswith(("buurtbemiddeling", "flask", "db", "sitebuilder")), (path, name)


def imported_modules(folder: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Import):
                found |= {(path.name, a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add((path.name, node.module or ""))
    return found


def test_the_site_builder_imports_nothing_of_the_admin_package():
    # Markdown, published items, retention periods and the intake term come from common/.
    upward = sorted((f, m) for f, m in imported_modules("sitebuilder") if m.split(".")[0] in ("buurtbemiddeling", "flask", "app"))
    assert upward == []


def test_a_date_that_never_breaks_is_one_span_and_nothing_for_nothing(app):
    """`date_nl` of cases/_fields.html (common/templating.py: nowrap_date): the date as shown, in
    one unbreakable span, escaped as the page is; nothing for an empty or missing value."""
    with app.app_context():
        template = app.jinja_env.from_string(
            '{% from "cases/_fields.html" import date_nl %}[{{ date_nl(a) }}][{{ date_nl(b) }}][{{ date_nl(c) }}]')
        assert template.render(a="2026-12-06T10:16:00+01:00", b="") == '[<span class="nowrap">06-12-2026</span>][][]'
        assert template.render(a="2026-12-06", b="2026-01-31", c=None) == (
            '[<span class="nowrap">06-12-2026</span>][<span class="nowrap">31-01-2026</span>][]')
