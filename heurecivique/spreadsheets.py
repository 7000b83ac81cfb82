"""CSV files for spreadsheet software, as French staff and residents open them (Excel,
LibreOffice): semicolons, a byte-order mark for the accents, and no cell that runs as a formula.

A cell starting with = + - @ (or a tab or carriage return) would be run by the spreadsheet: a
resident could write « =HYPERLINK(…) » as their quartier and have it run on a mairie's computer.
Such text gets a leading apostrophe, which spreadsheets show as plain text (OWASP's advice).
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


def neutralised(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SpreadsheetWriter:
    """`csv.writer` for spreadsheets: write the byte-order mark, then rows, safely."""

    def __init__(self, stream):
        stream.write(BYTE_ORDER_MARK)
        self._writer = csv.writer(stream, delimiter=";")

    def writerow(self, row) -> None:
        self._writer.writerow([neutralised(value) for value in row])
