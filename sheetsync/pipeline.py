"""One pass per file: read, identify and validate each returned file once, for every consumer.

:func:`check_file` turns one path into a :class:`FileResult`: its SHA-256, the data, source map
and identity read from it, and its findings — or, when it cannot be read, the reason as a
finding (code ``file-unreadable``). Reports, e-mails and the office's store all take that object;
nothing reads a file twice.

This is also the one boundary where an unexpected exception (a bug of ours, a library failing
on a hostile file) is caught: it becomes the file's outcome (code ``internal-error``), its
traceback goes to the ``sheetsync`` logger, and the run goes on with the next file.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from .files import open_regular
from .errors import (CellUnreadableError, FormCopiedError, FormError, IncompleteFileError, KeyFileError, LimitError,
                     MetadataSheetDeletedError, NotOurFormError, SavedAsOtherTypeError, SheetMissingError, SheetTwiceError, SheetsyncError, UnknownFormError,
                     UnreadableFileError, UnsafeFileError)
from .identity import OFFICE, KeyArg
from .spec.form import Form
from .messages import LANGS, render
from .check.added import told_apart
from .check.places import CellRef
from .check.reader import Filled, read_filled
from .check.report import Finding, Report, Result, Unread
from .check.shown import brief
from .check.validate import validate
from .limits import MAX_SHOWN_TEXT

LOG = logging.getLogger("sheetsync")
#: Files that cannot be read whose reason says how to mend the file itself (name its sheet back, save it again).
FIXED_IN_THE_FILE = (SheetMissingError, SavedAsOtherTypeError, CellUnreadableError)
#: The reasons (:attr:`UnreadableFileError.why`) that say how to mend the file itself: no template asked for again.
FIXED_WHYS = ("why.encrypted", "why.macros", "why.xlsb")
UNREADABLE, INTERNAL = "file-unreadable", "internal-error"
#: The one OS error a file's own bytes can cause: a damaged zip names a negative offset to seek to.
CONTENT_ERRNOS = frozenset({errno.EINVAL})


@dataclass
class FileResult:
    """Everything known about one returned file after its single pass.

    Exactly one of ``report`` (the file was read; it may still hold errors) and ``failure`` (why it
    could not be read) is set. ``outputs`` are the report files written for it, if any.
    """

    path: Path
    sha256: str = ""
    filled: Filled | None = None
    report: Report | None = None
    failure: Finding | None = None
    outputs: list[Path] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)  # why it was not read, in plain words per language (:func:`why_not_read`)
    #: Why the file could not be read this time when its bytes are not the reason (it was renamed,
    #: moved or locked meanwhile, the disk failed): "" otherwise. Such a file is read again later.
    retry: str = ""
    #: The file ends before its container does (:class:`IncompleteFileError`): damaged, or still being
    #: copied in. The office waits a while for more of it before it refuses it (office/arriving.py).
    incomplete: bool = False

    def slim(self) -> None:
        """Keep only what a run's summaries and digest need once the file is recorded: no data, and
        each finding's value quoted as its message quotes it (a cell may hold 32,767 characters and
        a crafted file fills every cell: ~9 MB a file, kept for the whole run)."""
        self.filled = None
        if self.report is not None:
            self.report.findings = [f if not isinstance(f.value, str) or len(f.value) <= MAX_SHOWN_TEXT
                                    else replace(f, value=brief(f.value)) for f in self.report.findings]

    @property
    def readable(self) -> bool:
        """True when the file was read as a form (valid or not)."""
        return self.report is not None

    @property
    def valid(self) -> bool:
        """True when the file was read and has no error."""
        return self.report is not None and self.report.valid

    @property
    def error(self) -> str | None:
        """Why the file could not be read, as one line naming it (None when it was read)."""
        return None if self.failure is None else str(self.failure.value)

    @property
    def result(self) -> Result:
        """What the batch renderers take: the report, or the file and the finding saying why it was not read."""
        if self.report is not None:
            return self.report
        return Unread(self.path, self.failure or failure(self.path, UNREADABLE, f"{self.path.name}: not checked"),
                      dict(self.why))

    @property
    def data(self) -> dict[str, Any]:
        """The data read ({} when unreadable)."""
        return self.filled.data if self.filled is not None else {}

    @property
    def source_map(self) -> dict[str, CellRef]:
        """JSON pointer → cell ({} when unreadable)."""
        return self.filled.source_map if self.filled is not None else {}

    @property
    def metadata(self) -> dict[str, str]:
        """The template identity recorded in the file: form, version, template id, recipient, issue time."""
        return self.filled.metadata if self.filled is not None else {}

    @property
    def form(self) -> Form | None:
        """The file's form (None when unreadable)."""
        return self.filled.form if self.filled is not None else None


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes (how the office knows a file it has seen).

    :raises NotAFileError: ``path`` is a folder, a pipe or a device (never read: it could block or never end).
    """
    with open_regular(path) as handle:
        return sha256_from(handle)


def sha256_from(handle: BinaryIO) -> str:
    """The SHA-256 of an opened file's bytes, read from its start (and left at its end)."""
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def check_file(path: str | Path, *, form: Form | None = None, forms_dirs: Iterable[str | Path] = (),
               sha256: str | None = None, key: KeyArg = OFFICE, stream: BinaryIO | None = None) -> FileResult:
    """Hash, read and validate one file; never raises for anything the file causes.

    The file is opened once: its hash and everything checked come from that one open file.

    :param form: the form the file must be (default: the one its metadata names).
    :param sha256: the hash, when the caller already computed it (from ``stream``).
    :param key: the office key the template's identity must be signed with (see
        :func:`sheetsync.check.validate.validate`; an office passes its own key file's key).
    :param stream: the file, already opened by the caller (:func:`sheetsync.files.open_regular`;
        the office opens inbox files without following links); ``path`` then only names it.

    Example::

        result = check_file("inbox/school-01.xlsx")
        print(result.sha256[:12], result.valid, result.error)
    """
    path = Path(path)
    result = FileResult(path, sha256 or "")
    before: os.stat_result | None = None
    try:
        with _opened(path, stream) as handle:
            before = os.fstat(handle.fileno())
            if not result.sha256:
                result.sha256 = sha256_from(handle)
            result.filled = read_filled(path, form=form, forms_dirs=forms_dirs, stream=handle)
            changed = _changed(before, os.fstat(handle.fileno()))
        if changed:  # written to while it was read: what was read may be half of each
            raise OSError(errno.EAGAIN, "the file was changed while it was read")
        result.report = validate(result.filled, key=key)
    except KeyFileError:
        raise  # the office's own key cannot be used: its state, not the school's file (the run stops, one line)
    except FormError as exc:  # a layout of the office's (met finding the form a file names): not the file's doing
        result.filled, result.report = None, None
        result.why = {lang: render("why.internal", lang) for lang in LANGS}
        result.failure = failure(path, INTERNAL, f"{path.name}: the office's form cannot be loaded: {exc}"[:300])
    except (SheetsyncError, OSError) as exc:
        reason = str(exc) if isinstance(exc, SheetsyncError) else f"{path.name}: {exc.strerror or exc}"
        result.filled, result.report = None, None
        result.why = why_not_read(exc)
        result.failure = failure(path, UNREADABLE, reason, result.why.get("th", ""),
                                 fix_in_file=_fixed_in_the_file(exc))
        result.incomplete = isinstance(exc, IncompleteFileError)
        result.retry = _not_its_bytes(exc) or (_moved(path, before) if stream is None else _rewritten(stream, before))
    except Exception as exc:  # noqa: BLE001 - the one boundary: a bug must not stop the office's run
        LOG.exception("internal error while checking %s", path)
        result.filled, result.report = None, None
        result.why = {lang: render("why.internal", lang) for lang in LANGS}  # not the school's doing
        result.failure = failure(path, INTERNAL, f"{path.name}: internal error ({type(exc).__name__}: {exc})"[:300])
    return result


def _fixed_in_the_file(exc: BaseException) -> bool:
    """Whether the reason says how to mend this very file (a password taken off, saved as .xlsx); a
    date in the hidden metadata sheet is no teacher's to mend."""
    if isinstance(exc, CellUnreadableError) and exc.hidden:
        return False
    return isinstance(exc, FIXED_IN_THE_FILE) or (isinstance(exc, UnreadableFileError) and exc.why in FIXED_WHYS)


def _not_found(exc: BaseException) -> bool:
    """Whether ``exc`` is, or was raised from, a file that is not there."""
    return isinstance(exc, FileNotFoundError) or isinstance(exc.__cause__, FileNotFoundError)


def _not_its_bytes(exc: BaseException) -> str:
    """The OS error that ``exc`` comes from, when it is the file system's doing (missing, locked, a
    disk or network failure), not something the file's bytes caused; "" otherwise."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError) and not isinstance(cause, SheetsyncError) and cause.errno is not None \
                and cause.errno not in CONTENT_ERRNOS:
            return str(cause.strerror or cause)
        cause = cause.__cause__  # only what was raised *from*: a context may be any error handled on the way
    return ""


@contextmanager
def _opened(path: Path, stream: BinaryIO | None) -> Iterator[BinaryIO]:
    """``stream`` as it is (its caller closes it), else ``path`` opened here and closed after."""
    if stream is not None:
        yield stream
        return
    with open_regular(path) as handle:
        yield handle


def _changed(before: os.stat_result, after: os.stat_result) -> bool:
    return (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)


def _rewritten(stream: BinaryIO, before: os.stat_result | None) -> str:
    """Why a failure may be the opened file's being written to meanwhile (its name no longer
    matters: it was read through ``stream``); "" when it held still."""
    try:
        changed = before is not None and _changed(before, os.fstat(stream.fileno()))
    except OSError:
        return ""
    return "the file was changed while it was read" if changed else ""


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _moved(path: Path, before: os.stat_result | None) -> str:
    """Why the failure may be the file's moving rather than its bytes: it is gone, or another file
    is at ``path`` now (renamed, moved by an antivirus, replaced); "" when it held still."""
    after = _stat(path)
    if before is None:  # not even opened: its bytes were not the reason
        return "" if after is not None else "the file was moved or deleted while it was read"
    if after is None:
        return "the file was moved or deleted while it was read"
    same = (before.st_ino, before.st_size, before.st_mtime_ns) == (after.st_ino, after.st_size, after.st_mtime_ns)
    return "" if same else "the file was changed while it was read"


def check_files(paths: Iterable[str | Path], *, form: Form | None = None,
                forms_dirs: Iterable[str | Path] = (), key: KeyArg = OFFICE) -> Iterator[FileResult]:
    """:func:`check_file` for each path, lazily (results are streamed, not kept)."""
    dirs = tuple(forms_dirs)
    for path in paths:
        yield check_file(path, form=form, forms_dirs=dirs, key=key)


def failure(path: Path, code: str, reason: str, why_th: str = "", *, fix_in_file: bool = False) -> Finding:
    """The finding that stands for a file which could not be read; ``value`` is the one-line reason.

    The Thai message says why in Thai (``why_th``, by default that the file cannot be opened),
    then the reader's own words; the English one gives the reader's words. Both end asking for the
    office's template again, unless ``fix_in_file``: the reason then says how to mend this very file
    (asked for the template again, the teacher would fill it in again for nothing)."""
    short = reason.removeprefix(f"{path.name}: ")
    why = why_th or render("why.unreadable", "th")
    said = f"{code}.this-file" if fix_in_file else code
    return Finding(code, "error", "", "", "", reason, render(said, "th", file=path.name, reason=short, why=why),
                   render(said, "en", file=path.name, reason=short))


def why_not_read(exc: BaseException) -> dict[str, str]:
    """Why a file could not be read, in words a teacher reads, per language ({"th": …, "en": …}):
    a limit's own message, else a sentence for the kind of error."""
    if isinstance(exc, LimitError):
        return {lang: exc.message(lang).removeprefix(f"{exc.path.name}: ") for lang in LANGS}
    if _not_found(exc):  # a mistyped name on the command line: "damaged" would send the clerk the wrong way
        return {lang: render("why.not-found", lang) for lang in LANGS}
    if isinstance(exc, SheetMissingError) and exc.among:  # renamed, and a copy too: which she filled is hers to say
        sheets = ", ".join(f"'{told_apart(name, exc.sheet)}'" for name in exc.among)
        return {lang: render("why.sheet-renamed-which", lang, sheet=exc.sheet, sheets=sheets) for lang in LANGS}
    if isinstance(exc, SheetMissingError):  # the teacher renamed it: naming it back is the whole fix
        return {lang: render("why.sheet-renamed", lang, sheet=exc.sheet) for lang in LANGS}
    if isinstance(exc, FormCopiedError):  # a new file of her own: the office's file is the one to fill in
        return {lang: render("why.form-copied", lang) for lang in LANGS}
    if isinstance(exc, MetadataSheetDeletedError):  # what she did, and the file to send instead
        return {lang: render("why.hidden-sheet-deleted", lang, sheet=exc.sheet) for lang in LANGS}
    if isinstance(exc, CellUnreadableError) and exc.hidden:  # no cell she sees: the original, or a fresh template
        return {lang: render("why.hidden-part-damaged", lang, cell=exc.cell, sheet=exc.sheet) for lang in LANGS}
    if isinstance(exc, CellUnreadableError):  # one cell to type again, not a damaged file to fill in anew
        return {lang: render("why.cell-unreadable", lang, cell=exc.cell, sheet=exc.sheet) for lang in LANGS}
    if isinstance(exc, SheetTwiceError):  # hand-made: the file as filled, or a fresh template
        return {lang: render("why.sheet-twice", lang, sheet=brief(exc.sheet)) for lang in LANGS}
    if isinstance(exc, SavedAsOtherTypeError):  # "damaged" would have the teacher fill it in again
        return {lang: render("why.saved-as", lang, kind=exc.kind) for lang in LANGS}
    if isinstance(exc, UnreadableFileError) and exc.why:  # what this file is, and what to do with it
        return {lang: render(exc.why, lang) for lang in LANGS}
    kinds = ((UnsafeFileError, "why.unsafe"), (NotOurFormError, "why.not-our-form"),
             (UnknownFormError, "why.unknown-form"))
    code = next((code for kind, code in kinds if isinstance(exc, kind)), "why.unreadable")
    return {lang: render(code, lang) for lang in LANGS}
