"""The resident's report form (melding, partij A about partij B)."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from markupsafe import Markup

from .fields import (
    CheckboxField,
    CheckboxesField,
    EmailField,
    PhoneField,
    PostcodeField,
    RadioField,
    Text,
    TextAreaField,
    TextField,
    ValidationError,
)
from .form import Form, Heading

# Default list; a programme may replace it (see make_report_form / Form.with_choices).
DEFAULT_CONFLICT_TYPES: tuple[tuple[str, Text], ...] = (
    ("geluidsoverlast", {"nl": "Geluidsoverlast", "en": "Noise"}),
    ("pesten", {"nl": "Pesten of een verstoorde relatie", "en": "Bullying or a damaged relationship"}),
    ("intimidatie", {"nl": "Intimidatie of lastigvallen", "en": "Intimidation or harassment"}),
    ("tuin-erfgrens", {"nl": "Tuin of erfgrens (bijvoorbeeld schutting of takken)", "en": "Garden or boundary (for example a fence or branches)"}),
    ("huisdieren", {"nl": "Huisdieren", "en": "Pets"}),
    ("stank-rook", {"nl": "Stank of rook", "en": "Smells or smoke"}),
    ("vervuiling-afval", {"nl": "Vervuiling of afval", "en": "Litter or rubbish"}),
    ("parkeren", {"nl": "Parkeren", "en": "Parking"}),
    ("kinderen-jongeren", {"nl": "Kinderen of jongeren", "en": "Children or young people"}),
    ("overlast-algemeen", {"nl": "Andere overlast", "en": "Other nuisance"}),
)

PAGE_URLS = {"nl": "/melding-doen/", "en": "/en/report/"}
THANKS_URLS = {"nl": "/melding/bedankt/", "en": "/en/report/thanks/"}
PRIVACY_URLS = {"nl": "/privacy/", "en": "/en/privacy/"}

YES_NO = (("ja", {"nl": "Ja", "en": "Yes"}), ("nee", {"nl": "Nee", "en": "No"}))


def _msg(nl: str, en: str) -> Text:
    return {"nl": nl, "en": en}


def _email_or_phone(cleaned: Mapping[str, Any]) -> dict[str, ValidationError]:
    # Only report the rule when both fields are (validly) empty.
    if "email" not in cleaned or "phone" not in cleaned:
        return {}
    if not cleaned["email"] and not cleaned["phone"]:
        return {"email": ValidationError(_msg(
            "Vul uw e-mailadres of uw telefoonnummer in, zodat wij contact met u kunnen opnemen",
            "Enter your email address or your phone number so that we can contact you",
        ))}
    return {}


def _contact_way_is_possible(cleaned: Mapping[str, Any]) -> dict[str, ValidationError]:
    way = cleaned.get("contact_way")
    if way == "telefoon" and "phone" in cleaned and not cleaned["phone"] and cleaned.get("email"):
        return {"phone": ValidationError(_msg(
            "Vul uw telefoonnummer in, of kies e-mail als manier van contact",
            "Enter your phone number, or choose email as the way to contact you",
        ))}
    if way == "email" and "email" in cleaned and not cleaned["email"] and cleaned.get("phone"):
        return {"email": ValidationError(_msg(
            "Vul uw e-mailadres in, of kies telefoon als manier van contact",
            "Enter your email address, or choose phone as the way to contact you",
        ))}
    return {}


def make_report_form(conflict_types: Sequence[tuple[str, Text]] = DEFAULT_CONFLICT_TYPES) -> Form:
    return Form(
        "report",
        "/melding",
        [
            Heading(_msg("Over u", "About you")),
            TextField(
                "name", _msg("Naam", "Name"),
                autocomplete="name", max_length=100,
                messages={"required": _msg("Vul uw naam in", "Enter your name"),
                          "too_long": _msg("Uw naam is te lang. Gebruik maximaal {max} tekens",
                                           "Your name must be {max} characters or fewer")},
            ),
            EmailField(
                "email", _msg("E-mailadres", "Email address"),
                hint=_msg("Vul uw e-mailadres of uw telefoonnummer in. Allebei mag ook.",
                          "Enter your email address or your phone number, or both."),
                required=False, autocomplete="email",
                messages={"invalid": _msg("Uw e-mailadres is niet goed. Gebruik de vorm naam@voorbeeld.nl",
                                          "Enter an email address in the correct format, like name@example.com"),
                          "too_long": _msg("Uw e-mailadres is te lang. Gebruik maximaal {max} tekens",
                                           "Your email address must be {max} characters or fewer")},
            ),
            PhoneField(
                "phone", _msg("Telefoonnummer", "Phone number"),
                hint=_msg("Bijvoorbeeld 06 12345678 of 0123 456789",
                          "For example 06 12345678 or +31 6 12345678"),
                required=False, autocomplete="tel",
                messages={"invalid": _msg("Uw telefoonnummer is niet goed. Gebruik 10 cijfers, bijvoorbeeld 06 12345678",
                                          "Enter a phone number in the correct format, like 06 12345678 or +31 6 12345678"),
                          "too_long": _msg("Uw telefoonnummer is te lang. Gebruik maximaal {max} tekens",
                                           "Your phone number must be {max} characters or fewer")},
            ),
            TextField(
                "street", _msg("Straat en huisnummer", "Street and house number"),
                autocomplete="street-address", max_length=150,
                messages={"required": _msg("Vul uw straat en huisnummer in", "Enter your street and house number"),
                          "too_long": _msg("Uw adres is te lang. Gebruik maximaal {max} tekens",
                                           "Your address must be {max} characters or fewer")},
            ),
            PostcodeField(
                "postcode", _msg("Postcode", "Postcode"),
                autocomplete="postal-code",
                messages={"required": _msg("Vul uw postcode in, bijvoorbeeld 1234 AB",
                                           "Enter your postcode, like 1234 AB"),
                          "invalid": _msg("Uw postcode is niet goed. Vul 4 cijfers en 2 letters in, bijvoorbeeld 1234 AB",
                                          "Enter a Dutch postcode: 4 numbers and 2 letters, like 1234 AB"),
                          "too_long": _msg("Uw postcode is niet goed. Vul 4 cijfers en 2 letters in, bijvoorbeeld 1234 AB",
                                           "Enter a Dutch postcode: 4 numbers and 2 letters, like 1234 AB")},
            ),
            TextField(
                "place", _msg("Woonplaats", "Town"),
                autocomplete="address-level2", max_length=100,
                messages={"required": _msg("Vul uw woonplaats in", "Enter your town")},
            ),
            RadioField(
                "contact_way", _msg("Hoe wilt u dat wij contact met u opnemen?", "How would you like us to contact you?"),
                choices=(("telefoon", _msg("Telefoon", "Phone")), ("email", _msg("E-mail", "Email"))),
                messages={"required": _msg("Kies hoe wij contact met u opnemen", "Select how we should contact you")},
            ),
            CheckboxesField(
                "contact_time", _msg("Wanneer kunnen wij u het best bellen?", "When is the best time to call you?"),
                hint=_msg("Kies alles wat past.", "Select all that apply."),
                required=False,
                choices=(("ochtend", _msg("Ochtend", "Morning")),
                         ("middag", _msg("Middag", "Afternoon")),
                         ("avond", _msg("Avond", "Evening"))),
            ),
            TextField(
                "language", _msg("Wilt u liever in een andere taal praten, of heeft u een tolk nodig?",
                                 "Would you rather talk in another language, or do you need an interpreter?"),
                hint=_msg("Schrijf welke taal. Laat leeg als Nederlands goed is.",
                          "Write which language. Leave empty if Dutch is fine."),
                required=False, max_length=100,
            ),
            Heading(_msg("Over uw buren", "About your neighbours"),
                    _msg("Dit zijn de buren met wie u het probleem heeft.",
                         "These are the neighbours you have the problem with.")),
            TextField(
                "b_name", _msg("Naam van uw buren", "Your neighbours' name"),
                hint=_msg("Als u die weet.", "If you know it."),
                required=False, autocomplete="off", max_length=100,
            ),
            TextField(
                "b_street", _msg("Straat en huisnummer van uw buren", "Your neighbours' street and house number"),
                autocomplete="off", max_length=150,
                messages={"required": _msg("Vul de straat en het huisnummer van uw buren in",
                                           "Enter your neighbours' street and house number")},
            ),
            PostcodeField(
                "b_postcode", _msg("Postcode van uw buren", "Your neighbours' postcode"),
                required=False, autocomplete="off",
                messages={"invalid": _msg("De postcode van uw buren is niet goed. Vul 4 cijfers en 2 letters in, bijvoorbeeld 1234 AB",
                                          "Enter your neighbours' postcode in the correct format, like 1234 AB"),
                          "too_long": _msg("De postcode van uw buren is niet goed. Vul 4 cijfers en 2 letters in, bijvoorbeeld 1234 AB",
                                           "Enter your neighbours' postcode in the correct format, like 1234 AB")},
            ),
            Heading(_msg("Over het probleem", "About the problem")),
            RadioField(
                "conflict_type", _msg("Waar gaat het probleem vooral over?", "What is the problem mainly about?"),
                choices=tuple(conflict_types),
                messages={"required": _msg("Kies waar het probleem vooral over gaat",
                                           "Select what the problem is mainly about")},
            ),
            TextAreaField(
                "description", _msg("Wat is er gebeurd?", "What happened?"),
                hint=_msg("Vertel in uw eigen woorden wat het probleem is en hoe vaak het gebeurt.",
                          "Tell us in your own words what the problem is and how often it happens."),
                max_length=4000,
                messages={"required": _msg("Vertel wat er is gebeurd", "Tell us what happened"),
                          "too_long": _msg("Uw beschrijving is te lang. Gebruik maximaal {max} tekens",
                                           "Your description must be {max} characters or fewer")},
            ),
            TextField(
                "since", _msg("Sinds wanneer is er een probleem?", "Since when has there been a problem?"),
                hint=_msg("Bijvoorbeeld: sinds de zomer, of sinds maart 2024.",
                          "For example: since the summer, or since March 2024."),
                required=False, max_length=100,
            ),
            TextAreaField(
                "tried", _msg("Wat heeft u al geprobeerd?", "What have you tried already?"),
                hint=_msg("Bijvoorbeeld: een gesprek met uw buren, of een melding bij de woningcorporatie.",
                          "For example: talking to your neighbours, or telling the housing association."),
                required=False, max_length=2000,
                messages={"too_long": _msg("Uw antwoord is te lang. Gebruik maximaal {max} tekens",
                                           "Your answer must be {max} characters or fewer")},
            ),
            RadioField(
                "violence", _msg("Is er sprake van geweld of bedreiging?", "Is there violence or are there threats?"),
                hint=_msg("Bij direct gevaar: bel 112.", "If you are in danger now: call 112."),
                choices=YES_NO,
                messages={"required": _msg("Kies ja of nee bij geweld of bedreiging",
                                           "Select yes or no for violence or threats")},
            ),
            Heading(_msg("Toestemming", "Consent")),
            CheckboxField(
                "consent", _msg("Ik ga akkoord met de privacyverklaring",
                                "I agree to the privacy statement"),
                hint={
                    "nl": Markup('Wij gebruiken uw gegevens alleen voor buurtbemiddeling. '
                                 'Lees de <a href="{}">privacyverklaring</a>.').format(PRIVACY_URLS["nl"]),
                    "en": Markup('We only use your details for neighbourhood mediation. '
                                 'Read the <a href="{}">privacy statement</a>.').format(PRIVACY_URLS["en"]),
                },
                messages={"required": _msg("Geef toestemming om uw gegevens te gebruiken, anders kunnen wij u niet helpen",
                                           "Give your consent to use your details, otherwise we cannot help you")},
            ),
        ],
        page_urls=PAGE_URLS,
        thanks_urls=THANKS_URLS,
        submit=_msg("Melding versturen", "Send report"),
        checks=[_email_or_phone, _contact_way_is_possible],
    )


REPORT = make_report_form()
