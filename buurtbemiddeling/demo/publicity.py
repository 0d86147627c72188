"""Demo publicity and report narratives: two news items, a success story and a draft, and the
coordinator's words for last year's annual report and this year's reports."""
from __future__ import annotations

import datetime as dt
import random

from common import clock
from db import Store

from ..publicity import items
from ..reporting import narrative
from figures import period as periods

NEWS = (
    ("nieuws", "Acht nieuwe buurtbemiddelaars getraind", "Acht bewoners rondden de basistraining af en bemiddelen nu mee.",
     "Acht bewoners uit vijf wijken rondden deze maand de **basistraining** af. Ze oefenden vijf dagdelen met "
     "acteurs en gaan nu samen met een ervaren collega aan de slag.\n\nWilt u ook bemiddelaar worden? "
     "Lees meer op de pagina [Vrijwilliger worden](/vrijwilliger-worden/).", True, 40),
    ("nieuws", "Buurtbemiddeling op de wijkmarkt", "Op de wijkmarkt in het Havenkwartier vertelden bemiddelaars over hun werk.",
     "Op de wijkmarkt in het Havenkwartier stonden twee bemiddelaars met een kraam. Veel bewoners vroegen wat "
     "buurtbemiddeling kost (niets) en of de buren te weten komen wie heeft gebeld (alleen als u dat goed vindt).", True, 12),
    ("verhaal", "Weer rust op de galerij", "Twee buren op een galerijflat spraken na maanden weer met elkaar.",
     "Twee buren op een galerijflat hadden al maanden ruzie over fietsen en kinderwagens op de galerij. "
     "Na twee gesprekken met de bemiddelaars spraken ze af waar wat mag staan.\n\n*De namen en details zijn "
     "weggelaten, zodat niemand te herkennen is.*", True, 25),
    ("nieuws", "Jaarverslag verschijnt binnenkort", "Het jaarverslag komt in het voorjaar.",
     "Concept: nog aanvullen met de cijfers van het jaar.", False, 2),
)
ANNUAL = (
    "## Een druk jaar\n\nHet aantal meldingen lag in de zomer duidelijk hoger dan in de winter. "
    "Geluidsoverlast bleef de grootste groep. De samenwerking met de politie en de woningcorporatie "
    "leverde de meeste verwijzingen op.\n\n## Vrijwilligers\n\nEen nieuwe groep bemiddelaars volgde de "
    "basistraining. Intervisie vond elk kwartaal plaats.\n\n## Aandachtspunten\n\n"
    "- De intake binnen vijf werkdagen lukte niet altijd; in de zomer helpt een tweede intaker.\n"
    "- Nazorg wordt nu standaard gepland bij het afsluiten van het bemiddelingsgesprek."
)


def add(store: Store, rng: random.Random, today: dt.date | None = None) -> None:
    today = today or clock.today()
    now = clock.on(today, 10)
    with store.transaction() as tx:
        taken: list[str] = []
        for kind, title, summary, body, live, days_ago in NEWS:
            doc = {"kind": kind, "lang": "nl", "title": title, "summary": summary, "body": body,
                   "anonymised": kind == "verhaal", "slug": "", "published": False, "published_on": "",
                   "created_at": now.isoformat(), "updated_at": now.isoformat(), "by": "Carla de Coördinator"}
            if live:
                doc.update(items.publish(doc, today=today - dt.timedelta(days=days_ago), taken=taken))
                taken.append(doc["slug"])
            tx.table(items.PUBLICITY).insert(doc)
    last_year = periods.year(today.year - 1)
    narrative.save(store, last_year.key, ANNUAL, by="Carla de Coördinator", at=now)
    quarter = periods.quarter(today.year, (today.month - 1) // 3 + 1)
    narrative.save(store, quarter.key, "Dit kwartaal kwamen de meeste meldingen via de politie. "
                   f"Een rustige periode rond {rng.choice(('de feestdagen', 'de zomervakantie'))}.",
                   by="Carla de Coördinator", at=now)
