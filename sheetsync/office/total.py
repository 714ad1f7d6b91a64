"""The summary's last lines, รวมทั้งหมด: what the office sends up the line (see :func:`total_rows`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Collection, Mapping, Sequence

from ..check.coerce import ascii_digits
from ..master.derive import add_up, number, share
from ..roster import Recipient
from ..spec.master import SEP
from ..spec.form import Form
from .due import Due
from .headings import word
from .spec import MasterSpec, master_spec

if TYPE_CHECKING:
    from .summary import Digest, Line


def total_row(lines: Sequence[Line], roles: Sequence[str], main: Form | None, due: Due | None = None) -> list[Any]:
    """The summary's total line of ``lines``, what the office sends up the line: how many of its lines
    have a report, and the amounts and budgets added up (their share too) — below the filter, so a sort
    never moves it.

    Amounts are added for the form whose headings the columns carry (``main``) only, never across
    forms; and not at all for a form filled anew each period, whose lines may be of several months —
    unless it declares its period (``master: period``): then the lines of its period due (``due``, else
    its latest period) are added, out of every recipient (a line per school and month would count
    each school once a month) — out of each code of a recipient whose roster row lists several."""
    return total_rows(lines, roles, main, due)[0]


def total_rows(lines: Sequence[Line], roles: Sequence[str], main: Form | None, due: Due | None = None,
               left: Callable[[Line], bool] = lambda line: False,
               owing: Callable[[Line], bool] = lambda line: False,
               waived: Callable[[Line], bool] = lambda line: False) -> list[list[Any]]:
    """The total line (:func:`total_row`) of the lines of recipients on the roster, then, when some line
    is not on it (``left``: its recipient taken off, or a code its roster entry no longer names), a line
    of theirs: how many recipients, and their amounts added apart.

    A line that ``owing`` says still owes its year's last months (its status says "not sent") is not
    counted as reported; its amounts are added. Nor is a line ``waived`` (its project's remaining months
    waived by the clerk, :mod:`.waivers`) counted, as reported or as due (of a form with a period: its
    code is not due that period, and its report of it, should one still come, is not counted as sent):
    the count says how many were waived; its amounts are added as its line's place says. A district clerk sends the total up the line as "so many of our schools reported, this much spent":
    a school closed or merged into another is not one of the office's schools any more, so it is neither
    counted nor added there; its line stays in view with its status, and its money on a line of its own
    below, so that the two lines still add up to every line shown.

    Example::

        total_rows(lines, roles, form, due, left=lambda line: line.recipient == "s2")  # [[รวมทั้งหมด …], [ไม่อยู่ใน…]]
    """
    spec = master_spec(main) if main is not None else None
    period = _period_of(lines, main, spec, due) if main is not None and spec is not None and spec.period else None
    listed = [line for line in lines if not left(line)]
    gone = [line for line in lines if left(line)]
    if period is not None and main is not None and spec is not None:
        free = _waived_codes(listed, main, spec, waived)  # neither due nor reported: its money is added
        added, reported, count = _added(listed, main, spec, period, free)
        said = word("total.reported-period", period=spec.period_label(period) if period else "-",
                    reported=reported, count=count) + (word("total.waived", count=len(free)) if free else "")
    else:  # a waived line (with a report or not) is counted neither as reported nor as due
        added, reported, count = _added(listed, main, spec, period)
        reported -= sum(1 for line in listed if line.record is not None and (owing(line) or waived(line)))
        free = {(line.recipient, line.key) for line in listed if waived(line)}
        said = word("total.reported", reported=reported, count=count - len(free)) + (
            word("total.waived", count=len(free)) if free else "")
    rows = [_total_values(roles, added, word("total.label"), said)]
    if gone:
        added = _added(gone, main, spec, period)[0]
        rows.append(_total_values(roles, added, word("total.left.label"),
                                  word("total.left", count=len({line.recipient for line in gone}))))
    return rows


def _period_of(lines: Sequence[Line], main: Form, spec: MasterSpec, due: Due | None) -> str:
    """The period a form with a period is added up for: the one due, else its latest."""
    if due is not None:
        return due.period
    periods = {spec.split(line.record.key.project_code)[1] for line in lines
               if line.record is not None and line.record.key.form_id == main.id}
    return max(periods, key=spec.period_rank, default="")


def _waived_codes(lines: Sequence[Line], main: Form, spec: MasterSpec,
                  waived: Callable[[Line], bool]) -> set[tuple[str, str]]:
    """(recipient, code) of each code of ``main``, a form with a period, that ``lines`` say is waived."""
    return {(line.recipient, _first(spec.split(line.key)[0])) for line in lines
            if line.form_id in (main.id, "") and waived(line)}


def _added(lines: Sequence[Line], main: Form | None, spec: MasterSpec | None, period: str | None,
           free: Collection[tuple[str, str]] = ()) -> tuple[list[Digest], int, int]:
    """The submissions whose amounts are added, how many lines (or recipients, of a period) reported,
    out of how many (of a period: ``free``, the (recipient, code) waived, neither reported nor due)."""
    reported = [line.record for line in lines if line.record is not None]
    if main is not None and spec is not None and period is not None:
        mine = [d for d in reported if d.key.form_id == main.id and spec.split(d.key.project_code)[1] == period]
        counted = [d for d in mine if (d.key.recipient, _first(spec.split(d.key.project_code)[0])) not in free]
        return mine, len(counted), _reports_due(lines, main, spec, free)
    anew = spec is None or spec.next_period == "identity"
    added = [d for d in reported if main is not None and d.key.form_id == main.id and not anew]
    return added, len(reported), len(lines)


def _reports_due(lines: Sequence[Line], main: Form, spec: MasterSpec, free: Collection[tuple[str, str]]) -> int:
    """How many reports of a period ``lines``' recipients owe: one each, or one for each code of a
    recipient whose lines are of several (its roster row lists several codes, each with its lines) —
    but those of ``free`` (recipient, code), waived: a recipient whose every code is waived owes none."""
    codes: dict[str, set[str]] = {}
    for line in lines:
        own = codes.setdefault(line.recipient, set())
        if line.form_id in (main.id, ""):
            own.add(_first(spec.split(line.key)[0]))
    return sum(len({c for c in own if (who, c) not in free}) if own else 1 for who, own in codes.items())


def _total_values(roles: Sequence[str], added: Sequence[Digest], label: str, said: str) -> list[Any]:
    total = add_up(d.total for d in added if d.total is not None)
    budget = add_up(number(d.budget) for d in added if d.budget is not None)
    values = {"recipient": label, "school": said,
              "total": total if "total" in roles and added else None,
              "budget": budget if "budget" in roles and added else None,
              "share": share(total, budget) if budget else None}
    return [values.get(role) for role in roles]


def replaced_codes(lines: Sequence[Line], roster: Mapping[str, Recipient],
                   code_of: Callable[[Line], str]) -> set[tuple[str, str]]:
    """The lines whose code their recipient's roster entry no longer names: the roster lists it with
    other codes (a project renumbered, 5006 → 5010), so the old key is no longer one of the office's
    to count — its line stays in view, added apart as a line off the roster is. A roster entry naming
    no code keeps every key; codes compare with ASCII digits (a roster may write ๕๐๐๖), and a key of
    several values by its first (the roster's code is put at a form's first key field). Each line as
    (recipient, key)."""
    found = set()
    for line in lines:
        entry = roster.get(line.recipient)
        listed = listed_codes(entry) if entry is not None else ()
        if listed and _first(code_of(line)) not in listed:
            found.add((line.recipient, line.key))
    return found


def new_codes(entry: Recipient, own: Sequence[Digest], specs: Mapping[str, MasterSpec]) -> tuple[str, ...]:
    """The codes ``entry``'s roster row names that none of its submissions ``own`` is of (the project
    renumbered, or a new fiscal year's project not sent yet), in ASCII digits; none when it has no
    submission at all (its one line stands for them).

    Those codes are the school's now: their lines are due, while the codes no longer listed are set
    apart (:func:`replaced_codes`). Compared as :func:`replaced_codes` compares."""
    if not own:
        return ()
    held = set()
    for digest in own:
        spec = specs.get(digest.key.form_id)
        held.add(_first(spec.split(digest.key.project_code)[0] if spec else digest.key.project_code))
    return tuple(code for code in listed_codes(entry) if code not in held)


def listed_codes(entry: Recipient) -> tuple[str, ...]:
    """The codes ``entry``'s roster row names (:attr:`Recipient.codes`), as codes compare: ASCII digits."""
    return tuple(dict.fromkeys(ascii_digits(code) for code in entry.codes))


def _first(key: str) -> str:
    """A key's code as a roster's compares: its first value, in ASCII digits."""
    return ascii_digits(key.split(SEP)[0].strip())
