"""The admin's navigation: every area of work, built or still to come."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """An area of work in the admin's navigation, built or still to come."""

    slug: str
    label: str
    endpoint: str | None  # None: not built yet
    purpose: str


AREAS = (
    Area("", "Vandaag", "admin.today", "Wat vandaag aandacht vraagt."),
    Area("meldingen", "Meldingen", "reports.inbox", "Nieuwe meldingen van bewoners en verwijzers."),
    Area("zaken", "Zaken", "cases.index", "Zaken van intake tot afsluiting, met de zeven stappen en nazorg."),
    Area("vrijwilligers", "Vrijwilligers", "volunteers.index", "Werving, selectie, trainingen en waardering van bemiddelaars."),
    Area("coaching", "Coaching", "coaching.index", "Voortgang navragen bij duo’s, coachingsnotities en vervolgacties."),
    Area("kwaliteit", "Kwaliteit", "quality.index", "Nabesprekingen, nazorg, signalen over vrijwilligers en de kwaliteitscijfers."),
    Area("netwerk", "Netwerk", "network.index", "Netwerkpartners, contactpersonen en convenanten."),
    Area("publiciteit", "Publiciteit", "publicity.index", "Nieuwsberichten en geanonimiseerde succesverhalen voor de site."),
    Area("budget", "Budget", "budget.index", "Begroting, uitgaven en declaraties per jaar."),
    Area("planning", "Planning", "planning.index", "Projecten, taken en de eigen ontwikkeling van de coördinator."),
    Area("protocollen", "Protocollen", "protocols.index", "Werkprotocollen voor vrijwilligers, met versies."),
    Area("rapportages", "Rapportages", "reporting.index", "Kwartaal- en jaarverslagen als pagina en pdf, benchmark-export en terugkoppeling aan partners."),
    Area("privacy", "Privacy", "privacy.audit_log", "Logboek, bewaartermijnen, inzage en wissen van persoonsgegevens."),
    Area("instellingen", "Instellingen", "settings.index", "Keuzelijsten, accounts en bewaartermijnen."),
)


def unbuilt() -> list[Area]:
    return [area for area in AREAS if area.endpoint is None]
