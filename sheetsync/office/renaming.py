"""Inbox names that are not UTF-8, made readable before the inbox is read.

The names on a Linux office's disk are UTF-8, as its programs write them, but not all: Info-ZIP's
``unzip`` writes the names of a zip made on Thai Windows in code page 874 (Explorer's zips carry no
UTF-8 flag), and so does a USB stick mounted with another character set. Python hands such a name
over with lone surrogates, which no report, e-mail, summary or store can write: the school's good
return was set aside as unreadable. Such a file is renamed in the inbox, to the Thai it reads as
(else its UTF-8 with U+FFFD for what reads as nothing), before anything looks at it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from ..messages import both
from ..roster import safe_filename
from ..text import plausibly_thai
from .inbox import DOWNLOADING, SETTLE_SECONDS, settled

#: The longest extension kept apart from the stem, so that shortening a long name never cuts it.
_SUFFIX_CHARS = 8


def readable_names(inbox: Path, settle: float = SETTLE_SECONDS) -> list[str]:
    """Rename each file of ``inbox`` whose name is not UTF-8 to :func:`readable_name` of it (numbered
    ``-2``, ``-3`` … when that is taken); the clerk's lines, one per file (renamed, or why not).
    A file changed within ``settle`` seconds waits for a later run: a copy may still write it by its name.

    An inbox that cannot be listed is left alone: the run's own listing says why.

    Example::

        for line in readable_names(Path("inbox")):
            print(line)
    """
    found: list[str] = []
    try:
        with os.scandir(inbox) as entries:
            found = [e.name for e in entries if not _utf8(e.name) and not _made_by_a_program(e.name)
                     and e.is_file(follow_symlinks=False)]
    except OSError:
        return []
    return [_rename(inbox, name) for name in found if _settled(inbox / name, settle)]


def readable_name(name: str) -> str:
    """``name`` (as Python read it from the disk) as the text it was meant to be, made a safe file name.

    Example::

        readable_name(os.fsdecode("รายงาน.xlsx".encode("cp874")))  # 'รายงาน.xlsx'
    """
    raw = os.fsencode(name)
    try:
        text = raw.decode("cp874")
    except UnicodeDecodeError:
        text = ""
    if not plausibly_thai(text):  # Western bytes also "decode" as cp874: only Thai is taken as Thai
        text = raw.decode("utf-8", "replace")
    pure = PurePosixPath(text)
    suffix = pure.suffix if pure.suffix.isascii() and len(pure.suffix) <= _SUFFIX_CHARS else ""
    return safe_filename(pure.stem if suffix else text, suffix.lower())


def _made_by_a_program(name: str) -> bool:
    """A lock file (Excel's ``~$``, Calc's ``.~lock.``) or a download under way: renamed, Calc's lock file
    would lose its dot and no longer say its file is open, and a browser's download would fail."""
    return name.startswith((".", "~$")) or name.lower().endswith(DOWNLOADING)


def _settled(path: Path, settle: float) -> bool:
    try:
        return settled(path, settle)
    except OSError:  # gone, or not ours to look at: the run's listing says so
        return False


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _rename(inbox: Path, name: str) -> str:
    """Rename ``name`` in ``inbox`` to a free readable name; the clerk's line."""
    shown = os.fsencode(name).decode("utf-8", "replace")
    wanted = PurePosixPath(readable_name(name))
    target, number = inbox / wanted.name, 1
    while os.path.lexists(target):  # never over another file (a rename would replace it)
        number += 1
        target = inbox / safe_filename(wanted.stem, f"-{number}{wanted.suffix}")
    try:
        os.rename(inbox / name, target)
    except OSError as exc:
        return both("sync.name-not-renamed", file=shown, why=exc.strerror or exc)
    return both("sync.name-renamed", file=shown, name=target.name)
