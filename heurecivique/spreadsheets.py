"""CSV files for spreadsheet software, as French staff and residents open them (Excel,
LibreOffice): semicolons, a byte-order mark for the accents, and no cell that runs as a formula.

A cell starting with = + - @ (or a tab or carriage return) would be run by the spreadsheet: a
resident could write « =HYPERLINK(…) » as their quartier and have it run on a mairie's computer.
Such text gets a leading apostrophe, which spreadsheets show as plain text (OWASP's advice).

Values are written as a French reader expects them: « Oui » / « Non », dates as 05/11/2026 and
moments in Paris time (05/11/2026 14:30), not as Python would print them.
"""

import csv
import datetime

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


def neutralised(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(value):
    """What a cell shows for a Python value."""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if value is None:
        return ""
    return neutralised(value)


class SpreadsheetWriter:
    """`csv.writer` for spreadsheets: write the byte-order mark, then rows, safely."""

    def __init__(self, stream):
        stream.write(BYTE_ORDER_MARK)
        self._writer = csv.writer(stream, delimiter=";")

    def writerow(self, row) -> None:
        self._writer.writerow([cell(value) for value in row])
