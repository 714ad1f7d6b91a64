"""An .xlsx last saved by Calc gets no ``text-cut-in-print`` warning on the rows Calc grows to fit.

The template leaves some one-line rows unfitted (``grow_rows``: the names of the people responsible,
an objective): Calc fits them to what is typed, in an .ods and in an .xlsx alike, and writes the
grown height into the file it saves; Excel does not. The reader tells the two apart by the program
the file names in ``docProps/app.xml`` (``<Application>``): the one that saved it last.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Report
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

CODE = "text-cut-in-print"
#: Two lines in the person responsible's cell (C10, one line merged over C:D): Calc grows row 10.
LONG_NAME = "นางสาวจุไรรัตน์ ชุมสุวรรณรัตนพงศ์ (รองผู้อำนวยการฝ่ายวิชาการ โรงเรียนวัดบางขุนเทียนนอก)"
EXCEL = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.'
         'org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application>'
         '<AppVersion>16.0300</AppVersion></Properties>')


def with_app_xml(source: Path, dest: Path, app_xml: str | bytes | None) -> Path:
    """``source`` copied to ``dest`` with ``docProps/app.xml`` replaced by ``app_xml`` (None: left out)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "docProps/app.xml":
                out.writestr(info, src.read(info))
        if app_xml is not None:
            # stored: a megabyte of spaces deflated is refused as a zip bomb before the part is read
            out.writestr("docProps/app.xml", app_xml, compress_type=zipfile.ZIP_STORED)
    return dest


def cut(report: Report) -> list[str]:
    return [f.cell for f in report.findings if f.code == CODE]


def calc_app_xml(application: str) -> str:
    return EXCEL.replace("Microsoft Excel", application)


def typed_with_openpyxl(form: Form, tmp_path: Path) -> Path:
    from openpyxl import load_workbook
    blank = tmp_path / "blank.xlsx"
    write_template(form, blank)
    book = load_workbook(blank)
    book[form.sheet]["C10"] = LONG_NAME
    path = tmp_path / "openpyxl.xlsx"
    book.save(path)
    return path


def test_our_own_template_does_not_say_calc_saved_it(progress_form: Form, tmp_path: Path) -> None:
    """openpyxl writes "Microsoft Excel Compatible / Openpyxl …": a file no one saved since keeps the warning."""
    path = typed_with_openpyxl(progress_form, tmp_path)
    assert b"Openpyxl" in zipfile.ZipFile(path).read("docProps/app.xml")
    assert cut(validate(read_filled(path))) == ["C10"]


@pytest.mark.parametrize("application", ["LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2",
                                         "LibreOfficeDev/25.8.0.0.alpha0$Windows_X86_64"], ids=["calc", "calc-dev"])
def test_an_xlsx_that_names_calc_gets_no_warning_on_a_row_calc_grows(progress_form: Form, tmp_path: Path,
                                                                      application: str) -> None:
    path = with_app_xml(typed_with_openpyxl(progress_form, tmp_path), tmp_path / "calc.xlsx", calc_app_xml(application))
    assert cut(validate(read_filled(path))) == []


@pytest.mark.parametrize("app_xml", [
    None,  # no such part: which program, unknown
    EXCEL,
    calc_app_xml("Microsoft Excel; LibreOffice/7.4"),  # only a name that starts the element counts
    '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "LibreOffice/7.4">]><Properties><Application>&a;</Application>'
    '</Properties>',  # entities are never expanded
    calc_app_xml("LibreOffice/7.4") + " " * (1024 * 1024 + 1),  # beyond the cap for metadata: not read
], ids=["absent", "excel", "not-first", "entity", "too-large"])
def test_an_xlsx_that_does_not_plainly_name_calc_keeps_the_warning(progress_form: Form, tmp_path: Path,
                                                                   app_xml: str | None) -> None:
    """The part is untrusted: read within a small cap, without entities; anything else is no proof of Calc
    (the warning stays, and the file is still taken)."""
    path = with_app_xml(typed_with_openpyxl(progress_form, tmp_path), tmp_path / "other.xlsx", app_xml)
    report = validate(read_filled(path))
    assert cut(report) == ["C10"]
    assert not [f for f in report.errors if f.code != "required"]


@pytest.mark.libreoffice
def test_a_long_name_typed_in_calc_and_saved_as_xlsx_gets_no_false_warning(libreoffice: Any, progress_form: Form,
                                                                          tmp_path: Path) -> None:
    """Typed into C10 in Calc and saved as .xlsx: Calc grew row 10 to two lines and the file says Calc saved
    it, so no warning. The same file as Excel last saved it (its app.xml naming Excel) still warns:
    Excel keeps a row's height."""
    blank, typed = tmp_path / "blank.xlsx", tmp_path / "typed.xlsx"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, {"C10": LONG_NAME}, sheet=progress_form.sheet)
    assert b"<Application>LibreOffice" in zipfile.ZipFile(typed).read("docProps/app.xml")
    assert libreoffice.geometry(typed, progress_form.sheet, rows=10)["rows_mm"][9] > 12.0  # grown: two lines
    assert cut(validate(read_filled(typed))) == []

    excel = with_app_xml(typed, tmp_path / "excel.xlsx", EXCEL)
    assert cut(validate(read_filled(excel))) == ["C10"]
