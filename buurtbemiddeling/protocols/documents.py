"""Protocol documents with versions, one published version each, and who has read it.

Tables: `protocols` (title, published version number), `protocol_versions` (the text of
every version, never changed once saved: who, when, what changed) and
`protocol_acknowledgements` (a volunteer read version N). Publishing a new version means
everyone reads again: an acknowledgement counts for one version only. No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tinydb import Query

from db import Store
from common import clock

from ..auth import users
from common import tables

PROTOCOLS = tables.PROTOCOLS
VERSIONS = tables.PROTOCOL_VERSIONS
ACKS = tables.PROTOCOL_ACKNOWLEDGEMENTS
MAX_TITLE = 120
MAX_BODY = 100_000
MAX_NOTE = 500


class ProtocolError(ValueError):
    """Problems with what the coordinator typed: {field: Dutch message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Author:
    """Who made a change to a protocol, as its history shows it."""

    id: str | None
    name: str


def _now() -> str:
    return clock.stamp()


def _clean_text(text: str) -> str:
    # Browsers send CRLF; store LF so diffs do not show every line as changed.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip() + "\n"


def check(title: str, body: str, note: str, *, first: bool) -> tuple[dict[str, str], dict[str, str]]:
    """Pure: the cleaned fields and the errors, keyed by form field."""
    values = {"title": " ".join((title or "").split()), "body": _clean_text(body), "note": " ".join((note or "").split())}
    errors = {}
    if not values["title"]:
        errors["title"] = "Geef het protocol een titel."
    elif len(values["title"]) > MAX_TITLE:
        errors["title"] = f"Maak de titel korter dan {MAX_TITLE} tekens."
    if not values["body"].strip():
        errors["body"] = "Schrijf de tekst van het protocol."
    elif len(values["body"]) > MAX_BODY:
        errors["body"] = f"De tekst is te lang: hoogstens {MAX_BODY:,} tekens.".replace(",", ".")
    if not values["note"] and not first:
        errors["note"] = "Schrijf kort wat er veranderd is, zodat vrijwilligers en collega's dat later terugvinden."
    elif len(values["note"]) > MAX_NOTE:
        errors["note"] = f"Houd de toelichting korter dan {MAX_NOTE} tekens."
    return values, errors


def create(store: Store, title: str, body: str, note: str, author: Author) -> int:
    values, errors = check(title, body, note, first=True)
    if errors:
        raise ProtocolError(errors)
    with store.transaction() as tx:
        protocol_id = tx.table(PROTOCOLS).insert({
            "title": values["title"], "created_at": _now(), "created_by": author.id,
            "published": None, "published_at": None, "published_by": None,
        })
        _insert_version(tx, protocol_id, 1, values | {"note": values["note"] or "Eerste versie."}, author)
        store.audit(author.id, "protocol.create", f"protocol:{protocol_id}")
    return protocol_id


def _insert_version(tx, protocol_id: int, number: int, values: dict[str, str], author: Author) -> None:
    tx.table(VERSIONS).insert({
        "protocol_id": protocol_id, "number": number, "title": values["title"], "body": values["body"],
        "note": values["note"], "author_id": author.id, "author_name": author.name, "created_at": _now(),
    })


def add_version(store: Store, protocol_id: int, title: str, body: str, note: str, author: Author) -> int:
    """Save a new version (never overwrite an old one); returns its number."""
    values, errors = check(title, body, note, first=False)
    latest_doc = latest(store.read(), protocol_id)
    if latest_doc is None:
        raise LookupError(protocol_id)
    if not errors and values["body"] == latest_doc["body"] and values["title"] == latest_doc["title"]:
        errors["body"] = f"De tekst is gelijk aan versie {latest_doc['number']}; er is niets om op te slaan."
    if errors:
        raise ProtocolError(errors)
    with store.transaction() as tx:
        # Number under the lock: two coordinators saving at once get 3 and 4, not 3 twice.
        number = 1 + max((v["number"] for v in tx.table(VERSIONS).search(Query().protocol_id == protocol_id)), default=0)
        _insert_version(tx, protocol_id, number, values, author)
        tx.table(PROTOCOLS).update({"title": values["title"]}, doc_ids=[protocol_id])
        store.audit(author.id, "protocol.version", f"protocol:{protocol_id}", version=number)
    return number


def publish(store: Store, protocol_id: int, number: int, author: Author) -> None:
    if version(store.read(), protocol_id, number) is None:
        raise LookupError((protocol_id, number))
    with store.transaction() as tx:
        tx.table(PROTOCOLS).update({"published": number, "published_at": _now(), "published_by": author.name},
                                   doc_ids=[protocol_id])
        store.audit(author.id, "protocol.publish", f"protocol:{protocol_id}", version=number)


def acknowledge(store: Store, protocol_id: int, user_id: str) -> bool:
    """Record that the user read the published version; False if there is none."""
    with store.transaction() as tx:
        protocol = tx.table(PROTOCOLS).get(doc_id=protocol_id)
        if protocol is None or not protocol.get("published"):
            return False
        number = protocol["published"]
        acks = tx.table(ACKS)
        q = Query()
        if not acks.contains((q.protocol_id == protocol_id) & (q.number == number) & (q.user_id == str(user_id))):
            acks.insert({"protocol_id": protocol_id, "number": number, "user_id": str(user_id), "at": _now()})
        store.audit(str(user_id), "protocol.acknowledge", f"protocol:{protocol_id}", version=number)
    return True


# -- reading ---------------------------------------------------------------------

def all_protocols(view) -> list:
    return sorted(view.table(PROTOCOLS).all(), key=lambda p: p["title"].lower())


def get(view, protocol_id: int):
    return view.table(PROTOCOLS).get(doc_id=protocol_id)


def versions(view, protocol_id: int) -> list:
    """Every version, newest first."""
    return sorted(view.table(VERSIONS).search(Query().protocol_id == protocol_id), key=lambda v: -v["number"])


def version(view, protocol_id: int, number: int):
    q = Query()
    return view.table(VERSIONS).get((q.protocol_id == protocol_id) & (q.number == number))


def latest(view, protocol_id: int):
    found = versions(view, protocol_id)
    return found[0] if found else None


def published_version(view, protocol_id: int):
    protocol = get(view, protocol_id)
    return version(view, protocol_id, protocol["published"]) if protocol and protocol.get("published") else None


def published(view) -> list[tuple[Any, Any]]:
    """(protocol, published version) for every protocol that has one, by title."""
    pairs = [(p, published_version(view, p.doc_id)) for p in all_protocols(view)]
    return [(p, v) for p, v in pairs if v is not None]


@dataclass(frozen=True)
class Readers:
    """Who of the active volunteers read the published version, and who not yet."""

    read: list[tuple[Any, str]]  # (user doc, acknowledged at)
    pending: list[Any]  # user docs

    @property
    def total(self) -> int:
        return len(self.read) + len(self.pending)


def readers(view, protocol_id: int) -> Readers | None:
    protocol = get(view, protocol_id)
    if protocol is None or not protocol.get("published"):
        return None
    q = Query()
    acks = {a["user_id"]: a["at"] for a in view.table(ACKS).search(
        (q.protocol_id == protocol_id) & (q.number == protocol["published"]))}
    done, pending = [], []
    for user in users.volunteer_users(view):
        at = acks.get(str(user.doc_id))
        if at:
            done.append((user, at))
        else:
            pending.append(user)
    return Readers(done, pending)


def acknowledged_at(view, protocol_id: int, number: int, user_id: str) -> str | None:
    q = Query()
    doc = view.table(ACKS).get((q.protocol_id == protocol_id) & (q.number == number) & (q.user_id == str(user_id)))
    return doc["at"] if doc else None


def last_read_before(view, protocol_id: int, number: int, user_id: str) -> int | None:
    """The newest version before `number` the user acknowledged: what a changed protocol is compared with."""
    q = Query()
    numbers = [a["number"] for a in view.table(ACKS).search((q.protocol_id == protocol_id) & (q.user_id == str(user_id)))
               if a["number"] < number]
    return max(numbers, default=None)


def unread_for(view, user_id: str) -> list:
    """Published protocols the user has not acknowledged yet (for the volunteer portal)."""
    return [p for p, v in published(view) if acknowledged_at(view, p.doc_id, v["number"], user_id) is None]
