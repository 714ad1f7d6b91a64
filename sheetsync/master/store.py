"""The master's own data: the hidden ``_data`` sheet (one row per key), the ``_ledger`` sheet and
the hidden ``_roster`` sheet.

Everything else in the master is derived from these sheets at every merge, so they are what
sheetsync reads back (with python-calamine: fast, and every value a string here). ``_data`` keeps
each submission's full JSON, split over as many cells as needed: a cell holds at most 32,767
UTF-16 code units in Excel and LibreOffice.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from python_calamine import CalamineError, CalamineWorkbook

from ..roster import Recipient
from ..errors import MasterFormatError, is_parser_panic
from ..messages import LANGS, render
from .layout import Column, Sheet
from .model import RESULTS_TH, Key, LedgerEntry, MasterData, Recency, Record

DATA_SHEET = "_data"
LEDGER_SHEET = "_ledger"
ROSTER_SHEET = "_roster"
#: Below Excel's 32,767 so that a cell never sits right at the limit.
CELL_LIMIT = 32_000
ROSTER_COLUMNS = ("recipient_id", "school_name", "email", "project_code")
DATA_HEADERS = ("form_id", "project_code", "recipient", "form_version", "template_id", "issued_at",
                "saved_at", "file", "sha256", "merged_at", "data")
LEDGER_COLUMNS = (
    Column("รับเมื่อ (UTC)", 22), Column("ไฟล์", 30), Column("SHA-256", 20), Column("แบบฟอร์ม", 16),
    Column("รุ่นแบบฟอร์ม", 10), Column("รหัสแม่แบบ", 20), Column("ผู้รายงาน", 16), Column("รหัสโครงการ", 16),
    Column("result", 12), Column("ผล", 16), Column("รายละเอียด", 60),
)
_RESULT_AT = 8  # position of the machine-readable result column in the ledger


def read_master(path: str | Path) -> MasterData:
    """The submissions, ledger and roster behind a master: from its store (``<stem>.sqlite`` beside
    it) when there is one, else from the hidden sheets of a master written before the store.

    :raises MasterFormatError: there is no store and the file is not a readable old master.

    Example::

        master = read_master("master.xlsx")
        for key, record in master.records.items():
            print(key.project_code, key.recipient, len(record.data.get("reports", [])))
    """
    from ..office.sheets import ledger_of, record_of
    from ..office.store import Store
    from ..office.view import store_beside

    store_path = store_beside(path)
    if not store_path.exists():
        return read_master_workbook(path)
    with Store(store_path) as store:
        records = [record_of(s) for s in store.current()]
        return MasterData({r.key: r for r in records}, ledger_of(store), store.roster())


def read_master_workbook(path: str | Path) -> MasterData:
    """Read the hidden ``_data``, ``_ledger`` and ``_roster`` sheets of a master written before the store.

    :raises MasterFormatError: the file is not a readable master written by sheetsync.
    """
    path = Path(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        if DATA_SHEET not in names or LEDGER_SHEET not in names:
            raise _not_read(path, "not-master", data=repr(DATA_SHEET), ledger=repr(LEDGER_SHEET))
        data_rows = workbook.get_sheet_by_name(DATA_SHEET).to_python(skip_empty_area=False)
        ledger_rows = workbook.get_sheet_by_name(LEDGER_SHEET).to_python(skip_empty_area=False)
        roster_rows = (workbook.get_sheet_by_name(ROSTER_SHEET).to_python(skip_empty_area=False)
                       if ROSTER_SHEET in names else [list(ROSTER_COLUMNS)])
    except (CalamineError, OSError, ValueError) as exc:
        if isinstance(exc, MasterFormatError):
            raise
        raise _not_read(path, "unreadable", why=str(exc).splitlines()[0][:120]) from exc
    except BaseException as exc:  # a panic of calamine's Rust code on a damaged file (not an Exception)
        if not is_parser_panic(exc):
            raise
        raise _not_read(path, "damaged") from exc
    _check_header(path, DATA_SHEET, data_rows, DATA_HEADERS)
    _check_header(path, LEDGER_SHEET, ledger_rows, tuple(c.header for c in LEDGER_COLUMNS))
    _check_header(path, ROSTER_SHEET, roster_rows, ROSTER_COLUMNS)
    records = (_record(path, n, row) for n, row in enumerate(data_rows[1:], start=2) if any(row))
    roster = [_recipient(row) for row in roster_rows[1:] if any(row)]
    return MasterData({r.key: r for r in records}, [_entry(row) for row in ledger_rows[1:] if any(row)], roster)


def data_sheet(records: list[Record]) -> Sheet:
    """The hidden ``_data`` sheet: key and file columns, then the JSON over one or more cells."""
    parts = [split_cells(json.dumps(r.data, ensure_ascii=False, sort_keys=True, allow_nan=False)) for r in records]
    width = max((len(p) for p in parts), default=1)
    columns = tuple(Column(h, 14) for h in DATA_HEADERS)

    def rows() -> Iterator[list[Any]]:
        for record, chunks in zip(records, parts):
            yield [*record.key, record.form_version, record.template_id, record.recency.issued_at,
                   record.recency.saved_at, record.file, record.sha256, record.merged_at, *chunks]

    return Sheet(DATA_SHEET, columns, rows(), len(records), hidden=True, extra_columns=width - 1)


def ledger_sheet(entries: list[LedgerEntry]) -> Sheet:
    """The ``_ledger`` sheet: every submission ever received, oldest first."""
    def rows() -> Iterator[list[Any]]:
        for e in entries:
            yield [e.received_at, e.file, e.sha256, e.form_id, e.form_version, e.template_id, e.recipient,
                   e.project_code, e.result, RESULTS_TH.get(e.result, e.result), e.detail]

    return Sheet(LEDGER_SHEET, LEDGER_COLUMNS, rows(), len(entries), freeze_columns=2)


def roster_sheet(roster: list[Recipient]) -> Sheet:
    """The hidden ``_roster`` sheet: the roster last given to a merge, as given."""
    rows = ([r.id, r.school, r.email, r.project_code] for r in roster)
    return Sheet(ROSTER_SHEET, tuple(Column(c, 20) for c in ROSTER_COLUMNS), rows, len(roster), hidden=True)


def split_cells(text: str, limit: int = CELL_LIMIT) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` UTF-16 code units (what a cell may hold).

    A character outside the Basic Multilingual Plane (an emoji) counts twice and is never cut.
    """
    pieces: list[str] = []
    start = 0
    while start < len(text) or not pieces:
        end = min(start + limit, len(text))
        # Every character takes at most two code units: only a long piece needs counting.
        while end - start > limit // 2 and end > start + 1 and _utf16_len(text, start, end) > limit:
            end -= (_utf16_len(text, start, end) - limit + 1) // 2 or 1
        pieces.append(text[start:end])
        start = end
    return pieces


def _utf16_len(text: str, start: int, end: int) -> int:
    return (end - start) + sum(1 for ch in text[start:end] if ord(ch) > 0xFFFF)


def _not_read(path: Path, what: str, **params: object) -> MasterFormatError:
    """The :class:`MasterFormatError` ``master.file.<what>`` of ``master.yaml``, Thai as its ``th`` (the clerk
    chose this file: ``template --from-master``, ``merge --master``)."""
    said = {lang: render(f"master.file.{what}", lang, source="master.yaml", **params) for lang in LANGS}
    return MasterFormatError(path, said["en"], th=said["th"])


def _check_header(path: Path, sheet: str, rows: list[list[Any]], expected: tuple[str, ...]) -> None:
    found = tuple(_text(v) for v in (rows[0] if rows else [])[:len(expected)])
    if found != expected:
        raise _not_read(path, "header-changed", sheet=repr(sheet))


def _record(path: Path, row_number: int, row: list[Any]) -> Record:
    cells = [_text(v) for v in row]
    cells += [""] * (len(DATA_HEADERS) - len(cells))
    form_id, code, recipient, version, template_id, issued, saved, file, sha, merged = cells[:10]
    try:
        data = json.loads("".join(cells[10:]))
    except ValueError as exc:
        raise _not_read(path, "row-damaged", row=row_number, sheet=repr(DATA_SHEET), why=exc) from exc
    if not isinstance(data, dict):
        raise _not_read(path, "row-not-data", row=row_number, sheet=repr(DATA_SHEET))
    return Record(Key(form_id, code, recipient), version, template_id, Recency(issued, saved), file, sha, merged, data)


def _entry(row: list[Any]) -> LedgerEntry:
    cells = [_text(v) for v in row] + [""] * len(LEDGER_COLUMNS)
    # The Thai result label (column after ``result``) is derived, so it is not read back.
    fields = cells[:_RESULT_AT + 1] + [cells[_RESULT_AT + 2]]
    return LedgerEntry(*fields)


def _recipient(row: list[Any]) -> Recipient:
    recipient_id, school, email, code = ([_text(v) for v in row] + [""] * 4)[:4]
    return Recipient(recipient_id, school, email, code)


def _text(value: Any) -> str:
    """A cell as text: calamine returns every number as a float (``1`` → ``1.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
