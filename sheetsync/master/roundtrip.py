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
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Sequence

from ..check.coerce import ascii_digits
from ..clock import Zone
from ..spec.form import Form
from ..spec.master import SEP, MasterSpec, Rank
from ..office.spec import master_spec
from ..spec.pointers import lookup, place
from ..spec.registry import find_form
from ..roster import Recipient, read_roster, safe_filename
from ..template.write import write_template
from ..errors import MasterError, UnknownFormError
from ..messages import LANGS, Lang, render
from .derive import number
from .earlier import move_earlier, say_moved
from .formats_kept import DEFAULT_FORMAT, formats_said, last_formats
from .model import Key, Record
from .store import read_master

#: One template to write: its form, recipient, prefill and key.
Target = tuple[Form, str, dict[str, Any], str]


def templates_from_master(master_path: str | Path, out_dir: str | Path, *, project: str | None = None,
                          recipient: str | None = None, roster: str | Path | Sequence[Recipient] | None = None,
                          fmt: str | None = None,
                          forms_dirs: Iterable[str | Path] = (), issued: dt.datetime | None = None,
                          form: Form | str | None = None, say: Callable[[str], None] | None = None,
                          waived: Collection[tuple[str, str]] = (), zone: Zone = None) -> list[Path]:
    """Write next period's templates from the master into ``out_dir``; return their paths.

    Without a roster, one template per submission in the master (narrowed by ``project`` and
    ``recipient``); with a roster (see :func:`sheetsync.roster.read_roster`), one per roster row
    and project (``project`` narrows it too; a roster already read may be given as its recipients). Files are named ``<recipient> <school>.<fmt>`` as the
    roster's first templates are (the key after it for a school with several keys); without a roster
    ``<project code>_<recipient>.<fmt>``; made safe on every OS. Earlier templates in ``out_dir`` move
    into ``out_dir/old/<day>/`` first (:func:`sheetsync.master.earlier.move_earlier`): all of them in a
    run for everyone, only those under the names written in a run narrowed by ``project`` / ``recipient``.

    :param fmt: ``"xlsx"`` or ``"ods"`` for every template; None (the default): each recipient's the
        format of its last accepted file (:mod:`sheetsync.master.formats_kept`), else ``"xlsx"``.
    :param issued: the templates' issue time (default: now); later than the submissions they
        come from, so what comes back replaces them.
    :param say: told, in a line (Thai, then English), of each key left out because every row of its
        table is filled already (last fiscal year's project in October): its template would have
        every row locked and none open, nothing a school could send back; of each left out because its
        project is complete (100 % in its latest report), unless ``recipient`` names the school; and of
        the earlier templates moved aside, and each that could not be (open in Excel).
    :param waived: (recipient, code in ASCII digits) of each project whose remaining months the clerk
        waived (:mod:`sheetsync.office.waivers`): nothing more is due from it, so no template (``say``
        is told).
    :param zone: the office's time zone (None: this computer's): ``<day>`` of ``old/`` is its date.
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
    forms = _Forms(dirs, name)
    records = sorted(read_master(master_path).records.values(), key=lambda r: r.key)
    kept = last_formats(records)  # of every key: a school's last file decides, whatever project it was of
    people = read_roster(roster) if isinstance(roster, (str, Path)) else roster
    entries = None if people is None else [e for e in people if recipient is None or e.id == recipient]
    # Narrowed before any form is loaded: a record of a form no longer installed stops only what needs it.
    if project:
        records = [r for r in records if _code(project) in _codes_within(r.key.project_code)
                   and _code(forms.code(r)) == _code(project)]
    held = sorted({r.key.form_id for r in records})  # the forms a school new to every key may get
    records = _latest(_wanted(records, project, recipient, entries), forms)
    codes = {r.key: forms.code(r) for r in records}
    office_form = find_form(form, dirs) if isinstance(form, str) else form
    if entries is not None:
        targets = _roster_targets(entries, records, codes, project, office_form, forms, held)
    else:
        targets = [_own(r, r.key.recipient, codes[r.key], forms) for r in records]
    if not targets:
        asked = [(n, v) for n, v in (("project", project), ("recipient", recipient)) if v]
        wanted = {lang: ", ".join(_said(f"roundtrip.wanted.{n}", lang, value=v) for n, v in asked)
                  or _said("roundtrip.wanted.any", lang) for lang in LANGS}
        raise MasterError(_said("roundtrip.none", "en", master=name, wanted=wanted["en"]),
                          th=_said("roundtrip.none", "th", master=name, wanted=wanted["th"]))
    for target in [t for t in targets if _full(t)]:
        if say is not None:
            rows = {"rows": _rows(target), "recipient": target[1] or "-", "key": target[3]}
            say(f"{_said('roundtrip.full', 'th', **rows)} / {_said('roundtrip.full', 'en', **rows)}")
    targets = [t for t in targets if not _full(t)]
    if recipient is None:  # a school named is asked for all the same
        for target in [t for t in targets if _finished(t)]:
            if say is not None:
                said = {"recipient": target[1] or "-", "key": target[3]}
                say(f"{_said('roundtrip.finished', 'th', **said)} / {_said('roundtrip.finished', 'en', **said)}")
        targets = [t for t in targets if not _finished(t)]
    for target in [t for t in targets if (t[1], _code(t[3])) in waived]:
        if say is not None:
            said = {"recipient": target[1] or "-", "key": target[3]}
            say(f"{_said('roundtrip.waived', 'th', **said)} / {_said('roundtrip.waived', 'en', **said)}")
    targets = [t for t in targets if (t[1], _code(t[3])) not in waived]
    out = Path(out_dir)
    paths: list[Path] = []
    schools = {e.id: e.school for e in entries or ()}
    keys_of = Counter(who for _, who, _, _ in targets)
    chosen_fmt = {who: fmt or kept.get(who, DEFAULT_FORMAT) for _, who, _, _ in targets}
    for _, who, _, key in targets:
        name = _file_name(key, who, chosen_fmt[who], schools.get(who, ""), several=keys_of[who] > 1)
        paths.append(_free_name(out, name, paths))
    if say is not None:
        for line in formats_said(chosen_fmt, kept, fmt):
            say(line)
    # Last period's templates out of the way first: the folder then holds only what to send now
    say_moved(move_earlier(out, [p.name for p in paths], everyone=not (project or recipient), forms_dirs=dirs,
                           zone=zone),
               out, say)
    for (chosen, who, data, _), path in zip(targets, paths):
        write_template(chosen, path, data=data, recipient=who or None, lock_rows=True, issued=issued,
                       record_open=True)
    return paths


def _roster_targets(entries: list[Recipient], records: list[Record], codes: dict[Key, str], project: str | None,
                    form: Form | None, forms: _Forms, held: list[str]) -> list[Target]:
    """One target per roster row, code (a row may list several) and key: the recipient's own submissions,
    else the key's identity.

    :param held: the forms of the master's submissions (of ``project``), for a recipient new to every key."""
    targets: list[Target] = []
    for entry, code in ((e, c) for e in entries for c in e.codes or (project or "",)):
        if project and _code(code) != _code(project):
            continue
        own = [r for r in records if r.key.recipient == entry.id and (not code or _code(codes[r.key]) == _code(code))]
        if own:
            targets += [_own(r, entry.id, codes[r.key], forms) for r in own]
            continue
        known = [r for r in records if code and _code(codes[r.key]) == _code(code)
                 and (form is None or r.key.form_id == form.id)]
        chosen = forms.load(known[-1]) if known else form or _only_form(held, forms)
        prefill = _identity(chosen, known[-1].data if known else {}, code)
        targets.append((chosen, entry.id, _carried(chosen, prefill, records, entry.id), code))
    return targets


def _carried(form: Form, prefill: dict[str, Any], records: list[Record], recipient: str) -> dict[str, Any]:
    """``prefill`` with what the layout's ``master: carry`` keeps from the recipient's own latest
    submission of ``form`` on another key (a new fiscal year's project: its unit, who answers for it)."""
    carry = master_spec(form).carry
    mine = [r for r in records if r.key.recipient == recipient and r.key.form_id == form.id]
    if not carry or not mine:
        return prefill
    last = max(mine, key=lambda r: r.merged_at).data
    for pointer in carry:
        value = lookup(last, pointer)
        if value is not None and lookup(prefill, pointer) is None:
            place(prefill, pointer, value)
    return prefill


def _rows(target: Target) -> int:
    """How many rows of its form's table (``master: table``) a target's prefill fills."""
    chosen, _, data, _ = target
    spec = master_spec(chosen)
    rows = lookup(data, spec.table) if spec.table else None
    return len(rows) if isinstance(rows, list) else 0


def _full(target: Target) -> bool:
    """Whether a target's template would have no row open: every row of its table filled (a form
    filled anew each period starts empty, so is never full)."""
    spec = master_spec(target[0])
    table = target[0].table_at(spec.table) if spec.table and spec.next_period != "identity" else None
    return table is not None and _rows(target) >= table.capacity


def _finished(target: Target) -> bool:
    """Whether a target's project is complete: its latest report says 100 % (the summary's เสร็จสิ้น,
    never late), so nothing more is due from it."""
    spec = master_spec(target[0])
    progress = spec.progress if spec.next_period != "identity" else None
    if not progress:
        return False
    rows = spec.rows_of(target[2])
    return bool(rows) and number(rows[-1].get(progress)) >= 100


def _own(record: Record, recipient: str, code: str, forms: _Forms) -> Target:
    """Next period's template of a school that reported on the key: its last report (the layout's
    ``master: next_period: all``), or only the key's identity (``identity``: a form filled anew)."""
    form = forms.load(record)
    if master_spec(form).next_period == "identity":
        return form, recipient, _identity(form, record.data, code), code
    return form, recipient, record.data, code


class _Forms:
    """The forms of the master's records, each loaded when a record of it is first needed: a record
    of a form no longer installed stops only the templates that need it, saying so."""

    def __init__(self, dirs: tuple[str | Path, ...], master: str) -> None:
        self.dirs, self.master = dirs, master
        self.found: dict[str, Form] = {}

    def load(self, of: Record | str) -> Form:
        """The form of a record (or of that id).

        :raises MasterError: it is not installed (the message names the form, and the record)."""
        form_id = of.key.form_id if isinstance(of, Record) else of
        if form_id not in self.found:
            try:
                self.found[form_id] = find_form(form_id, self.dirs)
            except UnknownFormError as exc:
                whose = {lang: _said("roundtrip.whose", lang, recipient=of.key.recipient or "-",
                                     project=of.key.project_code or "-") if isinstance(of, Record)
                         else _said("roundtrip.whose-all", lang) for lang in LANGS}
                said = {"master": self.master, "form": repr(form_id), "why": exc}
                raise MasterError(_said("roundtrip.not-installed", "en", whose=whose["en"], **said),
                                  th=_said("roundtrip.not-installed", "th", whose_th=whose["th"], **said)) from exc
        return self.found[form_id]

    def spec(self, record: Record) -> MasterSpec:
        """The ``master:`` entry of ``record``'s form."""
        return master_spec(self.load(record))

    def code(self, record: Record) -> str:
        """``record``'s key without its period (``master: period``): what the roster's code names."""
        return self.spec(record).split(record.key.project_code)[0]


def _wanted(records: list[Record], project: str | None, recipient: str | None,
            entries: list[Recipient] | None) -> list[Record]:
    """The records the templates asked for may use, told by their text alone (no form loaded): of
    ``recipient`` (without a roster), or of a roster recipient or of its code (``project``'s by default)."""
    if entries is None:
        return [r for r in records if recipient is None or r.key.recipient == recipient]
    ids = {e.id for e in entries}
    codes = {_code(c) for e in entries for c in e.codes or (project or "",)} - {""}
    return [r for r in records if r.key.recipient in ids or codes & _codes_within(r.key.project_code)]


def _codes_within(key: str) -> set[str]:
    """Every code a stored key may be of: its values up to each separator, and the whole key (a key
    of a form with a period is its code followed by the period's values)."""
    parts = key.split(SEP)
    return {_code(SEP.join(parts[:n])) for n in range(1, len(parts) + 1)}


def _code(text: str) -> str:
    """A code as it is compared: its digits in ASCII. A roster or a clerk may write ๕๐๓๖๐๐๐๐-๓๕๕๓ for
    the code every file's key field reads as 50360000-3553 (a code's Thai digits are read as ASCII)."""
    return ascii_digits(text.strip())


def _latest(records: list[Record], forms: _Forms) -> list[Record]:
    """``records`` with only the latest period of each form, key and recipient (a form without a
    period keeps every record: one per key already). Next period's template follows the latest."""
    latest: dict[tuple[str, str, str], tuple[Rank, Record]] = {}
    kept: list[Record] = []
    for record in records:
        spec = forms.spec(record)
        if not spec.period:
            kept.append(record)
            continue
        code, period = spec.split(record.key.project_code)
        group, rank = (record.key.form_id, code, record.key.recipient), spec.period_rank(period)
        if group not in latest or latest[group][0] <= rank:
            latest[group] = (rank, record)
    return sorted(kept + [record for _, record in latest.values()], key=lambda r: r.key)


def _only_form(held: list[str], forms: _Forms) -> Form:
    """The one form the master's submissions are of (``held``), for a recipient new to every key.

    :raises MasterError: the master holds none, or several (the office's form must say which).
    """
    if len(held) != 1:
        held_text = f"holds {', '.join(held)}" if held else "holds no submission"
        raise MasterError(_said("roundtrip.which-form", "en", master=forms.master, held=held_text),
                          th=_said("roundtrip.which-form", "th", master=forms.master, held_th=", ".join(held) or "-"))
    return forms.load(held[0])


def _said(code: str, lang: Lang, **params: Any) -> str:
    return render(code, lang, source="master.yaml", **params)


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


def _file_name(key: str, recipient: str, fmt: str, school: str = "", *, several: bool = False) -> str:
    """``<recipient> <school>`` as the roster's first templates are named (the key after it when the
    school has several), so a school's file keeps its name month after month; without a roster,
    ``<key>_<recipient>``."""
    if school:
        stem = " ".join(part for part in (recipient, school, key if several else "") if part)
    else:
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
