"""The sheets a school added to its file that hold values: never read, so each is told — a warning,
or an error for a copy of the form's sheet filled in instead of it (:mod:`.copies`), whose values
would be lost; and the form's sheet renamed, read all the same (:mod:`.renamed`)."""

from __future__ import annotations

import unicodedata
from typing import Iterator

from .findings import finding as _finding
from .reader import Filled
from .report import Finding
from .shown import brief

__all__ = ["ADDED_SHEETS_TOLD", "added_sheet_findings", "told_apart"]


#: Added sheets holding values named one warning each; the others are counted in one more.
ADDED_SHEETS_TOLD = 10


def added_sheet_findings(filled: Filled) -> Iterator[Finding]:
    """A warning per sheet the school added that holds values, for the first :data:`ADDED_SHEETS_TOLD`,
    and one counting the rest: 200 KB of .ods holds 60,000 tables, and the same sentence for each made
    reports and e-mails of 60 MB. A sheet's name is quoted as a value is (:func:`brief`). First, the form's
    sheet renamed (:mod:`.renamed`): read all the same, and told once, with nothing for her to do."""
    if filled.renamed_from:
        yield _finding(filled, "sheet-renamed", "", None, severity="warning", cell="A1",
                       sheet=told_apart(filled.form.sheet, filled.renamed_from), form_sheet=filled.renamed_from)
    for name in filled.added[:ADDED_SHEETS_TOLD]:
        shown = told_apart(name, filled.form.sheet)
        if name in filled.copies:  # a copy of the form filled instead of it: what it holds would be lost
            yield _finding(filled, "form-copy-filled", "", None, cell=filled.copies[name], sheet=shown,
                           form_sheet=filled.form.sheet)
            continue
        yield _finding(filled, "sheet-not-read", "", None, severity="warning", cell="A1", sheet=shown,
                       form_sheet=filled.form.sheet)
    more = filled.added[ADDED_SHEETS_TOLD:]
    if more:
        yield _finding(filled, "more-sheets-not-read", "", None, severity="warning", cell="A1", sheet=told_apart(more[0], filled.form.sheet),
                       form_sheet=filled.form.sheet, count=f"{len(more):,}")


def told_apart(name: str, form_sheet: str) -> str:
    """``name`` quoted briefly (:func:`brief`); when it reads as ``form_sheet`` but is not (a zero-width
    space pasted with Thai text from the web, a space at its end, ``ํา`` for ``ำ``), with each character that
    makes the difference written as its code point ("แบบรายงาน[U+200B]"): both tabs look the same, and "delete
    the sheet “แบบรายงาน”" could have her delete the form's own.

    Example::

        told_apart("แบบรายงาน\u200b", "แบบรายงาน")  # 'แบบรายงาน[U+200B]'
    """
    if name == form_sheet or len(name) > 2 * len(form_sheet) + 10 or _looks(name) != _looks(form_sheet):
        return brief(name)
    return brief("".join(ch if ch in form_sheet and not _hidden(ch) else f"[U+{ord(ch):04X}]" for ch in name))


def _hidden(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Mn") and not "\u0e31" <= ch <= "\u0e4e"


def _looks(text: str) -> str:
    """``text`` as it reads: compatibility forms as their letters, invisible characters and spaces left out."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not _hidden(ch)).casefold()
