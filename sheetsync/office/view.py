"""The master workbook as a view of the store: rendered after each run and on demand.

The view is never read back as data. If the file at the view's path is not the one last rendered
there (a clerk typed a note, sorted a sheet, saved it in Calc), it is kept aside under a dated
name before the new view is written, and the caller is told: a clerk's file is never silently
destroyed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..clock import Zone
from ..files import replace, why_not_replaced
from ..master.atomic import remove_leftovers, replace_with_backup
from ..errors import MasterError, MasterWriteError
from ..master.layout import Sheet
from ..master.workbook import write_workbook
from ..master.workbook_ods import write_workbook_ods
from ..messages import LANGS, Lang, both, render
from ..pipeline import sha256_of
from .rekey import rekey_periods
from .sheets import view_sheets
from .store import Store

#: Writers of the view, by extension.
WRITERS: dict[str, Callable[[list[Sheet], Path], None]] = {".xlsx": write_workbook, ".ods": write_workbook_ods}


@dataclass(frozen=True)
class ViewResult:
    """A rendered view: where, the previous file kept aside (if it had been edited), and the backup."""

    path: Path
    kept_aside: Path | None = None
    backup: Path | None = None


def store_beside(master: str | Path) -> Path:
    """The store of a master given by path: the store of the office folder whose master it is
    (see :mod:`sheetsync.office.config`), else ``master.xlsx`` → ``master.sqlite`` beside it."""
    from ..errors import OfficeError
    from .config import CONFIG_NAME, load_office

    master = Path(master)
    beside = master.with_suffix(".sqlite")
    if not beside.exists() and (master.parent / CONFIG_NAME).is_file():
        try:
            office = load_office(master.parent)
        except OfficeError:
            return beside
        if office.master == master.resolve():
            return office.store
    return beside


def settings_newer(store: Store, path: Path, settings: Path | None) -> bool:
    """Whether the office's settings (``sheetsync.toml``) changed after the view at ``path`` was last
    rendered: a period, name, time zone or chart written there shows at the next run, not only at
    the next one that receives a file."""
    rendered = store.query("SELECT rendered_at FROM views WHERE path = ?", (str(path.resolve()),))
    if settings is None or not rendered:
        return False
    try:
        changed = dt.datetime.fromtimestamp(settings.stat().st_mtime, dt.timezone.utc)
    except OSError:  # settings that cannot be looked at were read already, or the run stopped
        return False
    return changed > dt.datetime.fromisoformat(str(rendered[0][0]))


def check_view_path(path: Path) -> None:
    """:raises MasterError: ``path`` is not an .xlsx or .ods file name."""
    if path.suffix.lower() not in WRITERS:
        said = {lang: render("error.view-type", lang, source="office.yaml", file=path.name,
                             types=(" หรือ " if lang == "th" else " or ").join(WRITERS)) for lang in LANGS}
        raise MasterError(said["en"], th=said["th"])


def render_view(store: Store, path: str | Path, *, period: str | None = None, forms_dirs: Iterable[str | Path] = (),
                generated: dt.datetime | None = None, school_charts: Iterable[str] = (),
                zone: Zone = None, office: str = "") -> ViewResult:
    """Write the master view of ``store`` at ``path`` (.xlsx or .ods).

    :param period: the office's reporting period (``YYYY-MM``), for the summary's statuses.
    :param school_charts: recipient ids that get a chart of their own (charts are per project otherwise).
    :param zone: the office's time zone (None: this computer's): every time the view shows is in it.
    :param office: the office's name (``name`` in ``sheetsync.toml``): it heads every sheet and prints
        on every page ("": none).
    :raises MasterError: ``path`` has another extension.
    :raises MasterWriteError: the view cannot be written (the previous one is left as it was).
    """
    path = Path(path)
    check_view_path(path)
    when = generated or dt.datetime.now(dt.timezone.utc)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = str(exc.strerror or exc)
        raise _not_written("master.no-folder", path, {"th": why, "en": why}, folder=path.parent) from exc
    remove_leftovers(path)
    aside = _keep_edited(store, path, when, zone)
    forms_dirs = tuple(forms_dirs)
    rekey_periods(store, forms_dirs)  # a store not run since its form declared its period (master --store)
    upto = store.last_outcome_id()
    sheets = view_sheets(store, period=period, forms_dirs=tuple(forms_dirs), generated=when,
                         school_charts=tuple(school_charts), zone=zone, office=office)
    backup = replace_with_backup(path, lambda tmp: WRITERS[path.suffix.lower()](sheets, tmp))
    store.set_view_hash(path, sha256_of(path), upto)
    return ViewResult(path, aside, None if aside else backup)


def not_refreshed(path: Path, exc: MasterWriteError) -> str:
    """One line for a run whose view at ``path`` could not be written (``exc``), Thai first: why,
    that everything else of the run was done, and that the next run renders it."""
    if isinstance(exc.__cause__, PermissionError):  # on Windows: a program (Excel) holds it open
        return both("sync.master-open", master=path.name)
    return both("sync.master-not-refreshed", th=exc.th or exc, en=exc)


def _keep_edited(store: Store, path: Path, when: dt.datetime, zone: Zone) -> Path | None:
    """Move the file at ``path`` aside when it is not the view last rendered there (named by the
    time in the office's zone, as the clerk's clock and the backups' names say it)."""
    if not path.exists() or sha256_of(path) == store.view_hash(path):
        return None
    stamp = when.astimezone(zone).strftime("%Y%m%d-%H%M%S")
    aside, n = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}"), 2
    while aside.exists():
        aside, n = path.with_name(f"{path.stem}.edited-{stamp}-{n}{path.suffix}"), n + 1
    try:
        replace(path, aside)
    except OSError as exc:
        raise _not_written("master.edited-not-kept", path,
                           {lang: why_not_replaced(exc, lang) for lang in LANGS}) from exc
    return aside


def _not_written(code: str, path: Path, why: dict[Lang, str], **params: object) -> MasterWriteError:
    """The view's error ``code`` in English, with the same in Thai for the clerk (``why`` in each)."""
    said = {lang: render(code, lang, source="office.yaml", master=path.name, why=why[lang], **params)
            for lang in LANGS}
    return MasterWriteError(said["en"], th=said["th"])
