"""Which keys the summary flags as corrected (column การแก้ไข, ``แก้ไขรายงานก่อนหน้า``)."""

from __future__ import annotations

from typing import Mapping

from .spec import MasterSpec
from .store import OutcomeRow


def corrected_keys(outcomes: list[OutcomeRow], specs: Mapping[str, MasterSpec]) -> dict[tuple[str, str], str]:
    """Keys corrected this period: accepted data that changed a row of their form's table the office
    had accepted before (not just added a new one), with no file on a later template since.

    The flag is the office's attention to data it had already accepted being changed, this period:
    a file made from a later template (next period's, from ``template --from-master``) is the news of
    a new period, and clears it — December's fixed typo is not January's concern. A correction on the
    later template flags it again. (A file on an earlier template is ``superseded``, never accepted.)

    A form filled anew each period (``master: next_period: identity``) changes every row from one
    period to the next: only a replacement on the template of the data it replaces is a correction —
    unless the form declares its period (``master: period``), whose key tells one period from the next.

    Returns each flagged key with when its correction was received (see :func:`still_news`)."""
    def corrects(o: OutcomeRow) -> bool:
        spec = specs.get(o.form_id)
        prefix = f"{spec.table}/" if spec and spec.table else None
        return prefix is not None and any(c.startswith(prefix) and c[len(prefix):].count("/") >= 1 for c in o.changes)

    found: dict[tuple[str, str], str] = {}
    template_of: dict[tuple[str, str], str] = {}  # the template of each key's accepted data so far
    for o in outcomes:  # oldest first
        who, spec = (o.recipient, o.key), specs.get(o.form_id)
        # A form with a period keys each period apart: a replacement is always of the same period.
        anew = spec is not None and spec.next_period == "identity" and not spec.period
        if o.result in ("merged", "replaced") and template_of.get(who) != o.template_id:
            found.pop(who, None)  # a later template: the last period's correction is not this one's news
        if o.result == "replaced" and corrects(o) and (not anew or template_of.get(who) == o.template_id):
            found[who] = o.received_at
        if o.result in ("merged", "replaced"):
            template_of[who] = o.template_id
    return found


def still_news(received_at: str, finished: bool, period: str | None) -> bool:
    """Whether a correction received at ``received_at`` (stored UTC) is still flagged in ``period``'s
    view (``YYYY-MM``): always for a key that goes on (a later template clears it), but a finished key
    (complete, or off the roster) gets no later template, so its flag holds only for the period the
    correction came in — last year's project corrected in September is not November's news. (The
    month is taken in UTC: a correction in the first hours of a month, Thai time, counts in the month before.)"""
    return not finished or not period or received_at[:7] >= period
