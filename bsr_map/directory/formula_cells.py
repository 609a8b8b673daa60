"""Cells a spreadsheet would run as a formula, neutralised in CSV files and read back exactly.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is taken by Excel and LibreOffice as a formula (``=HYPERLINK(…)``,
``+cmd|' /C calc'!A0``). As the OWASP guidance on CSV injection says, such a
cell is written with a single quote in front, which spreadsheets show as text.
To read bsr-map's own files back unchanged, the quote is removed again, and
only in front of those characters; a value that itself starts with quotes and
then one of them gets one quote more when written, so the rule has no
exception (``'=x`` is written ``''=x`` and read back as ``'=x``). Phone
numbers and signed numbers (``+372 600 0000``, ``-5``) carry no letters, so
no function, reference or DDE call can be made of them: they are written as
they are.
"""

from __future__ import annotations

import re

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
#: A phone number or a signed number: no letters, so no function, reference or DDE call can be formed.
_HARMLESS = re.compile(r"[+\-][0-9 ()./+\-]*")


def neutralise(value: str) -> str:
    """``value`` as a CSV cell that no spreadsheet runs.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> neutralise("Hamburg")
    'Hamburg'
    """
    if _HARMLESS.fullmatch(value):
        return value  # "+372 600 0000" stays a phone number in every spreadsheet and reader
    return "'" + value if _NEEDS_QUOTE.match(value) else value


def restore(value: str) -> str:
    """The value :func:`neutralise` was given (also a cell a person quoted: ``'+49 30 …`` is ``+49 30 …``)."""
    return value[1:] if value[:1] == "'" and _NEEDS_QUOTE.match(value) else value
