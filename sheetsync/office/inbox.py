"""The inbox handled with care: files still being written wait, names are shortened safely, and a
file is set aside (``processed/`` or ``quarantine/`` with a reason) only after its outcome is
committed to the store.
"""

from __future__ import annotations

import errno
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterable, Mapping

from ..crashpoint import crash_point
from ..errors import InboxError, NotAFileError
from ..files import NO_FOLLOW, open_regular, replace, why_not_replaced
from ..messages import both, render
from ..pipeline import sha256_from
from .listed import Listed
from ..roster import Recipient, safe_filename
from .store import Store

#: Seconds a file must have been left alone before it is read (a copy may still be running).
SETTLE_SECONDS = 2.0
#: Files that Windows Explorer writes into a folder it shows (lower case): nobody sent them.
EXPLORER_FILES = frozenset({"desktop.ini", "thumbs.db", "ehthumbs.db"})
#: What a web browser names a download still running (Chrome and Edge, Firefox, Safari, others):
#: it renames the file when done, and a file moved away meanwhile makes the download fail.
DOWNLOADING = (".crdownload", ".part", ".partial", ".download")
#: Windows' hidden and system file attributes (``st_file_attributes``; absent elsewhere).
HIDDEN_OR_SYSTEM = 0x2 | 0x4
#: What a school may send (lower case): never passed over for its attributes.
RETURNS = (".xlsx", ".ods", ".xls", ".zip")


def inbox_files(inbox: Path, notes: list[str] | None = None, failing: dict[str, str] | None = None) -> list[Path]:
    """Files waiting in ``inbox``, oldest first (arrival order): not in a sub-folder, and none that
    a program made there (hidden ones, Excel's ``~$`` lock files, Explorer's ``desktop.ini``, a
    browser's download still running).

    A link is never a file here: it is passed over, never read or moved, whatever it points to (a
    file outside the inbox, such as the office key; another inbox file, which is taken on its
    own; nothing; itself), with one line in ``notes``. An entry that cannot be looked at (gone
    since the listing, a disk error, a file the office's account may not look at) is passed over
    too, its name and why in ``failing`` (counted run after run as :mod:`.stuck` says), or a line in
    ``notes`` when no ``failing`` is given; the others are listed all the same.

    :raises InboxError: the inbox itself cannot be listed (deleted, renamed, not a folder).
    """
    files = []
    try:
        listing = os.scandir(inbox)
    except OSError as exc:
        raise _no_inbox(inbox, exc) from exc
    with listing as entries:
        for entry in entries:
            try:
                if entry.is_symlink():
                    _note(notes, both("sync.link", file=entry.name))
                elif entry.is_file(follow_symlinks=False) and not _made_by_a_program(entry):
                    files.append((entry.stat(follow_symlinks=False).st_mtime_ns, _given_order(entry.name),
                                  Path(entry.path)))
            except OSError as exc:  # this entry only: the others are still listed
                if failing is not None:
                    failing[entry.name] = str(exc.strerror or exc)
                else:
                    _note(notes, both("sync.cannot-look", file=entry.name, why=exc.strerror or exc))
    return [path for _, _, path in sorted(files)]


#: A name the fetch (or a copy) numbered because its own was taken: ``รายงาน-2.xlsx``.
_NUMBERED = re.compile(r"(.+)-(\d{1,9})")


def _given_order(name: str) -> tuple[str, int, str]:
    """What orders files of one modification time (a coarse clock: Windows' ticks ~16 ms, FAT's 2 s):
    ``รายงาน.xlsx`` before ``รายงาน-2.xlsx`` before ``รายงาน-10.xlsx``, as their names were given (by
    name alone ``-`` sorts before ``.``, and the later e-mail's file was read first)."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if stem else (name, "")
    numbered = _NUMBERED.fullmatch(stem)
    return (numbered[1], int(numbered[2]), suffix) if numbered else (stem, 1, suffix)


def _note(notes: list[str] | None, line: str) -> None:
    if notes is not None:
        notes.append(line)


def _made_by_a_program(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith((".", "~$")) or entry.name.lower() in EXPLORER_FILES:
        return True
    if entry.name.lower().endswith(DOWNLOADING):  # the clerk saving an attachment from webmail into the inbox
        return True
    # A spreadsheet stays a return even when hidden: the "shortcut virus" of school USB sticks
    # hides every file on them, and a copy keeps the attribute.
    return (not entry.name.lower().endswith(RETURNS)
            and bool(getattr(entry.stat(), "st_file_attributes", 0) & HIDDEN_OR_SYSTEM))


#: A LibreOffice lock file (``.~lock.NAME#``) younger than this says the file beside it is open in
#: Calc; an older one was left by a Calc that crashed or a computer switched off, and is passed over.
OPEN_LOCK_SECONDS = 12 * 3600


def open_in_calc(path: Path) -> bool:
    """Whether ``path`` is open in LibreOffice now: its lock file is beside it, and recent.

    Calc locks nothing on Linux: a file the clerk opened from the inbox would be read and moved while
    it is shown, and saving it would then put the clerk's edits back into the inbox as the school's
    return. (Excel on Windows holds its file locked, and such a file waits as one that cannot be read.)
    """
    try:
        changed = path.with_name(f".~lock.{path.name}#").lstat().st_mtime
    except OSError:
        return False
    return time.time() - changed < OPEN_LOCK_SECONDS


def settled(path: Path, seconds: float) -> bool:
    """True when ``path`` was last changed at least ``seconds`` ago (or its change time is ahead of
    this clock) and its size holds still (the entry itself: a link is never followed).

    :raises OSError: when ``path`` cannot be looked at (a file that never can is not "still being
        written" run after run: the caller counts it as one that cannot be read).
    """
    first = path.lstat()
    # A change time ahead of this clock (kept by a copy from a computer whose clock runs ahead, or
    # this clock set back) says nothing of a writer: the size holding still does, and a file that
    # still ends early waits by this computer's clock (:mod:`.arriving`), not for the hours ahead.
    if 0 <= time.time() - first.st_mtime < seconds:
        return False
    if seconds > 0:
        time.sleep(min(seconds, 0.05))
    second = path.lstat()
    return (first.st_size, first.st_mtime_ns) == (second.st_size, second.st_mtime_ns)


def _no_inbox(inbox: Path, exc: OSError) -> InboxError:
    """An inbox deleted, renamed or not a folder stops the run before any file, Thai first: made again
    without a word, a misspelt ``[paths] inbox`` would leave the files in the real one unread."""
    why = exc.strerror or exc
    return InboxError(render("sync.no-inbox", "en", source="office.yaml", inbox=inbox, why=why),
                      th=render("sync.no-inbox", "th", source="office.yaml", inbox=inbox, why=why))


def recipient_in_name(name: str, roster: list[Recipient]) -> str:
    """The roster recipient whose id appears in a file name (longest match), or ''.

    A file that cannot be read cannot say whom it is from; its name often does.
    """
    lowered = name.casefold()
    found = [r.id for r in roster if r.id and r.id.casefold() in lowered]
    return max(found, key=len) if found else ""


@dataclass
class SetAside:
    """Moves files out of the inbox; remembers (and reports once) that the inbox cannot be written."""

    processed: Path
    quarantine: Path
    problems: list[str] = field(default_factory=list)
    moved: list[Path] = field(default_factory=list)
    _blocked: bool = False
    _given: set[Path] = field(default_factory=set)  # names handed out this run, their files maybe not moved yet
    _stems: set[str] | None = None  # processed/'s names without extension, case-folded (:meth:`_kept_stems`)
    _folded: dict[Path, dict[str, str]] = field(default_factory=dict)  # :meth:`_names_in`

    def reserve(self, names: Iterable[tuple[str, str]]) -> None:
        """Keep ``(disposition, name)`` pairs (the store's names of files not moved yet) from being
        given to another file: two records must never name one kept file."""
        for disposition, name in names:
            self._given.add(self.folder(disposition) / name)
            if self.folder(disposition) == self.processed:
                self._kept_stems().add(Path(name).stem.casefold())

    def name_for(self, path: Path, disposition: str) -> str:
        """The name :meth:`move` will give ``path`` (a free one, none given to another file of this
        run), so that the store records the name the clerk finds under ``processed/`` or
        ``quarantine/`` — also when the move waits for a later run: a school that sends
        "report.xlsx" every month must not have its latest file named by last month's.

        Its stem is free there too, whatever the extension: the file's reports are named by it, and
        "report.ods" kept beside last month's "report.xlsx" would write over that file's reports."""
        folder = self.folder(disposition)
        stems = self._kept_stems() if folder == self.processed else set()  # quarantine/: no reports
        dest = self._given_name(folder, path, stems)
        stems.add(dest.stem.casefold())
        return dest.name

    def _given_name(self, folder: Path, path: Path, stems: Collection[str] = ()) -> Path:
        """A free name in ``folder`` for ``path`` (:func:`_free`), none differing only in case from a name
        there or given this run (Windows sees ``A_B.xlsx`` and ``a_b.xlsx``, made of ``a:b.xlsx``, as one file)."""
        folded = self._names_in(folder)
        dest = _free(folder, path, self._given, stems, folded)
        self._given.add(dest)
        for name in (dest.name, dest.name + ".txt"):
            folded.setdefault(name.casefold(), name)
        return dest

    def _names_in(self, folder: Path) -> dict[str, str]:
        """``folder``'s names by their case-folded form: listed once a run, then kept with those given."""
        if folder not in self._folded:
            try:
                self._folded[folder] = {p.name.casefold(): p.name for p in folder.iterdir()}
            except OSError:  # not made yet (or not listable: the move says so)
                self._folded[folder] = {}
        return self._folded[folder]

    def _kept_stems(self) -> set[str]:
        """The names in processed/ without extension, case-folded, and those given this run: listed
        once a run (processed/ grows by thousands a month)."""
        if self._stems is None:
            try:  # a kept .zip has no reports (its spreadsheets have, each under its own name)
                self._stems = {p.stem.casefold() for p in self.processed.iterdir() if p.suffix.lower() != ".zip"}
            except OSError:  # not made yet (or not listable: the move says so)
                self._stems = set()
        return self._stems

    def move(self, path: Path, disposition: str, reason: str = "", name: str | None = None,
             listed: Listed | None = None) -> Path | None:
        """Move ``path`` into its folder, as ``name`` when that is free (the name the store recorded),
        else under a safe, free name; with a reason file in quarantine. Returns where it went.

        :param listed: the file as it was read: when what the move took is not that file (another
            entry was put under its name since), it goes back into the inbox, and nothing else
            lands in ``processed/`` or ``quarantine/`` in its place.
        """
        if self._blocked:
            return None
        if listed is not None and not listed.still_at(path):
            # Another entry took the name since the file was read: it is not what was checked, so it
            # stays in the inbox, to be read next run (the file checked is recorded all the same).
            self.problems.append(both("sync.replaced-left", file=path.name))
            return None
        folder = self.folder(disposition)
        try:
            _not_a_link(folder, path.parent)
            folder.mkdir(parents=True, exist_ok=True)
            # The recorded name, when nothing holds it; a note left there by a run killed before the
            # move is this file's, and is written anew.
            dest = folder / name if name and _free_name(folder / name) else self._given_name(folder, path)
            note = dest.with_name(dest.name + ".txt")
            _move_with_note(path, dest, note if disposition == "quarantine" else None, reason)
        except FileNotFoundError:
            return None  # already gone (moved by hand): its outcome is recorded all the same
        except OSError as exc:
            self._blocked = True
            self.problems.append(_not_moved(path, exc))
            return None
        if listed is not None and not listed.arrived_at(dest):
            self._put_back(dest, path, note if disposition == "quarantine" else None)
            return None
        self.moved.append(dest)
        return dest

    def folder(self, disposition: str) -> Path:
        """Where a file of this disposition goes (``quarantine``, else ``processed``)."""
        return self.quarantine if disposition == "quarantine" else self.processed

    def _put_back(self, dest: Path, path: Path, note: Path | None) -> None:
        """Return to the inbox an entry that took a file's name in the instant before its move (it is
        not what was checked), and say so; when it cannot go back, say where it is, for the clerk to
        put it back (nothing reads ``processed/``)."""
        back = path if not os.path.lexists(path) else _free(path.parent, path)
        try:
            replace(dest, back)
        except OSError as exc:
            self.problems.append(both("sync.cannot-put-back", file=path.name, folder=dest.parent.name,
                                      name=dest.name, why=exc.strerror or exc))
            return
        if note is not None:
            note.unlink(missing_ok=True)
        self.problems.append(both("sync.replaced-while-checked", file=path.name, back=back.name))


def _not_moved(path: Path, exc: OSError) -> str:
    """The line for an inbox that files cannot be moved out of. Refused rights name the file: on Windows
    that is the clerk's double-click on a returned file (Excel locks it), said in Thai too."""
    if not isinstance(exc, PermissionError):
        return both("sync.cannot-move", folder=path.parent, why=exc.strerror or exc)
    th, en = (render("sync.cannot-move-open", lang, source="office.yaml", file=path.name,
                     why=why_not_replaced(exc, lang)) for lang in ("th", "en"))
    return f"{th} / {en}"


def set_aside_late(store: Store, mover: SetAside, path: Path, listed: Listed) -> bool:
    """Set aside a file an earlier run recorded but did not move (the move refused, or the run
    killed in between), as it was recorded: not read again, nothing recorded or mailed again.

    Its recorded place may hold it already (a run killed after the move, before noting it): then
    this one is a copy sent again, and False lets it be handled as one."""
    recorded = store.not_set_aside(listed.sha256)
    if recorded is None:
        return False
    name, disposition, _ = recorded
    kept = mover.folder(disposition) / name
    if holds(kept, listed.sha256):
        store.mark_set_aside(listed.sha256, name)
        return False
    set_aside(store, mover, path, listed, recorded)
    return True


def set_aside(store: Store, mover: SetAside, path: Path, listed: Listed, recorded: tuple[str, str, str]) -> None:
    """Move a recorded file to its folder (under its recorded name when free) and note where it went."""
    name, disposition, reason = recorded
    dest = mover.move(path, disposition, reason, name=name, listed=listed)
    if dest is not None:
        crash_point("file-set-aside")
        store.mark_set_aside(listed.sha256, dest.name)


def holds(path: Path, sha: str) -> bool:
    """Whether ``path`` is a file (never read through a link) holding the bytes hashed ``sha``."""
    try:
        with open_regular(path, follow_links=False) as handle:
            return sha256_from(handle) == sha
    except (OSError, NotAFileError):
        return False


def _move_with_note(path: Path, dest: Path, note: Path | None, reason: str) -> None:
    """Move ``path`` to ``dest``, with ``reason`` in ``note`` beside it when given: written first (a
    file in quarantine is never without its reason), taken back when the move fails (nor a reason
    without its file). A run killed between the two leaves a note the next run replaces: the note's
    place is emptied first (unlinking never follows a link), then the note written as a new file."""
    if note is None:
        replace(path, dest)
        return
    note.unlink(missing_ok=True)
    _write_new(note, reason + "\n")
    crash_point("reason-written")
    try:
        replace(path, dest)
    except OSError:
        note.unlink(missing_ok=True)
        raise


def _free_name(dest: Path) -> bool:
    """Whether ``dest`` and its reason note may be written: nothing holds the name (a link there,
    even one pointing nowhere, holds it), and its note's name is free too, or holds a note left
    alone by a run killed before the move (written anew: :func:`_move_with_note`). A file there
    named like the note is another quarantined file (it has a note of its own): never replaced."""
    note = dest.with_name(dest.name + ".txt")
    if os.path.lexists(dest):
        return False
    return not os.path.lexists(note) or not os.path.lexists(note.with_name(note.name + ".txt"))


def _free(folder: Path, path: Path, taken: Collection[Path] = (), stems: Collection[str] = (),
          folded: Mapping[str, str] | None = None) -> Path:
    """A free name in ``folder`` for ``path`` (:func:`_free_name`): safe on every OS, ≤ 100 bytes,
    none of ``taken``, its stem (case-folded) none of ``stems``, and neither it nor its note's name another
    case of a name in ``folded`` (case-folded → as written)."""
    suffix = "".join(ch for ch in path.suffix[:16] if ch.isalnum() or ch == ".")
    dest, n = folder / safe_filename(path.stem, suffix), 2
    while (dest in taken or dest.stem.casefold() in stems or not _free_name(dest)
           or _case_of_another(dest.name, folded) or _case_of_another(dest.name + ".txt", folded)):
        dest, n = folder / safe_filename(path.stem, f"-{n}{suffix}"), n + 1
    return dest


def _case_of_another(name: str, folded: Mapping[str, str] | None) -> bool:
    """Whether ``folded`` holds ``name`` written in another case (the same name is :func:`_free_name`'s)."""
    other = None if folded is None else folded.get(name.casefold())
    return other is not None and other != name


def _not_a_link(folder: Path, inbox: Path) -> None:
    """Refuse a ``processed``/``quarantine`` folder inside the inbox that is a link: whoever may
    write the inbox could make one, and have the office move files wherever it points."""
    if folder.parent == inbox and folder.is_symlink():
        raise OSError(errno.ELOOP, f"{folder.name} is a link, and files are never moved through a link")


def _write_new(path: Path, text: str) -> None:
    """Write ``text`` into a new file ``path``; an entry already there (a link planted in its
    place, pointing anywhere) makes it fail rather than be written through."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW | getattr(os, "O_BINARY", 0), 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(text.encode("utf-8"))
