"""Next period's templates take the place of the last: the earlier ones in the output folder move into
``old/<the day they were made>/`` (never deleted), so that the folder holds only the templates a clerk
should print or forward now.

Written into the folder where last month's still lay, next month's templates left some of last
month's beside them (a school taken off the roster, a project whose every row is filled), and a
clerk could take one of those. What moves: a file of the name a template is about to be written
under (kept rather than replaced), an earlier template of the same name in the other workbook format
(a school's .xlsx of last month, when this run writes her .ods), and, in a run for every school, every
other earlier template (a workbook that reads as a form with the office's template identity). Anything
else the clerk put there stays where it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..check.reader import read_filled
from ..clock import Zone
from ..errors import SheetsyncError
from ..files import FolderNames, move_into
from ..messages import both

#: The subfolder earlier templates move into.
OLD = "old"
WORKBOOKS = (".xlsx", ".ods")


@dataclass
class MovedAside:
    """What :func:`move_earlier` did: where each earlier template went, and those it could not move."""

    moved: list[Path] = field(default_factory=list)
    held: list[Path] = field(default_factory=list)  # open in Excel on Windows, say: left where they are


def move_earlier(out: Path, names: Iterable[str], *, everyone: bool,
                 forms_dirs: Iterable[str | Path] = (), zone: Zone = None) -> MovedAside:
    """Move the earlier templates of ``out`` into ``out/old/<day>/`` before this run's are written.

    :param names: the file names this run is about to write: whatever holds one of them is moved, and an
        earlier template of the same name in the other workbook format (the school's, in another format).
    :param everyone: the run writes every school's template (no ``--recipient`` or ``--project``):
        every other earlier template moves too; a run for some schools leaves the others' in place.
    :param forms_dirs: where the forms of earlier templates are found (a template of a form that
        cannot be read is not recognised, and stays).
    :param zone: the office's time zone (None: this computer's), whose date names ``<day>``.
    """
    done = MovedAside()
    if not out.is_dir():
        return done
    writing = {n.casefold() for n in names}  # Windows and macOS see "A.xlsx" and "a.xlsx" as one file
    stems = {Path(n).stem for n in writing if Path(n).suffix in WORKBOOKS}
    dirs = tuple(forms_dirs)
    olds: dict[Path, FolderNames] = {}  # each day's folder listed once
    for path in sorted(out.iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        name = path.name.casefold()
        # A school's template is named by the school: the same name in the other format is hers too.
        ours = everyone or Path(name).stem in stems
        if name not in writing and not (ours and _is_template(path, dirs)):
            continue
        try:
            day = out / OLD / _day(path, zone)
            done.moved.append(move_into(path, olds.setdefault(day, FolderNames(day))))
        except OSError:
            done.held.append(path)
    return done


def _is_template(path: Path, forms_dirs: tuple[str | Path, ...]) -> bool:
    """Whether ``path`` is a workbook carrying a template's identity (one of ours, filled in or not)."""
    if path.suffix.lower() not in WORKBOOKS:
        return False
    try:
        return bool(read_filled(path, forms_dirs=forms_dirs).metadata.get("template_id"))
    except (SheetsyncError, OSError):
        return False  # not a form we can read: the clerk's own, left alone


def _day(path: Path, zone: Zone) -> str:
    """The day ``path`` was made (written) in ``zone``, ``YYYY-MM-DD`` as the office's backups are named
    (by the office's date, as every date it shows: not the computer's, which may be set to another zone)."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, zone).date().isoformat()


def say_moved(aside: MovedAside, out: Path, say: Callable[[str], None] | None) -> None:
    """One line (Thai, then English) for the earlier templates moved aside, one for each that could not
    be (held open)."""
    if say is None:
        return
    folder = out / OLD
    if aside.moved:
        say(both("roundtrip.moved", source="master.yaml", count=len(aside.moved), folder=folder))
    for path in aside.held:
        say(both("roundtrip.not-moved", source="master.yaml", file=path.name, folder=folder))
