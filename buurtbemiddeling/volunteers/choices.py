"""The volunteers' configurable lists, registered with the settings area.

The public application form can offer `recruitment_channels` for its `heard_via` field
(`lists.choices_i18n(view, "recruitment_channels")`).
"""
from __future__ import annotations

from ..settings import lists
from . import selection
from common import tables

lists.register("selection_criteria", "Selectiecriteria", selection.DEFAULT_CRITERIA,
               "De punten uit het competentieprofiel waarop een selectiegesprek wordt gescoord.")
# Used until the public application form defines its own `HEARD_VIA`, which then wins so
# the stored `heard_via` values and this list are the same.
FALLBACK_CHANNELS = (
    ("website", {"nl": "Website van buurtbemiddeling", "en": "The buurtbemiddeling website"}),
    ("sociale-media", {"nl": "Sociale media", "en": "Social media"}),
    ("krant", {"nl": "Huis-aan-huisblad of krant", "en": "Local paper"}),
    ("bekende", {"nl": "Via iemand die ik ken", "en": "Through someone I know"}),
    ("bemiddelaar", {"nl": "Via een buurtbemiddelaar", "en": "From a mediator"}),
    ("buurthuis", {"nl": "Buurthuis, bibliotheek of poster", "en": "Community centre, library or poster"}),
    ("anders", {"nl": "Anders", "en": "Other"}),
)


def _channels():
    try:
        from forms.application import HEARD_VIA
    except ImportError:
        return FALLBACK_CHANNELS
    return HEARD_VIA


lists.register("recruitment_channels", "Wervingskanalen", _channels,
               "Waar aanmelders over buurtbemiddeling hoorden; ook de keuzes op het aanmeldformulier.")
lists.register("stop_reasons", "Redenen van stoppen", (
    ("tijd", "Geen tijd meer"),
    ("verhuisd", "Verhuisd"),
    ("gezondheid", "Gezondheid"),
    ("ander-werk", "Ander (vrijwilligers)werk"),
    ("past-niet", "Werk past niet bij de vrijwilliger"),
    ("functioneren", "Op verzoek van de coördinator"),
    ("anders", "Anders"),
), "Waarom een vrijwilliger stopt of een aanmelder zich terugtrekt.")


def _stop_reason_used(view, value: str) -> bool:
    docs = [*view.table(tables.VOLUNTEERS).all(), *view.table(tables.APPLICATIONS).all()]
    return any(entry.get("reason_code") == value for doc in docs for entry in doc.get("steps", []))


def _channel_used(view, value: str) -> bool:
    return any(doc.get("values", {}).get("heard_via") == value for doc in view.table(tables.APPLICATIONS).all())


lists.register_usage("stop_reasons", _stop_reason_used)
lists.register_usage("recruitment_channels", _channel_used)
