"""Erasure on request: a person taken out of every copy, and kept out after a restore. No Flask.

What goes (one transaction, with its audit entries):
- the records chosen on the people page: a report, application or volunteer is anonymised
  whole (retention's rules); on a case the party's or referrer's details go and the case runs
  on; a party's uploaded case documents go too (a file cannot be partly erased);
- every other place the registry (`privacy/registry.py`) lists: the same person stored
  elsewhere (the case's report, a volunteer's account), their name in name fields (proposals,
  "by whom"), their name, street and house number, phone number and e-mail address inside
  every free text (notes, agendas, story drafts, timeline texts, mail bodies), and mail queued
  to them;
- after the commit: the files, their address in the login throttle and in audit entries of
  failed logins (`registry.AUDIT`), and the tables' superseded versions on disk.

The erasure ledger (`<data>/erasures/ledger.jsonl`, outside the backups: db/backup.py copies
tables, audit, documents and uploads only) keeps what is needed to do it again and nothing
personal: the record keys, keyed hashes of the identifiers (the key beside it, also outside the
backups) and the names of removed files. `restoring.after_restore` re-applies every entry, so
an older backup never brings an erased person back. Matching runs on the hashes, the first
time too, so erasing and re-applying are one path.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import orjson

from common import folding, phone as phones, tables

from . import registry, retention
from .subjects import Hit, holder_of, parse_key

LEDGER_DIR, LEDGER_FILE, KEY_FILE = "erasures", "ledger.jsonl", "key"
REMOVED = retention.REMOVED
OUTBOX = tables.OUTBOX
THROTTLE = "login_throttle"
# A phone number as written starts with 0 or + (so a date such as 2026-12-06 is not one).
_PHONE = re.compile(r"(?<![\w+])(?:\+\d|0)[\d \-./()]{5,}\d(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Records about one person, anonymised whole; where in them that person's details are.
WHOLE = {"report": ("reports", "values"), "application": ("applications", "values"), "volunteer": ("volunteers", "")}


# -- identifiers, hashed -----------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return " " if char.isspace() else folding.fold(char)


def _folded(text: str) -> tuple[str, list[int] | None]:
    """`text` folded (common/folding) letter by letter, and where each folded letter came from
    (None when every position is kept: most text, whose letters fold to one letter or none)."""
    if text.isascii():
        return text.lower(), None
    table = {}
    for char in set(text):
        if not char.isascii():
            folded = _fold_char(char)
            if len(folded) > 1:
                break  # "ß", "æ": the letters move, so map them one by one below
            table[ord(char)] = folded or " "  # "’" and a lone accent part words, as folding.words does
    else:
        return text.translate(table).lower(), None
    chars, where = [], []
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            chars.append(folded)
            where.append(index)
    return "".join(chars), where


def _phone(text: Any) -> str:
    return phones.clean(text) or re.sub(r"\D", "", str(text or ""))


def _email(text: Any) -> str:
    return str(text or "").strip().lower()


class Hasher:
    """Keyed hashes (BLAKE2b): the ledger can be matched against, not read back."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def __call__(self, kind: str, value: str) -> str:
        return hashlib.blake2b(f"{kind}:{value}".encode(), key=self.key, digest_size=16).hexdigest()


@dataclass
class Marks:
    """Who is erased, as hashes: word sequences (a name; a street with its house number), phone
    numbers and e-mail addresses. Postcodes and places are not marks: neighbours share them."""

    words: set[str] = field(default_factory=set)
    lengths: set[int] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    firsts: set[str] = field(default_factory=set)  # the first word of each sequence: where to look
    # Words hashed so far in this run, and those among them that start a marked sequence.
    _seen: set = field(default_factory=set, repr=False, compare=False)
    _starts: set = field(default_factory=set, repr=False, compare=False)

    def add(self, hasher: Hasher, kind: str, value: Any) -> None:
        if kind in (registry.NAME, registry.ADDRESS):
            words = folding.words(value)
            # One word ("Jan", "Dorpsstraat") would erase half the town; a postcode is no mark.
            if len(words) >= 2 and not re.fullmatch(r"\d{4} ?[a-z]{2}", " ".join(words)):
                self.words.add(hasher("w", " ".join(words)))
                self.firsts.add(hasher("f", words[0]))
                self.lengths.add(len(words))
        elif kind == registry.PHONE and len(_phone(value)) >= 6:
            self.phones.add(hasher("p", _phone(value)))
        elif kind == registry.EMAIL and "@" in str(value or ""):
            self.emails.add(hasher("e", _email(value)))

    def merge(self, other: "Marks") -> None:
        self.words |= other.words
        self.lengths |= other.lengths
        self.phones |= other.phones
        self.emails |= other.emails
        self.firsts |= other.firsts

    def has(self, hasher: Hasher, kind: str, value: Any) -> bool:
        """Whether a whole stored value is one of the marks."""
        if not value or not isinstance(value, str):
            return False
        if kind in (registry.NAME, registry.ADDRESS):
            return hasher("w", " ".join(folding.words(value))) in self.words
        if kind == registry.PHONE:
            return hasher("p", _phone(value)) in self.phones
        if kind == registry.EMAIL:
            return hasher("e", _email(value)) in self.emails
        return False

    def redact(self, hasher: Hasher, text: Any) -> Any:
        """The text with every marked name, street and number, phone number and e-mail address
        replaced by [verwijderd]."""
        if not isinstance(text, str) or not text:
            return text
        spans = self._spans(hasher, text)
        if not spans:
            return text
        out, last = [], 0
        for start, end in sorted(spans):
            if start < last:  # overlapping hits: extend the one already cut
                last = max(last, end)
                continue
            out += [text[last:start], REMOVED]
            last = end
        return "".join(out + [text[last:]])

    def in_record(self, hasher: Hasher, doc: Mapping) -> bool:
        """Whether a mark may be anywhere in the record: one pass over all of it, so the records
        that cannot hold the person (nearly all) are passed by without looking field by field."""
        text = orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS, default=str).decode().replace("\\", " ")  # an escaped line break must not glue two words
        if "@" in text and any(hasher("e", _email(m.group())) in self.emails for m in _EMAIL.finditer(text)):
            return True
        if any(hasher("p", _phone(m.group())) in self.phones for m in _PHONE.finditer(text)):
            return True
        return not self._learn(hasher, set(folding.words(text))).isdisjoint(self._starts)

    def _learn(self, hasher: Hasher, words: set[str]) -> set[str]:
        """Hash the words not met before in this run (few, after the first records); `words` back."""
        for word in words - self._seen:
            self._seen.add(word)
            if hasher("f", word) in self.firsts:
                self._starts.add(word)
        return words

    def _spans(self, hasher: Hasher, text: str) -> list[tuple[int, int]]:
        spans = [m.span() for m in (_EMAIL.finditer(text) if "@" in text else ())
                 if hasher("e", _email(m.group())) in self.emails]
        spans += [m.span() for m in _PHONE.finditer(text) if hasher("p", _phone(m.group())) in self.phones]
        folded, where = _folded(text)
        for match in folding.WORD.finditer(folded):
            word = match.group()
            if word not in self._learn(hasher, {word}) & self._starts:
                continue
            words, end = [word], match.end()
            for length in sorted(self.lengths):
                while len(words) < length:
                    following = folding.WORD.search(folded, end)
                    if following is None:
                        break
                    words.append(following.group())
                    end = following.end()
                if len(words) == length and hasher("w", " ".join(words)) in self.words:
                    last = end if where is None else where[end - 1] + 1
                    spans.append((match.start() if where is None else where[match.start()], last))
        return spans

    def as_json(self) -> dict:
        return {"words": sorted(self.words), "lengths": sorted(self.lengths), "phones": sorted(self.phones),
                "emails": sorted(self.emails), "firsts": sorted(self.firsts)}

    @classmethod
    def from_json(cls, data: Mapping) -> "Marks":
        return cls(set(data.get("words", ())), set(data.get("lengths", ())), set(data.get("phones", ())),
                   set(data.get("emails", ())), set(data.get("firsts", ())))


# -- the ledger --------------------------------------------------------------------------------

def ledger_dir(data_dir: Path) -> Path:
    return Path(data_dir) / LEDGER_DIR


def hasher_for(data_dir: Path) -> Hasher:
    """The install's hashing key, made at the first erasure (0600, beside the ledger)."""
    folder = ledger_dir(data_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return Hasher(path.read_bytes())
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_bytes(32))
        handle.flush()
        os.fsync(handle.fileno())
    return Hasher(path.read_bytes())


def read_ledger(data_dir: Path) -> list[dict]:
    path = ledger_dir(data_dir) / LEDGER_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _append_ledger(data_dir: Path, entry: Mapping) -> None:
    folder = ledger_dir(data_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(folder / LEDGER_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


# -- applying ----------------------------------------------------------------------------------

@dataclass
class Outcome:
    """Where the erasure changed something: "table.field" -> how many values; files removed."""

    places: Counter = field(default_factory=Counter)
    files: retention.Files = field(default_factory=lambda: retention.Files([], []))
    publicity_changed: bool = False

    @property
    def file_count(self) -> int:
        return len(self.files.case_documents) + len(self.files.uploads)


def _holder_items(holder: registry.Holder, doc: Mapping) -> list[tuple[int | None, Mapping]]:
    """The places of this holder in a document: (index in the list or None, the mapping)."""
    if holder.at.endswith("[]"):
        items = doc.get(holder.at[:-2]) or []
        return [(i, item) for i, item in enumerate(items) if isinstance(item, Mapping)]
    place = doc.get(holder.at) if holder.at else doc
    return [(None, place)] if isinstance(place, Mapping) else []


def _is_the_person(holder: registry.Holder, item: Mapping, marks: Marks, hasher: Hasher) -> bool:
    """Same person: a phone number, e-mail address or street and number in common, or the same
    name with no detail that says otherwise (a namesake with another phone number stays)."""
    contact = {f: k for f, k in holder.fields.items() if k in (registry.PHONE, registry.EMAIL, registry.ADDRESS)}
    if any(marks.has(hasher, k, item.get(f)) for f, k in contact.items() if k != registry.ADDRESS or f.endswith("street")):
        return True
    names = [f for f, k in holder.fields.items() if k == registry.NAME]
    if not any(marks.has(hasher, registry.NAME, item.get(f)) for f in names):
        return False
    differs = [f for f, k in contact.items() if item.get(f) and (k != registry.ADDRESS or f.endswith("street"))
               and not marks.has(hasher, k, item.get(f))]
    return not differs


def _blank_holder(holder: registry.Holder, item: Mapping) -> dict:
    return {**item, **{f: retention.blank(item.get(f)) for f in holder.fields if f in item}}


def _erase_holders(name: str, doc: Mapping, marks: Marks, hasher: Hasher, outcome: Outcome) -> Mapping:
    for holder in registry.holders(name):
        for index, item in _holder_items(holder, doc):
            if not _is_the_person(holder, item, marks, hasher):
                continue
            for f in holder.fields:
                if item.get(f):
                    outcome.places[f"{name}.{holder.path(f)}"] += 1
            blanked = _blank_holder(holder, item)
            if index is not None:
                items = list(doc[holder.at[:-2]])
                items[index] = blanked
                doc = {**doc, holder.at[:-2]: items}
            elif holder.at:
                doc = {**doc, holder.at: blanked}
            else:
                doc = {**doc, **blanked}
    return doc


def _erase_fields(name: str, doc: Mapping, marks: Marks, hasher: Hasher, outcome: Outcome,
                  table: registry.Table | None = None) -> Mapping:
    """Free text redacted; a name, phone, e-mail or address field outside a holder that is one
    of the marks, replaced."""
    table = table or registry.TABLES[name]
    # A holder's fields are judged together (`_erase_holders`): a namesake keeps their name.
    held = {holder.path(f) for holder in registry.holders(name) for f in holder.fields}
    for path, kind in table.personal.items():
        if kind in (registry.FILE, registry.DETAIL) or path in held:
            continue

        def change(value, kind=kind, path=path):
            if kind == registry.TEXT:
                new = marks.redact(hasher, value)
            elif marks.has(hasher, kind, value):
                new = REMOVED if kind in (registry.NAME, registry.ADDRESS) else ""
            elif kind in (registry.NAME, registry.ADDRESS):
                new = marks.redact(hasher, value)  # "Anna de Vries en Bert Bakker", "bij Lindelaan 12 thuis"
            else:
                new = value
            if new != value:
                outcome.places[f"{name}.{path}"] += 1
            return new

        doc = registry.rewrite(doc, path, change)
    return doc


def _replace(table, doc_id: int, doc: Mapping) -> None:
    retention._replace(table, doc_id, doc)


def _erase_case_hit(tx, hit: Hit, today: dt.date, outcome: Outcome) -> None:
    cases = tx.table(retention.CASES)
    case = cases.get(doc_id=hit.doc_id)
    if case is None:
        return
    holder = registry.holder("cases", "referrer" if hit.referrer else "parties[]")
    doc = dict(case)
    if hit.referrer:
        item = case.get(holder.at) or {}
        doc[holder.at] = _blank_holder(holder, item)
    else:
        parties = list(case.get("parties") or [])
        if hit.party is None or not 0 <= hit.party < len(parties):
            return
        item = parties[hit.party]
        parties[hit.party] = _blank_holder(holder, item)
        doc["parties"] = parties
        _remove_case_documents(tx, hit.doc_id, outcome)
    for f in holder.fields:
        if item.get(f):
            outcome.places[f"cases.{holder.path(f)}"] += 1
    if doc != dict(case):
        _replace(cases, hit.doc_id, doc)


def _remove_case_documents(tx, case_id: int, outcome: Outcome) -> None:
    """A party's uploaded documents on the case go: a file cannot be partly erased."""
    events = tx.table(retention.EVENTS)
    for event in [e for e in events.all() if e.get("case_id") == case_id and e.get("stored_as")]:
        outcome.files.case_documents.append((case_id, event["stored_as"]))
        _replace(events, event.doc_id, {**event, "title": REMOVED, "filename": "", "stored_as": "", "size": 0})
        outcome.places["case_events.document"] += 1


def _marks_of(view, hits: Iterable[Hit], hasher: Hasher) -> Marks:
    """The identifiers of the chosen places: a party or referrer on a case, the reporter of a
    report, the applicant, the volunteer (and their account)."""
    marks = Marks()
    for hit in hits:
        holder = holder_of(hit)  # partij B or the referrer named in a report have their own
        doc = view.table(holder.table).get(doc_id=hit.doc_id)
        if doc is None:
            continue
        item = dict(_holder_items(holder, doc)).get(hit.party if holder.at.endswith("[]") else None)
        for f, kind in (holder.fields.items() if item else ()):
            if kind == registry.ADDRESS and not f.endswith("street"):
                continue
            marks.add(hasher, kind, item.get(f))
    return marks


def apply(tx, entries: Iterable[Mapping], hasher: Hasher, today: dt.date) -> Outcome:
    """Erase (again) what the ledger entries describe, inside `tx`. Files found are listed in the
    outcome, for the caller to remove after the commit."""
    outcome = Outcome()
    marks, hits = Marks(), []
    for entry in entries:
        marks.merge(Marks.from_json(entry.get("marks") or {}))
        hits += [h for h in (parse_key(k) for k in entry.get("records") or []) if h is not None]
    for hit in hits:
        if hit.kind == "case":
            _erase_case_hit(tx, hit, today, outcome)
        elif hit.party is not None or hit.referrer:
            continue  # partij B or the referrer in someone else's report: their details go below, the report stays
        elif tx.table(WHOLE[hit.kind][0]).get(doc_id=hit.doc_id):
            retention.ANONYMISE[hit.kind](tx, hit.doc_id, today, outcome.files)
            outcome.places[f"{WHOLE[hit.kind][0]}.geanonimiseerd"] += 1
    for name in sorted(n for n in tx.store.table_names() if n in registry.TABLES and registry.TABLES[n].personal):
        table = tx.table(name)
        for doc in [d for d in table.all() if marks.in_record(hasher, d)]:
            if name == OUTBOX and not doc.get("sent_at") and marks.has(hasher, registry.EMAIL, doc.get("to")):
                table.remove(doc_ids=[doc.doc_id])  # mail to them is about them
                outcome.places["outbox.mail"] += 1
                continue
            new = _erase_fields(name, _erase_holders(name, doc, marks, hasher, outcome), marks, hasher, outcome)
            if new != doc:
                _replace(table, doc.doc_id, new)
                outcome.publicity_changed |= name == "publicity" and bool(doc.get("published"))
    return outcome


def summary(outcome: Outcome) -> str:
    """What the coordinator reads after an erasure: how much went, and from which parts."""
    per_table: Counter = Counter()
    for place, count in outcome.places.items():
        per_table[registry.LABELS[place.split(".")[0]]] += count
    parts = [f"{label} ({count})" for label, count in sorted(per_table.items())]
    files = outcome.file_count
    if files:
        parts.append(f"{files} {'bestand' if files == 1 else 'bestanden'}")
    if not parts:
        return "Er was niets meer te wissen: deze gegevens waren al gewist."
    where = ", ".join(parts[:-1]) + " en " + parts[-1] if len(parts) > 1 else parts[0]
    return (f"Gewist: {sum(outcome.places.values())} gegevens, uit {where}. "
            "Ook een oudere reservekopie terugzetten brengt ze niet terug.")


def remove_files(store, files: retention.Files, upload_dir: Path | None) -> None:
    retention.remove_files(store, files, upload_dir)


def _file_names(files: retention.Files) -> list[list]:
    return ([["documents", case_id, stored] for case_id, stored in files.case_documents]
            + [["uploads", meta.get("stored")] for meta in files.uploads if meta and meta.get("stored")])


def _files_of(entries: Iterable[Mapping]) -> retention.Files:
    files = retention.Files([], [])
    for entry in entries:
        for item in entry.get("files") or []:
            if item[0] == "documents":
                files.case_documents.append((int(item[1]), str(item[2])))
            elif item[0] == "uploads":
                files.uploads.append({"stored": str(item[1])})
    return files


def erase(store, hits: Iterable[Hit], today: dt.date, *, user: str | None = None,
          upload_dir: Path | None = None) -> Outcome:
    """Erase the person at these places everywhere; audited and kept in the ledger in the same
    commit, files and on-disk copies removed after it."""
    hits = list(hits)
    hasher = hasher_for(store.data_dir)
    records = sorted({h.key for h in hits})
    with store.transaction() as tx:
        marks = _marks_of(tx, hits, hasher)
        entry = {"at": today.isoformat(), "records": records, "marks": marks.as_json()}
        outcome = apply(tx, [entry], hasher, today)
        entry["files"] = _file_names(outcome.files)
        places = {place: count for place, count in sorted(outcome.places.items())}
        for record in sorted({h.record for h in hits}):
            # What was erased and where, in counts; never what it said.
            store.audit(user, "privacy.erase", record, places=places, files=outcome.file_count)
        _append_ledger(store.data_dir, entry)
    remove_files(store, outcome.files, upload_dir)
    _forget_in_counters(store, marks, hasher)
    store.rewrite_audit(lambda e: _erase_fields("audit", e, marks, hasher, Outcome(), registry.AUDIT))
    store.forget_superseded(sorted(registry.TABLES))
    return outcome


def _forget_in_counters(store, marks: Marks, hasher: Hasher) -> None:
    with store.counters.update(THROTTLE) as failures:
        for key in [k for k in failures if k.startswith("account:") and marks.has(hasher, registry.EMAIL, k[8:])]:
            del failures[key]


def reapply(tx, live=None) -> None:
    """Inside a restore (`restoring.after_restore`): every erasure in the ledger again, and the
    files the backup brought back removed."""
    from common import clock

    entries = read_ledger(tx.store.data_dir)
    if not entries:
        return
    hasher = hasher_for(tx.store.data_dir)
    outcome = apply(tx, entries, hasher, clock.today())
    files = _files_of(entries)
    files.case_documents += outcome.files.case_documents
    files.uploads += outcome.files.uploads
    # The restore copied the backup's files into the data folder (db/backup.py).
    remove_files(tx.store, files, tx.store.data_dir / "uploads")
