"""Helpers shared by the tests of :mod:`sheetsync.master` (this module holds no tests itself)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

SEED = Path(__file__).parent.parent / "sheetsync" / "samples" / "progress-report.json"
CODES = ["50360000-3553", "50360000-4001", "50360000-4002", "50360000-4003"]


def seed_data() -> dict[str, Any]:
    """A fresh copy of the seed's filled form (7 reports)."""
    data: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    return data


def variant(data: dict[str, Any], *, code: str | None = None, reports: int | None = None) -> dict[str, Any]:
    """``data`` with another project code and / or only its first ``reports`` reports."""
    out = copy.deepcopy(data)
    if code is not None:
        out["project"]["code"] = code
    if reports is not None:
        out["reports"] = out["reports"][:reports]
        if reports < 7:
            # Not complete yet: the rule "total disbursed = budget used at 100 %" does not apply,
            # and budget used must not claim money that was not disbursed.
            out["project"]["budget_used"] = sum(r["disbursed"] for r in out["reports"])
    return out


def submit(form: Form, folder: Path, data: dict[str, Any], recipient: str, *, name: str | None = None,
           issued: dt.datetime | None = None) -> Path:
    """A filled template as a school would send it back."""
    path = folder / (name or f"{data['project']['code']}_{recipient}.xlsx")
    write_template(form, path, data=data, recipient=recipient, issued=issued)
    return path


def at(day: int) -> dt.datetime:
    """An issue time in 2020, ``day`` days into the year (templates of later periods are later)."""
    return dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=day)


def unsigned(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as next month's template holds it: the signature line left empty to sign anew."""
    out = copy.deepcopy(data)
    certification = out.get("certification", {})
    certification.pop("signer", None)
    if not certification:
        out.pop("certification", None)
    return out


def without_total(sheet: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summary's lines without the office's total and the blank row above it (both checked to be
    there), and the line below it of schools taken off the roster; other sheets as read."""
    from sheetsync.office.summary import SUMMARY

    if sheet != SUMMARY:
        return rows
    if rows and rows[-1]["ผู้รายงาน"] == "ไม่อยู่ในรายชื่อแล้ว":  # the amounts of schools taken off, below the total
        rows = rows[:-1]
    assert len(rows) >= 2 and rows[-1]["ผู้รายงาน"] == "รวมทั้งหมด", rows[-1:]
    assert all(v in (None, "") for v in rows[-2].values()), rows[-2]
    return rows[:-2]
