"""The difference between two versions of a text, line by line, for an accessible table.

Pure (difflib). Each row says in words what happened to a line (toegevoegd, verwijderd,
gewijzigd), so the change is clear without colour; a changed line also marks the words that
changed. Long stretches of unchanged lines fold into one row that says how many there are.
`sections` names the Markdown sections (the headings) a change falls in, for a reader who wants
to know where to look.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

CONTEXT = 2
_WORDS = re.compile(r"\s+|[^\s]+")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
BEFORE_FIRST_HEADING = "Begin van de tekst"


@dataclass(frozen=True)
class Segment:
    kind: str  # same | del | add (changed words inside a changed line)
    text: str


@dataclass(frozen=True)
class Row:
    kind: str  # same | del | add | skip
    old: int | None  # line number in the old version
    new: int | None
    segments: tuple[Segment, ...] = ()
    skipped: int = 0  # for kind "skip": how many unchanged lines are folded away
    paired: bool = False  # one half of a line changed in place (was / nu)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass
class Diff:
    rows: list[Row] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    changed: int = 0  # lines changed in place (shown twice, with word marks)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed)

    def summary(self) -> str:
        """In words: '1 regel gewijzigd, 2 regels toegevoegd'. A changed line is not also counted as added."""
        parts = [(self.changed, "gewijzigd"), (self.added - self.changed, "toegevoegd"), (self.removed - self.changed, "verwijderd")]
        return ", ".join(f"{n} {'regel' if n == 1 else 'regels'} {what}" for n, what in parts if n) + "."


def _words(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Word-level marks for a line that was changed into another."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(Segment("same", "".join(a[i1:i2])))
            right.append(Segment("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Segment("del", "".join(a[i1:i2])))
        if j2 > j1:
            right.append(Segment("add", "".join(b[j1:j2])))
    return tuple(left), tuple(right)


def compare(old_text: str, new_text: str, context: int = CONTEXT) -> Diff:
    old, new = old_text.splitlines(), new_text.splitlines()
    result = Diff()
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            _equal_rows(result.rows, old, i1, i2, j1, context,
                        first=index == 0, last=index == len(opcodes) - 1)
            continue
        result.removed += i2 - i1
        result.added += j2 - j1
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        result.changed += pairs
        dels, adds = [], []
        for k in range(i2 - i1):
            if k < pairs:
                left, right = _words(old[i1 + k], new[j1 + k])
                dels.append(Row("del", i1 + k + 1, None, left, paired=True))
                adds.append(Row("add", None, j1 + k + 1, right, paired=True))
            else:
                # A whole line gone or new: the row says so; marking every word adds nothing.
                dels.append(Row("del", i1 + k + 1, None, (Segment("same", old[i1 + k]),)))
        for k in range(pairs, j2 - j1):
            adds.append(Row("add", None, j1 + k + 1, (Segment("same", new[j1 + k]),)))
        result.rows.extend(dels + adds)
    return result


def _equal_rows(rows: list[Row], old: list[str], i1: int, i2: int, j1: int, context: int, *, first: bool, last: bool) -> None:
    def same(k: int) -> Row:
        return Row("same", i1 + k + 1, j1 + k + 1, (Segment("same", old[i1 + k]),))

    count = i2 - i1
    head = 0 if first else context  # lines shown after the change before this stretch
    tail = 0 if last else context  # lines shown before the next change
    if count <= head + tail + 1:
        rows.extend(same(k) for k in range(count))
        return
    rows.extend(same(k) for k in range(head))
    rows.append(Row("skip", None, None, skipped=count - head - tail))
    rows.extend(same(k) for k in range(count - tail, count))


def _section_of_lines(text: str) -> list[str]:
    """For each line (0-based), the heading of the section it is in; a heading is in its own section."""
    current, found = BEFORE_FIRST_HEADING, []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = heading.group(1) or current
        found.append(current)
    return found


def sections(old_text: str, new_text: str, result: Diff | None = None) -> list[str]:
    """The sections with a changed (non-empty) line, in the order of the new text (a section only the old text
    had comes after them)."""
    result = result or compare(old_text, new_text)
    old_sections, new_sections = _section_of_lines(old_text), _section_of_lines(new_text)
    named: list[str] = []
    for row in result.rows:
        if not row.text.strip():
            continue  # an added or removed empty line changes no section
        if row.kind == "add":
            name = new_sections[row.new - 1]
        elif row.kind == "del":
            name = old_sections[row.old - 1]
        else:
            continue
        if name not in named:
            named.append(name)
    in_new = [name for name in named if name in new_sections]
    return in_new + [name for name in named if name not in in_new]
