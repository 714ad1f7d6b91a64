"""Small file utilities every part of sheetsync shares: opening a file to read, atomic writes and
unique names."""

from __future__ import annotations

import errno
import glob
import hashlib
import itertools
import os
import secrets
import stat
import time
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from .errors import NotAFileError, OutputError
from .messages import Lang, render

#: An open never waits: a pipe or device would block or never end; only a regular file is read,
#: and for a regular file O_NONBLOCK changes nothing.
READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
#: Makes the open fail on a link instead of following it. Windows has no such flag (and ordinary
#: users make no links there): a link is then looked for by name, which is the best it allows.
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: What an open with O_NOFOLLOW fails with on a link (Linux, macOS: ELOOP; FreeBSD: EMLINK).
LINK_ERRNOS = frozenset({errno.ELOOP, errno.EMLINK})


def open_regular(path: str | Path, *, follow_links: bool = True) -> BinaryIO:
    """Open ``path`` for reading, binary, only if it is a regular file (checked on the open file,
    so nothing can be swapped in between the look and the read).

    Everything read through the returned file is the file that was opened, whatever happens to
    its name meanwhile: a caller that hashes, checks and copies from it stores what it checked.

    :param follow_links: False for a name someone else may have made (the inbox): a link there
        is never opened, whatever it points to.
    :raises NotAFileError: a link (when not followed), a folder, a pipe, a device.
    :raises OSError: missing, refused, or another failure of the file system.
    """
    flags = READ_FLAGS | (0 if follow_links else NO_FOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_links and exc.errno in LINK_ERRNOS and os.path.islink(path):
            raise NotAFileError(path, "a link; links are never followed") from exc
        if os.path.isdir(path):  # Windows refuses to open a folder at all
            raise NotAFileError(path, "a folder") from exc
        raise
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind is None and not follow_links and not NO_FOLLOW and os.path.islink(path):
            kind = "a link; links are never followed"
        if kind is not None:
            raise NotAFileError(path, kind)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp_path)`` and move the result over ``path`` only once it is complete.

    A reader (or a clerk's program) never sees a half-written file, and a run killed midway
    leaves the old file in place. The temporary file sits beside ``path`` (same disk, so the
    final rename is atomic) and is removed whatever happens.

    :raises OutputError: naming ``path`` when its folder cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = open_temp(path.parent, *temp_affixes(path), like=path)
        os.close(fd)
    except OSError as exc:
        raise _cannot_write("file.cannot-write-here", path, exc, replacing=False) from exc
    try:
        write(tmp)
        replace(tmp, path)
    except OSError as exc:
        raise _cannot_write("file.cannot-write", path, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)


#: At most this many bytes of the target's stem go into its temporary's name, and a suffix longer than
#: :data:`TEMP_SUFFIX_BYTES` becomes ``.tmp``: the temporary's name stays well inside the 255 bytes a
#: file system allows one name (ext4), whatever the target's (85 Thai letters are 255 bytes).
TEMP_STEM_BYTES = 60
TEMP_SUFFIX_BYTES = 16
#: Hex digits of the whole name's digest after a stem that was cut, so that the temporaries (and a
#: master's backups, :func:`fitted_name`) of names cut alike are told apart (:func:`temp_pattern` finds
#: only its own).
TEMP_DIGEST_DIGITS = 8
#: Random bytes in a temporary's name (twice as many hex digits).
TEMP_RANDOM_BYTES = 6
#: Linux's (ext4's) and most file systems' limit on one name, in bytes.
NAME_MAX = 255


def temp_affixes(path: Path) -> tuple[str, str]:
    """The prefix and suffix of ``path``'s temporary in :func:`write_atomically`: a dot (hidden, so the
    inbox and a clerk's folder view pass it over), the start of its stem (recognisable beside it) and
    its suffix (a writer may go by it); bounded, since a name near the limit plus a random part
    would not fit. A name cut short carries a digest of the whole: the leftovers of one are then never
    taken for another's (:func:`temp_pattern`)."""
    suffix = path.suffix if len(os.fsencode(path.suffix)) <= TEMP_SUFFIX_BYTES else ".tmp"
    stem = _cut(path.stem, TEMP_STEM_BYTES)
    if stem != path.stem or suffix != path.suffix:  # cut: two names alike in their first bytes (two masters in one folder) differ here
        stem += _digest(path.name)
    return f".{stem}-", suffix


def temp_pattern(path: Path) -> str:
    """A glob pattern matching the temporaries :func:`open_temp` makes for ``path`` with
    :func:`temp_affixes` (what a run killed while writing it leaves beside it)."""
    prefix, suffix = temp_affixes(path)
    return os.path.join(glob.escape(str(path.parent)), f"{glob.escape(prefix)}{'[0-9a-f]' * 2 * TEMP_RANDOM_BYTES}{glob.escape(suffix)}")


def fitted_name(name: str, tail: str) -> str:
    """``name`` followed by ``tail``, its stem cut (between whole characters, its suffix kept) when the
    whole would pass :data:`NAME_MAX` bytes: ``master.xlsx`` + ``.bak`` → ``master.xlsx.bak``. A stem
    cut ends in a digest of the whole ``name``: two names alike but for their last letters (two masters in
    one folder) are not given one backup."""
    if len(os.fsencode(name + tail)) <= NAME_MAX:
        return name + tail
    stem, suffix, digest = Path(name).stem, Path(name).suffix, _digest(name)
    return _cut(stem, NAME_MAX - len(os.fsencode(digest + suffix + tail))) + digest + suffix + tail


def _digest(name: str) -> str:
    """What a name cut short ends in to stay told apart from others cut alike: ``~`` and a few hex digits."""
    return "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:TEMP_DIGEST_DIGITS]


def _cut(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` as the file system stores it, between whole characters
    (``os.fsencode``: a name read from a Linux disk may hold bytes that are not UTF-8)."""
    size = 0
    for index, char in enumerate(text):
        size += len(os.fsencode(char))
        if size > max_bytes:
            return text[:index]
    return text


#: A new temporary file: never an existing one, binary (Windows), not inherited by child processes.
TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0) | \
    getattr(os, "O_CLOEXEC", 0)


def open_temp(folder: Path, prefix: str, suffix: str, *, like: Path | None = None) -> tuple[int, Path]:
    """A new, empty temporary file in ``folder`` (its descriptor, open for writing, and its path)
    with the permissions the file it becomes should have: those of ``like`` when it exists, else
    what the umask gives any new file.

    Not ``tempfile.mkstemp``: its files are private (0600) whatever the umask, so every report,
    summary and e-mail the scheduled run wrote was unreadable to the clerk's colleagues while the
    master beside them (see :mod:`sheetsync.master.atomic`) was not.

    :raises OSError: when the folder cannot be written.
    """
    for _ in range(100):
        tmp = folder / f"{prefix}{secrets.token_hex(TEMP_RANDOM_BYTES)}{suffix}"
        try:
            fd = os.open(tmp, TEMP_FLAGS, 0o666)
        except FileExistsError:
            continue
        try:
            if like is not None and like.exists():
                os.chmod(tmp, stat.S_IMODE(like.stat().st_mode))
        except OSError:
            pass  # the old file's permissions could not be read or copied: the umask's stand
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _cannot_write(code: str, path: Path, exc: OSError, *, replacing: bool = True) -> OutputError:
    """The error for ``path`` left unwritten by ``exc``: English, and the same in Thai for the clerk.
    Only a file being replaced may be one a program holds open; a folder refusing a new file is
    told in the system's words."""
    def said(lang: Lang) -> str:
        why = why_not_replaced(exc, lang) if replacing else str(exc.strerror or exc)
        return render(code, lang, source="office.yaml", file=path, why=why)
    return OutputError(said("en"), th=said("th"))


def why_not_replaced(exc: OSError, lang: Lang = "en") -> str:
    """Why a file could not be replaced or moved, in words a clerk can act on (in ``lang``).

    Refused rights are, on Windows, almost always a program holding the file open (Excel keeps
    the workbook it shows locked), so that is what the clerk is told to fix. Other failures keep
    the system's own words (a full disk), in both languages."""
    if isinstance(exc, PermissionError):
        return render("file.open-elsewhere", lang, source="office.yaml")
    return str(exc.strerror or exc)


#: Seconds waited before each new try of a rename that was refused (about half a second in all).
RETRY_DELAYS = (0.02, 0.05, 0.1, 0.15, 0.2)


def replace(source: str | Path, target: str | Path) -> None:
    """``os.replace``, tried again for a moment when it is refused.

    On Windows an antivirus or the search indexer often holds a file that was just written for a
    split second, and a rename then fails with PermissionError; a file that stays open (a workbook
    shown in Excel) still fails after the last try, and that error is raised.
    """
    for delay in RETRY_DELAYS:
        try:
            os.replace(source, target)
            return
        except PermissionError:
            time.sleep(delay)
    os.replace(source, target)


def save_bytes(folder: Path, data: bytes, name: Callable[[], Path], *, durable: bool = False) -> Path:
    """Write ``data`` into ``folder`` under a hidden ``.tmp`` name, then rename it to ``name()``.

    ``name`` is called only once the data is written, so a free name is taken as late as
    possible; until then no program watching the folder (the inbox, the outbox) sees a file it
    would take for a return or a message. ``durable`` also flushes the data to disk first (a
    fetched attachment is marked done in the mailbox right after).

    :raises OSError: when the folder cannot be written; nothing is left behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = open_temp(folder, ".", ".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        path = name()
        replace(tmp, path)
        return path
    finally:
        tmp.unlink(missing_ok=True)


class FolderNames:
    """The names of one of the office's folders, as Windows compares them (case folded), listed once.

    "S1.xlsx" and "s1.xlsx" are one file to Windows (and to an office on Linux read from Windows over a
    share), so a name is free only when no name there, in any case, is taken. The folder is listed at
    the first name asked for and never again: keep one per folder for a run (an outbox's sent/ holds
    years of mail). A file put there since by someone else is still seen by ``exists()``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._taken: set[str] | None = None

    def take(self, candidates: Iterable[str]) -> Path:
        """The first of ``candidates`` free in the folder (it is then counted as taken)."""
        taken = self._listed()
        for name in candidates:
            path = self.folder / name
            if name.casefold() not in taken and not path.exists():
                taken.add(name.casefold())
                return path
        raise ValueError("no free name among the candidates")  # callers give an endless series

    def _listed(self) -> set[str]:
        if self._taken is None:
            try:
                with os.scandir(self.folder) as entries:
                    self._taken = {entry.name.casefold() for entry in entries}
            except FileNotFoundError:  # made when the first file is saved
                self._taken = set()
        return self._taken


def unique_name(stem: str, taken: set[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3`` … whichever is not in ``taken``; the result is added to it."""
    name, n = stem, 2
    while name in taken:
        name, n = f"{stem}-{n}", n + 1
    taken.add(name)
    return name


def file_identity(path: Path) -> tuple[int, int] | None:
    """Which file ``path`` names now (device, inode; None if none): a file renamed aside and another
    put in its place under the same name are told apart."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def move_into(source: Path, folder: Path | FolderNames) -> Path:
    """Move ``source`` into ``folder`` (made if need be) under its own name, or ``<stem>-2``, ``-3`` …
    when a file of that name, in any case, is there already: nothing there is ever replaced, and
    Windows sees no two names as one. Give a :class:`FolderNames` when moving several files into one
    folder: it is listed once. Returns where it went.

    :raises OSError: it cannot be moved (Windows refuses while a program such as Excel has it open).
    """
    names = folder if isinstance(folder, FolderNames) else FolderNames(folder)
    names.folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = source.stem, source.suffix
    target = names.take(source.name if n == 1 else f"{stem}-{n}{suffix}" for n in itertools.count(1))
    os.replace(source, target)  # same disk: a rename
    return target
