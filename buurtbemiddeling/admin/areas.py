"""The admin's navigation: every area of work, built or still to come."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    slug: str
    label: str
    endpoint: str | None  # None: not built yet
    purpose: str


AREAS = (
    Area("", "Vandaag", "admin.today", "Wat vandaag aandacht vraagt."),
    Area("meldingen", "Meldingen", "reports.inbox", "Nieuwe meldingen van bewoners en verwijzers."),
    Area("zaken", "Zaken", None, "Zaken van intake tot afsluiting, met de zeven stappen en nazorg."),
    Area("vrijwilligers", "Vrijwilligers", None, "Werving, selectie, trainingen en waardering van bemiddelaars."),
    Area("netwerk", "Netwerk", None, "Netwerkpartners, contactpersonen en convenanten."),
    Area("budget", "Budget", None, "Begroting en uitgaven per jaar."),
    Area("protocollen", "Protocollen", None, "Werkprotocollen voor vrijwilligers, met versies."),
    Area("rapportages", "Rapportages", None, "Kwartaal- en jaarverslagen als pdf."),
    Area("instellingen", "Instellingen", None, "Keuzelijsten, accounts en bewaartermijnen."),
)


def unbuilt() -> list[Area]:
    return [area for area in AREAS if area.endpoint is None]
