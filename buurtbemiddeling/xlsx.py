"""Spreadsheets as XLSX (openpyxl) with typed cells, for every export. No Flask.

Dates become date cells shown as dd-mm-jjjj, numbers stay numbers, and every text is stored
as text: a cell starting with "=" is never a formula, and columns named in `text_columns`
(phone numbers, case numbers, postcodes) are text-formatted so their leading 0 stays.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:  # openpyxl is imported where a sheet is made: a CGI start must not pay 0.7 s for it
    from openpyxl import Workbook

DATE_FORMAT = "DD-MM-YYYY"
MOMENT_FORMAT = "DD-MM-YYYY HH:MM"
MAX_WIDTH = 50


def add_sheet(book: Workbook, title: str, rows: Iterable[Sequence[Any]], *, text_columns: Iterable[str] = ()) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title[:31])
    texts: set[int] = set()
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        if r == 1:
            texts = {i for i, name in enumerate(row) if name in set(text_columns)}
        for i, value in enumerate(row):
            cell = sheet.cell(row=r, column=i + 1)
            if value is None or value == "":
                continue
            if isinstance(value, dt.datetime):
                cell.value, cell.number_format = value, MOMENT_FORMAT
            elif isinstance(value, dt.date):
                cell.value, cell.number_format = value, DATE_FORMAT
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and i not in texts:
                cell.value = value
            else:
                cell.value = str(value)
                cell.data_type = "s"  # never a formula
                cell.number_format = "@"
            if r == 1:
                cell.font = Font(bold=True)
            widths[i] = max(widths.get(i, 0), min(MAX_WIDTH, len(str(value)) + 2))
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i + 1)].width = max(width, 10)
    sheet.freeze_panes = "A2"


def workbook(title: str, rows: Iterable[Sequence[Any]], *, text_columns: Iterable[str] = ()) -> bytes:
    """One sheet; the first row is the header."""
    return workbook_of([(title, rows)], text_columns=text_columns)


def workbook_of(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]], *, text_columns: Iterable[str] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        add_sheet(book, title, rows, text_columns=text_columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
