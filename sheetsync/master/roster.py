"""Rosters: who is expected to report, on which project (a CSV the office keeps).

A roster given to a merge is kept in the master (hidden ``_roster`` sheet), so the summary can
list recipients who have not sent anything yet ("no report"); a roster given to
:func:`~.roundtrip.templates_from_master` says whom to issue templates to.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import RosterError

ROSTER_COLUMNS = ("recipient_id", "school_name", "email", "project_code")


@dataclass(frozen=True)
class RosterEntry:
    """One row of a roster: who gets a template, for which project (optional)."""

    recipient_id: str
    school_name: str = ""
    email: str = ""
    project_code: str = ""


def read_roster(path: str | Path) -> list[RosterEntry]:
    """Read a roster CSV (UTF-8, a BOM tolerated) with at least a ``recipient_id`` column.

    Other known columns: ``school_name``, ``email``, ``project_code``; unknown ones are ignored,
    as are rows without a recipient.

    :raises RosterError: the file cannot be read or has no ``recipient_id`` column.

    Example::

        for entry in read_roster("schools.csv"):
            print(entry.recipient_id, entry.email)
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [(h or "").strip() for h in reader.fieldnames or []]
            if "recipient_id" not in header:
                raise RosterError(f"{path.name}: a roster needs a 'recipient_id' column (found: {', '.join(header)})")
            rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
                    for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"{path.name}: cannot read the roster ({exc})") from exc
    return [RosterEntry(*(row.get(c, "") for c in ROSTER_COLUMNS)) for row in rows if row.get("recipient_id")]
