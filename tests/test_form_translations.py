"""The resident's report form speaks Turkish, Arabic and Polish: every text a resident can meet
(labels, hints, choices, headings, the button, every error message) has a translation, and
translations keep the placeholders the code fills in."""
from __future__ import annotations

import re

import pytest

from forms import REPORT
from forms.fields import DEFAULT_MESSAGES
from forms.form import UI_TEXT, Heading
from forms.translations import LANGUAGES, catalog

# Posts that raise every message of the report form, including its cross-field checks.
BAD_POSTS = [
    {},
    {"name": "x" * 500, "email": "anna@", "phone": "12", "postcode": "12345", "b_postcode": "x", "street": "x" * 500,
     "place": "x" * 500, "b_name": "x" * 500, "b_street": "x" * 500, "description": "x" * 5000, "tried": "x" * 5000},
    {"contact_way": "telefoon", "email": "anna@voorbeeld.nl"},
    {"contact_way": "email", "phone": "06 12345678"},
    {"email": "x" * 300 + "@voorbeeld.nl", "phone": "0" * 300},
]


def dutch_texts(form):
    """Every Dutch text the form shows before anyone types."""
    for item in form.items:
        texts = [item.text, item.hint] if isinstance(item, Heading) else [
            item.label, item.hint, *[label for _, label in item.choices], *item.messages.values()]
        yield from (str(text["nl"]) for text in texts if text)
    yield form.submit["nl"]
    yield from UI_TEXT["nl"].values()
    yield from (text["nl"] for text in DEFAULT_MESSAGES.values())


def test_turkish_arabic_and_polish_have_a_catalog():
    assert set(LANGUAGES) >= {"tr", "ar", "pl"} and set(LANGUAGES) <= set(REPORT.languages)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_of_the_report_form_is_translated(lang):
    missing = [text for text in dutch_texts(REPORT) if text not in catalog(lang)
               and not text.startswith("Wij gebruiken uw gegevens")]  # the consent hint: see below
    assert missing == []
    consent = REPORT.field("consent").hint_for(lang)
    assert 'href="' + {"tr": "/tr/gizlilik/", "ar": "/ar/privacy/", "pl": "/pl/prywatnosc/"}[lang] in consent
    assert "privacyverklaring" not in consent


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_message_comes_in_the_posts_language(lang):
    dutch_messages = set()
    for post in BAD_POSTS:
        errors = REPORT.validate(post, lang=lang).errors
        dutch = REPORT.validate(post, lang="nl").errors
        assert errors.keys() == dutch.keys()
        for name, message in errors.items():
            assert message != dutch[name], (name, message)
            assert "{" not in message, message  # {max} was filled in
        dutch_messages |= set(dutch.values())
    assert len(dutch_messages) >= 20  # the posts above really raise most messages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_translation_keeps_the_placeholders_of_the_dutch(lang):
    for dutch, text in catalog(lang).items():
        assert re.findall(r"\{\w+\}", dutch) == re.findall(r"\{\w+\}", text), dutch
