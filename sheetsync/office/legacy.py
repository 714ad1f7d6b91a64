"""Masters written before the store existed: their hidden sheets are imported once into the store."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import MasterFormatError
from ..master.store import read_master_workbook
from .sqlite_faults import store_said
from .store import Store


def import_legacy(store: Store, master: Path) -> bool:
    """Import a workbook master's ``_data``, ``_ledger`` and ``_roster`` into an empty store.

    :returns: True when something was imported (the view must then be rendered again).
    :raises MasterFormatError: ``master`` is neither a view of this store nor an old master.
    """
    if not master.exists() or store.query("SELECT 1 FROM outcomes LIMIT 1") or store.view_hash(master):
        return False
    try:
        old = read_master_workbook(master)
    except MasterFormatError:
        if store.query("SELECT 1 FROM submissions LIMIT 1"):
            return False
        raise
    with store.transaction() as db:
        for record in old.records.values():
            cursor = db.execute(
                "INSERT INTO submissions (sha256, form_id, form_version, template_id, recipient, key, issued_at, "
                "received_at, file, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.sha256, record.key.form_id, record.form_version, record.template_id, record.key.recipient,
                 record.key.project_code, record.recency.issued_at, record.merged_at, record.file,
                 json.dumps(record.data, ensure_ascii=False, sort_keys=True)))
            store.set_current(int(cursor.lastrowid or 0), *record.key)
        for e in old.ledger:
            store.add_outcome({"sha256": e.sha256, "file": e.file, "received_at": e.received_at, "result": e.result,
                               "code": "imported", "detail": e.detail, "form_id": e.form_id,
                               "form_version": e.form_version, "template_id": e.template_id,
                               "recipient": e.recipient, "key": e.project_code})
            if e.sha256:
                disposition = "quarantine" if e.result == "quarantined" else "processed"
                store.add_file(e.sha256, e.file, 0, None, 0, disposition, set_aside=True)
    store.set_roster(old.roster)
    return True


def check_store_kept(store: Path, master: Path, set_aside: tuple[Path, ...]) -> None:
    """Stop when an office that has worked has lost its store (deleted, or a folder copied without it).

    Opening it would make a new, empty store: the office would seem never to have received anything,
    every file read again would be taken for new, and a restore would then need ``--force``. An office
    never run (no master, nothing in ``set_aside``: processed/ and quarantine/) may make its store
    now, and so may one whose master was written before the store (imported into it).

    :raises StoreError: the store is missing though the office has worked; restore it from a backup.
    """
    if store.exists():
        return
    worked = any(_holds_a_file(folder) for folder in set_aside)
    if master.exists() and not worked:
        try:
            read_master_workbook(master)
            return  # a master written before the store: the first run imports it
        except MasterFormatError:
            worked = True  # a view of a store that is gone
    if worked:
        raise store_said("error.store-lost", store, "")


def _holds_a_file(folder: Path) -> bool:
    try:
        return any(True for _ in folder.iterdir())
    except OSError:  # a folder missing or not listable says nothing of a store
        return False
