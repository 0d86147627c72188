"""Money in euro cents (int, never float): Dutch input to cents and cents to "€ 1.234,56". Pure."""
from __future__ import annotations

import re

MAX_CENTS = 100_000_000 * 100  # a hundred million euros: anything above is a typing error
# "1.234,56", "1234,5", "12", "1.234": dots group thousands, the comma starts the cents.
# Only the digits 0-9 (re.ASCII): Python's \d also takes Arabic-Indic "١٢٣", which is no amount here.
_DUTCH = r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d*))?$"  # patterns, compiled on first use: most processes parse no amount
# "12.50": a single dot with one or two digits after it is read as a decimal point.
_DOTTED = r"^(\d+)\.(\d{1,2})$"
EXAMPLE = "Schrijf het bedrag als 12,50 of 1.234,56."


def parse_cents(text: str | None, *, allow_zero: bool = False) -> int:
    """Cents typed by a person, or ValueError with a Dutch message."""
    raw = (text or "").replace("\u00a0", " ").strip()
    cleaned = re.sub(r"^(€|eur\b|euro\b)", "", raw, flags=re.IGNORECASE).strip().replace(" ", "")
    cleaned = cleaned.removesuffix(",-").removesuffix(",--")
    if not cleaned:
        raise ValueError(f"Vul een bedrag in. {EXAMPLE}")
    if cleaned.startswith("-"):
        raise ValueError("Een bedrag kan niet negatief zijn.")
    match = re.match(_DUTCH, cleaned, re.ASCII) or re.match(_DOTTED, cleaned, re.ASCII)
    if match is None:
        raise ValueError(f"‘{raw}’ is geen bedrag. {EXAMPLE}")
    whole, fraction = match.group(1).replace(".", ""), match.group(2) or ""
    if len(fraction) > 2:
        raise ValueError("Een bedrag heeft hoogstens twee cijfers achter de komma.")
    cents = int(whole) * 100 + int(fraction.ljust(2, "0"))
    if cents == 0 and not allow_zero:
        raise ValueError("Het bedrag moet meer dan € 0,00 zijn.")
    if cents > MAX_CENTS:
        raise ValueError("Dat bedrag is te hoog; controleer het aantal cijfers.")
    return cents


def _grouped(cents: int) -> str:
    euros, rest = divmod(abs(cents), 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d}"


def format_euro(cents: int | None) -> str:
    """'€ 1.234,56'; a negative amount (an overrun) as '-€ 12,00'."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}€\u00a0{_grouped(cents)}"


def input_value(cents: int | None) -> str:
    """How an amount goes back into an input field: '1234,56' (parses to the same cents)."""
    if cents is None:
        return ""
    euros, rest = divmod(cents, 100)
    return f"{euros},{rest:02d}"

