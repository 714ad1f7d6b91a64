"""Writing templates: a form (and optional prefill data) to a locked .xlsx or .ods file."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..spec.form import Form
from ..formats import format_of, writer_for
from .plan import TemplatePlan, build_plan


def write_template(form: Form, path: str | Path, *, fmt: str | None = None, data: dict[str, Any] | None = None,
                   recipient: str | None = None, password: str | None = None, lock_rows: bool = False,
                   issued: dt.datetime | None = None) -> TemplatePlan:
    """Write a fill-in template of ``form`` to ``path`` and return the plan it was made from.

    :param fmt: ``"xlsx"`` or ``"ods"``; taken from the extension of ``path`` when omitted.
    :param data: prefill, in the form's JSON shape; prefilled header fields are locked.
    :param recipient: the school or unit the template is for (kept in its metadata).
    :param password: sheet-protection password; a guard rail only.
    :param lock_rows: lock prefilled report rows too and leave the signature line empty and open
        (next month's templates from the master).
    :raises DataError: when ``data`` does not fit the form.
    :raises OutputError: when the file cannot be written.

    Example::

        write_template(find_form("progress-report"), "school-01.xlsx", recipient="school-01")
    """
    path = Path(path)
    write = writer_for(format_of(path, fmt))
    plan = build_plan(form, data, recipient=recipient, password=password, lock_rows=lock_rows, issued=issued)
    write_atomically(path, lambda tmp: write(plan, tmp))
    return plan


def write_atomically(path: Path, write: Any) -> None:
    """Call ``write(tmp_path)`` and move the result over ``path`` only once it is complete."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here ({exc.strerror})") from exc
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)
