"""Writing templates: a form (and optional prefill data) to a locked .xlsx or .ods file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..files import write_atomically
from ..formats import format_of, writer_for
from ..identity import OFFICE, KeyArg
from ..spec.form import Form
from .plan import TemplatePlan, build_plan


def write_template(form: Form, path: str | Path, *, fmt: str | None = None, data: dict[str, Any] | None = None,
                   recipient: str | None = None, password: str | None = None, lock_rows: bool = False,
                   issued: dt.datetime | None = None, key: KeyArg = OFFICE, record_open: bool = False) -> TemplatePlan:
    """Write a fill-in template of ``form`` to ``path`` and return the plan it was made from.

    :param fmt: ``"xlsx"`` or ``"ods"``; taken from the extension of ``path`` when omitted.
    :param data: prefill, in the form's JSON shape; prefilled header fields are locked.
    :param recipient: the school or unit the template is for (kept in its metadata).
    :param password: sheet-protection password; a guard rail only.
    :param lock_rows: lock prefilled report rows too and leave the signature line empty and open
        (next month's templates from the master).
    :param key: signs the template's identity; by default the office key (:mod:`sheetsync.identity`).
    :param record_open: record what its open cells hold as issued, so the office tells this template
        sent back with nothing typed from a filled file (``template --roster`` and ``--from-master`` do).
    :raises DataError: when ``data`` does not fit the form.
    :raises OutputError: when the file cannot be written.

    Example::

        write_template(find_form("progress-report"), "school-01.xlsx", recipient="school-01")
    """
    path = Path(path)
    write = writer_for(format_of(path, fmt))
    plan = build_plan(form, data, recipient=recipient, password=password, lock_rows=lock_rows, issued=issued,
                      key=key, record_open=record_open)
    write_atomically(path, lambda tmp: write(plan, tmp))
    return plan
