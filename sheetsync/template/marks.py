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

#: A long text is recognised by its length and this many characters at each end.
END = 30
#: The longest condition written. Excel refuses a text literal of more than 255 characters in a
#: formula, and older Excels a conditional format's formula that long; a file Excel must "repair"
#: greets the teacher with a warning and loses the rule. No Excel here to try longer ones on, so
#: 255 less room for the satang's condition the .xlsx writer may join to it ("AND(…,MOD(E43,1)<>0)").
MAX_CONDITION = 255 - 30


def still_holds(own: tuple[str, CellValue] | None, others: Iterable[tuple[str, CellValue]] = ()) -> str | None:
    """The condition that the marked cell ``own`` (None: one nothing can be typed into) and the
    ``others`` it was judged by still hold what they hold (a value ``None``: still empty). Past
    :data:`MAX_CONDITION` the others are left out (any change to the marked cell still clears it);
    None when that is not enough either (a text of many quotes, a locked cell judged by long ones):
    the mark is then painted, as it always was.

    Example::

        still_holds(("B38", "วันจันทร์"))  # 'EXACT($B$38,"วันจันทร์")'
    """
    first = [holds(*own)] if own is not None else []
    parts = first + [holds(ref, value) for ref, value in others]
    if not parts:
        return None
    joined = parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
    return next((c for c in (joined, *first) if len(c) <= MAX_CONDITION), None)


def holds(ref: str, value: CellValue) -> str:
    """The condition that the cell ``ref`` holds ``value``, in Excel's syntax on the absolute ``$B$38``.

    A number must be that number (a text "5" in a number's place is another entry); a text must be
    that text, case and spaces included, whatever line breaks ended its lines; a date that date.
    """
    at = absolute(ref)
    if value is None or value == "":
        return f"LEN(TRIM({at}))=0"  # spaces alone are still nothing typed
    if isinstance(value, bool):  # before int: bool is an int subclass
        # Calc holds a logical value as a number, logical only under a logical format: under the cell's
        # own (an amount's, a text's) TRUE is the number 1 there, and ISLOGICAL is false.
        return f"IF(ISLOGICAL({at}),{at}={'TRUE()' if value else 'FALSE()'},AND(ISNUMBER({at}),{at}={int(value)}))"
    if isinstance(value, (int, float)):
        # "=" compares numbers to 15 digits, and a text ("5") or an empty cell to a number never
        # equals it, but for 0, which an empty cell is.
        return f"AND(ISNUMBER({at}),{at}=0)" if value == 0 else f"{at}={_number(value)}"
    if isinstance(value, dt.date):
        serial = f"DATE({value.year},{value.month},{value.day})"
        if isinstance(value, dt.datetime):
            serial += f"+TIME({value.hour},{value.minute},{value.second})"
            if value.microsecond:  # the .xlsx keeps a fraction of a second, the .ods not: within the second
                return f"AND(ISNUMBER({at}),ABS({at}-({serial}))<TIME(0,0,1))"
        return f"{at}={serial}"
    if isinstance(value, (dt.time, dt.timedelta)):
        return _duration_holds(at, value)
    return _text_holds(at, str(value).replace("\r", ""))


def _duration_holds(at: str, value: dt.time | dt.timedelta) -> str:
    """``at`` holds the time of day or the duration ``value`` (a time typed into a number's cell):
    the .xlsx writes it as a number of days, the .ods as its text ("12:30:00"). Within the second
    (the .xlsx keeps its fraction); IF, as a text's subtraction is an error even beside a true EXACT."""
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    else:
        seconds = value.total_seconds()
    days = _number(seconds / 86400)
    return f"IF(ISNUMBER({at}),ABS({at}-{days})<TIME(0,0,1),EXACT({at},{literal(str(value))}))"


def _text_holds(at: str, text: str) -> str:
    """``at`` holds ``text``, whole while that is short enough, else its length and its ends."""
    # A line typed in Calc ends in LF; one read from a file may have ended in CR LF: both are one break.
    shown = f'SUBSTITUTE({at},CHAR(13),"")' if "\n" in text else at
    whole = f"EXACT({shown},{literal(text)})"
    if len(whole) <= MAX_CONDITION:
        return whole
    for end in (END, END // 3):  # fewer characters at each end when these hold many quotes
        left, right = text[:end], text[-end:]
        ends = (f"AND(LEN({shown})={len(text)},EXACT(LEFT({_source(at, left)},{end}),{literal(left)}),"
                f"EXACT(RIGHT({_source(at, right)},{end}),{literal(right)}))")
        if len(ends) <= MAX_CONDITION:
            break
    return ends


def _source(at: str, piece: str) -> str:
    """The cell as ``piece`` is to be found in it: without CRs, if the piece spans a line break."""
    return f'SUBSTITUTE({at},CHAR(13),"")' if "\n" in piece else at


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
