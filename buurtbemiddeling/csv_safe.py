"""CSV that is safe to open in a spreadsheet: no cell runs as a formula (CSV injection).

Excel, LibreOffice and Google Sheets treat a cell that starts with = + - @ (or a tab or
carriage return before one) as a formula, so a resident who types `=HYPERLINK(...)` in a
form could run something on the coordinator's computer when an export is opened. Following
OWASP, such text cells get a leading apostrophe: the spreadsheet then shows the text as text.
Real numbers are left alone, so -5 stays a number. Pure: no Flask, no store.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(rows: Iterable[Iterable[Any]], *, delimiter: str = ";") -> str:
    """Rows as CSV for Dutch Excel: semicolons, CRLF, UTF-8 with BOM, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return "\ufeff" + out.getvalue()
