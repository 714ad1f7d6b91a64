"""Every exception sheetsync raises on purpose, in one tree with one base::

    SheetsyncError
    ├── FormError              (ValueError)   a layout and its schema are broken or disagree (the office's files)
    ├── BadInputError          (ValueError)   something handed to sheetsync cannot be used; names it
    │   ├── UnreadableFileError               not a spreadsheet we can read (names the file)
    │   │   ├── NotAFileError                 a link, folder, pipe or device where a file was expected
    │   │   ├── IncompleteFileError           it ends before its container does (damaged, or still being copied)
    │   │   ├── SavedAsOtherTypeError         a spreadsheet saved as a type not read (.fods); ``kind`` names it
    │   │   ├── CellUnreadableError           one cell stops the sheet being read (``sheet``, ``cell``, ``hidden``)
    │   │   ├── SheetTwiceError               two sheets of one name, which no program saves (``sheet``)
    │   │   └── UnsafeFileError               a zip bomb, macros, encryption, external links, oversize
    │   │       └── LimitError                beyond one of sheetsync.limits (size, cells, entities); ``code``
    │   ├── NotOurFormError                   a spreadsheet, but not a template of a known form
    │   │   ├── SheetMissingError             the form sheet not there, nor told (renamed); ``sheet``, ``among``
    │   │   ├── MetadataSheetDeletedError     its hidden sheet deleted, the form's sheet still there; ``sheet``
    │   │   └── FormCopiedError               the form copied into a new workbook, not the template sent
    │   ├── UnknownFormError   (LookupError)  no form with that id, or a version we cannot read
    │   ├── UnsupportedFormatError            a file type sheetsync cannot write or read
    │   ├── DataError                         prefill data that does not fit the form
    │   └── RosterError                       a roster that is unreadable or inconsistent (names file and line)
    ├── MailError                             a message cannot be composed or sent
    │   ├── SendError                         one message was not delivered (``reason``, ``fatal``, ``delivered``)
    │   └── MessageTooComplexError            a received message has more MIME parts, or deeper, than the limits
    ├── OfficeError                           the office folder or its sheetsync.toml cannot be used (exit 2)
    ├── OfficeBusyError                       another run is working on this office's store
    ├── StoreError                            the office's store cannot be opened, read or written
    ├── MasterError                           anything about the master view
    │   ├── MasterFormatError  (ValueError)   not a sheetsync master, or a damaged one
    │   └── MasterWriteError   (OSError)      the view could not be written (the old one is kept)
    ├── CoerceError            (ValueError)   a typed cell value cannot be understood (always becomes a finding)
    ├── KeyFileError           (OSError)      the office key cannot be created or read, or is not private
    ├── InboxError             (OSError)      the inbox folder cannot be listed (gone, not a folder)
    └── OutputError            (OSError)      a result could not be written (names the path)

The command line maps them to exit codes: a :class:`BadInputError` is 2 (like a usage error), any
other :class:`SheetsyncError` is 3. Validation problems in a school's file are *not* exceptions:
they are findings (see :mod:`sheetsync.check.report`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .messages import render
from .text import brief


class SheetsyncError(Exception):
    """Base class of every error sheetsync raises on purpose."""


class FormError(SheetsyncError, ValueError):
    """A form layout or schema is broken, or the two disagree; the message names the YAML entry.

    ``th`` says it in Thai (shown first: form authors are office staff); when not given, a Thai line
    naming the place and pointing to the English (:func:`thai_frame`).
    """

    def __init__(self, message: str = "", *, th: str = "") -> None:
        super().__init__(message)
        self.th = th or thai_frame(message)


class BadInputError(SheetsyncError, ValueError):
    """Something given to sheetsync (a returned file, prefill data, a roster, a form id) cannot be used;
    ``th`` says it in Thai (shown first), when known."""

    def __init__(self, message: str = "", *, th: str = "") -> None:
        super().__init__(message)
        self.th = th


class UnreadableFileError(BadInputError):
    """A file cannot be read as a spreadsheet; the message names the file (``th``: in Thai, when known).

    ``why``, when known, is the catalogue entry that tells a teacher what this file is and what to do
    (``why.encrypted``, ``why.csv`` …): "damaged" would send them the wrong way."""

    def __init__(self, path: str | Path, reason: str, *, th: str = "", why: str = "") -> None:
        self.path = Path(path)
        self.reason = reason
        self.why = why
        super().__init__(f"{self.path.name}: {reason}", th=th)


class NotAFileError(UnreadableFileError):
    """The path names no regular file: a link (where links are not followed), a folder, a pipe or a
    device. Nothing is read from it (a pipe would block the run, a device never end); ``kind`` says which."""

    def __init__(self, path: str | Path, kind: str) -> None:
        self.kind = kind
        super().__init__(path, f"not a file (it is {kind})")


class IncompleteFileError(UnreadableFileError):
    """The file ends before its container does: no bytes at all, fewer than its signature, a zip
    without its central directory (which a zip keeps at its very end), a compound file whose sectors
    lie past its end. Damaged — or still being copied in by a writer that paused: the office waits
    a while for such a file (:mod:`sheetsync.office.arriving`) before it refuses it."""


class SavedAsOtherTypeError(UnreadableFileError):
    """A spreadsheet, but saved as a type sheetsync does not read: Calc's "Save As" offers a flat XML
    .fods beside .ods, and an Excel 2003 XML. Nothing typed is lost: saving it again as .ods or .xlsx is
    the whole fix, so the school is told that, not that the file is damaged. ``kind`` names the type."""

    def __init__(self, path: str | Path, kind: str) -> None:
        self.kind = kind
        super().__init__(path, f"saved as {kind}, which is not read here; open it and save it again "
                               "(File > Save As) as .ods or .xlsx")


class CellUnreadableError(UnreadableFileError):
    """One cell of ``sheet`` stops the whole sheet being read: a number in a date- or time-formatted
    cell that no date or time can be (calamine makes such a cell a date as it builds the sheet, and a
    number far out of range breaks the build). Typing the date in ``cell`` again is the whole fix —
    unless the sheet is ``hidden`` (the template's metadata, which no teacher sees or types into):
    the file's hidden part is then damaged, and the file cannot be mended by her."""

    def __init__(self, path: str | Path, sheet: str, cell: str, detail: str, *, hidden: bool = False) -> None:
        self.sheet = sheet
        self.cell = cell
        self.detail = detail
        self.hidden = hidden
        what = f"the cell {cell} of the sheet {sheet!r} holds a number that no date or time can be ({detail})"
        super().__init__(path, f"the file's hidden part is damaged: {what}" if hidden
                         else f"{what}; type the date in it again")


class SheetTwiceError(UnreadableFileError):
    """Two sheets of one name — or of names told apart only by case, which Calc and Excel both take for
    one name (:func:`sheetsync.check.opener.one_name_each`). Neither program saves such a file (each
    refuses the second name), so it was made or changed by other means, and which of the two a reader
    takes is that reader's choice: a second metadata sheet once gave the file the identity written in
    it. ``sheet`` is the second name as written, ``first`` the one it repeats."""

    def __init__(self, path: str | Path, sheet: str, first: str) -> None:
        self.sheet = sheet
        self.first = first
        also = "" if first == sheet else f" (as {brief(first)!r} is: sheet names ignore case)"
        super().__init__(path, f"two sheets named {brief(sheet)!r}{also}, which no spreadsheet program saves; "
                               "the file was changed by other means")


class UnsafeFileError(UnreadableFileError):
    """A file was refused before parsing: zip bomb, macros, encryption, external links or oversize."""


class LimitError(UnsafeFileError):
    """A file exceeds one of the limits of :mod:`sheetsync.limits`; ``code`` names its message.

    The exception's text is the English message; :meth:`message` gives either language.
    """

    def __init__(self, path: str | Path, code: str, **params: Any) -> None:
        from .messages import render

        self.code = code
        # A part's or a sheet's name is the file's own (a zip member's up to 64 KB): quoted briefly, as a value is
        self.params: dict[str, Any] = {"file": Path(path).name,
                                       **{k: brief(v) if isinstance(v, str) else v for k, v in params.items()}}
        super().__init__(path, render(code, "en", **self.params))

    def message(self, lang: str = "th") -> str:
        """The message in ``lang`` ("th" or "en"), naming the file."""
        from .messages import render

        return f"{self.path.name}: {render(self.code, 'th' if lang == 'th' else 'en', **self.params)}"


class NotOurFormError(BadInputError):
    """The file is a spreadsheet but not a template produced by sheetsync."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class SheetMissingError(NotOurFormError):
    """The form's sheet is not in the file: a person renamed it (Calc keeps no workbook structure
    lock) or deleted it. ``sheet`` is the name it must have; ``among``: the sheets that each hold the
    form, when more than one does (a renamed form and a renamed copy of it: which was filled is not guessed)."""

    def __init__(self, path: str | Path, sheet: str, among: tuple[str, ...] = ()) -> None:
        self.sheet, self.among = sheet, among
        which = f" (the sheets {', '.join(map(repr, among))} each hold the form)" if among else ""
        super().__init__(path, f"the sheet {sheet!r} is missing; was it renamed?{which} Name it {sheet!r} again")


class MetadataSheetDeletedError(NotOurFormError):
    """The template's hidden sheet (``sheet``) is not in the file, but a form's own sheet is: a person
    showed the hidden sheet and deleted it (Calc keeps no workbook structure lock), not a new file."""

    def __init__(self, path: str | Path, sheet: str) -> None:
        self.sheet = sheet
        super().__init__(path, f"the template's hidden sheet {sheet!r} was deleted; send the file as filled "
                               "before that, or fill in a fresh template")


class FormCopiedError(NotOurFormError):
    """The form, with no template's hidden sheet and none of its document properties: a new workbook the
    form was copied into (all of it pasted into File > New, or its sheet copied to a new document), not
    the file the office sent; her values belong in that file."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path, "a new workbook the form was copied into, not the template the office sent; "
                               "type (or paste the values) into the template received, and send that")


class UnknownFormError(BadInputError, LookupError):
    """No form with this id is known, or the file's form version cannot be read; ``th`` says it in Thai
    (shown first), when known."""


class UnsupportedFormatError(BadInputError):
    """A file format sheetsync cannot write (or read)."""


class DataError(BadInputError):
    """Prefill data does not fit the form (unknown key, too many rows, wrong type)."""


class RosterError(BadInputError):
    """The roster cannot be used: unreadable, a missing column, a duplicate id or a bad e-mail.

    The message names the file and, where there is one, the line.
    """


class MailError(SheetsyncError):
    """A message cannot be composed or sent, or the mailbox read: bad configuration, a bad address, an
    outbox problem, a server that cannot be reached; ``th`` says so in Thai (shown first), when known."""

    def __init__(self, message: str = "", *, th: str = "") -> None:
        super().__init__(message)
        self.th = th


class MessageTooComplexError(MailError):
    """A received message has more MIME parts, or parts nested deeper, than any mail program writes
    (:data:`sheetsync.limits.MAX_MIME_PARTS`, ``MAX_MIME_DEPTH``); the fetch refuses it whole."""


class SendError(MailError):
    """One message was not delivered; ``reason`` is one line saying why.

    ``fatal`` is true when no further message can get through either (the server cannot be
    reached, or the login failed), so a batch stops instead of failing the same way many times.
    ``delivered`` is true when some recipients took the message and others refused it: it must
    not be sent again as is. ``th`` and ``en``, when known, are the two halves of a ``reason`` said
    Thai first (``"<th> / <en>"``), so a line about it can put its own words in each half.
    """

    def __init__(self, reason: str, *, fatal: bool = False, delivered: bool = False, th: str = "",
                 en: str = "") -> None:
        self.reason = reason
        self.fatal = fatal
        self.delivered = delivered
        self.en = en
        # Its text is the English half when the Thai is apart (a command prints "<th> / <text>"), else the reason.
        super().__init__(en if th and en else reason, th=th if en else "")


class OfficeError(BadInputError):
    """The office folder or its ``sheetsync.toml`` cannot be used (the message names the file)."""


class OfficeBusyError(SheetsyncError):
    """Another sheetsync run is working on this office's store."""


class StoreError(SheetsyncError):
    """The office's store cannot be opened, read or written (the run stops; nothing is lost);
    ``th`` says so in Thai (shown first), when known (a damaged store: restore it from a backup)."""

    def __init__(self, message: str, *, th: str = "") -> None:
        super().__init__(message)
        self.th = th


class MasterError(SheetsyncError):
    """Base class of the master workbook's errors; ``th`` says one in Thai (shown first), when known."""

    def __init__(self, message: str, *, th: str = "") -> None:
        super().__init__(message)
        self.th = th


class MasterFormatError(MasterError, ValueError):
    """The file is not a master written by sheetsync, or its data sheet is damaged."""

    def __init__(self, master: Path, reason: str, *, th: str = "") -> None:
        self.master = master
        self.reason = reason
        super().__init__(f"{master.name}: {reason}", th=f"{master.name}: {th}" if th else "")


class MasterWriteError(MasterError, OSError):
    """The new master (or its backup) could not be written; the old master is left as it was.

    The message is English (logs, tests, whoever helps); ``th`` says the same to the clerk, and the
    command line shows it first."""


class CoerceError(SheetsyncError, ValueError):
    """A cell value cannot be read as the wanted type (internal: the reader turns it into a finding).

    ``code`` is a stable slug (``"not-a-date"``, ``"not-a-number"``, ...) for the caller
    to map to a message; ``raw`` is the cell value exactly as it was read; ``params`` are what
    the message needs besides (for ``"no-such-day"``: the day, the month, how many days it has).
    """

    def __init__(self, code: str, raw: object, params: Mapping[str, object] | None = None) -> None:
        # All go into args so the exception survives pickling (multiprocessing).
        super().__init__(code, raw, params)
        self.code = code
        self.raw = raw
        self.params: Mapping[str, object] = params or {}

    def __str__(self) -> str:
        return f"{self.code}: {self.raw!r}"


class OutputError(SheetsyncError, OSError):
    """A result file could not be written; ``th`` says so in Thai (shown first), when known."""

    def __init__(self, message: str, *, th: str = "") -> None:
        super().__init__(message)
        self.th = th


class KeyFileError(SheetsyncError, OSError):
    """The office key file cannot be created or read, or is not safe (readable by others); ``th``
    says so in Thai (shown first), when known."""

    def __init__(self, message: str, *, th: str = "") -> None:
        super().__init__(message)
        self.th = th


class InboxError(SheetsyncError, OSError):
    """The inbox folder cannot be listed (deleted, renamed, not a folder): the run stops before any
    file, and ``th`` says so in Thai (shown first)."""

    def __init__(self, message: str, *, th: str = "") -> None:
        super().__init__(message)
        self.th = th


def is_parser_panic(exc: BaseException) -> bool:
    """Whether ``exc`` is a panic of python-calamine's Rust code: pyo3 raises it as ``PanicException``,
    a :class:`BaseException` (like ``KeyboardInterrupt``) that ``except Exception`` lets through. A
    damaged .xls makes calamine panic (a sheet past its stream, a record too short): that file is
    unreadable, and must never stop the run."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


_LINE = re.compile(r" line (\d+)")
_COLUMN = re.compile(r" column (\d+)")


def thai_place(place: str) -> str:
    """``place`` as :func:`sheetsync.spec.entries.yaml_place` writes it, its line and column said in Thai.

    Example::

        thai_place("school-lunch.yaml line 61 (tables[0].columns[1], pupil)")
        # 'school-lunch.yaml บรรทัด 61 (tables[0].columns[1], pupil)'
    """
    head, paren, rest = place.partition(" (")  # the entry's keys in brackets stay as the file spells them
    return _COLUMN.sub(r" ตัวอักษรที่ \1", _LINE.sub(r" บรรทัด \1", head)) + paren + rest


def thai_frame(message: str) -> str:
    """The Thai of a form author's mistake ``message`` (English, ``"<place>: <what>"``) that
    ``messages/form.yaml`` does not word: where to look, and that the English after it says what to change."""
    place, found, _ = message.partition(": ")
    if not found:
        return render("form.mistake.nowhere", "th", source="form.yaml")
    return render("form.mistake", "th", source="form.yaml", place=thai_place(place))
