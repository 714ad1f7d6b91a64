"""Merging submitted files: each file checked once, recorded in the office's store, then the view.

The store of record is SQLite (:mod:`sheetsync.office.store`); the master workbook is a view of
it (:mod:`sheetsync.office.view`). Given a master path ``M``, the store is ``M``'s stem +
``.sqlite`` beside it. What becomes of each file is decided by :mod:`sheetsync.office.record`:
``merged``, ``replaced``, ``unchanged``, ``superseded``, ``refused`` (errors) or ``quarantined``
(cannot be read), one transaction per file. The view is rendered again when anything changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable

from ..clock import Zone
from ..messages import both
from ..pipeline import check_file
from ..roster import read_roster, require_schools
from .model import MergeResult


def merge(paths: Iterable[str | Path], master_path: str | Path, *, today: dt.date | None = None,
          roster: str | Path | None = None, forms_dirs: Iterable[str | Path] = (),
          period: str | None = None, wait: float = 5.0, store: str | Path | None = None,
          school_charts: Iterable[str] = (), zone: Zone = None, office: str = "") -> MergeResult:
    """Merge submitted files into the store beside ``master_path`` and render the master view there.

    :param paths: filled templates (.xlsx / .ods); only those without errors are merged.
    :param today: kept for callers of the workbook-only master; the summary's period comes from
        ``period`` (``YYYY-MM``), or from ``today``'s month when only that is given.
    :param roster: a roster CSV of who is expected to report (see :func:`sheetsync.roster.read_roster`);
        kept in the store until another is given.
    :param forms_dirs: extra folders of forms, as for :func:`~sheetsync.read_filled`.
    :param wait: seconds to wait for another run on the same store before giving up.
    :param store: the store of record (default: ``master_path``'s stem + ``.sqlite`` beside it).
    :param school_charts: recipient ids that get a chart of their own in the view.
    :param zone: the office's time zone (None: this computer's): the times the details and the view
        show are in it; the store keeps UTC.
    :param office: the office's name: it heads every sheet of the view and prints on every page.
    :returns: one outcome per file, in the order given.
    :raises OfficeBusyError: another run holds the store for longer than ``wait``.
    :raises MasterError: ``master_path`` is not an .xlsx or .ods name.
    :raises MasterWriteError: the view could not be written (the store is up to date).
    :raises RosterError: the roster cannot be used, or lists no school (checked before anything is recorded).

    Example::

        result = merge(["inbox/school-01.xlsx", "inbox/school-02.xlsx"], "master.xlsx")
        for outcome in result.outcomes:
            print(outcome.path.name, outcome.result, outcome.detail)
    """
    from ..office.legacy import import_legacy
    from ..office.lock import run_lock
    from ..office.record import record_file
    from ..office.rekey import rekey_periods
    from ..office.store import Store
    from ..office.view import check_view_path, render_view, store_beside

    master = Path(master_path)
    check_view_path(master)
    dirs = tuple(forms_dirs)
    # A roster of headings only would mark every school as left: refused as init, template and sync do.
    expected = require_schools(read_roster(roster), roster) if roster is not None else None
    with Store(store or store_beside(master)) as db, run_lock(db, "merge", wait, zone) as run_id:
        imported = import_legacy(db, master)
        imported = rekey_periods(db, dirs) > 0 or imported  # before any file is compared with them
        changed = bool(expected is not None and db.set_roster(expected)) or imported
        outcomes, not_read = [], []
        for path in paths:
            item = check_file(path, forms_dirs=dirs)
            if item.retry:  # not its bytes' doing (locked, moved, a disk error): recorded, it could never be merged
                not_read.append(both("merge.not-read", file=Path(path).name, why=item.retry))
                continue
            recorded = record_file(db, item, run_id=run_id, kept=True, zone=zone)
            outcomes.append(recorded.outcome)
            changed = changed or recorded.outcome.result in ("merged", "replaced")
        if not changed and master.exists() and not db.view_is_stale(master):
            return MergeResult(master, outcomes, written=False, not_read=not_read)
        view = render_view(db, master, period=period or (today.strftime("%Y-%m") if today else None),
                           forms_dirs=dirs, school_charts=school_charts, zone=zone, office=office)
    return MergeResult(master, outcomes, written=True, backup=view.backup, kept_aside=view.kept_aside,
                       not_read=not_read)
