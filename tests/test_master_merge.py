"""Merging submissions into the master: the seed's numbers, idempotence, replacement, refusals."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.master.fulltext import TEXT_SHEET
from sheetsync.demo import broken_sample
from sheetsync.spec.form import Form
from sheetsync.master import merge, read_master
from sheetsync.office.summary import CHARTS, CUMULATIVE, SUMMARY
from sheetsync.office.sheets import LEDGER as LEDGER_SHEET
from tests.test_master_support import CODES, at, seed_data, submit, variant, without_total

TODAY = dt.date(2020, 5, 10)

REPORTS = "รายงาน"  # the progress report names its table sheet (master: sheets: table)
TOTAL = "งบประมาณที่เบิกใช้ สะสม (บาท)"  # the form's amount column, cumulated


def sheet_rows(master: Path, sheet: str) -> list[dict[str, Any]]:
    """The rows of a master sheet as dicts keyed by the Thai headers (read with openpyxl)."""
    with master.open("rb") as handle:  # a handle: openpyxl refuses a ".bak" name
        wb = openpyxl.load_workbook(handle)
    rows = list(wb[sheet].iter_rows(values_only=True))
    if rows and str(rows[0][0] or "").startswith("สร้างโดย sheetsync"):
        rows = rows[1:]  # the generated-at line above the header
    return without_total(sheet, [dict(zip(rows[0], row)) for row in rows[1:]])


def test_seed_gives_cumulative_disbursed_and_final_progress(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    result = merge([submit(progress_form, tmp_path, seed_data(), "school-73-01")], master, today=TODAY)
    assert [o.result for o in result.outcomes] == ["merged"] and result.written
    rows = sheet_rows(master, CUMULATIVE)
    assert [r[TOTAL] for r in rows] == [0, 0, 0, 0, 0, 10_000, 180_000]
    assert [r["ครั้งที่"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[-1]["ความก้าวหน้า (%)"] == 100
    assert rows[-1]["% ของงบประมาณ"] == 100
    summary = sheet_rows(master, SUMMARY)
    assert len(summary) == 1
    assert summary[0]["ความก้าวหน้า (%)"] == 100 and summary[0][TOTAL] == 180_000
    assert summary[0]["รายงานล่าสุด (ครั้งที่)"] == 7 and summary[0]["สถานะ"] == "เสร็จสิ้น"
    assert summary[0]["วันที่รายงานล่าสุด"] == dt.datetime(2020, 4, 29)
    assert len(sheet_rows(master, REPORTS)) == 7


def test_master_is_laid_out_for_people(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, seed_data(), "s1")], master, today=TODAY)
    wb = openpyxl.load_workbook(master)
    assert wb.sheetnames == [SUMMARY, CUMULATIVE, CHARTS, "โครงการ", REPORTS, TEXT_SHEET, LEDGER_SHEET]
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("3")  # below the header
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:")
        assert str(ws["A1"].value).startswith("สร้างโดย sheetsync")  # the generated-at line
        assert ws["A2"].font.b and ws["A3"].font.name == "TH Sarabun New"
        assert ws.column_dimensions["A"].width >= 10
    assert wb[CUMULATIVE]["D3"].number_format == "[$-107041E]d/m/yyyy"
    assert len(wb[SUMMARY].conditional_formatting) >= 3
    assert len(wb[CHARTS]._charts) == 1 and not wb[CUMULATIVE]._charts  # one per project, not per school
    for ws in wb.worksheets:  # every sheet prints: landscape A4, fit to width, header repeated
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
        # the generated-at line too: a sheet several pages wide prints it as each page's header instead
        # (tests/test_master_print_banner.py)
        several = ws.page_setup.fitToWidth not in (None, 1)
        assert ws.print_title_rows == ("$2:$2" if several else "$1:$2"), ws.title
        assert ("sheetsync" in (ws.oddHeader.left.text or "")) == several, ws.title


def test_same_file_again_changes_nothing(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    path = submit(progress_form, tmp_path, seed_data(), "s1")
    merge([path], master, today=TODAY)
    before = master.stat().st_mtime_ns, read_master(master)
    again = merge([path], master, today=TODAY)
    assert [(o.result, o.code) for o in again.outcomes] == [("unchanged", "same-file")]
    assert not again.written
    assert master.stat().st_mtime_ns == before[0]
    assert read_master(master) == before[1]


def test_same_data_in_another_file_is_unchanged(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, seed_data(), "s1", name="a.xlsx")], master)
    again = merge([submit(progress_form, tmp_path, seed_data(), "s1", name="b.xlsx", issued=at(300))], master)
    assert [(o.result, o.code) for o in again.outcomes] == [("unchanged", "same-data")]
    assert [r.file for r in read_master(master).records.values()] == ["a.xlsx"]


def test_newer_submission_replaces_and_lists_changes(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, variant(seed_data(), reports=6), "s1", name="feb.xlsx", issued=at(40))],
          master, today=TODAY)
    newer = seed_data()
    newer["reports"][0]["stage"] = "แก้ไขแล้ว"
    result = merge([submit(progress_form, tmp_path, newer, "s1", name="mar.xlsx", issued=at(70))], master, today=TODAY)
    outcome = result.outcomes[0]
    assert outcome.result == "replaced" and outcome.code == "newer"
    assert set(outcome.changes) == {"/project/budget_used", "/reports/0/stage", "/reports/6"}
    assert result.backup is not None and result.backup.name == "master.xlsx.bak"
    assert len(sheet_rows(result.backup, LEDGER_SHEET)) == 1  # the backup is the previous view
    (record,) = read_master(master).records.values()
    assert record.file == "mar.xlsx" and len(record.data["reports"]) == 7
    assert [r["ผล"] for r in sheet_rows(master, LEDGER_SHEET)] == ["รวมแล้ว", "แทนที่ฉบับเดิม"]


def test_older_submission_does_not_replace_a_newer_one(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, seed_data(), "s1", name="new.xlsx", issued=at(70))], master)
    old = submit(progress_form, tmp_path, variant(seed_data(), reports=6), "s1", name="old.xlsx", issued=at(40))
    result = merge([old], master)
    assert [(o.result, o.code) for o in result.outcomes] == [("superseded", "older-than-store")]
    assert [r.file for r in read_master(master).records.values()] == ["new.xlsx"]
    assert read_master(master).ledger[-1].result == "superseded"


def test_two_files_for_one_key_the_newer_by_metadata_wins(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    newer = submit(progress_form, tmp_path, seed_data(), "s1", name="1-newer.xlsx", issued=at(70))
    older = submit(progress_form, tmp_path, variant(seed_data(), reports=6), "s1", name="2-older.xlsx", issued=at(40))
    other = submit(progress_form, tmp_path, variant(seed_data(), code=CODES[1]), "s2")
    result = merge([newer, older, other], master)  # the older file comes later: order does not decide
    assert [(o.result, o.code) for o in result.outcomes] == [
        ("merged", "new"), ("superseded", "older-than-store"), ("merged", "new")]
    assert "1-newer.xlsx" in result.outcomes[1].detail
    stored = read_master(master)
    assert sorted(r.file for r in stored.records.values()) == ["1-newer.xlsx", sorted([other.name])[0]]
    assert [e.result for e in stored.ledger] == ["merged", "superseded", "merged"]


def set_saved_at(path: Path, when: str) -> None:
    """Rewrite the "last saved" property inside an .xlsx, as Excel or Calc would on saving."""
    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when.encode(), data)
            new.writestr(info, data)


def test_same_template_the_later_arrival_wins_whatever_the_file_says(progress_form: Form, tmp_path: Path) -> None:
    first = submit(progress_form, tmp_path, variant(seed_data(), reports=6), "s1", name="first.xlsx", issued=at(40))
    fixed = submit(progress_form, tmp_path, seed_data(), "s1", name="fixed.xlsx", issued=at(40))
    # The school's computer claims the first file was saved later: the office does not believe it.
    set_saved_at(first, "2099-03-02T08:00:00Z")
    set_saved_at(fixed, "2020-03-01T08:00:00Z")
    result = merge([first, fixed], tmp_path / "master.xlsx")
    assert [(o.path.name, o.result) for o in result.outcomes] == [("first.xlsx", "merged"), ("fixed.xlsx", "replaced")]
    (record,) = read_master(result.master).records.values()
    assert record.file == "fixed.xlsx"


def test_an_ods_submission_merges(progress_form: Form, tmp_path: Path) -> None:
    path = submit(progress_form, tmp_path, seed_data(), "s1", name="from-calc.ods")
    result = merge([path], tmp_path / "master.xlsx", today=TODAY)
    assert [o.result for o in result.outcomes] == ["merged"]
    assert [r[TOTAL] for r in sheet_rows(result.master, CUMULATIVE)][-1] == 180_000


def test_one_file_given_twice_counts_once(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    path = submit(progress_form, tmp_path, seed_data(), "s1")
    result = merge([path, path], master)
    assert [(o.result, o.code) for o in result.outcomes] == [("merged", "new"), ("unchanged", "same-file")]
    assert len(read_master(master).ledger) == 1


def test_invalid_file_is_refused_master_untouched_ledger_says_why(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, seed_data(), "s1")], master, today=TODAY)
    before = read_master(master)
    bad = submit(progress_form, tmp_path, broken_sample(seed_data()), "s1", name="broken.xlsx", issued=at(200))
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a spreadsheet", encoding="utf-8")
    result = merge([bad, junk], master, today=TODAY)
    refused = result.outcomes
    assert [(o.result, o.code) for o in refused] == [("refused", "invalid"), ("quarantined", "unreadable")]
    assert refused[0].errors >= 2 and "report-gap" in refused[0].detail
    after = read_master(master)
    assert after.records == before.records
    assert len(sheet_rows(master, CUMULATIVE)) == 7
    entries = after.ledger[len(before.ledger):]
    assert [(e.file, e.result) for e in entries] == [("broken.xlsx", "refused"), ("junk.xlsx", "quarantined")]
    assert "error(s)" in entries[0].detail and entries[0].template_id and entries[0].recipient == "s1"
    assert "not a spreadsheet" in entries[1].detail
    # Refusing the same files again adds nothing.
    assert not merge([bad, junk], master, today=TODAY).written


def test_refusal_into_a_new_master_still_records_it(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    bad = submit(progress_form, tmp_path, broken_sample(seed_data()), "s1", name="broken.xlsx")
    result = merge([bad], master)
    assert result.outcomes[0].result == "refused" and result.written
    stored = read_master(master)
    assert stored.records == {} and [e.result for e in stored.ledger] == ["refused"]
    assert sheet_rows(master, SUMMARY) == []


def test_warnings_are_merged_and_listed(progress_form: Form, tmp_path: Path) -> None:
    path = submit(progress_form, tmp_path, seed_data(), "s1")
    wb = openpyxl.load_workbook(path)
    meta = wb["_sheetsync"]
    for row in meta.iter_rows():
        if row[0].value == "schema_hash":
            row[1].value = "0" * 64  # made from another revision of the schema: a warning
    wb.save(path)
    result = merge([path], tmp_path / "master.xlsx")
    (outcome,) = result.outcomes
    assert outcome.result == "merged" and outcome.warnings == ("schema-changed@B6",)
    assert "schema-changed@B6" in read_master(result.master).ledger[0].detail


def test_text_that_looks_like_a_formula_stays_text(progress_form: Form, tmp_path: Path) -> None:
    data = seed_data()
    data["reports"][2]["stage"] = '=HYPERLINK("http://example.invalid","click")'
    data["certification"]["signer"] = "=1+1"
    data["project"]["name"] = "=cmd|' /C calc'!A0"
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, data, "s1")], master)
    wb = openpyxl.load_workbook(master)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] == "="]
    assert {c.value for c in cells} == {data["reports"][2]["stage"], "=1+1", "=cmd|' /C calc'!A0"}
    # the name on two sheets, the signer on one, the stage on its table's and (longer than its
    # cell there) on the sheet of long texts
    assert len(cells) == 5 and TEXT_SHEET in {c.parent.title for c in cells}
    assert all(c.data_type == "s" for c in cells)
    (record,) = read_master(master).records.values()
    assert record.data == data


def test_status_late_up_to_date_and_no_report(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\n"
                      "late,โรงเรียนวัดไทร,a@example.invalid,50360000-3553\n"
                      "quiet,โรงเรียนวัดสี่สุก,b@example.invalid,50360000-3553\n", encoding="utf-8-sig")
    files = [submit(progress_form, tmp_path, variant(seed_data(), reports=4), "late"),
             submit(progress_form, tmp_path, variant(seed_data(), code=CODES[1], reports=5), "fresh")]
    merge(files, master, today=dt.date(2020, 3, 20), roster=roster)
    rows = sheet_rows(master, SUMMARY)
    assert {r["ผู้รายงาน"]: r["สถานะ"] for r in rows} == {"late": "ล่าช้า", "fresh": "เป็นปัจจุบัน",
                                                           "quiet": "ยังไม่ได้รับรายงาน"}
    quiet = next(r for r in rows if r["ผู้รายงาน"] == "quiet")
    assert quiet["ชื่อผู้รายงาน"] == "โรงเรียนวัดสี่สุก" and quiet["ชื่อโครงการ/กิจกรรม"] == seed_data()["project"]["name"]
    assert quiet["รายงานล่าสุด (ครั้งที่)"] is None
    # The roster stays in the master: a later merge without one still knows who is missing.
    merge([submit(progress_form, tmp_path, variant(seed_data(), reports=5), "late", issued=at(60))], master,
          today=dt.date(2020, 3, 20))
    assert {r["ผู้รายงาน"]: r["สถานะ"] for r in sheet_rows(master, SUMMARY)}["quiet"] == "ยังไม่ได้รับรายงาน"
    assert [r.id for r in read_master(master).roster] == ["late", "quiet"]


def test_a_master_must_be_xlsx(tmp_path: Path) -> None:
    from sheetsync.master import MasterError

    with pytest.raises(MasterError, match="master.csv"):
        merge([], tmp_path / "master.csv")
