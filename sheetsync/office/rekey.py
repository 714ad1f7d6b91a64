"""Stored keys of a form that declared its period (``master: period``) after the office had used it.

An office that ran the lunch report before its layout declared ``period`` keyed each school's
submissions by the school alone, each month replacing the one before. Once the form with a period is
installed, such a key holds no month: it would stay a line without a month beside the monthly lines
for good, and its months (October, replaced by November) would never be seen apart.

The first run that uses the form with a period (``sync``, ``merge``, rendering the view) keys every
stored version by its own data's period, in one transaction per form: every version is kept, the
outcomes of its file follow it (the ledger, the history), and each key's current submission is chosen
again as the store chose when the files came (:mod:`.record`: in arrival order, a template issued
earlier than the current one's never replaces it). A version whose data holds no period (which a
valid file of the form cannot be) keeps its key. Later runs find nothing to do.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable

from ..master.model import moment
from ..spec.master import SEP, MasterSpec
from .sheets import forms_of
from .spec import master_spec
from .store import Store, Stored


def rekey_periods(store: Store, forms_dirs: Iterable[str | Path] = ()) -> int:
    """Key by their period the stored versions of each form with ``master: period`` whose key holds
    none (see the module docstring); return how many were keyed anew (0: nothing to do).

    :param forms_dirs: extra folders of forms (a form not found is left as it is).
    :raises StoreError: the store cannot be read or written (nothing is changed).
    """
    ids = [str(r[0]) for r in store.query("SELECT DISTINCT form_id FROM submissions")]
    done = 0
    for form_id, form in sorted(forms_of(ids, tuple(forms_dirs)).items()):
        spec = master_spec(form)
        old = _without_period(store, form_id, spec) if spec.period else []
        if old:
            with store.transaction() as db:
                done += _rekey(db, form_id, spec, old)
    return done


def _without_period(store: Store, form_id: str, spec: MasterSpec) -> list[Stored]:
    """The versions of ``form_id`` whose key has fewer values than key and period together."""
    # Counted in SQL (each value is joined by SEP, and a value holds none: key_part), told for sure below.
    fewer = f"(length(s.key) - length(replace(s.key, '{SEP}', ''))) / {len(SEP)} < ?"
    found = store.versions(f"s.form_id = ? AND {fewer}", (form_id, len(spec.key) + len(spec.period) - 1))
    return [v for v in found if not spec.split(v.key)[1]]


def _rekey(db: sqlite3.Connection, form_id: str, spec: MasterSpec, versions: list[Stored]) -> int:
    """Key each version by its period (with its file's outcomes), then choose each key's current again."""
    touched: set[tuple[str, str]] = set()
    done = 0
    for version in versions:
        key = spec.key_of(version.data)
        if not key:
            continue
        db.execute("UPDATE submissions SET key = ? WHERE id = ?", (key, version.id))
        db.execute("UPDATE outcomes SET key = ? WHERE sha256 = ? AND form_id = ? AND recipient = ? AND key = ?",
                   (key, version.sha256, form_id, version.recipient, version.key))
        touched |= {(version.recipient, version.key), (version.recipient, key)}
        done += 1
    for recipient, key in sorted(touched):
        _choose_current(db, form_id, key, recipient)
    if done:
        db.execute("UPDATE views SET outcome_id = -1")  # every view shows the old keys: each is stale
    return done


def _choose_current(db: sqlite3.Connection, form_id: str, key: str, recipient: str) -> None:
    """The key's current submission, as :mod:`.record` decided it version by version: in arrival
    order, each one replaces the current unless its template was issued earlier (superseded)."""
    rows = db.execute("SELECT id, issued_at FROM submissions WHERE form_id = ? AND key = ? AND recipient = ? "
                      "ORDER BY id", (form_id, key, recipient)).fetchall()
    current: tuple[int, str] | None = None
    for sub_id, issued in rows:
        if current is None or not moment(issued or "") < moment(current[1]):
            current = (int(sub_id), issued or "")
    db.execute("DELETE FROM current WHERE form_id = ? AND key = ? AND recipient = ?", (form_id, key, recipient))
    if current is not None:
        db.execute("INSERT INTO current VALUES (?, ?, ?, ?)", (form_id, key, recipient, current[0]))
