"""The summary's last line, รวมทั้งหมด: what the office sends up the line (see :func:`total_row`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ..master.derive import add_up, number, share
from ..spec.form import Form
from .due import Due
from .headings import word
from .spec import MasterSpec, master_spec

if TYPE_CHECKING:
    from .summary import Digest, Line


def total_row(lines: Sequence[Line], roles: Sequence[str], main: Form | None, due: Due | None = None) -> list[Any]:
    """The summary's last line, what the office sends up the line: how many of its lines have a
    report, and the amounts and budgets added up (their share too) — below the filter, so a sort
    never moves it.

    Amounts are added for the form whose headings the columns carry (``main``) only, never across
    forms; and not at all for a form filled anew each period, whose lines may be of several months —
    unless it declares its period (``master: period``): then the lines of its period due (``due``, else
    its latest period) are added, out of every recipient (a line per school and month would count
    each school once a month)."""
    spec = master_spec(main) if main is not None else None
    reported = [line.record for line in lines if line.record is not None]
    if main is not None and spec is not None and spec.period:
        return _period_total(lines, roles, main, spec, due.period if due else None)
    anew = spec is None or spec.next_period == "identity"
    added = [d for d in reported if main is not None and d.key.form_id == main.id and not anew]
    return _total_values(roles, added, word("total.reported", reported=len(reported), count=len(lines)))


def _period_total(lines: Sequence[Line], roles: Sequence[str], main: Form, spec: MasterSpec,
                  due: str | None) -> list[Any]:
    """The total of a form with a period: the lines of its period due (else its latest), out of every recipient."""
    mine = [line.record for line in lines if line.record is not None and line.record.key.form_id == main.id]
    periods = {spec.split(d.key.project_code)[1] for d in mine}
    latest = due or max(periods, key=spec.period_rank, default="")
    added = [d for d in mine if spec.split(d.key.project_code)[1] == latest]
    said = word("total.reported-period", period=latest or "-", reported=len(added),
                count=len({line.recipient for line in lines}))
    return _total_values(roles, added, said)


def _total_values(roles: Sequence[str], added: Sequence[Digest], reported: str) -> list[Any]:
    total = add_up(d.total for d in added if d.total is not None)
    budget = add_up(number(d.budget) for d in added if d.budget is not None)
    values = {"recipient": word("total.label"), "school": reported,
              "total": total if "total" in roles and added else None,
              "budget": budget if "budget" in roles and added else None,
              "share": share(total, budget) if budget else None}
    return [values.get(role) for role in roles]
