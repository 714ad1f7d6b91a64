"""The form's sheet, renamed by the teacher.

A double-click on a sheet's tab renames it, in Calc or Excel alike, and neither keeps a lock on a
workbook's sheets: "แบบรายงาน" comes back as "โรงเรียนวัดดอน", or "Sheet1". She did nothing wrong, and her
file was refused. It is read when the form's sheet can be told safely: no sheet has the form sheet's name,
and exactly one sheet holds the form's fixed cells as issued (their hashes in the hidden sheet, as a copy
of the form is told by, :mod:`.copies`). Two such sheets (the form renamed, and a copy of it renamed too)
are not guessed between: the file is refused, saying to name the one she filled in back. Nor is a sheet
whose name no spreadsheet program gives (``Sheet[1]``, a line break, a direction override): only a forged
file holds one, and every finding, the marked-up copy's tab and its formulas would carry it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable, Iterable

from python_calamine import CalamineError

from ..errors import SheetMissingError, SheetsyncError
from ..identity import FINDINGS_SHEET, META_SHEET
from ..spec.form import Form
from ..spec.formcache import KEPT
from ..text import one_line_shown
from .copies import COPIES_LOOKED_AT, holds_form

__all__ = ["OWN_SHEETS", "could_be_named", "form_sheet_found"]

Grid = list[list[Any]]

#: Sheets a template or its marked-up copy has besides the form (the copy's list of findings).
OWN_SHEETS = (META_SHEET, FINDINGS_SHEET)


def form_sheet_found(path: Path, form: Form, names: Iterable[str],
                     located: Callable[[], dict[str, tuple[int, int, str]]],
                     reader: Callable[[list[str]], Callable[[str], Grid]], fmt: str = "") -> tuple[Form, str]:
    """``form`` as the file holds it, and the name its sheet was renamed from ("" when not renamed): when
    no sheet of ``names`` (the file's) has the form sheet's name, the one other sheet that holds the form's
    fixed cells as issued is taken as the form's, under its name in the file (which every finding then names:
    it is the tab she sees).

    :param located: the form's fixed cells, ``ref -> (row, col, hash as issued)`` (0-based): asked only
        for a file whose form sheet is not found by its name (most files: no cost).
    :param reader: given the sheets to look into, how to read one over the form's area, made safe.
    :param fmt: the file's format, whose longest sheet name (:func:`could_be_named`) the name must keep to.
    :raises SheetMissingError: none holds them, or more than one does (``among``: those), or there are too
        many sheets to look into them all, or the one's name is not one a program gives (:func:`could_be_named`).
    """
    names = list(names)
    if form.sheet in names:
        return form, ""
    others = [name for name in names if name not in OWN_SHEETS]
    locked = located()
    if not locked or not others or len(others) > COPIES_LOOKED_AT:
        raise SheetMissingError(path, form.sheet)
    read = reader(others)
    holding = [name for name in others if _holds(read, name, locked)]
    if len(holding) > 1:
        raise SheetMissingError(path, form.sheet, tuple(holding))
    # A name no program gives, or not shown as it is (a direction control in it): every finding would name
    # another sheet than hers, or her marked-up copy could not be written. Naming it back is the whole fix.
    if not holding or not could_be_named(holding[0], fmt):
        raise SheetMissingError(path, form.sheet)
    return _under(form, holding[0]), form.sheet


#: What neither Excel nor Calc lets a sheet's name hold.
_NEVER_IN_A_NAME = frozenset("[]:*?/\\")
#: The longest sheet name a format holds: Excel's 31 (Calc cuts a longer one so when it saves an .xlsx);
#: an .ods any (Calc takes a school's whole name), and its marked-up copy is an .ods.
_LONGEST = {"xlsx": 31, "xls": 31}


def could_be_named(name: str, fmt: str = "") -> bool:
    """Whether a spreadsheet program gives a sheet of a ``fmt`` file the name ``name``, which is shown as it
    is (:func:`~sheetsync.text.one_line_shown`): a finding names the form's sheet as shown, and the
    marked-up copy tells the form's findings by that name (one shown otherwise had its cells left unmarked).

    Example::

        could_be_named("โรงเรียนวัดดอน"), could_be_named("Sheet[1]")  # (True, False)
    """
    return (0 < len(name) <= _LONGEST.get(fmt, len(name)) and not _NEVER_IN_A_NAME & set(name)
            and not name.startswith("'") and not name.endswith("'") and one_line_shown(name) == name)


def _under(form: Form, sheet: str) -> Form:
    """``form`` with its sheet named ``sheet``: made once per name ("Sheet1" comes back from many schools),
    so its work per form (:mod:`sheetsync.spec.formcache`, its validator) is done once, not for every file."""
    key = (id(form), sheet)
    kept = _RENAMED.pop(key, None)  # put back last: the one dropped is the one used least lately
    if kept is None or kept[0] is not form:
        if len(_RENAMED) >= KEPT:
            _RENAMED.pop(next(iter(_RENAMED)))
        kept = (form, dataclasses.replace(form, sheet=sheet))
    _RENAMED[key] = kept
    return kept[1]


#: (id of the form, the name it was renamed to) → (the form, kept so its id stays its own; renamed).
_RENAMED: dict[tuple[int, str], tuple[Form, Form]] = {}


def _holds(read: Callable[[str], Grid], name: str, locked: dict[str, tuple[int, int, str]]) -> bool:
    try:
        return holds_form(read(name), locked)
    except (SheetsyncError, CalamineError):  # a sheet that cannot be read is not the form's
        return False
