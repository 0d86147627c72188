"""The public form definitions: fields clean what residents type, forms validate posts."""
import datetime

import pytest
from werkzeug.datastructures import MultiDict

from forms import (
    FORMS,
    REPORT,
    DateField,
    EmailField,
    PhoneField,
    PostcodeField,
    TextAreaField,
    ValidationError,
    make_report_form,
)


def valid_report(**changes):
    data = {
        "lang": "nl",
        "name": "Anna de Vries",
        "email": "anna@voorbeeld.nl",
        "phone": "",
        "street": "Lindelaan 12",
        "postcode": "1234 AB",
        "place": "Lindenhoven",
        "contact_way": "email",
        "contact_time": ["avond"],
        "language": "",
        "b_name": "",
        "b_street": "Lindelaan 14",
        "b_postcode": "",
        "conflict_type": "geluidsoverlast",
        "description": "Elke nacht harde muziek tot 3 uur.",
        "since": "maart",
        "tried": "",
        "violence": "nee",
        "consent": "ja",
    }
    data.update(changes)
    return data


def as_multidict(data):
    items = []
    for key, value in data.items():
        for v in value if isinstance(value, list) else [value]:
            items.append((key, v))
    return MultiDict(items)


# -- the report form ------------------------------------------------------

def test_it_accepts_a_complete_report():
    result = REPORT.validate(valid_report())
    assert result.ok, result.errors
    assert result.cleaned["postcode"] == "1234 AB"
    assert result.cleaned["consent"] is True
    assert result.cleaned["contact_time"] == ["avond"]
    assert result.cleaned["phone"] is None


def test_it_reads_a_werkzeug_multidict_with_several_checkboxes():
    data = as_multidict(valid_report(contact_time=["avond", "ochtend"]))
    result = REPORT.validate(data)
    assert result.ok, result.errors
    assert result.cleaned["contact_time"] == ["ochtend", "avond"]  # in list order
    assert result.values["contact_time"] == ["avond", "ochtend"]


def test_it_rejects_a_report_without_consent():
    data = valid_report()
    del data["consent"]
    result = REPORT.validate(data)
    assert not result.ok
    assert list(result.errors) == ["consent"]
    assert "toestemming" in result.errors["consent"]


def test_it_asks_for_an_email_address_or_a_phone_number():
    result = REPORT.validate(valid_report(email="", phone=""))
    assert "telefoonnummer" in result.errors["email"]
    assert REPORT.validate(valid_report(email="", phone="06 12345678", contact_way="telefoon")).ok


def test_it_asks_for_a_phone_number_when_the_resident_wants_to_be_called():
    result = REPORT.validate(valid_report(contact_way="telefoon"))
    assert list(result.errors) == ["phone"]


def test_it_normalises_a_lenient_postcode():
    result = REPORT.validate(valid_report(postcode=" 1234ab "))
    assert result.ok
    assert result.cleaned["postcode"] == "1234 AB"


def test_it_keeps_what_the_user_typed_when_there_are_errors():
    data = valid_report(postcode="1234ab", email="anna@", description="x" * 4001)
    result = REPORT.validate(data)
    assert set(result.errors) == {"email", "description"}
    assert result.values["postcode"] == "1234ab"  # raw, not normalised
    assert result.values["email"] == "anna@"
    assert result.values["description"] == "x" * 4001
    assert result.cleaned["postcode"] == "1234 AB"
    assert "email" not in result.cleaned


def test_it_rejects_a_description_that_is_too_long():
    result = REPORT.validate(valid_report(description="x" * 4001))
    assert result.errors["description"] == "Uw beschrijving is te lang. Gebruik maximaal 4000 tekens"
    assert REPORT.validate(valid_report(description="x" * 4000)).ok


def test_it_counts_a_line_break_as_one_character_like_the_browser():
    text = "a\r\n" * 1999 + "ab"  # 4000 characters once CRLF becomes LF
    assert REPORT.validate(valid_report(description=text)).ok


def test_it_gives_every_text_field_a_maximum_length():
    for form in FORMS.values():
        for field in form.fields:
            if field.kind in ("input", "textarea"):
                assert field.max_length, field.name


def test_it_lists_errors_in_form_order_in_the_language_of_the_post():
    result = REPORT.validate({"lang": "en"}, lang="en")
    names = [f.name for f in REPORT.fields]
    assert list(result.errors) == sorted(result.errors, key=names.index)
    assert result.errors["name"] == "Enter your name"
    assert result.errors["postcode"] == "Enter your postcode, like 1234 AB"


def test_it_rejects_a_choice_that_is_not_on_the_list():
    result = REPORT.validate(valid_report(conflict_type="inbraak", contact_time=["nacht"]))
    assert set(result.errors) == {"conflict_type", "contact_time"}


def test_it_takes_the_language_from_the_hidden_field_but_only_a_known_one():
    assert REPORT.lang_of({"lang": "en"}) == "en"
    assert REPORT.lang_of({"lang": "xx"}) == "nl"
    assert REPORT.lang_of({}) == "nl"


def test_it_lets_a_programme_replace_the_conflict_types():
    form = make_report_form([("burengerucht", {"nl": "Burengerucht", "en": "Gossip"})])
    assert form.validate(valid_report(conflict_type="burengerucht")).ok
    assert not form.validate(valid_report()).ok
    other = REPORT.with_choices("conflict_type", [("x", {"nl": "X", "en": "X"})])
    assert [v for v, _ in other.field("conflict_type").choices] == ["x"]
    assert REPORT.field("conflict_type").choices[0][0] == "geluidsoverlast"  # untouched


def test_it_knows_where_the_form_lives_and_where_to_say_thanks():
    assert REPORT.action == "/melding"
    assert REPORT.page_url("nl") == "/melding-doen/"
    assert REPORT.thanks_url("nl") == "/melding/bedankt/"
    assert REPORT.thanks_url("en") == "/en/report/thanks/"
    assert FORMS["report"] is REPORT


# -- single fields --------------------------------------------------------

@pytest.mark.parametrize("raw", ["1234AB", "1234 ab", " 1234  Ab ", "1234ab"])
def test_it_accepts_postcodes_with_or_without_space_and_in_any_case(raw):
    assert PostcodeField("pc", {"nl": "Postcode"}).clean(raw) == "1234 AB"


@pytest.mark.parametrize("raw", ["123AB", "12345", "ABCD 12", "0123 AB", "1234 A", "1234 ABC", "1234-AB"])
def test_it_rejects_a_malformed_postcode(raw):
    with pytest.raises(ValidationError):
        PostcodeField("pc", {"nl": "Postcode"}).clean(raw)


def test_it_explains_a_malformed_postcode_with_an_example():
    result = REPORT.validate(valid_report(postcode="12AB"))
    assert "1234 AB" in result.errors["postcode"]


@pytest.mark.parametrize("raw, expected", [
    ("0612345678", "0612345678"),
    ("06-12345678", "0612345678"),
    ("06 12 34 56 78", "0612345678"),
    ("020 123 4567", "0201234567"),
    ("+31 6 12345678", "0612345678"),
    ("+31 (0)6 12345678", "0612345678"),
    ("0031 6 1234 5678", "0612345678"),
    ("+32 470 12 34 56", "+32470123456"),
])
def test_it_accepts_real_phone_numbers_in_common_formats(raw, expected):
    assert PhoneField("phone", {"nl": "Telefoon"}).clean(raw) == expected


@pytest.mark.parametrize("raw", [
    "12345", "061234567", "06123456789", "6123456789", "+31 06 12345678",
    "+310612345678", "telefoon", "06-abc-45678", "0012", "+123", "0012345678",
])
def test_it_rejects_phone_numbers_that_cannot_be_real(raw):
    with pytest.raises(ValidationError):
        PhoneField("phone", {"nl": "Telefoon"}).clean(raw)


@pytest.mark.parametrize("raw", [
    "naam@voorbeeld.nl", "a.b+c@sub.voorbeeld.nl", "x_y@voorbeeld-1.com", "Anna@Voorbeeld.NL",
])
def test_it_accepts_well_formed_email_addresses(raw):
    assert EmailField("email", {"nl": "E-mail"}).clean(raw)


@pytest.mark.parametrize("raw", [
    "anna", "anna@", "@voorbeeld.nl", "anna@voorbeeld", "anna@@voorbeeld.nl", "anna @voorbeeld.nl",
    "anna..b@voorbeeld.nl", ".anna@voorbeeld.nl", "anna@-voorbeeld.nl", "anna@voorbeeld.n",
    "anna@voorbeeld..nl", "anna@voorbeeld.123",
])
def test_it_rejects_a_malformed_email_address(raw):
    with pytest.raises(ValidationError):
        EmailField("email", {"nl": "E-mail"}).clean(raw)


def test_it_explains_a_malformed_email_address_with_the_right_form():
    result = REPORT.validate(valid_report(email="anna.voorbeeld.nl"))
    assert result.errors["email"] == "Uw e-mailadres is niet goed. Gebruik de vorm naam@voorbeeld.nl"


def test_it_lowercases_only_the_domain_of_an_email_address():
    assert EmailField("email", {"nl": "E-mail"}).clean("Anna@Voorbeeld.NL") == "Anna@voorbeeld.nl"


def test_it_gives_messages_in_dutch_and_english():
    field = TextAreaField("text", {"nl": "Tekst"}, max_length=5)
    with pytest.raises(ValidationError) as caught:
        field.clean("te lange tekst")
    assert caught.value.message("nl") == "Uw antwoord is te lang. Gebruik maximaal 5 tekens"
    assert caught.value.message("en") == "Your answer is too long. Use 5 characters or fewer"
    assert caught.value.message("fr") == caught.value.message("nl")  # Dutch as fallback


def test_it_reads_a_date_from_the_date_picker_or_typed_by_hand():
    field = DateField("date", {"nl": "Datum"})
    assert field.clean("2024-03-01") == datetime.date(2024, 3, 1)
    assert field.clean("1-3-2024") == datetime.date(2024, 3, 1)
    with pytest.raises(ValidationError):
        field.clean("31-02-2024")


def test_it_strips_control_characters_from_text():
    assert REPORT.field("name").clean("Anna\x00 de Vries\x1b") == "Anna de Vries"


def test_the_forms_package_gives_its_modules_and_names_on_first_use_in_a_fresh_process():
    import subprocess
    import sys

    code = ("import sys, forms; assert 'forms.report' not in sys.modules; "
            "print(forms.fields.pick({'nl': 'Ja'}, 'nl'), sorted(forms.FORMS), forms.REPORT.name)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Ja", "['application',", "'referral',", "'report']", "report"]
