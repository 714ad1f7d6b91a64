"""A number in a date- or time-formatted cell that no date or time can be (attack3): calamine turns
such a cell into a date as it builds the sheet, and a number far out of range broke that build for
the whole sheet. A date format on -1e15 made calamine's Rust code panic (chrono's "TimeDelta out of
bounds"): Rust printed three lines of its own to the standard error, a 90-line backtrace where
``RUST_BACKTRACE`` is set, before the file's line; a duration format (``[h]:mm:ss``) on 1e15 overflowed
Python's timedelta and the file was "damaged" with no cell named. Either way the file's one line now
names the cell to type again, and nothing else is printed."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.errors import CellUnreadableError, UnreadableFileError
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template
from tests.data.hostile.build import FORM_SHEET, META, XLSX_SHEETS, rewrite, set_xlsx_cell

#: A date (numFmtId 14) and a duration ([h]:mm:ss, 46): the two ways calamine makes a number a time.
FORMATS = {"date": (14, "-1e15"), "duration": (46, "1e15")}


def _add_style(number_format: int) -> Any:
    """An edit of styles.xml adding, last, a cell style of ``number_format``."""
    def edit(xml: bytes) -> bytes:
        head = re.search(rb'<cellXfs count="(\d+)"', xml)
        assert head is not None
        xf = b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>' % number_format
        grown = xml.replace(head.group(0), b'<cellXfs count="%d"' % (int(head.group(1)) + 1))
        return grown.replace(b"</cellXfs>", xf + b"</cellXfs>")
    return edit


def out_of_range(tmp_path: Path, form: Form, seed: dict[str, Any], kind: str, name: str = "s1.xlsx",
                 sheet: str = FORM_SHEET, ref: str = "B38") -> Path:
    """A valid return whose report date B38 (or ``ref`` of ``sheet``) holds ``kind``'s number under ``kind``'s format."""
    base = tmp_path / "base.xlsx"
    write_template(form, base, data=seed, recipient="s1")
    number_format, value = FORMATS[kind]
    with zipfile.ZipFile(base) as z:
        head = re.search(rb'<cellXfs count="(\d+)"', z.read("xl/styles.xml"))
    assert head is not None  # the added style's index is the count before it
    cell = set_xlsx_cell(ref, b"<v>" + value.encode() + b"</v>", b' s="' + head.group(1) + b'"')
    return rewrite(base, tmp_path / name, {"xl/styles.xml": _add_style(number_format), XLSX_SHEETS[sheet]: cell})


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_the_cell_is_named_and_nothing_else_is_printed(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                        kind: str, capfd: pytest.CaptureFixture[str]) -> None:
    path = out_of_range(tmp_path, progress_form, seed, kind)
    with pytest.raises(CellUnreadableError) as caught:
        read_filled(path)
    assert (caught.value.sheet, caught.value.cell) == (FORM_SHEET, "B38")
    assert str(caught.value).startswith("s1.xlsx: ") and "B38" in str(caught.value)
    assert capfd.readouterr().err == ""


def test_validate_says_one_line_in_thai_naming_the_cell(tmp_path: Path, progress_form: Form,
                                                        seed: dict[str, Any]) -> None:
    path = out_of_range(tmp_path, progress_form, seed, "date")
    env = {**os.environ, "RUST_BACKTRACE": "1", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    ran = subprocess.run([sys.executable, "-m", "sheetsync", "validate", str(path)], capture_output=True,
                         text=True, env=env, timeout=120)
    said = (ran.stdout + ran.stderr).strip().splitlines()
    assert ran.returncode == 2 and len(said) == 1, said[:5]
    assert "s1.xlsx" in said[0] and "ช่อง B38" in said[0] and "B38" in said[0].split(" / ")[1]


def test_sync_sets_it_aside_and_merges_the_good_file(tmp_path: Path, progress_form: Form,
                                                     seed: dict[str, Any]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_template(progress_form, inbox / "good.xlsx", data=seed, recipient="good-school")
    shutil.move(out_of_range(tmp_path, progress_form, seed, "duration"), inbox / "s1.xlsx")
    done = sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports",
                options=SyncOptions(settle=0, view="never"))
    outcomes = {o.path.name: o.result for o in done.outcomes()}
    assert outcomes == {"good.xlsx": "merged", "s1.xlsx": "quarantined"}
    reason = (inbox / "quarantine" / "s1.xlsx.txt").read_text(encoding="utf-8")
    assert "B38" in reason


def test_in_an_xls_the_row_is_named_and_nothing_else_is_printed(tmp_path: Path,
                                                                 capfd: pytest.CaptureFixture[str]) -> None:
    """A .xls has no sheet XML to find the cell in: its row is named (here in the metadata sheet,
    read first), and calamine's panic prints nothing either."""
    from tests.data.hostile.xls import EOF_RECORD, bof, boundsheet, compound_file, number, record, shared_strings

    date_styles = b"".join(record(0x00E0, struct.pack("<HH", 0, 14) + bytes(16)) for _ in range(16))  # XF 0-15: d/m/y
    sst = shared_strings(["x"])
    start = len(bof(5) + date_styles + boundsheet(0, "_sheetsync") + sst + EOF_RECORD)
    stream = (bof(5) + date_styles + boundsheet(start, "_sheetsync") + sst + EOF_RECORD
              + bof(0x10) + number(0, 0) + number(2, 1, -1e15) + EOF_RECORD)
    path = tmp_path / "s1.xls"
    path.write_bytes(compound_file(stream))
    with pytest.raises(UnreadableFileError, match=r"^s1.xls: sheet '_sheetsync' cannot be read \(row 3: "):
        read_filled(path)
    assert capfd.readouterr().err == ""


def test_a_bad_date_in_the_hidden_sheet_is_told_as_damage_not_as_a_date_to_type(
        tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    """The hidden sheet holding the template's identity (its issue date in B5) is one no teacher sees:
    "type the date in B5 again" sent her looking for a cell she cannot find. The file's hidden part is
    damaged: she sends the file as she filled it, or asks the office for a fresh template."""
    from sheetsync.pipeline import check_file
    path = out_of_range(tmp_path, progress_form, seed, "date", sheet=META, ref="B5")
    with pytest.raises(CellUnreadableError) as caught:
        read_filled(path)
    assert (caught.value.sheet, caught.value.cell, caught.value.hidden) == (META, "B5", True)
    assert "again" not in str(caught.value) and "hidden" in str(caught.value)
    item = check_file(path)
    assert item.failure is not None and item.report is None
    th, en = item.why["th"], item.why["en"]
    assert "พิมพ์วันที่" not in th and "type the date" not in en  # no cell to type into
    assert "ซ่อน" in th and "สำนักงาน" in th and "hidden" in en and "fresh template" in en
    # The finding ends asking for the office's template (the file itself cannot be mended by the teacher).
    said = item.failure.message_th + " / " + item.failure.message_en
    assert "แบบฟอร์มที่ได้รับจากสำนักงาน" in said and "template you received from the office" in said
