"""The volunteer application (aanmelding als vrijwilliger / buurtbemiddelaar)."""
from __future__ import annotations

from .common import (
    SELF,
    email_field,
    msg,
    name_field,
    phone_field,
    postcode_field,
    privacy_consent,
    street_field,
    text_area,
)
from .fields import CheckboxesField, CheckboxGridField, RadioField, Text, TextField
from .form import Form, Heading

PAGE_URLS = {"nl": "/vrijwilliger-worden/", "en": "/en/volunteer/"}
THANKS_URLS = {"nl": "/vrijwilliger-worden/bedankt/", "en": "/en/volunteer/thanks/"}

AGE_BANDS: tuple[tuple[str, Text], ...] = (
    ("18-25", msg("18 tot en met 25 jaar", "18 to 25")),
    ("26-40", msg("26 tot en met 40 jaar", "26 to 40")),
    ("41-55", msg("41 tot en met 55 jaar", "41 to 55")),
    ("56-67", msg("56 tot en met 67 jaar", "56 to 67")),
    ("68+", msg("68 jaar of ouder", "68 or older")),
)

LANGUAGES: tuple[tuple[str, Text], ...] = (
    ("nederlands", msg("Nederlands", "Dutch")),
    ("engels", msg("Engels", "English")),
    ("duits", msg("Duits", "German")),
    ("frans", msg("Frans", "French")),
    ("spaans", msg("Spaans", "Spanish")),
    ("arabisch", msg("Arabisch", "Arabic")),
    ("tamazight", msg("Tamazight (Berbers)", "Tamazight (Berber)")),
    ("turks", msg("Turks", "Turkish")),
    ("pools", msg("Pools", "Polish")),
    ("papiaments", msg("Papiaments", "Papiamento")),
)
# The public site's languages as the volunteers' languages above, so a report made in Turkish
# asks for a mediator who ticked "Turks" (reports/intake.preferred_language, matching).
SITE_LANGUAGES = {"nl": "nederlands", "en": "engels", "tr": "turks", "ar": "arabisch", "pl": "pools"}

DAYS: tuple[tuple[str, Text], ...] = (
    ("ma", msg("Maandag", "Monday")),
    ("di", msg("Dinsdag", "Tuesday")),
    ("wo", msg("Woensdag", "Wednesday")),
    ("do", msg("Donderdag", "Thursday")),
    ("vr", msg("Vrijdag", "Friday")),
    ("za", msg("Zaterdag", "Saturday")),
    ("zo", msg("Zondag", "Sunday")),
)
PARTS_OF_DAY: tuple[tuple[str, Text], ...] = (
    ("ochtend", msg("Ochtend", "Morning")),
    ("middag", msg("Middag", "Afternoon")),
    ("avond", msg("Avond", "Evening")),
)

HEARD_VIA: tuple[tuple[str, Text], ...] = (
    ("bekende", msg("Via vrienden, familie of buren", "From friends, family or neighbours")),
    ("bemiddelaar", msg("Via een buurtbemiddelaar", "From a mediator")),
    ("krant", msg("Krant of huis-aan-huisblad", "Newspaper or local paper")),
    ("sociale-media", msg("Sociale media", "Social media")),
    ("website", msg("Website of vacaturebank", "Website or volunteering site")),
    ("buurthuis", msg("Buurthuis, bibliotheek of poster", "Community centre, library or poster")),
    ("anders", msg("Op een andere manier", "Another way")),
)


def make_application_form() -> Form:
    return Form(
        "application",
        "/aanmelden-vrijwilliger",
        [
            Heading(msg("Uw gegevens", "Your details")),
            name_field("name", msg("Naam", "Name"), SELF, autocomplete="name"),
            email_field("email", msg("E-mailadres", "Email address"), SELF, autocomplete="email"),
            phone_field("phone", msg("Telefoonnummer", "Phone number"), SELF, autocomplete="tel"),
            street_field("street", msg("Straat en huisnummer", "Street and house number"), SELF,
                         autocomplete="address-line1"),
            postcode_field("postcode", msg("Postcode", "Postcode"), SELF, autocomplete="postal-code"),
            TextField(
                "wijk", msg("In welke wijk woont u?", "Which neighbourhood do you live in?"),
                hint=msg("Weet u het niet precies? Laat het dan leeg.", "Not sure? Then leave it empty."),
                required=False, max_length=100,
            ),
            RadioField(
                "age_band", msg("Wat is uw leeftijd?", "How old are you?"),
                hint=msg("U kunt bemiddelaar worden vanaf 18 jaar. Er is geen maximumleeftijd.",
                         "You can become a mediator from 18. There is no upper age limit."),
                choices=AGE_BANDS,
                messages={"required": msg("Kies uw leeftijd", "Select your age")},
            ),
            Heading(msg("Talen en tijd", "Languages and time")),
            CheckboxesField(
                "languages", msg("Welke talen spreekt u goed?", "Which languages do you speak well?"),
                hint=msg("Kies alles wat past. Zo kunnen wij bewoners helpen in hun eigen taal.",
                         "Select all that apply. This helps us talk to residents in their own language."),
                choices=LANGUAGES,
                messages={"required": msg("Kies minstens één taal", "Select at least one language")},
            ),
            TextField(
                "languages_other", msg("Andere talen", "Other languages"),
                hint=msg("Spreekt u nog een taal die niet in de lijst staat? Schrijf die hier.",
                         "Do you speak a language that is not on the list? Write it here."),
                required=False, max_length=150,
            ),
            CheckboxGridField(
                "availability", msg("Wanneer kunt u meestal?", "When are you usually available?"),
                hint=msg("Kies per dag de dagdelen waarop u meestal kunt. Een gesprek duurt ongeveer 1,5 uur.",
                         "For each day, select the parts of the day when you are usually free. "
                         "A conversation takes about 1.5 hours."),
                rows=DAYS, columns=PARTS_OF_DAY,
                messages={"required": msg("Kies minstens één dagdeel waarop u kunt",
                                          "Select at least one part of a day when you are available")},
            ),
            Heading(msg("Over u", "About you")),
            text_area(
                "motivation", msg("Waarom wilt u buurtbemiddelaar worden?", "Why do you want to become a mediator?"),
                msg("Vertel waarom u buurtbemiddelaar wilt worden", "Tell us why you want to become a mediator"),
                hint=msg("Een paar zinnen is genoeg.", "A few sentences are enough."),
                max_length=2000,
            ),
            text_area(
                "experience", msg("Welke ervaring heeft u met mensen helpen of gesprekken leiden?",
                                  "What experience do you have with helping people or leading conversations?"),
                hint=msg("Uit werk, vrijwilligerswerk of uw eigen leven. Een diploma is niet nodig.",
                         "From work, volunteering or your own life. You do not need a diploma."),
                required=False, max_length=2000,
            ),
            RadioField(
                "heard_via", msg("Hoe heeft u van ons gehoord?", "How did you hear about us?"),
                choices=HEARD_VIA, required=False,
            ),
            TextField(
                "background", msg("Hoe zou u uw achtergrond beschrijven?", "How would you describe your background?"),
                hint=msg("U hoeft deze vraag niet te beantwoorden. Wij willen dat onze bemiddelaars lijken op de "
                         "mensen in de buurt: jong en oud, man en vrouw, met verschillende culturen en talen. "
                         "Dan kunnen wij bij elke melding een passend duo kiezen. Schrijf in uw eigen woorden "
                         "wat u wilt delen. Alleen de coördinator ziet dit.",
                         "You do not have to answer this question. We want our mediators to reflect the people "
                         "in the neighbourhood: young and old, men and women, with different cultures and "
                         "languages. Then we can choose a suitable pair for every case. Write in your own words "
                         "what you want to share. Only the coordinator sees this."),
                required=False, max_length=200,
            ),
            Heading(msg("Toestemming", "Consent")),
            privacy_consent(
                msg("Ik ga akkoord met de privacyverklaring", "I agree to the privacy statement"),
                msg("Wij gebruiken uw gegevens alleen voor uw aanmelding als vrijwilliger.",
                    "We only use your details for your application as a volunteer."),
                msg("Geef toestemming om uw gegevens te gebruiken, anders kunnen wij uw aanmelding niet behandelen",
                    "Give your consent to use your details, otherwise we cannot handle your application"),
            ),
        ],
        page_urls=PAGE_URLS,
        thanks_urls=THANKS_URLS,
        submit=msg("Aanmelding versturen", "Send application"),
    )


APPLICATION = make_application_form()
