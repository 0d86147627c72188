"""Numbers as a Dutch reader expects them: a decimal comma ("1,5 uur", "15"), never "15.0". Pure."""
from __future__ import annotations


def decimal_text(number: float | int | None, places: int = 1) -> str:
    """At most `places` decimals with a comma, trailing zeros dropped: 15.0 -> '15', 1.26 -> '1,3'."""
    if number is None:
        return ""
    text = f"{float(number):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def hours_text(minutes: int | None) -> str:
    """Minutes as Dutch hours: 90 -> '1,5', 120 -> '2', 100 -> '1,67'."""
    return decimal_text((minutes or 0) / 60, places=2)
