"""Phone numbers of residents, referrers, partners and volunteers.

Stored as typed-free digits: Dutch numbers from "0" ("0612345678", "0508844000",
service numbers "09008844", "08001234"), the municipal "14 050" as "14050", other
countries as "+<digits>". `clean` returns None for what cannot be a number.
"""
from __future__ import annotations

import re
from typing import Any

_NOISE = re.compile(r"[\s\-.()/]")
# 0800 (free), 0900/0906/0909 (paid) numbers have 4 or 7 digits after the prefix.
_SERVICE = re.compile(r"0(800|900|906|909)(\d{4}|\d{7})")
# Municipalities' short number: 14 + the area code without 0 (3 or 4 digits): "14 050".
_MUNICIPAL = re.compile(r"14\d{3,4}")

HINT = "Bijvoorbeeld 06 12345678, 050 123 4567 of 0900-8844"
HOW = "Gebruik 10 cijfers (bijvoorbeeld 06 12345678), een 0800- of 0900-nummer of +land en nummer"


def clean(text: Any) -> str | None:
    """'06-123 456 78', '+31 (0)6 12345678', '0031612345678' -> '0612345678';
    '0900-8844' -> '09008844'; '+32 2 123 45 67' -> '+3221234567'."""
    compact = _NOISE.sub("", str(text or "").replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+31"):
        rest = compact[3:]
        national = "0" + rest
        if rest.isdigit() and rest[:1] != "0" and (len(rest) == 9 or _SERVICE.fullmatch(national)):
            return national
        return None
    if compact.startswith("+"):
        digits = compact[1:]
        # E.164: a country code never starts with 0; at most 15 digits. Under 9 is not a
        # real number anywhere we expect residents or referrers to have one.
        if digits.isdigit() and 9 <= len(digits) <= 15 and digits[0] != "0":
            return "+" + digits
        return None
    if _SERVICE.fullmatch(compact) or _MUNICIPAL.fullmatch(compact):
        return compact
    if len(compact) == 10 and compact.isdigit() and compact[0] == "0" and compact[1] != "0":
        return compact
    return None


def tel_href(number: Any) -> str:
    """A tel: link; Dutch numbers dialled from abroad too (+31), except service and
    municipal short numbers, which only work from within the Netherlands."""
    digits = re.sub(r"[^\d+]", "", str(number or ""))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if (digits.startswith("0") and not _SERVICE.fullmatch(digits)):
        digits = "+31" + digits[1:]
    return "tel:" + digits
