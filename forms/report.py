"""The resident's report form (melding, partij A about partij B)."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from .conflict_types import DEFAULT_CONFLICT_TYPES
from .common import (
    NEIGHBOURS,
    SELF,
    YES_NO,
    conflict_type_field,
    email_field,
    email_or_phone,
    msg,
    name_field,
    phone_field,
    place_field,
    postcode_field,
    privacy_consent,
    street_field,
    text_area,
)
from .fields import CheckboxesField, RadioField, Text, TextField, ValidationError
from .form import Form, Heading

# Default list; a programme may replace it (see make_report_form / Form.with_choices).

# Residents report in their own language; the texts in tr, ar and pl come from forms/translations.
PAGE_URLS = {"nl": "/melding-doen/", "en": "/en/report/", "tr": "/tr/bildirim/", "ar": "/ar/report/",
             "pl": "/pl/zgloszenie/"}
THANKS_URLS = {"nl": "/melding/bedankt/", "en": "/en/report/thanks/", "tr": "/tr/bildirim/tesekkurler/",
               "ar": "/ar/report/thanks/", "pl": "/pl/zgloszenie/dziekujemy/"}

_email_or_phone = email_or_phone("email", "phone", msg(
    "Vul uw e-mailadres of uw telefoonnummer in, zodat wij contact met u kunnen opnemen",
    "Enter your email address or your phone number so that we can contact you",
))


def _contact_way_is_possible(cleaned: Mapping[str, Any]) -> dict[str, ValidationError]:
    way = cleaned.get("contact_way")
    if way == "telefoon" and "phone" in cleaned and not cleaned["phone"] and cleaned.get("email"):
        return {"phone": ValidationError(msg(
            "Vul uw telefoonnummer in, of kies e-mail als manier van contact",
            "Enter your phone number, or choose email as the way to contact you",
        ))}
    if way == "email" and "email" in cleaned and not cleaned["email"] and cleaned.get("phone"):
        return {"email": ValidationError(msg(
            "Vul uw e-mailadres in, of kies telefoon als manier van contact",
            "Enter your email address, or choose phone as the way to contact you",
        ))}
    return {}


def make_report_form(conflict_types: Sequence[tuple[str, Text]] = DEFAULT_CONFLICT_TYPES) -> Form:
    return Form(
        "report",
        "/melding",
        [
            Heading(msg("Over u", "About you")),
            name_field("name", msg("Naam", "Name"), SELF, autocomplete="name"),
            email_field(
                "email", msg("E-mailadres", "Email address"), SELF,
                hint=msg("Vul uw e-mailadres of uw telefoonnummer in. Allebei mag ook.",
                         "Enter your email address or your phone number, or both."),
                required=False, autocomplete="email",
            ),
            phone_field("phone", msg("Telefoonnummer", "Phone number"), SELF, required=False, autocomplete="tel"),
            street_field("street", msg("Straat en huisnummer", "Street and house number"), SELF,
                         autocomplete="address-line1"),
            postcode_field("postcode", msg("Postcode", "Postcode"), SELF, autocomplete="postal-code"),
            place_field("place", msg("Woonplaats", "Town"), SELF, autocomplete="address-level2"),
            RadioField(
                "contact_way", msg("Hoe wilt u dat wij contact met u opnemen?", "How would you like us to contact you?"),
                choices=(("telefoon", msg("Telefoon", "Phone")), ("email", msg("E-mail", "Email"))),
                messages={"required": msg("Kies hoe wij contact met u opnemen", "Select how we should contact you")},
            ),
            CheckboxesField(
                "contact_time", msg("Wanneer kunnen wij u het best bellen?", "When is the best time to call you?"),
                hint=msg("Kies alles wat past.", "Select all that apply."),
                required=False,
                choices=(("ochtend", msg("Ochtend", "Morning")),
                         ("middag", msg("Middag", "Afternoon")),
                         ("avond", msg("Avond", "Evening"))),
            ),
            TextField(
                "language", msg("Wilt u liever in een andere taal praten, of heeft u een tolk nodig?",
                                "Would you rather talk in another language, or do you need an interpreter?"),
                hint=msg("Schrijf welke taal. Laat leeg als Nederlands goed is.",
                         "Write which language. Leave empty if Dutch is fine."),
                required=False, max_length=100,
            ),
            Heading(msg("Over uw buren", "About your neighbours"),
                    msg("Dit zijn de buren met wie u het probleem heeft.",
                        "These are the neighbours you have the problem with.")),
            name_field("b_name", msg("Naam van uw buren", "Your neighbours' name"), NEIGHBOURS,
                       hint=msg("Als u die weet.", "If you know it."), required=False, autocomplete="off"),
            street_field("b_street", msg("Straat en huisnummer van uw buren", "Your neighbours' street and house number"),
                         NEIGHBOURS, autocomplete="off"),
            postcode_field("b_postcode", msg("Postcode van uw buren", "Your neighbours' postcode"), NEIGHBOURS,
                           hint=msg("Als u die weet.", "If you know it."), required=False, autocomplete="off"),
            Heading(msg("Over het probleem", "About the problem")),
            conflict_type_field(conflict_types, msg("Waar gaat het probleem vooral over?", "What is the problem mainly about?"),
                                msg("Kies waar het probleem vooral over gaat", "Select what the problem is mainly about")),
            text_area(
                "description", msg("Wat is er gebeurd?", "What happened?"),
                msg("Vertel wat er is gebeurd", "Tell us what happened"),
                hint=msg("Vertel in uw eigen woorden wat het probleem is en hoe vaak het gebeurt.",
                         "Tell us in your own words what the problem is and how often it happens."),
                max_length=4000,
                too_long_msg=msg("Uw beschrijving is te lang. Gebruik maximaal {max} tekens",
                                 "Your description must be {max} characters or fewer"),
            ),
            TextField(
                "since", msg("Sinds wanneer is er een probleem?", "Since when has there been a problem?"),
                hint=msg("Bijvoorbeeld: sinds de zomer, of sinds maart 2024.",
                         "For example: since the summer, or since March 2024."),
                required=False, max_length=100,
            ),
            text_area(
                "tried", msg("Wat heeft u al geprobeerd?", "What have you tried already?"),
                hint=msg("Bijvoorbeeld: een gesprek met uw buren, of een melding bij de woningcorporatie.",
                         "For example: talking to your neighbours, or telling the housing association."),
                required=False, max_length=2000,
            ),
            RadioField(
                "violence", msg("Is er sprake van geweld of bedreiging?", "Is there violence or are there threats?"),
                hint=msg("Bij geweld of bedreiging is buurtbemiddeling meestal niet de goede hulp. Bent u in gevaar? "
                         "Bel dan direct 112. Geen spoed? Bel de politie: 0900-8844. U kunt deze melding wel "
                         "versturen. De coördinator belt u dan om te kijken welke hulp past.",
                         "If there is violence or there are threats, mediation is usually not the right help. "
                         "Are you in danger? Call 112 now. Not an emergency? Call the police: 0900-8844. You can "
                         "still send this report. The coordinator will call you to find the right help."),
                choices=YES_NO,
                messages={"required": msg("Kies ja of nee bij geweld of bedreiging",
                                          "Select yes or no for violence or threats")},
            ),
            Heading(msg("Toestemming", "Consent")),
            privacy_consent(
                msg("Ik ga akkoord met de privacyverklaring", "I agree to the privacy statement"),
                msg("Wij gebruiken uw gegevens alleen voor buurtbemiddeling.",
                    "We only use your details for neighbourhood mediation."),
                msg("Geef toestemming om uw gegevens te gebruiken, anders kunnen wij u niet helpen",
                    "Give your consent to use your details, otherwise we cannot help you"),
            ),
        ],
        page_urls=PAGE_URLS,
        thanks_urls=THANKS_URLS,
        submit=msg("Melding versturen", "Send report"),
        checks=[_email_or_phone, _contact_way_is_possible],
    )


REPORT = make_report_form()
