"""Text folding: the one way two spellings of a name, street or word are compared.

'Yılmaz', 'YILMAZ', 'İlkay', 'Çelik', 'Łukasz' and 'Straße' fold to 'yilmaz', 'yilmaz',
'ilkay', 'celik', 'lukasz' and 'strasse'. Conflict-of-interest matching, search, duplicate
detection, partner names and data-subject look-ups all fold with `fold`, so they agree.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

# Letters NFKD does not split into a base letter and a mark: Turkish dotless i, Polish ł,
# Scandinavian ø/æ, German ß (casefold would do ß, but not in str.lower callers' order).
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
                          "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ß": "ss", "ẞ": "SS"})
_SPECIAL = re.compile("[" + "".join(map(chr, _LETTERS)) + "]")  # translating is slow: only when needed
WORD = re.compile(r"[a-z0-9]+")  # a word of folded text: `words`, and erasure finding words by their place


def fold(text: Any) -> str:
    """Lower case ASCII without accents, whitespace collapsed to single spaces."""
    plain = str(text or "")
    if not plain.isascii():  # most text is: nothing to translate or take apart
        if _SPECIAL.search(plain):
            plain = plain.translate(_LETTERS)
        plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def words(text: Any) -> list[str]:
    """The folded words of `text`, punctuation dropped: 'Woonstichting De Key!' -> ['woonstichting', 'de', 'key']."""
    return WORD.findall(fold(text))


def slug(text: Any, limit: int = 60, default: str = "") -> str:
    """A URL or file name part: 'Kennismaking partij B' -> 'kennismaking-partij-b'."""
    return "-".join(words(text))[:limit].strip("-") or default
