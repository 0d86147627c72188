"""The volunteers' working protocol in three versions (two published), a privacy protocol,
and accounts for part of the volunteer pool, most of whom read the published version."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from tinydb import Query

from common import clock, tables
from db import Store

from ..auth import invitations, users
from ..protocols import documents

COORDINATOR = documents.Author(None, "Carla de Coördinator")
DEMO_VOLUNTEER_EMAIL = "vrijwilliger@lindenhoven.example"

WORKING_V1 = """\
Dit protocol beschrijft hoe vrijwillige bemiddelaars van Buurtbemiddeling Lindenhoven werken. Het geldt voor elke zaak, van het eerste gesprek tot en met de nazorg.

## Werkwijze in duo's

- Je bemiddelt altijd met z'n tweeën. De coördinator stelt het duo samen en houdt rekening met ervaring, wijk en beschikbaarheid.
- Je spreekt vóór het eerste gesprek met je duopartner af wie het gesprek leidt en wie aantekeningen maakt.
- Je bemiddelt niet in je eigen straat of bij mensen die je kent. Ken je een van de partijen, meld dat dan direct bij de coördinator.
- Je bent neutraal: je kiest geen partij, geeft geen oordeel en geen adviezen over wie gelijk heeft.

## Vertrouwelijkheid

- Wat bewoners je vertellen, blijft tussen de partijen, je duopartner en de coördinator.
- Je neemt geen dossiers, namen of adressen mee naar huis op papier. Aantekeningen lever je na het gesprek in of vernietig je.
- Je praat buiten de intervisie niet over zaken, ook niet zonder namen.

## Veiligheid

- Je gaat nooit alleen op huisbezoek.
- Je laat de coördinator weten wanneer een huisbezoek begint en eindigt.
- Voel je je niet veilig, dan beëindig je het gesprek en vertrek je samen.

## Verslaglegging

- Je legt elk contact met een partij vast in het systeem: datum, soort contact en de bestede tijd.
- Afspraken die partijen maken, schrijf je op in hun eigen woorden.

## Nazorg

- Zes tot acht weken na het laatste gesprek bel je beide partijen om te horen hoe het gaat.

## Checklist

- Het duo heeft vooraf de rollen verdeeld
- Niemand van het duo kent een van de partijen
- Elk contact staat in het systeem, met datum en tijd
- Gemaakte afspraken zijn in de woorden van de partijen vastgelegd
- Aantekeningen zijn ingeleverd of vernietigd
"""

VIOLENCE = """\
## Wat te doen bij geweld of bedreiging

- Is er direct gevaar, bel dan **112**. Je eigen veiligheid gaat altijd voor de bemiddeling.
- Vertelt een partij over huiselijk geweld of kindermishandeling, bespreek dat dan dezelfde dag met de coördinator. De coördinator volgt de meldcode en neemt zo nodig contact op met Veilig Thuis.
- Wordt een van jullie bedreigd, dan stopt het duo de bemiddeling. De coördinator beslist over het vervolg.
- Na een incident volgt binnen een week een gesprek met de coördinator.

"""


def _versions() -> list[tuple[str, str, str]]:
    """(body, what changed) for the three versions."""
    v2 = WORKING_V1.replace("## Verslaglegging", VIOLENCE + "## Verslaglegging").replace(
        "- Aantekeningen zijn ingeleverd of vernietigd\n",
        "- Aantekeningen zijn ingeleverd of vernietigd\n- Signalen van geweld of bedreiging zijn dezelfde dag met de coördinator besproken\n")
    v3 = v2.replace(
        "- Zes tot acht weken na het laatste gesprek bel je beide partijen om te horen hoe het gaat.\n",
        "- Zes tot acht weken na het laatste gesprek bel je beide partijen om te horen hoe het gaat.\n"
        "- Gaat het niet goed, dan bespreek je met de coördinator of een vervolggesprek of een doorverwijzing past.\n"
        "- Je noteert de uitkomst van de nazorg in het systeem.\n").replace(
        "- Je gaat nooit alleen op huisbezoek.", "- Je gaat nooit alleen op huisbezoek, ook niet ‘even snel’ voor een handtekening.")
    return [(WORKING_V1, "Eerste versie, vastgesteld in het vrijwilligersoverleg."),
            (v2, "Nieuw: wat te doen bij geweld of bedreiging, met de meldcode."),
            (v3, "Nazorg uitgebreid; huisbezoek nooit alleen, ook niet kort.")]


PRIVACY = """\
Buurtbemiddeling werkt met gegevens van bewoners die ons iets persoonlijks toevertrouwen. Zorgvuldigheid is de basis van ons werk.

## Wat je wel en niet doet

- Je gebruikt alleen het systeem van Buurtbemiddeling Lindenhoven voor gegevens van bewoners; geen eigen lijstjes, geen WhatsApp-groepen met namen.
- Je deelt je inlog met niemand en logt uit op een gedeelde computer.
- Je stuurt geen gegevens van bewoners door per e-mail.

## Een datalek

Is er iets misgegaan, bijvoorbeeld een verloren telefoon of een e-mail aan de verkeerde persoon, meld het dan **dezelfde dag** bij de coördinator. Die beoordeelt of de gemeente het moet melden bij de Autoriteit Persoonsgegevens.

## Checklist

- Er zijn geen gegevens van bewoners buiten het systeem bewaard
"""


def _backdate(store: Store, protocol_id: int, dates: list[datetime], published_at: datetime) -> None:
    with store.transaction() as tx:
        versions = tx.table(documents.VERSIONS)
        for number, moment in enumerate(dates, start=1):
            versions.update({"created_at": moment.isoformat(timespec="seconds")},
                            (Query().protocol_id == protocol_id) & (Query().number == number))
        tx.table(documents.PROTOCOLS).update({"created_at": dates[0].isoformat(timespec="seconds"),
                                              "published_at": published_at.isoformat(timespec="seconds")},
                                             doc_ids=[protocol_id])


def _accounts(store: Store, rng: random.Random, password: str) -> list[str]:
    """Accounts for a dozen active volunteers; the first one has the demo password."""
    view = store.read()
    active = sorted((v for v in view.table(tables.VOLUNTEERS).all() if v.get("step") == "actief"), key=lambda v: v.doc_id)
    made = []
    for n, volunteer in enumerate(active[:12]):
        email = DEMO_VOLUNTEER_EMAIL if n == 0 else volunteer.get("email") or f"vrijwilliger{n}@lindenhoven.example"
        if users.find_by_email(store.read(), email):
            continue
        user = users.create_account(store, email, "volunteer", volunteer.get("name") or "Vrijwilliger",
                                    volunteer_id=volunteer.doc_id)
        if n == 0:
            users.set_password(store, user.id, password)
        elif rng.random() < 0.85:
            users.set_password(store, user.id, f"demo-{rng.getrandbits(64):x}")
        else:
            invitations.issue(store, user.id, "invite", max_age=timedelta(hours=72))  # still has to set a password
        made.append(user.id)
    return made


def add(store: Store, rng: random.Random, *, password: str, now: datetime | None = None) -> str | None:
    """Add the protocols once; returns how to log in as a volunteer, if an account was made."""
    if store.read().table(documents.PROTOCOLS).all():
        return None
    now = now or clock.now()
    (body1, note1), *later = _versions()
    working = documents.create(store, "Werkprotocol vrijwillige bemiddelaars", body1, note1, COORDINATOR)
    for body, note in later:
        documents.add_version(store, working, "Werkprotocol vrijwillige bemiddelaars", body, note, COORDINATOR)
    documents.publish(store, working, 2, COORDINATOR)
    dates = [now - timedelta(days=d, hours=rng.randint(1, 6)) for d in (420, 75, 3)]
    _backdate(store, working, dates, dates[1] + timedelta(days=2))

    privacy = documents.create(store, "Omgaan met persoonsgegevens", PRIVACY, "Eerste versie, afgestemd met de privacyfunctionaris van de gemeente.", COORDINATOR)
    documents.publish(store, privacy, 1, COORDINATOR)
    first = now - timedelta(days=200)
    _backdate(store, privacy, [first], first)

    accounts = _accounts(store, rng, password)
    for user_id in accounts:
        for protocol_id, share in ((working, 0.7), (privacy, 0.9)):
            if users.get_doc(store.read(), user_id).get("password_hash") and rng.random() < share:
                documents.acknowledge(store, protocol_id, user_id)
    if accounts:
        return f"Als vrijwilliger: {DEMO_VOLUNTEER_EMAIL} met hetzelfde wachtwoord"
    return None
