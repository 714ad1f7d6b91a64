"""When a finding's mark shows: only while its cells still hold what was found in them.

A marked-up copy colours each wrong cell. Painted into the cell's style, the colour stayed when a
teacher typed the right value over the wrong one, and the fixed form still looked wrong on screen
and on paper. The colour is a conditional format instead, whose condition (written here in Excel's
syntax; the .ods writer translates it) holds while the cell, and every other cell the finding was
judged by, holds what the copy was written with: the value found wrong, or nothing where a value
was missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .plan import CellValue

#: A long text is recognised by its length and this many characters at each end: Excel refuses a
#: text literal of more than 255 characters in a formula.
END = 100


def still_holds(cells: Iterable[tuple[str, CellValue]]) -> str:
    """The condition that every ``(ref, value)`` cell still holds ``value`` (``None``: is still empty).

    Example::

        still_holds([("B38", "วันจันทร์")])  # 'EXACT(SUBSTITUTE($B$38,CHAR(13),""),"วันจันทร์")'
    """
    parts = [holds(ref, value) for ref, value in cells]
    return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"


def holds(ref: str, value: CellValue) -> str:
    """The condition that the cell ``ref`` holds ``value``, in Excel's syntax on the absolute ``$B$38``.

    A number must be that number (a text "5" in a number's place is another entry); a text must be
    that text, case and spaces included, whatever line breaks ended its lines; a date that date.
    """
    at = absolute(ref)
    if value is None or value == "":
        return f"LEN(TRIM({at}))=0"  # spaces alone are still nothing typed
    if isinstance(value, bool):  # before int: bool is an int subclass
        return f"AND(ISLOGICAL({at}),{at}={'TRUE()' if value else 'FALSE()'})"
    if isinstance(value, (int, float)):
        # Formulas read at most 15 digits: a tolerance far below a satang, not equality.
        return f"AND(ISNUMBER({at}),ABS({at}-({_number(value)}))<={1e-9 * max(1.0, abs(value)):.3G})"
    if isinstance(value, dt.date):
        serial = f"DATE({value.year},{value.month},{value.day})"
        if isinstance(value, dt.datetime):
            serial += f"+TIME({value.hour},{value.minute},{value.second})"
        return f"AND(ISNUMBER({at}),ABS({at}-({serial}))<0.00001)"
    return _text_holds(at, str(value).replace("\r", ""))


def _text_holds(at: str, text: str) -> str:
    # A line typed in Calc ends in LF; one read from a file may have ended in CR LF: both are one break.
    shown = f'SUBSTITUTE({at},CHAR(13),"")'
    if len(text) <= 2 * END:
        return f"EXACT({shown},{literal(text)})"
    return (f"AND(LEN({shown})={len(text)},EXACT(LEFT({shown},{END}),{literal(text[:END])}),"
            f"EXACT(RIGHT({shown},{END}),{literal(text[-END:])}))")


def literal(text: str) -> str:
    """``text`` as a formula's text: quoted, quotes doubled, control characters as ``CHAR(n)``
    (a line break inside a literal does not survive an XML attribute)."""
    pieces: list[str] = []
    run = ""
    for char in text:
        if ord(char) < 32:
            if run:
                pieces.append('"' + run.replace('"', '""') + '"')
                run = ""
            pieces.append(f"CHAR({ord(char)})")
        else:
            run += char
    if run or not pieces:
        pieces.append('"' + run.replace('"', '""') + '"')
    return "&".join(pieces)


def absolute(ref: str) -> str:
    """``B38`` as ``$B$38``: the condition of a merged block is about its first cell, in every cell."""
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters):]}"


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else repr(float(value)).upper()
