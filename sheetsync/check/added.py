"""The sheets a school added to its file that hold values: never read, so each is told — a warning,
or an error for a copy of the form's sheet filled in instead of it (:mod:`.copies`), whose values
would be lost."""

from __future__ import annotations

from typing import Iterator

from .findings import finding as _finding
from .reader import Filled
from .report import Finding
from .shown import brief

__all__ = ["ADDED_SHEETS_TOLD", "added_sheet_findings"]


#: Added sheets holding values named one warning each; the others are counted in one more.
ADDED_SHEETS_TOLD = 10


def added_sheet_findings(filled: Filled) -> Iterator[Finding]:
    """A warning per sheet the school added that holds values, for the first :data:`ADDED_SHEETS_TOLD`,
    and one counting the rest: 200 KB of .ods holds 60,000 tables, and the same sentence for each made
    reports and e-mails of 60 MB. A sheet's name is quoted as a value is (:func:`brief`)."""
    for name in filled.added[:ADDED_SHEETS_TOLD]:
        if name in filled.copies:  # a copy of the form filled instead of it: what it holds would be lost
            yield _finding(filled, "form-copy-filled", "", None, cell=filled.copies[name], sheet=brief(name),
                           form_sheet=filled.form.sheet)
            continue
        yield _finding(filled, "sheet-not-read", "", None, severity="warning", cell="A1", sheet=brief(name),
                       form_sheet=filled.form.sheet)
    more = filled.added[ADDED_SHEETS_TOLD:]
    if more:
        yield _finding(filled, "more-sheets-not-read", "", None, severity="warning", cell="A1", sheet=brief(more[0]),
                       form_sheet=filled.form.sheet, count=f"{len(more):,}")
