"""Configurable choice lists (conflict types, outcomes, reasons, wijken, ...). Pure of Flask.

Areas register a list with its defaults; the coordinator edits it in the admin. Stored
values live in table `lists`, one doc per value:
    {"list": KEY, "value": slug, "label": Dutch label, "label_en": English label or "",
     "retired": bool, "order": int}
While nothing is stored for a list its defaults apply; the first edit copies the defaults
into the table so later changes to the code's defaults never rename a programme's values.
A value that any registered usage hook reports as in use can be retired, never deleted:
retired values are no longer offered to new records, but stay valid on every record that has
them: forms editing such a record offer them too (`choices_for`, `valid_for`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from tinydb import Query

from common import folding

from ..contributors import Contributors
from common import tables

TABLE = tables.LISTS

Label = str | Mapping[str, str]  # "Dutch" or {"nl": ..., "en": ...}
Defaults = Sequence[tuple[str, Label]] | Callable[[], Sequence[tuple[str, Label]]]


class ListError(ValueError):
    """A user-facing problem with an edit; the message is Dutch."""


@dataclass(frozen=True)
class ListDef:
    """A registered choice list: its key, title, defaults and hint."""

    key: str
    label: str
    _defaults: Defaults
    hint: str = ""

    @property
    def defaults(self) -> list[tuple[str, dict[str, str]]]:
        # Callable defaults are resolved late, so a list may draw on modules that import us.
        raw = self._defaults() if callable(self._defaults) else self._defaults
        return [(value, _texts(label)) for value, label in raw]


REGISTRY: dict[str, ListDef] = {}
USAGE: dict[str, list[Callable[[Any, str], bool]]] = {}
CONTRIBUTORS = Contributors("buurtbemiddeling.volunteers.choices", "buurtbemiddeling.cases.usage")


def registered() -> dict[str, ListDef]:
    """Every list, by key, in the order registered."""
    CONTRIBUTORS.load()
    return REGISTRY


def register(key: str, label: str, defaults: Defaults, hint: str = "") -> ListDef:
    """Register (or re-register, idempotently) a list. `label` is its Dutch title."""
    definition = ListDef(key, label, defaults, hint)
    REGISTRY[key] = definition
    return definition


def register_usage(key: str, fn: Callable[[Any, str], bool]) -> None:
    """`fn(view, value) -> bool`: is this value used anywhere? Blocks deletion."""
    hooks = USAGE.setdefault(key, [])
    if fn not in hooks:
        hooks.append(fn)


def get(key: str) -> ListDef:
    try:
        return registered()[key]
    except KeyError:
        raise ListError(f"Er bestaat geen keuzelijst '{key}'.") from None


def _texts(label: Label) -> dict[str, str]:
    if isinstance(label, str):
        return {"nl": label}
    return {lang: text for lang, text in label.items() if text}


# -- reading ---------------------------------------------------------------------

def _stored(view, key: str) -> list[dict]:
    return sorted(view.table(TABLE).search(Query().list == key), key=lambda d: (d.get("order", 0), d.doc_id))


def entries(view, key: str, include_retired: bool = True) -> list[dict]:
    """The list's values as docs (stored, or the defaults shaped like stored docs)."""
    stored = _stored(view, key)
    if not stored:
        stored = _default_docs(key)
    return [dict(doc) for doc in stored if include_retired or not doc.get("retired")]


def _default_docs(key: str) -> list[dict]:
    return [
        {"list": key, "value": value, "label": texts.get("nl", value), "label_en": texts.get("en", ""),
         "retired": False, "order": index}
        for index, (value, texts) in enumerate(get(key).defaults)
    ]


def choices(view, key: str, include_retired: bool = False) -> list[tuple[str, str]]:
    """[(value, Dutch label)] in the coordinator's order."""
    return [(doc["value"], doc["label"]) for doc in entries(view, key, include_retired)]


def choices_i18n(view, key: str, include_retired: bool = False) -> list[tuple[str, dict[str, str]]]:
    """[(value, {"nl": .., "en": ..})] for public forms (`Form.with_choices`)."""
    return [
        (doc["value"], {"nl": doc["label"], "en": doc.get("label_en") or doc["label"]})
        for doc in entries(view, key, include_retired)
    ]


def label(view, key: str, value: str | None, lang: str = "nl") -> str:
    """The label of a value, retired or not; an unknown value shows as itself."""
    return labeller(view, key, lang)(value)


def labeller(view, key: str, lang: str = "nl") -> Callable[[str | None], str]:
    """`label` for many values of one list: the list is read once, when first asked (a page
    of 50 volunteers showed each wijk by reading the list again)."""
    found: dict[str, str] | None = None

    def label_of(value: str | None) -> str:
        nonlocal found
        if not value:
            return ""
        if found is None:
            found = {}
            for doc in entries(view, key):
                found.setdefault(doc["value"], (doc.get("label_en") if lang == "en" else None) or doc["label"])
        return found.get(value, value)

    return label_of


def labels(view, key: str) -> dict[str, str]:
    """value -> Dutch label for every value, retired included (for tables and exports)."""
    return {doc["value"]: doc["label"] for doc in entries(view, key)}


def is_value(view, key: str, value: str, include_retired: bool = False) -> bool:
    return any(v == value for v, _ in choices(view, key, include_retired))


RETIRED_MARK = " (uitgezet)"


def choices_for(view, key: str, current: Iterable[str] | str | None = ()) -> list[tuple[str, str]]:
    """What a form editing a record offers: the values that may be chosen, plus each retired
    value the record already has (`current`), marked "(uitgezet)", in the list's order. So a
    retired value stays on the record when it is saved unchanged, and nothing new can pick it."""
    kept = {current} if isinstance(current, str) else set(current or ())
    return [(doc["value"], doc["label"] + (RETIRED_MARK if doc.get("retired") else ""))
            for doc in entries(view, key) if not doc.get("retired") or doc["value"] in kept]


def valid_for(view, key: str, value: str, current: Iterable[str] | str | None = ()) -> bool:
    """May a record that has `current` hold `value`? (What `choices_for` offers.)"""
    return any(v == value for v, _ in choices_for(view, key, current))


def loose_key(text: str) -> str:
    """A list text as an import compares it: no case, accents, spacing or punctuation, no
    words in brackets, and "en", "of" and "/" alike ("Tuin/erfgrens" = "tuin en erfgrens")."""
    text = re.sub(r"\([^)]*\)", " ", text or "")
    words = [w for w in slugify(text.replace("/", " ")).split("-") if w not in ("en", "of")]
    return "-".join(words)


def lookup(view, key: str) -> dict[str, str]:
    """loose_key(value, label or English label) -> value, for every value of a list, retired included."""
    found: dict[str, str] = {}
    for doc in entries(view, key):
        for text in (doc["value"], doc["label"], doc.get("label_en") or ""):
            if text:
                found.setdefault(loose_key(text), doc["value"])
    return found


def find_value(view, key: str, text: str, include_retired: bool = False) -> str | None:
    """The value matching `text` by value or label, forgivingly (`loose_key`)."""
    value = lookup(view, key).get(loose_key(text))
    return value if value is not None and (include_retired or is_value(view, key, value)) else None


def in_use(view, key: str, value: str) -> bool:
    registered()
    return any(hook(view, value) for hook in USAGE.get(key, ()))


# -- editing (inside a transaction) -----------------------------------------------

def slugify(text: str) -> str:
    return folding.slug(text)


def _clean_label(text: str, what: str = "naam") -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ListError(f"Vul een {what} in.")
    if len(text) > 120:
        raise ListError("Gebruik maximaal 120 tekens.")
    return text


def _materialise(tx, key: str) -> list[dict]:
    """Copy the defaults into the table on the first edit of a list."""
    table = tx.table(TABLE)
    if not table.search(Query().list == key):
        table.insert_multiple(_default_docs(key))
    return _stored(tx, key)


def _doc_of(tx, key: str, value: str):
    for doc in _materialise(tx, key):
        if doc["value"] == value:
            return doc
    raise ListError("Deze waarde bestaat niet (meer) in de lijst.")


def add(tx, key: str, label_nl: str, label_en: str = "") -> str:
    get(key)
    label_nl = _clean_label(label_nl)
    label_en = " ".join((label_en or "").split())[:120]
    docs = _materialise(tx, key)
    if any(slugify(d["label"]) == slugify(label_nl) for d in docs):
        raise ListError(f"‘{label_nl}’ staat al in de lijst.")
    value = base = slugify(label_nl) or "waarde"
    taken = {d["value"] for d in docs}
    counter = 2
    while value in taken:
        value, counter = f"{base}-{counter}", counter + 1
    order = max((d.get("order", 0) for d in docs), default=-1) + 1
    tx.table(TABLE).insert({"list": key, "value": value, "label": label_nl, "label_en": label_en,
                            "retired": False, "order": order})
    return value


def rename(tx, key: str, value: str, label_nl: str, label_en: str = "") -> None:
    """Change the label only: the stored value (slug) on cases stays the same."""
    doc = _doc_of(tx, key, value)
    label_nl = _clean_label(label_nl)
    if any(slugify(d["label"]) == slugify(label_nl) and d["value"] != value for d in _stored(tx, key)):
        raise ListError(f"‘{label_nl}’ staat al in de lijst.")
    tx.table(TABLE).update({"label": label_nl, "label_en": " ".join((label_en or "").split())[:120]},
                           doc_ids=[doc.doc_id])


def set_retired(tx, key: str, value: str, retired: bool) -> None:
    doc = _doc_of(tx, key, value)
    if retired and len([d for d in _stored(tx, key) if not d.get("retired")]) <= 1:
        raise ListError("Een lijst moet minstens één waarde houden die gekozen kan worden.")
    tx.table(TABLE).update({"retired": bool(retired)}, doc_ids=[doc.doc_id])


def delete(tx, key: str, value: str) -> None:
    doc = _doc_of(tx, key, value)
    if in_use(tx, key, value):
        raise ListError(f"‘{doc['label']}’ is in gebruik en kan niet worden verwijderd. "
                        "U kunt de waarde wel uitzetten: dan wordt die niet meer aangeboden.")
    if len([d for d in _stored(tx, key) if not d.get("retired") and d["value"] != value]) < 1:
        raise ListError("Een lijst moet minstens één waarde houden die gekozen kan worden.")
    tx.table(TABLE).remove(doc_ids=[doc.doc_id])


def move(tx, key: str, value: str, offset: int) -> None:
    """Move a value up (-1) or down (+1); orders are renumbered 0..n-1."""
    docs = _materialise(tx, key)
    index = next((i for i, d in enumerate(docs) if d["value"] == value), None)
    if index is None:
        raise ListError("Deze waarde bestaat niet (meer) in de lijst.")
    target = max(0, min(len(docs) - 1, index + offset))
    docs.insert(target, docs.pop(index))
    table = tx.table(TABLE)
    for order, doc in enumerate(docs):
        if doc.get("order") != order:
            table.update({"order": order}, doc_ids=[doc.doc_id])


def used_values(docs: Iterable[Mapping], field: str) -> set[str]:
    """Helper for usage hooks: every value of `field` (str or list) in some docs."""
    found: set[str] = set()
    for doc in docs:
        value = doc.get(field)
        if isinstance(value, (list, tuple)):
            found.update(v for v in value if v)
        elif value:
            found.add(value)
    return found


# -- the lists of case registration ------------------------------------------------

def _conflict_types():
    from forms.conflict_types import DEFAULT_CONFLICT_TYPES
    return DEFAULT_CONFLICT_TYPES


def _wijken():
    # The programme's own wijken from site.toml (or site.local.toml; sitebuilder keeps the file
    # read until it changes); none there → an empty list the coordinator fills in Instellingen.
    import sitebuilder
    return [(slugify(name), name) for name in sitebuilder.site_config()["wijken"]]


register("conflict_types", "Soorten conflict", _conflict_types,
         "Op het meldformulier, bij de zaak en in de rapportages.")
register("referrer_types", "Soorten verwijzers", [
    ("politie", {"nl": "Politie", "en": "Police"}),
    ("woningcorporatie", {"nl": "Woningcorporatie", "en": "Housing association"}),
    ("gemeente", {"nl": "Gemeente", "en": "Municipality"}),
    ("welzijn", {"nl": "Welzijnsorganisatie", "en": "Welfare organisation"}),
    ("wijkteam", {"nl": "Wijkteam", "en": "Neighbourhood team"}),
    ("huisarts", {"nl": "Huisarts", "en": "GP"}),
    ("zelfmelder", {"nl": "Zelfmelder (bewoner zelf)", "en": "Resident (self-referral)"}),
    ("overig", {"nl": "Overig", "en": "Other"}),
])
register("outcomes", "Uitkomsten", [
    ("opgelost", "Opgelost"),
    ("deels-opgelost", "Deels opgelost"),
    ("niet-opgelost", "Niet opgelost"),
], "Bij ‘Niet opgelost’ wordt altijd een reden gevraagd.")
register("unsuitable_reasons", "Redenen ongeschikt", [
    ("geweld", "Geweld of ernstige bedreiging"),
    ("strafbare-feiten", "Strafbare feiten"),
    ("juridische-procedure", "Er loopt al een juridische procedure"),
    ("bedrijf-instantie", "De andere partij is een bedrijf of instantie"),
    ("familieconflict", "Familieconflict"),
    ("psychiatrie-verslaving", "Ontwrichtende psychiatrische problematiek of verslaving"),
    ("geen-motivatie", "Geen motivatie (alleen gestuurd, wil een maatregel)"),
    ("te-geescaleerd", "Te ver geëscaleerd"),
])
register("not_solved_reasons", "Redenen niet opgelost", [
    ("b-weigert", "Partij B wil niet meedoen"),
    ("geen-reactie", "Geen reactie van een van de partijen"),
    ("afgebroken", "Bemiddeling afgebroken"),
    ("a-trekt-terug", "Partij A trekt zich terug"),
    ("verhuisd", "Een van de partijen is verhuisd"),
    ("geen-afspraken", "Geen afspraken mogelijk"),
    ("anders", "Andere reden"),
])
register("wijken", "Wijken", _wijken)
register("household_types", "Huishoudens", [
    ("alleenstaand", "Alleenstaand"),
    ("eenoudergezin", "Eenoudergezin"),
    ("paar-zonder-kinderen", "Paar zonder kinderen"),
    ("gezin-met-kinderen", "Gezin met kinderen"),
    ("oudere", "Oudere(n), 65+"),
    ("anders", "Anders"),
])
