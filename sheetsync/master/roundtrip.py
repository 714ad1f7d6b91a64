"""Next period's templates from the master: prefilled with everything known, earlier reports locked.

Each template is made from the submission the master holds for its key, so the school finds its
project as it last reported it, every earlier report row locked, and the next row open. A roster
names the recipients to issue templates to; one without a submission yet gets a template with the
project's identity (code, name, fiscal year, dates) when the master knows the project.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from ..spec.registry import find_form
from ..roster import Recipient, read_roster, safe_filename
from ..template.write import write_template
from ..errors import MasterError
from .model import Record
from .store import read_master

#: What a new recipient of a known project is prefilled with: the project's identity, not its money.
PROJECT_IDENTITY = ("code", "name", "fiscal_year", "start_date", "end_date")
DEFAULT_FORM = "progress-report"


def templates_from_master(master_path: str | Path, out_dir: str | Path, *, project: str | None = None,
                          recipient: str | None = None, roster: str | Path | None = None, fmt: str = "xlsx",
                          forms_dirs: Iterable[str | Path] = (), issued: dt.datetime | None = None) -> list[Path]:
    """Write next period's templates from the master into ``out_dir``; return their paths.

    Without a roster, one template per submission in the master (narrowed by ``project`` and
    ``recipient``); with a roster (see :func:`sheetsync.roster.read_roster`), one per roster row
    and project (``project`` narrows it too). Files are named ``<project code>_<recipient>.<fmt>``,
    made safe on every OS.

    :param fmt: ``"xlsx"`` or ``"ods"``.
    :param issued: the templates' issue time (default: now); later than the submissions they
        come from, so what comes back replaces them.
    :raises MasterError: nothing in the master matches ``project`` / ``recipient``.
    :raises RosterError: the roster cannot be used (from :mod:`sheetsync.roster`).

    Example::

        templates_from_master("master.xlsx", "outbox", project="50360000-3553")
    """
    records = sorted(read_master(master_path).records.values(), key=lambda r: r.key)
    if project:
        records = [r for r in records if r.key.project_code == project]
    if roster is not None:
        entries = [e for e in read_roster(roster) if recipient is None or e.id == recipient]
        targets = _roster_targets(entries, records, project)
    else:
        targets = [(r.key.form_id, r.key.recipient, r.data, r.key.project_code) for r in records
                   if recipient is None or r.key.recipient == recipient]
    if not targets:
        wanted = ", ".join(f"{n} {v}" for n, v in (("project", project), ("recipient", recipient)) if v)
        raise MasterError(f"{Path(master_path).name}: no submission in the master for {wanted or 'any key'}")
    out = Path(out_dir)
    written: list[Path] = []
    dirs = tuple(forms_dirs)
    for form_id, who, data, key in targets:
        path = _free_name(out, _file_name(key, who, fmt), written)
        write_template(find_form(form_id, dirs), path, data=data, recipient=who or None, lock_rows=True,
                       issued=issued)
        written.append(path)
    return written


def _roster_targets(entries: list[Recipient], records: list[Record],
                    project: str | None) -> list[tuple[str, str, dict[str, Any], str]]:
    targets: list[tuple[str, str, dict[str, Any], str]] = []
    for entry in entries:
        code = entry.project_code or project or ""
        if project and code != project:
            continue
        own = [r for r in records if r.key.recipient == entry.id and (not code or r.key.project_code == code)]
        if own:
            targets += [(r.key.form_id, entry.id, r.data, r.key.project_code) for r in own]
            continue
        known = [r for r in records if code and r.key.project_code == code]
        form_id = known[-1].key.form_id if known else DEFAULT_FORM
        targets.append((form_id, entry.id, _identity(known[-1].data if known else {}, code), code))
    return targets


def _identity(data: dict[str, Any], code: str) -> dict[str, Any]:
    """The project's identity for a recipient who has not reported on it yet."""
    if not code:
        return {}
    project = data.get("project", {})
    return {"project": {k: project[k] for k in PROJECT_IDENTITY if k in project} | {"code": code}}


def _file_name(key: str, recipient: str, fmt: str) -> str:
    stem = "_".join(part for part in (key, recipient) if part) or "template"
    return safe_filename(stem, f".{fmt.lstrip('.')}")


def _free_name(out: Path, name: str, taken: list[Path]) -> Path:
    # Compared case-folded: Windows and macOS see "A.xlsx" and "a.xlsx" as one file.
    used = {p.name.casefold() for p in taken}
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = name, 2
    while candidate.casefold() in used:
        candidate, n = safe_filename(stem, f"-{n}{suffix}"), n + 1
    return out / candidate
