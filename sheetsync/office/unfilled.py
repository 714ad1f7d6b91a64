"""The template sent back as the office issued it, nothing typed in it (:mod:`sheetsync.check.issued`).

A teacher who sends her month's file, then by mistake the template itself (next month's, her earlier
reports prefilled and locked, or an older one still empty), sent no report. Taken as one, next month's
template replaced her month's file in the master ("a report is missing": a warning a school may mean),
and an empty one was answered with a "fill in" per empty cell and showed her as having to fix a file.
Such a file is refused with code ``as-issued``: her answer says so in one sentence, the store keeps no
version of it, and the office's summary leaves her line as her reports on record make it (up to date,
or still owing a report when she has sent none): it is no file to fix (:mod:`.summary`).
"""

from __future__ import annotations

from ..check.issued import AS_ISSUED
from ..check.report import Finding
from ..messages import render
from ..pipeline import FileResult

__all__ = ["AS_ISSUED", "sent_as_issued", "tell_as_issued"]


def sent_as_issued(item: FileResult) -> bool:
    """Whether ``item`` is a template of this office (its identity verified) returned with nothing typed."""
    return (item.filled is not None and item.filled.as_issued and item.report is not None
            and item.report.identity_verified)


def tell_as_issued(item: FileResult) -> bool:
    """When ``item`` was sent as issued, make its report say that alone (one error, in place of every
    "fill in" an empty template gets) and return True; else leave it and return False."""
    if not sent_as_issued(item) or item.report is None or item.form is None:
        return False
    said = {lang: render(AS_ISSUED, lang) for lang in ("th", "en")}
    item.report.findings = [Finding(AS_ISSUED, "error", item.form.sheet, "", "", "", said["th"], said["en"])]
    return True
