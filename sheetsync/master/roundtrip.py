"""Next period's templates from the master: prefilled with everything known, earlier reports locked.

Each template is made from the submission the master holds for its key, so the school finds its
project as it last reported it, every earlier report row locked, and the next row open; a form filled
anew each period (``master: next_period: identity``, such as a monthly report) carries only the key's
identity, every other cell empty and open. A form whose key includes its period (``master: period``,
one line per school and month) gets one template per school and key, made from its latest period. A roster
names the recipients to issue templates to; one without a submission yet gets a template of the
form that others report the key on (else of the office's form), prefilled with what the form's layout
declares as the key's identity (``master: identity``; the progress report: the project's code, name,
fiscal year and dates, never another school's money).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from ..spec.form import Form
from ..spec.master import Rank
from ..office.spec import master_spec
from ..spec.pointers import lookup, place
from ..spec.registry import find_form
from ..roster import Recipient, read_roster, safe_filename
from ..template.write import write_template
from ..errors import MasterError
from .model import Key, Record
from .store import read_master

#: One template to write: its form, recipient, prefill and key.
Target = tuple[Form, str, dict[str, Any], str]


def templates_from_master(master_path: str | Path, out_dir: str | Path, *, project: str | None = None,
                          recipient: str | None = None, roster: str | Path | None = None, fmt: str = "xlsx",
                          forms_dirs: Iterable[str | Path] = (), issued: dt.datetime | None = None,
                          form: Form | str | None = None) -> list[Path]:
    """Write next period's templates from the master into ``out_dir``; return their paths.

    Without a roster, one template per submission in the master (narrowed by ``project`` and
    ``recipient``); with a roster (see :func:`sheetsync.roster.read_roster`), one per roster row
    and project (``project`` narrows it too). Files are named ``<project code>_<recipient>.<fmt>``,
    made safe on every OS.

    :param fmt: ``"xlsx"`` or ``"ods"``.
    :param issued: the templates' issue time (default: now); later than the submissions they
        come from, so what comes back replaces them.
    :param form: the office's form (a :class:`Form` or its id): the form of a roster recipient's
        template when nobody has reported on its key yet, and the one whose submissions tell a
        key's identity; without it, the one form the master holds.
    :raises MasterError: nothing in the master matches ``project`` / ``recipient``; or a roster
        recipient is new to every key and no ``form`` says which form to issue.
    :raises RosterError: the roster cannot be used (from :mod:`sheetsync.roster`).

    Example::

        templates_from_master("master.xlsx", "outbox", project="50360000-3553")
    """
    name = Path(master_path).name
    dirs = tuple(forms_dirs)
    records = _latest(sorted(read_master(master_path).records.values(), key=lambda r: r.key), dirs)
    codes = _codes(records, dirs)
    if project:
        records = [r for r in records if codes[r.key] == project]
    office_form = find_form(form, dirs) if isinstance(form, str) else form
    if roster is not None:
        entries = [e for e in read_roster(roster) if recipient is None or e.id == recipient]
        targets = _roster_targets(entries, records, codes, project, office_form, dirs, name)
    else:
        targets = [_own(r, r.key.recipient, codes[r.key], dirs) for r in records
                   if recipient is None or r.key.recipient == recipient]
    if not targets:
        wanted = ", ".join(f"{n} {v}" for n, v in (("project", project), ("recipient", recipient)) if v)
        raise MasterError(f"{name}: no submission in the master for {wanted or 'any key'}")
    out = Path(out_dir)
    written: list[Path] = []
    for chosen, who, data, key in targets:
        path = _free_name(out, _file_name(key, who, fmt), written)
        write_template(chosen, path, data=data, recipient=who or None, lock_rows=True, issued=issued)
        written.append(path)
    return written


def _roster_targets(entries: list[Recipient], records: list[Record], codes: dict[Key, str], project: str | None,
                    form: Form | None, dirs: tuple[str | Path, ...], master: str) -> list[Target]:
    """One target per roster row and key: the recipient's own submissions, else the key's identity."""
    targets: list[Target] = []
    for entry in entries:
        code = entry.project_code or project or ""
        if project and code != project:
            continue
        own = [r for r in records if r.key.recipient == entry.id and (not code or codes[r.key] == code)]
        if own:
            targets += [_own(r, entry.id, codes[r.key], dirs) for r in own]
            continue
        known = [r for r in records if code and codes[r.key] == code and (form is None or r.key.form_id == form.id)]
        chosen = find_form(known[-1].key.form_id, dirs) if known else form or _only_form(records, dirs, master)
        targets.append((chosen, entry.id, _identity(chosen, known[-1].data if known else {}, code), code))
    return targets


def _own(record: Record, recipient: str, code: str, dirs: tuple[str | Path, ...]) -> Target:
    """Next period's template of a school that reported on the key: its last report (the layout's
    ``master: next_period: all``), or only the key's identity (``identity``: a form filled anew)."""
    form = find_form(record.key.form_id, dirs)
    if master_spec(form).next_period == "identity":
        return form, recipient, _identity(form, record.data, code), code
    return form, recipient, record.data, code


def _codes(records: list[Record], dirs: tuple[str | Path, ...]) -> dict[Key, str]:
    """Each record's key without its period (``master: period``): what the roster's code names."""
    specs = {form_id: master_spec(find_form(form_id, dirs)) for form_id in {r.key.form_id for r in records}}
    return {r.key: specs[r.key.form_id].split(r.key.project_code)[0] for r in records}


def _latest(records: list[Record], dirs: tuple[str | Path, ...]) -> list[Record]:
    """``records`` with only the latest period of each form, key and recipient (a form without a
    period keeps every record: one per key already). Next period's template follows the latest."""
    specs = {form_id: master_spec(find_form(form_id, dirs)) for form_id in {r.key.form_id for r in records}}
    latest: dict[tuple[str, str, str], tuple[Rank, Record]] = {}
    kept: list[Record] = []
    for record in records:
        spec = specs[record.key.form_id]
        if not spec.period:
            kept.append(record)
            continue
        code, period = spec.split(record.key.project_code)
        group, rank = (record.key.form_id, code, record.key.recipient), spec.period_rank(period)
        if group not in latest or latest[group][0] <= rank:
            latest[group] = (rank, record)
    return sorted(kept + [record for _, record in latest.values()], key=lambda r: r.key)


def _only_form(records: list[Record], dirs: tuple[str | Path, ...], master: str) -> Form:
    """The one form the master's submissions are of, for a recipient new to every key.

    :raises MasterError: the master holds none, or several (the office's form must say which).
    """
    ids = sorted({r.key.form_id for r in records})
    if len(ids) != 1:
        held = f"holds {', '.join(ids)}" if ids else "holds no submission"
        raise MasterError(f"{master}: the master {held}: say which form a new school gets (the office's form, "
                          "or template --form ID)")
    return find_form(ids[0], dirs)


def _identity(form: Form, data: dict[str, Any], code: str) -> dict[str, Any]:
    """What a recipient who has not reported on the key ``code`` yet is prefilled with: the fields
    the form's layout declares as the key's identity (``master: identity``), the key from ``code``."""
    if not code:
        return {}
    spec = master_spec(form)
    prefill: dict[str, Any] = {}
    for pointer in spec.identity:
        value = lookup(data, pointer)
        if value is not None:
            place(prefill, pointer, value)
    parts = code.split(" · ")  # a key of several fields is shown joined (MasterSpec.key_of)
    if len(parts) == len(spec.key):
        for pointer, part in zip(spec.key, parts):
            if lookup(prefill, pointer) is None:
                place(prefill, pointer, part)
    return prefill


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
