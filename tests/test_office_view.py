"""The master view: every roster recipient with its status, the census form, LibreOffice (issue 10)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from sheetsync.demo import broken_sample
from sheetsync.spec.cells import column_letter
from sheetsync.spec.form import Form
from sheetsync.spec.registry import find_form
from sheetsync.master import merge, read_master, templates_from_master
from sheetsync.office.store import Store
from sheetsync.office.view import render_view
from sheetsync.office.summary import COMPLETE, MUST_FIX, NOTHING, SUMMARY, UNREADABLE, UP_TO_DATE
from sheetsync.check.reader import read_filled
from sheetsync.roster import Recipient
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template
from tests.libreoffice import LibreOffice
from tests.test_master_support import seed_data, variant, without_total

CENSUS_SAMPLE = Path(__file__).parent / "data" / "school-census.sample.json"


def rows_of(path: Path, sheet: str) -> list[dict[str, Any]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    assert str(rows[0][0]).startswith("สร้างโดย sheetsync")  # the generated-at line
    return without_total(sheet, [dict(zip(rows[1], row)) for row in rows[2:]])


@pytest.fixture(scope="module")
def eleven(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    """A roster of 11 schools: 7 sent good files, 2 wrong ones, 1 a PDF, 1 nothing; synced once."""
    office = tmp_path_factory.mktemp("eleven")
    inbox = office / "inbox"
    for n in range(1, 8):
        data = variant(seed_data(), reports=5 if n <= 5 else 7)
        if n > 5:  # complete in March (the view's period), not April: the view of March holds March's reports
            data["reports"][5]["date"], data["reports"][6]["date"] = "2020-03-15", "2020-03-31"
        write_template(progress_form, inbox / f"school-{n:02d}.xlsx", data=data, recipient=f"school-{n:02d}")
    for n in (8, 9):
        write_template(progress_form, inbox / f"school-{n:02d}.ods", data=broken_sample(seed_data()),
                       recipient=f"school-{n:02d}")
    (inbox / "scan school-10.pdf").write_bytes(b"%PDF-1.4\n% a scanned form, not a spreadsheet\n")
    roster = [Recipient(f"school-{n:02d}", f"โรงเรียนที่ {n}", f"head@s{n}.example", seed_data()["project"]["code"])
              for n in range(1, 12)]
    with pytest.MonkeyPatch.context() as clock:  # received in March, the view's period: the PDF dates nothing
        clock.setattr("sheetsync.office.record.now", lambda: "2020-03-20T03:00:00+00:00")  # but its arrival
        sync(inbox, office / "master.xlsx", report_dir=office / "reports", roster=roster,
             options=SyncOptions(settle=0, period="2020-03"))
    return office


def test_a_roster_of_eleven_is_listed_whole_with_the_right_statuses(eleven: Path) -> None:
    summary = rows_of(eleven / "master.xlsx", SUMMARY)
    statuses = {r["ผู้รายงาน"]: (r["ชื่อผู้รายงาน"], r["สถานะ"]) for r in summary}
    assert len(summary) == 11
    expected = {**{f"school-{n:02d}": UP_TO_DATE for n in range(1, 6)}, "school-06": COMPLETE,
                "school-07": COMPLETE, "school-08": MUST_FIX, "school-09": MUST_FIX, "school-10": UNREADABLE,
                "school-11": NOTHING}
    assert {who: status for who, (_, status) in statuses.items()} == expected
    assert all(name == f"โรงเรียนที่ {int(who[-2:])}" for who, (name, _) in statuses.items())


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_summary_ends_with_the_offices_total_below_its_filter(eleven: Path, tmp_path: Path, fmt: str) -> None:
    """What the office sends up the line: how many reported, the amounts and budgets added up and
    their share, on the summary's last line, outside the filter so that a sort never moves it."""
    view = eleven / "master.xlsx"
    if fmt == "ods":
        with Store(eleven / "master.sqlite") as store:
            render_view(store, tmp_path / "view.ods")
        view = tmp_path / "view.ods"
    rows = CalamineWorkbook.from_path(str(view)).get_sheet_by_name(SUMMARY).to_python()
    header, lines, total = rows[1], [dict(zip(rows[1], r)) for r in rows[2:-2]], dict(zip(rows[1], rows[-1]))
    assert all(v in ("", None) for v in rows[-2])  # a blank row: a sort by the toolbar keeps the total out
    reported = [r for r in lines if r["งบประมาณที่เบิกใช้ สะสม (บาท)"] not in ("", None)]
    assert total["ผู้รายงาน"] == "รวมทั้งหมด" and total["สถานะ"] in ("", None)
    assert total["ชื่อผู้รายงาน"] == f"ส่งรายงานแล้ว {len(reported)} จาก 11 รายการ" and len(reported) == 7
    spent = sum(r["งบประมาณที่เบิกใช้ สะสม (บาท)"] for r in reported)
    budget = sum(r["งบประมาณที่ได้รับ (บาท)"] for r in reported)
    assert total["งบประมาณที่เบิกใช้ สะสม (บาท)"] == spent and total["งบประมาณที่ได้รับ (บาท)"] == budget
    assert total["% ของงบประมาณ"] == round(spent * 100 / budget, 2)
    if fmt == "xlsx":
        ws = load_workbook(view)[SUMMARY]
        assert ws.auto_filter.ref.endswith(str(len(rows) - 2))  # the header and the 11 lines, not the total
    assert len(header) == len(rows[-1])


def test_the_view_is_rendered_on_demand_for_another_period(eleven: Path, tmp_path: Path) -> None:
    with Store(eleven / "master.sqlite") as store:
        from sheetsync.office.view import render_view
        render_view(store, tmp_path / "may.ods", period="2020-05")
    statuses = {r["ผู้รายงาน"]: r["สถานะ"] for r in rows_of(tmp_path / "may.ods", SUMMARY)}
    assert statuses["school-01"] == "ล่าช้า" and statuses["school-06"] == COMPLETE  # late in May, not in March


def test_a_school_gets_its_own_chart_only_where_asked(eleven: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from sheetsync.office.summary import CHARTS
    from sheetsync.office.view import render_view

    with Store(eleven / "master.sqlite") as store:
        render_view(store, tmp_path / "plain.xlsx", period="2020-03")
        render_view(store, tmp_path / "asked.xlsx", period="2020-03", school_charts=["school-06"])
    plain, asked = (load_workbook(tmp_path / name)[CHARTS] for name in ("plain.xlsx", "asked.xlsx"))
    assert len(plain._charts) == 1 and len(asked._charts) == 2  # one per project, plus the one asked for
    own = [r for r in rows_of(tmp_path / "asked.xlsx", CHARTS) if str(r["รหัสโครงการ"]).endswith("school-06")]
    assert [r["ครั้งที่"] for r in own] == [1, 2, 3, 4, 5, 6, 7] and own[-1]["ความก้าวหน้าเฉลี่ย (%)"] == 100
    assert all(r["จำนวนผู้รายงาน"] == 1 for r in own)
    titles = [c.title.tx.rich.p[0].r[0].t for c in asked._charts if c.title is not None and c.title.tx.rich]
    assert any("โรงเรียนที่ 6" in t for t in titles), titles


def test_the_census_form_merges_and_renders(census_form: Form, tmp_path: Path) -> None:
    import json

    data = json.loads(CENSUS_SAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "census-s1.ods"
    write_template(census_form, path, data=data, recipient="s1")
    master = tmp_path / "census.xlsx"
    forms = [Path(__file__).parent / "data" / "forms"]
    result = merge([path], master, forms_dirs=forms)
    assert [(o.result, o.code) for o in result.outcomes] == [("merged", "new")]
    (record,) = read_master(master).records.values()
    assert record.key.project_code == data["school"]["code"] and record.data == read_filled(path, forms_dirs=forms).data
    (line,) = rows_of(master, SUMMARY)
    assert line["รหัสโรงเรียน"] == data["school"]["code"] and line["สถานะ"] == UP_TO_DATE
    assert [r["ชั้น"] for r in rows_of(master, "ตาราง")] == ["ป.1", "ป.2", "ป.3"]
    (again,) = templates_from_master(master, tmp_path / "next", forms_dirs=forms)
    assert read_filled(again, forms_dirs=forms).data == record.data


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_view_opens_and_prints_in_libreoffice(libreoffice: LibreOffice, eleven: Path, tmp_path: Path,
                                                  fmt: str) -> None:
    view = tmp_path / f"master.{fmt}"
    with Store(eleven / "master.sqlite") as store:
        from sheetsync.office.view import render_view
        render_view(store, view, period="2020-03")
    sheets = {s["name"]: s for s in libreoffice.inspect(view)["sheets"]}
    assert sheets["กราฟรายโครงการ"]["charts"] == 1  # one project, eleven schools: one chart
    pdf = libreoffice.convert(view, tmp_path / "print.pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert "###" not in "".join(pages)
    # The generated-at line and the header are repeated on every printed page.
    # (pdftotext spaces out the letters of a page printed small: compare without blanks)
    squeezed = ["".join(page.split()) for page in pages]
    assert all("sheetsync(generated)" in page for page in squeezed), [p[:300] for p in squeezed if "sheetsync(generated)" not in p]
    assert all(w < h or w > h for w, h in libreoffice.pdf_page_sizes(pdf))


@pytest.mark.libreoffice
def test_a_clerk_edits_the_view_in_libreoffice_and_nothing_is_lost(libreoffice: LibreOffice, eleven: Path,
                                                                    tmp_path: Path, progress_form: Form) -> None:
    office = tmp_path / "office"
    subprocess.run(["cp", "-r", str(eleven), str(office)], check=True)
    master = office / "master.xlsx"
    before = read_master(master).records
    file_column = column_letter(list(rows_of(master, SUMMARY)[0]).index("ไฟล์ล่าสุด") + 1)
    typed = libreoffice.type_into(master, tmp_path / "edited.xlsx", {f"{file_column}3": "โทรตามแล้ว"}, sheet=SUMMARY)
    assert typed[f"{file_column}3"]["string"] == "โทรตามแล้ว"
    (tmp_path / "edited.xlsx").replace(master)  # the clerk saved over the view
    write_template(progress_form, office / "inbox" / "school-11.xlsx", data=variant(seed_data(), reports=5),
                   recipient="school-11")
    again = office / "inbox" / "again.xlsx"
    again.write_bytes((office / "inbox" / "processed" / "school-01.xlsx").read_bytes())
    result = sync(office / "inbox", master, report_dir=office / "reports", options=SyncOptions(settle=0))
    assert result.merge is not None and result.merge.kept_aside is not None  # kept and said
    assert rows_of(result.merge.kept_aside, SUMMARY)[0]["ไฟล์ล่าสุด"] == "โทรตามแล้ว"
    assert [p.name for p in result.already_seen] == ["again.xlsx"]  # the same file sent again is still known
    after = read_master(master).records
    assert len(after) == len(before) + 1 and all(after[k] == r for k, r in before.items())


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_master_of_forms_without_progress_shows_only_their_columns(census_form: Form, lunch_form: Form,
                                                                     lunch_sample: dict[str, Any], census_sample:
                                                                     dict[str, Any], tmp_path: Path,
                                                                     fmt: str) -> None:
    """Issue 11: a store of lunch and census reports rendered a summary with the progress report's empty
    report columns and no running totals at all (the census, first by id, was the only form followed)."""
    from sheetsync.office.summary import CHARTS, CUMULATIVE
    from sheetsync.office.view import render_view

    forms = [Path(__file__).parent / "data" / "forms"]
    files = [tmp_path / "lunch-s1.xlsx", tmp_path / "census-s2.ods"]
    write_template(lunch_form, files[0], data=lunch_sample, recipient="s1")
    write_template(census_form, files[1], data=census_sample, recipient="s2")
    merge(files, tmp_path / "master.xlsx", forms_dirs=forms)
    view = tmp_path / f"view.{fmt}"
    with Store(tmp_path / "master.sqlite") as store:
        render_view(store, view, forms_dirs=forms)
    names = CalamineWorkbook.from_path(str(view)).sheet_names
    assert names[:2] == [SUMMARY, "ยอดสะสม"] and CUMULATIVE not in names and CHARTS not in names
    summary = rows_of(view, SUMMARY)
    for heading in ("รายงานล่าสุด (ครั้งที่)", "วันที่รายงานล่าสุด", "ความก้าวหน้า (%)"):
        assert heading not in summary[0]
    lunch = next(r for r in summary if r["ผู้รายงาน"] == "s1")
    assert lunch["จำนวนเงิน (บาท)"] == 61_600 and lunch["เงินที่ได้รับจัดสรร (บาท)"] == 100_000
    totals = rows_of(view, "ยอดสะสม")  # a row per school and month (master: period): tests/test_office_monthly.py
    assert list(totals[0]) == ["ผู้รายงาน", "รหัส", "ปีงบประมาณ พ.ศ. · เดือน", "จำนวนเงิน (บาท)",
                              "จำนวนเงิน สะสม (บาท)", "เงินที่ได้รับจัดสรร สะสม (บาท)", "% ของงบประมาณ", "ข้อสังเกต"]
    assert [r["จำนวนเงิน สะสม (บาท)"] for r in totals] == [61_600]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_every_sheet_of_the_view_has_a_name_of_its_own(lunch_form: Form, lunch_sample: dict[str, Any],
                                                       tmp_path: Path, fmt: str) -> None:
    """A layout may call its cumulative sheet what sheetsync calls another (สรุป): the .xlsx master
    had a sheet silently renamed, and Calc refused to open the .ods (two tables of one name)."""
    from sheetsync.office.view import render_view

    forms = tmp_path / "forms"
    forms.mkdir()
    layout = lunch_form.source.read_text(encoding="utf-8")
    assert "sheets: {data: โรงเรียน, table: รายชั้น}" in layout
    (forms / lunch_form.source.name).write_text(layout.replace(
        "sheets: {data: โรงเรียน, table: รายชั้น}", "sheets: {data: โรงเรียน, table: รายชั้น, cumulative: สรุป}"),
        encoding="utf-8")
    shutil.copy(lunch_form.source.with_name("school-lunch.schema.json"), forms)
    school = tmp_path / "lunch-s1.xlsx"
    write_template(find_form("school-lunch", [forms]), school, data=lunch_sample, recipient="s1")
    merge([school], tmp_path / "master.xlsx", forms_dirs=[forms])
    view = tmp_path / f"view.{fmt}"
    with Store(tmp_path / "master.sqlite") as store:
        render_view(store, view, forms_dirs=[forms])
    names = CalamineWorkbook.from_path(str(view)).sheet_names
    assert names[:2] == [SUMMARY, f"{SUMMARY} (2)"] and len({n.casefold() for n in names}) == len(names)
