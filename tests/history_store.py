"""A store of several schools, keys and versions written directly (fixed times), for ``history``'s
golden output and its memory test (:mod:`tests.test_office_history_stream`).

It holds what the listing shows or must leave out: each result (and a result code of no known name),
why a file was not taken, values changed, added and taken away, long Thai texts that begin alike, a
table row, the sender of a mailed file (the latest message that brought it), files without a key or
recipient (stored NULL and ''), two ids differing only in case, a monthly form's periods, a file of
no form (never listed) and a version whose bytes another key also stored.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sheetsync.office.store import Store, Stored

SEED = Path(__file__).parent.parent / "sheetsync" / "samples" / "progress-report.json"
LONG = "โครงการพัฒนาคุณภาพการศึกษาของโรงเรียนในสังกัดกรุงเทพมหานคร ระยะที่ ๒ ภาคเรียนที่ ๑ "


def _data(reports: int, **project: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    data["reports"] = data["reports"][:reports]
    data["project"].update(project)
    return data


def _time(n: int) -> str:
    return f"2020-{1 + n // 28:02d}-{1 + n % 28:02d}T0{n % 10}:30:00.000000+00:00"


class _Writer:
    """Adds submissions and outcomes in arrival order, each at its own fixed time."""

    def __init__(self, store: Store) -> None:
        self.store, self.n = store, 0

    def add(self, result: str, form: str | None, key: str | None, who: str | None, data: dict[str, Any] | None,
            *, sha: str | None = None, detail: str = "", file: str = "") -> str:
        self.n += 1
        sha = sha if sha is not None else f"{self.n:064x}"
        name = file or f"{who or 'unknown'}-{self.n}.xlsx"
        sub_id = None
        if data is not None:
            sub_id = self.store.add_submission(Stored(0, sha, form or "", "3.0.0", f"t{self.n}", who or "", key or "",
                                                      _time(self.n - 1), _time(self.n), name, copy.deepcopy(data)))
            if result in ("merged", "replaced"):
                self.store.set_current(sub_id, form or "", key or "", who or "")
        self.store.add_outcome({"sha256": sha or None, "file": name, "received_at": _time(self.n), "result": result,
                                "code": result, "detail": detail, "form_id": form, "form_version": "3.0.0",
                                "template_id": f"t{self.n}", "recipient": who, "key": key,
                                "submission_id": sub_id, "changes": []})
        return sha


def fill(store: Store) -> None:
    """The store of the golden listing (see the module's docstring)."""
    w, pr, lunch = _Writer(store), "progress-report", "school-lunch"
    with store.transaction():
        a = _data(3, code="50360000-3553")
        first = w.add("merged", pr, "50360000-3553", "s1", a)
        w.add("unchanged", pr, "50360000-3553", "s1", a, sha=first)
        b = _data(5, code="50360000-3553", name=LONG + "เดิม")
        w.add("replaced", pr, "50360000-3553", "s1", b)
        w.add("refused", pr, "50360000-3553", "s1", None, detail="แถว 4: ร้อยละเกิน 100 / row 4: over 100 %")
        c = _data(4, code="50360000-3553", name=LONG + "ใหม่", budget_used=None)
        w.add("superseded", pr, "50360000-3553", "s1", c, detail="issued earlier than the current one")
        w.add("merged", pr, "50360000-3554", "s2", _data(2, code="50360000-3554"))
        w.add("quarantined", pr, None, "s2", None, sha="", detail="not a spreadsheet\x1b[2J")
        w.add("refused", pr, "", "s2", None, detail="no project code")
        w.add("quarantined", "", None, None, None, detail="a PDF: never listed")  # no form: not listed
        w.add("merged", pr, "50360000-3555", "School-01", _data(1, code="50360000-3555"))
        w.add("merged", pr, "50360000-3555", "school-01", _data(7, code="50360000-3555"), file="ผลงาน\x0bล่าสุด.xlsx")
        w.add("weird", pr, "50360000-3555", "school-01", None, detail="kept")
        for month, reports in (("2563 · 1", 1), ("2562 · 12", 2), ("2563 · 1", 3)):
            w.add("merged" if reports < 3 else "replaced", lunch, f"10360001 · {month}", "s3",
                  _data(reports, code="10360001"))
        shared = w.add("merged", pr, "50360000-3556", "s4", _data(6, code="50360000-3556"))
        w.add("merged", pr, "50360000-3557", "s4", _data(2, code="50360000-3557", name="อื่น"), sha=shared)
        w.add("replaced", pr, "50360000-3556", "s4", _data(7, code="50360000-3556"))
        for n, (sha, sender) in enumerate(((first, "head@s1.example"), (first, "ครู <teacher@s1.example>"),
                                           (shared, "s4@example.org"))):
            store.db.execute("INSERT INTO messages (message_id, sender, date, fetched_at) VALUES (?, ?, ?, ?)",
                             (f"<m{n}@example>", sender, _time(n), _time(n)))
            store.db.execute("INSERT INTO message_files (message_id, sha256, filename, path) VALUES (?, ?, ?, ?)",
                             (f"<m{n}@example>", sha, "f.xlsx", "inbox/f.xlsx"))


def fill_many(store: Store, schools: int, versions: int) -> None:
    """``schools`` × ``versions`` versions of one key each (the memory test's store): each version a
    report more, as a school's months arrive."""
    w = _Writer(store)
    with store.transaction():
        for v in range(1, versions + 1):
            for n in range(schools):
                code = f"5036{n:04d}-{n:04d}"
                w.add("merged" if v == 1 else "replaced", "progress-report", code, f"R{n:05d}",
                      _data(min(v, 7), code=code, name=LONG * 4 + str(v)))
