"""The Dutch postcode: four digits (the first not 0) and two letters, stored as '1234 AB'."""
from __future__ import annotations

import re
from typing import Any

_POSTCODE = re.compile(r"([1-9][0-9]{3})\s*([A-Za-z]{2})")
EXAMPLE = "1234 AB"
HOW = "Vul 4 cijfers en 2 letters in, bijvoorbeeld 1234 AB"


def clean(text: Any) -> str | None:
    """'1234ab', ' 1234 AB ' -> '1234 AB'; None when it is not a postcode."""
    match = _POSTCODE.fullmatch(str(text or "").strip())
    return f"{match.group(1)} {match.group(2).upper()}" if match else None


def compact(text: Any) -> str:
    """Spaces out, upper case, for comparing what was typed: '1234 ab' -> '1234AB'."""
    return re.sub(r"\s+", "", str(text or "")).upper()


def area(text: Any, length: int = 4) -> str:
    """The first `length` characters of the compact postcode: the four digits are the
    area (wijk guesses, anonymised records); matching may look at 5 or 6 for nearness.
    Empty when the postcode is shorter than that."""
    code = compact(text)
    if length <= 4:
        digits = re.sub(r"\D", "", code)[:4]
        return digits[:length] if len(digits) == 4 else ""
    return code[:length] if len(code) >= length else ""
