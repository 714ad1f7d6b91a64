"""The sheet-level reading of a returned file: a sheet's raw cells, and the template's identity in its
hidden metadata sheet (:data:`sheetsync.identity.META_SHEET`), which no teacher sees or types into, and
the form that identity names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterable, NoReturn

from python_calamine import CalamineWorkbook

from . import coerce
from .opener import Opener, sheet_rows
from ..formats.bounded import Bounds
from .. import limits
from ..errors import (CellUnreadableError, FormCopiedError, FormError, MetadataSheetDeletedError, NotOurFormError,
                      SheetMissingError, SheetsyncError, UnknownFormError)
from ..identity import META_SHEET
from ..spec.cells import column_letter
from ..spec.form import Form
from ..spec.registry import find_earlier_version, find_form_id, list_forms
from ..template.fingerprint import VALUE
from ..text import safe_value
from .shown import brief

__all__ = ["Grid", "known_forms", "raw_grid", "read_metadata", "resolve_form"]

Grid = list[list[Any]]


def raw_grid(path: Path, workbook: CalamineWorkbook, sheet: str, opener: Opener) -> Grid:
    """The cells of ``sheet`` as calamine reads them, every row from the first (not yet made safe).

    :raises SheetMissingError: the workbook has no such sheet (the teacher renamed it, say).
    """
    if sheet not in workbook.sheet_names:
        raise SheetMissingError(path, sheet)
    # skip_empty_area=False keeps cell positions exact even when the first rows are empty.
    return sheet_rows(path, workbook, sheet, opener.scanned.part(sheet) if opener.scanned is not None else None)


def read_metadata(path: Path, workbook: CalamineWorkbook, opener: Opener, forms: Callable[[], list[Form]] = list
                  ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The template's identity written in its hidden sheet (form id and version, recipient, issue …),
    the locked cells' hashes, ``{ref: hash}``, as the template was issued, and what the office filled in
    its locked cells, ``{ref: text}`` (none in a template issued before it was recorded: ``VALUE``).

    :raises NotOurFormError: no such sheet (not a template), or it is damaged (no form id or version,
        a cell of a kind the template never wrote there).
    :raises MetadataSheetDeletedError: no such sheet, but a sheet of one of ``forms()`` (the forms it may
        be, asked only then) is there, in the template's workbook: the hidden sheet was shown and deleted.
    :raises FormCopiedError: no such sheet, and the form put into a new workbook (:func:`_no_hidden_sheet`).
    :raises CellUnreadableError: a cell stops the sheet being read (``hidden``: no teacher can mend it).
    """
    if META_SHEET not in workbook.sheet_names:
        _no_hidden_sheet(path, workbook.sheet_names, opener, forms())
    meta: dict[str, str] = {}
    locked: dict[str, str] = {}
    values: dict[str, str] = {}
    text, cap = coerce.parse_text, limits.MAX_CELL_TEXT
    for number, row in enumerate(_hidden_rows(path, workbook, opener), 1):
        # Printable text of a cell's length with no space at either end is already safe (_safe) and
        # its own parse_text (the only printable white space is " ", and invisible characters are
        # not printable): most cells here. Any other value is made safe first, as _safe would.
        try:
            cells = [v if v.__class__ is str and len(v) <= cap and (not v or (v.isprintable() and v[0] != " " and v[-1] != " "))
                     else text(safe_value(v)) if v is not None else "" for v in row]
        except coerce.CoerceError as exc:  # a time or a true/false where we wrote text: the hidden part is damaged
            cell = f"{column_letter(1 + next(i for i, v in enumerate(row) if v is exc.raw))}{number}"
            raise NotOurFormError(path, f"the template metadata is damaged (the cell {cell} of the hidden sheet "
                                  f"{META_SHEET!r} holds {type(exc.raw).__name__}, not text)") from exc
        if len(cells) >= 3 and cells[0] == "locked":
            locked[cells[1]] = cells[2]
        elif len(cells) >= 3 and cells[0] == VALUE:
            values.update(_values(cells[2]))
        elif len(cells) >= 2 and cells[0]:
            meta[cells[0]] = cells[1]
    if "form_id" not in meta or "form_version" not in meta:
        raise NotOurFormError(path, "the template metadata is damaged (no form id or version)")
    return meta, locked, values


def _values(text: str) -> dict[str, str]:
    """A cell of values (:data:`~sheetsync.template.fingerprint.VALUE`): a JSON object ``{ref: text}``. The
    hidden sheet is the file's, to be typed into: anything else in it is no values (nor an error: they are
    a help, and each is used only where it makes up a signed hash)."""
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):  # "[[[[…" nested past the parser's depth is no values either
        return {}
    if not isinstance(found, dict):
        return {}
    return {ref: value for ref, value in found.items() if isinstance(value, str)}


def _hidden_rows(path: Path, workbook: CalamineWorkbook, opener: Opener) -> Grid:
    """The metadata sheet's rows; a cell there that stops it being read is said to be in a hidden sheet:
    no teacher can type that date again (see :class:`CellUnreadableError`)."""
    try:
        return raw_grid(path, workbook, META_SHEET, opener)
    except CellUnreadableError as exc:
        raise CellUnreadableError(path, exc.sheet, exc.cell, exc.detail, hidden=True) from exc


def known_forms(wanted: Form | None, dirs: Iterable[str | Path]) -> list[Form]:
    """The forms a file may hold: the wanted one, else every known form."""
    try:
        return [wanted] if wanted is not None else list(list_forms(dirs))
    except FormError:  # a broken layout in a folder given: no form to recognise the file by
        return []


#: How many sheets, and how many rows and columns of each, are looked into for a form's title, in a
#: file with no hidden sheet: a form pasted into a new workbook starts at its first cells.
TITLE_SHEETS, TITLE_BOUNDS = 3, Bounds(3, 8)


def _no_hidden_sheet(path: Path, names: list[str], opener: Opener, forms: list[Form]) -> NoReturn:
    """Why a file with no hidden sheet is refused. A sheet of the form's name in the template's workbook
    (its document properties carry the template's identity, or cannot be looked at: an .xls) lost the
    hidden sheet by hand, as one whose first cells hold the form's title (its sheet renamed too). The form
    in a workbook without them, under its sheet's name (copied to a new
    document) or with its title in the first cells of a sheet (all of it pasted into File > New), is a
    new file she made: the office's file is the one to fill in. Anything else is no form of ours."""
    named, ours = bool({f.sheet for f in forms} & set(names)), opener.carries_identity()
    titled = named or _titled(path, names, opener, {f.title for f in forms})
    # The form's sheet renamed too, in the template's own workbook: still the hidden sheet deleted.
    if (named and ours is not False) or (titled and ours):
        raise MetadataSheetDeletedError(path, META_SHEET)
    if titled:
        raise FormCopiedError(path)
    raise NotOurFormError(path, "not a sheetsync form (no template metadata); "
                                "please fill in the template you were sent")


def _titled(path: Path, names: list[str], opener: Opener, titles: set[str]) -> bool:
    """Whether one of the first sheets of ``names`` has one of ``titles`` in its first cells (a cell
    holding it, "** … **" around it or not)."""
    looked = names[:TITLE_SHEETS]
    if not titles or not looked:
        return False
    try:
        workbook = opener.open({name: TITLE_BOUNDS for name in looked})[0]
        cells = [v for name in looked for row in sheet_rows(path, workbook, name)[:TITLE_BOUNDS.rows]
                 for v in row[:TITLE_BOUNDS.columns] if isinstance(v, str)]
    except SheetsyncError:  # what cannot be looked into says nothing: the file is no form of ours, as before
        return False
    return any(title in value for value in cells for title in titles if title)


def resolve_form(path: Path, meta: dict[str, str], wanted: Form | None, dirs: Iterable[str | Path]) -> Form:
    """The form ``meta`` (the hidden sheet's identity) names: ``wanted`` when given and the same, else the
    known form of that id, or its earlier layout kept beside it for the file's major version.

    :raises NotOurFormError: the file is of another form than ``wanted``.
    :raises UnknownFormError: no such form, or not of that major version.
    """
    form_id, version, dirs = meta["form_id"], meta["form_version"], tuple(dirs)
    if wanted is not None and wanted.id != form_id:
        # Quoted briefly, as a cell's value is: the hidden sheet can be unhidden and typed into.
        raise NotOurFormError(path, f"this is the form {brief(form_id)!r}, not {wanted.id!r}")
    try:
        # The id comes from the school's file: it is looked up among known forms, never a path.
        form = wanted or find_form_id(form_id, dirs)
    except UnknownFormError as exc:
        raise UnknownFormError(f"{path.name}: {exc}") from exc
    major = str(version).split(".")[0]
    # isascii: "²" is a digit to isdigit() that int() refuses.
    if major != str(form.major_version) and major.isascii() and major.isdigit() and len(major) < 4:
        # An earlier layout kept beside the form (<id>@<major>.yaml) reads its old files.
        form = find_earlier_version(form_id, int(major), (*dirs, form.source.parent)) or form
    if major != str(form.major_version):
        raise UnknownFormError(f"{path.name}: made from version {brief(version)} of {brief(form_id)!r}, but this is version "
                               f"{form.version}; please fill in a template of version {form.major_version}.x")
    return form
