"""The referrer's report (verwijzing): a partner refers a resident, with the resident's consent.

Stored in the same table as residents' reports; the resident's details use the same
field names as the resident's own report (name, email, phone, street, postcode, place),
so the intake treats both alike.
"""
from __future__ import annotations

from typing import Sequence

from .common import (
    NEIGHBOURS,
    RESIDENT,
    SELF,
    conflict_type_field,
    email_field,
    email_or_phone,
    msg,
    name_field,
    phone_field,
    place_field,
    postcode_field,
    street_field,
    text_area,
)
from .fields import CheckboxField, RadioField, Text, TextField
from .form import Form, Heading
from .report import DEFAULT_CONFLICT_TYPES

PAGE_URLS = {"nl": "/voor-verwijzers/", "en": "/en/referrers/"}
THANKS_URLS = {"nl": "/voor-verwijzers/bedankt/", "en": "/en/referrers/thanks/"}

ORG_TYPES: tuple[tuple[str, Text], ...] = (
    ("politie", msg("Politie", "Police")),
    ("woningcorporatie", msg("Woningcorporatie", "Housing association")),
    ("gemeente", msg("Gemeente", "Municipality")),
    ("welzijn", msg("Welzijnsorganisatie", "Welfare organisation")),
    ("wijkteam", msg("Wijkteam of sociaal team", "Neighbourhood or social team")),
    ("huisarts", msg("Huisarts of praktijkondersteuner", "GP or practice nurse")),
    ("overig", msg("Andere organisatie", "Other organisation")),
)

_resident_reachable = email_or_phone("email", "phone", msg(
    "Vul het e-mailadres of het telefoonnummer van de bewoner in, zodat wij contact kunnen opnemen",
    "Enter the resident's email address or phone number so that we can contact them",
))


def make_referral_form(conflict_types: Sequence[tuple[str, Text]] = DEFAULT_CONFLICT_TYPES) -> Form:
    # The resident's fields switch autocomplete off: the browser would fill in the referrer's own details.
    return Form(
        "referral",
        "/verwijzing",
        [
            Heading(msg("Over u en uw organisatie", "About you and your organisation")),
            TextField(
                "org_name", msg("Naam van uw organisatie", "Name of your organisation"),
                autocomplete="organization", max_length=150,
                messages={"required": msg("Vul de naam van uw organisatie in", "Enter the name of your organisation")},
            ),
            RadioField(
                "org_type", msg("Wat voor organisatie is dat?", "What kind of organisation is it?"),
                choices=ORG_TYPES,
                messages={"required": msg("Kies wat voor organisatie u bent", "Select what kind of organisation you are")},
            ),
            name_field("referrer_name", msg("Uw naam", "Your name"), SELF, autocomplete="name"),
            email_field("referrer_email", msg("Uw e-mailadres", "Your email address"), SELF,
                        hint=msg("Hierop krijgt u een bevestiging en later een terugkoppeling.",
                                 "We send a confirmation and later feedback to this address."),
                        autocomplete="email"),
            phone_field("referrer_phone", msg("Uw telefoonnummer", "Your phone number"), SELF,
                        hint=msg("De coördinator belt u bij de intake. Bijvoorbeeld 06 12345678.",
                                 "The coordinator calls you at the intake. For example 06 12345678."),
                        autocomplete="tel"),
            Heading(msg("Over de bewoner", "About the resident"),
                    msg("De bewoner die hulp wil bij een probleem met de buren.",
                        "The resident who wants help with a problem with their neighbours.")),
            CheckboxField(
                "resident_consent",
                msg("De bewoner weet van deze verwijzing en geeft toestemming om de gegevens aan "
                    "buurtbemiddeling door te geven",
                    "The resident knows about this referral and agrees that we receive their details"),
                hint=msg("Zonder toestemming van de bewoner mogen wij de verwijzing niet aannemen.",
                         "We cannot accept a referral without the resident's consent."),
                messages={"required": msg("Bevestig dat de bewoner toestemming geeft. Zonder toestemming kunnen "
                                          "wij de verwijzing niet aannemen",
                                          "Confirm that the resident agrees. Without consent we cannot accept the referral")},
            ),
            CheckboxField(
                "feedback_consent",
                msg("De bewoner vindt het goed dat wij u laten weten of de zaak is aangenomen en hoe die "
                    "afliep (alleen de stap en de uitkomst)",
                    "The resident agrees that we tell you whether the case was taken up and how it ended "
                    "(only the stage and the outcome)"),
                hint=msg("Zonder deze toestemming hoort u niets over de zaak. Wat de bewoners in de gesprekken "
                         "vertellen, blijft altijd vertrouwelijk.",
                         "Without this consent you hear nothing about the case. What the residents say in the "
                         "talks always stays confidential."),
                required=False,
            ),
            name_field("name", msg("Naam van de bewoner", "Resident's name"), RESIDENT, autocomplete="off"),
            email_field("email", msg("E-mailadres van de bewoner", "Resident's email address"), RESIDENT,
                        hint=msg("Vul het e-mailadres of het telefoonnummer in. Allebei mag ook.",
                                 "Enter the email address or the phone number, or both."),
                        required=False, autocomplete="off"),
            phone_field("phone", msg("Telefoonnummer van de bewoner", "Resident's phone number"), RESIDENT,
                        required=False, autocomplete="off"),
            street_field("street", msg("Straat en huisnummer van de bewoner", "Resident's street and house number"),
                         RESIDENT, autocomplete="off"),
            postcode_field("postcode", msg("Postcode van de bewoner", "Resident's postcode"), RESIDENT,
                           autocomplete="off"),
            place_field("place", msg("Woonplaats van de bewoner", "Resident's town"), RESIDENT, autocomplete="off"),
            Heading(msg("Over de buren", "About the neighbours"),
                    msg("De buren met wie de bewoner het probleem heeft. Vul in wat u weet.",
                        "The neighbours the resident has the problem with. Fill in what you know.")),
            name_field("b_name", msg("Naam van de buren", "Neighbours' name"), NEIGHBOURS,
                       required=False, autocomplete="off"),
            street_field("b_street", msg("Straat en huisnummer van de buren", "Neighbours' street and house number"),
                         NEIGHBOURS, required=False, autocomplete="off"),
            postcode_field("b_postcode", msg("Postcode van de buren", "Neighbours' postcode"), NEIGHBOURS,
                           required=False, autocomplete="off"),
            Heading(msg("Over het probleem", "About the problem")),
            conflict_type_field(conflict_types, msg("Waar gaat het probleem vooral over?", "What is the problem mainly about?"),
                                msg("Kies waar het probleem vooral over gaat", "Select what the problem is mainly about")),
            text_area(
                "description", msg("Wat is er aan de hand?", "What is going on?"),
                msg("Beschrijf kort wat er aan de hand is", "Describe briefly what is going on"),
                hint=msg("Beschrijf kort het probleem, wat al is geprobeerd en of er sprake is van geweld of "
                         "bedreiging. Schrijf alleen op wat nodig is voor de intake.",
                         "Describe the problem briefly, what has been tried, and whether there is violence or "
                         "there are threats. Only write what the intake needs."),
                max_length=4000,
            ),
        ],
        page_urls=PAGE_URLS,
        thanks_urls=THANKS_URLS,
        submit=msg("Verwijzing versturen", "Send referral"),
        checks=[_resident_reachable],
    )


REFERRAL = make_referral_form()
