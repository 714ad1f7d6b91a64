"""Which keys the summary flags as corrected (column การแก้ไข, ``แก้ไขรายงานก่อนหน้า``)."""

from __future__ import annotations

from typing import Mapping

from .spec import MasterSpec
from .store import OutcomeRow


def corrected_keys(outcomes: list[OutcomeRow], specs: Mapping[str, MasterSpec]) -> set[tuple[str, str]]:
    """Keys whose accepted data changed a row of their form's table sent before (not just added a new one).

    A form filled anew each period (``master: next_period: identity``) changes every row from one
    period to the next: only a replacement on the template of the data it replaces is a correction —
    unless the form declares its period (``master: period``), whose key tells one period from the next."""
    def corrects(o: OutcomeRow) -> bool:
        spec = specs.get(o.form_id)
        prefix = f"{spec.table}/" if spec and spec.table else None
        return prefix is not None and any(c.startswith(prefix) and c[len(prefix):].count("/") >= 1 for c in o.changes)

    found: set[tuple[str, str]] = set()
    template_of: dict[tuple[str, str], str] = {}  # the template of each key's accepted data so far
    for o in outcomes:  # oldest first
        who, spec = (o.recipient, o.key), specs.get(o.form_id)
        # A form with a period keys each period apart: a replacement is always of the same period.
        anew = spec is not None and spec.next_period == "identity" and not spec.period
        if anew and o.result in ("merged", "replaced") and template_of.get(who) != o.template_id:
            found.discard(who)  # a new period: last period's correction says nothing of this one
        if o.result == "replaced" and corrects(o) and (not anew or template_of.get(who) == o.template_id):
            found.add(who)
        if o.result in ("merged", "replaced"):
            template_of[who] = o.template_id
    return found
