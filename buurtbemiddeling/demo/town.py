"""A fictional town, Lindenhoven, and generators of fictional residents in it.

Everything here is invented; any likeness to real people or addresses is chance.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

TOWN = "Lindenhoven"

# wijk -> (postcode prefix, streets)
WIJKEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "Centrum": ("7411", ("Kerkstraat", "Marktplein", "Molenstraat", "Torenlaan", "Gasthuisstraat")),
    "De Linden": ("7412", ("Lindelaan", "Beukenlaan", "Eikenhof", "Kastanjestraat", "Esdoornweg")),
    "Vogelbuurt": ("7413", ("Merelstraat", "Lijsterlaan", "Spreeuwenhof", "Zwaluwstraat", "Kievitweg")),
    "Havenkwartier": ("7414", ("Havenkade", "Schippersstraat", "Loswal", "Sluisweg", "Ankerplein")),
    "Bloemenwijk": ("7415", ("Tulpstraat", "Rozenlaan", "Dahliahof", "Irisstraat", "Lavendelweg")),
    "Oosterveld": ("7416", ("Akkerweg", "Weidelaan", "Hooiberg", "Ploegstraat", "Schoverhof")),
}

FIRST_NAMES = (
    "Anna", "Bram", "Chantal", "Daan", "Esra", "Fatima", "Gert", "Hanneke", "Ibrahim", "Joke",
    "Kees", "Lotte", "Mohamed", "Noor", "Oscar", "Priya", "Ruud", "Sanne", "Tim", "Ugur",
    "Vera", "Wim", "Yusuf", "Zeynep", "Marieke", "Henk", "Aisha", "Pieter", "Dewi", "Jeroen",
    "Samira", "Bart", "Ingrid", "Kofi", "Linda", "Mehmet", "Nicole", "Rachid", "Tineke", "Wouter",
)
LAST_NAMES = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos",
    "Peters", "Hendriks", "van Dijk", "Yılmaz", "El Amrani", "Kaya", "Dekker", "Brouwer", "de Groot",
    "Verhoeven", "Koster", "Postma", "Wijaya", "Mensah", "Boukhari", "van Leeuwen", "Kuipers", "Lammers",
)
LANGUAGES = ("Nederlands", "Engels", "Turks", "Arabisch", "Berbers", "Pools", "Papiaments", "Duits", "Tigrinya")


@dataclass(frozen=True)
class Resident:
    name: str
    street: str
    number: int
    postcode: str
    wijk: str
    phone: str
    email: str

    @property
    def address(self) -> str:
        return f"{self.street} {self.number}"


def postcode(rng: random.Random, prefix: str) -> str:
    return f"{prefix} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def email_for(name: str, rng: random.Random) -> str:
    local = name.lower().replace(" ", ".").replace("ı", "i")
    return f"{local}{rng.randint(1, 99)}@voorbeeld.nl"


def phone(rng: random.Random) -> str:
    return f"06-{rng.randint(10000000, 99999999)}"


def resident(rng: random.Random, wijk: str | None = None) -> Resident:
    wijk = wijk or rng.choice(list(WIJKEN))
    prefix, streets = WIJKEN[wijk]
    name = person_name(rng)
    return Resident(name, rng.choice(streets), rng.randint(1, 180), postcode(rng, prefix), wijk, phone(rng), email_for(name, rng))


def neighbour_of(rng: random.Random, someone: Resident) -> Resident:
    """The other party usually lives in the same street, next door or across."""
    name = person_name(rng)
    number = max(1, someone.number + rng.choice((-2, -1, 1, 2, 3)))
    return Resident(name, someone.street, number, someone.postcode, someone.wijk, phone(rng), email_for(name, rng))
