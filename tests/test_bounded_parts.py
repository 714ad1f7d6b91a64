"""The parts of an .xlsx that calamine reads are the parts that were checked and clipped.

calamine finds a sheet by its relationship's target as written (``..`` is not resolved), looks
member names up in either case, reads the shared strings and styles at fixed places whatever the
relationships say, and of two members of one name reads one we cannot predict. A relationship
that named the form's sheet as the styles once made the bounded copy hold that sheet twice, clipped
and as sent; calamine read the one as sent, and a cell at XFD1048576 aborted the whole process.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import UnreadableFileError
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.data.hostile.build import chain, rewrite, xlsx_text
from tests.data.hostile.measure import measure

FORM_MEMBER = "xl/worksheets/sheet1.xml"
RELS = "xl/_rels/workbook.xml.rels"
REL = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" '
       b'Target="%s" Id="rId9"/></Relationships>')


def _extra_rel(kind: bytes, target: bytes) -> Any:
    return lambda xml: xml.replace(b"</Relationships>", REL % (kind, target))


def _renamed(path: Path, old: str, new: str) -> Path:
    """``path`` with its member ``old`` stored as ``new`` (the relationships unchanged)."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(new if name == old else name, data)
    return path


@pytest.fixture
def base(tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> Path:
    path = tmp_path / "base.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-01")
    return path


def _validate(path: Path) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)], env=env)
    output = run.stdout + run.stderr
    assert "panicked" not in output and "Traceback" not in output and "Warning" not in output, output
    assert run.peak_mb < 300, output
    assert path.name in output.strip().splitlines()[0]
    return run.returncode, output


FAR = {FORM_MEMBER: xlsx_text("XFD1048576", "far")}


@pytest.mark.parametrize("kind", [b"styles", b"sharedStrings"])
def test_a_relationship_naming_the_form_sheet_as_another_part_copies_it_clipped(base: Path, tmp_path: Path,
                                                                                kind: bytes) -> None:
    path = rewrite(base, tmp_path / f"{kind.decode()}-is-the-form.xlsx",
                   {**FAR, RELS: _extra_rel(kind, b"worksheets/sheet1.xml")})
    rc, output = _validate(path)
    assert rc == 1 and "XFD1048576" in output and "outside-form-area" in output


def test_a_form_sheet_named_in_another_case_is_the_one_clipped(base: Path, tmp_path: Path) -> None:
    # The relationship says SHEET1.xml, the zip holds sheet1.xml: calamine finds it all the same, and
    # a sharedStrings relationship to sheet1.xml used to copy it as sent.
    edits = {**FAR, RELS: chain(lambda x: x.replace(b"/xl/worksheets/sheet1.xml", b"worksheets/SHEET1.xml"),
                                 _extra_rel(b"sharedStrings", b"worksheets/sheet1.xml"))}
    rc, output = _validate(rewrite(base, tmp_path / "case.xlsx", edits))
    assert rc == 1 and "XFD1048576" in output


def test_a_member_named_in_another_case_than_its_relationship_reads_as_filled(base: Path, tmp_path: Path) -> None:
    path = _renamed(rewrite(base, tmp_path / "upper.xlsx", {}), FORM_MEMBER, "xl/worksheets/Sheet1.xml")
    filled = read_filled(path)
    assert filled.data == read_filled(base).data
    assert validate(filled).valid


def test_two_members_named_alike_are_refused(base: Path, tmp_path: Path) -> None:
    path = rewrite(base, tmp_path / "twice.xlsx", {})
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/worksheets/SHEET1.xml", zipfile.ZipFile(base).read(FORM_MEMBER))
    with pytest.raises(UnreadableFileError, match="two parts"):
        read_filled(path)
    rc, output = _validate(path)
    assert rc == 2 and len(output.strip().splitlines()) == 1


@pytest.mark.parametrize("far_first", [True, False], ids=["far-copy-first", "far-copy-last"])
def test_an_ods_holding_its_content_twice_is_refused(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                      far_first: bool) -> None:
    """(attack3) Two members named content.xml: the .xlsx twin above was refused, the .ods was read,
    its last copy checked and read; LibreOffice may show the other, and which copy calamine's zip
    reader takes is its own choice. A copy holding a cell far away, first or last, is refused alike."""
    base = tmp_path / "base.ods"
    write_template(progress_form, base, data=seed, recipient="school-01")
    with zipfile.ZipFile(base) as old:
        content = old.read("content.xml")
        far = content.replace(b"</table:table>", b'<table:table-row table:number-rows-repeated="1048000">'
                              b'<table:table-cell table:number-columns-repeated="16000"><text:p>x</text:p>'
                              b"</table:table-cell></table:table-row></table:table>", 1)
        first, last = (far, content) if far_first else (content, far)
        path = tmp_path / "twice.ods"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                new.writestr(info, first if info.filename == "content.xml" else old.read(info))
            with pytest.warns(UserWarning, match="Duplicate name"):
                new.writestr("content.xml", last)
    with pytest.raises(UnreadableFileError, match="two parts"):
        read_filled(path)
    rc, output = _validate(path)
    assert rc == 2 and len(output.strip().splitlines()) == 1


def test_a_sheet_sharing_the_form_sheets_member_leaves_the_form_as_filled(base: Path, tmp_path: Path) -> None:
    # Another sheet listed first with the form's relationship: the copy once held the member twice,
    # emptied and clipped.
    extra = b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' \
            b'name="extra" sheetId="9" r:id="rId1"/><sheet '
    path = rewrite(base, tmp_path / "shared.xlsx",
                   {**FAR, "xl/workbook.xml": lambda x: x.replace(b"<sheet ", extra, 1)})
    filled = read_filled(path)
    assert filled.data == read_filled(base).data
    assert [(o.sheet, o.cell) for o in filled.outside] == [("แบบรายงาน", "XFD1048576")]


