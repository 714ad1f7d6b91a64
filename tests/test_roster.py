"""The roster: reading the CSV, safe file names, and one prefilled template per recipient."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from sheetsync.errors import DataError, SheetsyncError
from sheetsync.spec.form import Form
from sheetsync.check.reader import read_filled
from sheetsync.roster import MAX_NAME_BYTES, Recipient, RosterError, read_roster, safe_filename, templates_for_roster

FORBIDDEN = set('/\\:*?"<>|')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "schools.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_english_headers_and_keeps_extra_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "recipient_id,school_name,email,project_code,district\r\n"
                               "school-01,โรงเรียนวัดไทร,head@school01.example,50360000-3553,จอมทอง\r\n"
                               "\r\n"
                               "school-02,\"โรงเรียนบางมด, สาขา 2\",a@school02.example; b@school02.example,,\r\n")
    roster = read_roster(path)
    assert roster[0] == Recipient("school-01", "โรงเรียนวัดไทร", "head@school01.example", "50360000-3553")
    assert roster[0].extra == {"district": "จอมทอง"}
    assert roster[1].school == "โรงเรียนบางมด, สาขา 2"
    assert roster[1].emails == ("a@school02.example", "b@school02.example")
    assert roster[1].project_code == ""


@pytest.mark.parametrize("header", ["รหัส,ชื่อโรงเรียน,อีเมล,รหัสโครงการ", "ID;School;E-mail;Code",
                                    " Recipient ID \tSchool Name\tEMAIL\tProject Code"])
def test_header_names_are_tolerant(tmp_path: Path, header: str) -> None:
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    row = delimiter.join(["s1", "โรงเรียนวัดไทร", "x@y.example", "50360000-3553"])
    # Excel's "CSV UTF-8" starts with a BOM: it must not end up in the first header name.
    roster = read_roster(write_csv(tmp_path, f"{header}\n{row}\n", encoding="utf-8-sig"))
    assert roster == [Recipient("s1", "โรงเรียนวัดไทร", "x@y.example", "50360000-3553")]


def test_thai_windows_csv_is_read_as_cp874(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "รหัส,ชื่อโรงเรียน,อีเมล\ns1,โรงเรียนวัดไทร,x@y.example\n", encoding="cp874")
    assert read_roster(path)[0].school == "โรงเรียนวัดไทร"


@pytest.mark.parametrize("saved_as, delimiter", [("utf-16-le", "\t"), ("utf-16-le", ","), ("utf-16-be", ",")])
def test_a_unicode_roster_from_excel_or_notepad_is_read(tmp_path: Path, saved_as: str, delimiter: str) -> None:
    """Excel's "Unicode Text" (tab-separated) and Notepad's "Unicode" are UTF-16 with a byte-order
    mark, CRLF: they were refused as "neither UTF-8 nor Thai"."""
    rows = [["recipient_id", "school_name", "email"], ["s1", "โรงเรียนวัดไทร", "x@y.example"]]
    text = "\ufeff" + "".join(delimiter.join(row) + "\r\n" for row in rows)
    roster = read_roster(write_csv(tmp_path, text, encoding=saved_as))
    assert roster == [Recipient("s1", "โรงเรียนวัดไทร", "x@y.example")]


@pytest.mark.parametrize("name", ["schools.xlsx", "schools.xls", "schools.csv"])
def test_a_workbook_given_as_the_roster_says_so(tmp_path: Path, name: str) -> None:
    """A roster kept in Excel and named as it is (or renamed .csv): one line saying it is a workbook
    and how to save it as CSV, not that it is in an encoding that is not UTF-8."""
    head = b"PK\x03\x04" if name != "schools.xls" else bytes.fromhex("d0cf11e0a1b11ae1")
    path = tmp_path / name
    path.write_bytes(head + bytes(range(256)) * 4)
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    said = str(caught.value)
    assert said.startswith(f"{name}: ") and "\n" not in said and "CSV UTF-8" in said
    assert said.index("สมุดงาน") < said.index("workbook") and "neither UTF-8" not in said


@pytest.mark.parametrize("text, where, what", [
    ("recipient_id,school_name\ns1,A\n", "line 1", "missing column 'email'"),
    ("id,school,email\ns1,A,a@x.example\ns2,B,b@x.example\ns1,C,c@x.example\n", "line 4",
     "duplicate recipient id 's1' (first on line 2)"),
    ("id,school,email\ns1,A,not-an-address\n", "line 2", "'not-an-address' is not an e-mail address"),
    ("id,school,email\ns1,A,a@x.example\n,B,b@x.example\n", "line 3", "the recipient id is empty"),
    ("id,school,email\ns1,A,\n", "line 2", "the e-mail address of 's1' is empty"),
])
def test_errors_name_the_file_and_line(tmp_path: Path, text: str, where: str, what: str) -> None:
    with pytest.raises(RosterError) as caught:
        read_roster(write_csv(tmp_path, text))
    th, en = str(caught.value).split(" / ", 1)  # Thai first, for the clerk
    assert th.startswith(f"schools.csv: บรรทัด {where.split()[1]}: ") and en.startswith(f"schools.csv: {where}: ")
    assert what in str(caught.value)
    assert isinstance(caught.value, SheetsyncError) and isinstance(caught.value, ValueError)


def test_missing_file_is_a_roster_error(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="cannot read the roster"):
        read_roster(tmp_path / "nope.csv")


def check_safe(name: str) -> None:
    stem = name.split(".")[0].strip().upper()
    assert name and not FORBIDDEN & set(name)
    assert not any(unicodedata.category(ch).startswith("C") for ch in name)
    assert len(name.encode("utf-8")) <= 100
    assert not name.endswith((".", " ")) and not name.startswith(".")
    assert stem not in RESERVED


@pytest.mark.parametrize("text", ["ร.ร./วัด:ไทร*?", "CON", "con.txt", "LPT1", "aux ", "...", "", "\r\n\t",
                                  "a\r\nb", "x" * 300, "โรงเรียน" * 40, "name. . .", "\u202egnp.exe",
                                  "โรงเรียนวัดไทร"])
def test_safe_filename_is_valid_everywhere(tmp_path: Path, text: str) -> None:
    name = safe_filename(text, ".xlsx")
    check_safe(name)
    assert name.endswith(".xlsx")
    (tmp_path / name).write_bytes(b"")  # and this OS accepts it
    assert (tmp_path / name).exists()


def test_safe_filename_keeps_thai_and_cuts_at_character_boundaries() -> None:
    assert safe_filename("ร.ร./วัด:ไทร*?", ".xlsx") == "ร.ร._วัด_ไทร__.xlsx"
    assert safe_filename("CON", ".xlsx") == "_CON.xlsx"
    long = safe_filename("ก" * 300, ".xlsx")
    assert long == "ก" * 31 + ".xlsx"  # 31 × 3 bytes + 5 = 98 ≤ 100
    assert safe_filename("") == "_"


@pytest.mark.parametrize("stem, suffix", [("nul.xlsx", "."), ("รายงาน", ". "), ("a", "-2."), ("b", ".x:y"),
                                          ("c", ".\t"), ("ลา", " .")])
def test_safe_filename_makes_the_suffix_safe_too(stem: str, suffix: str) -> None:
    """A suffix taken from a received name (``Path("nul.xlsx. ").suffix`` is ``". "``): the whole name
    must be valid on Windows, which drops a trailing dot or space (``_nul.xlsx.`` was kept in quarantine/)."""
    from tests.windows_names import valid_on_windows

    name = safe_filename(stem, suffix)
    assert valid_on_windows(name), name
    check_safe(name)


@pytest.mark.parametrize("stem, suffix", [("x", "." + "a" * 300), ("รายงาน", "." + "ก" * 100), ("CON", "." + "b" * 96),
                                          ("y", "-2." + "ข" * 40 + " ")], ids=["latin", "thai", "device", "numbered"])
def test_safe_filename_fits_a_suffix_longer_than_the_budget(stem: str, suffix: str) -> None:
    """A received name's suffix is the sender's (``"x." + 300 letters``): the whole name must still fit,
    or writing it fails (255 bytes on Linux, 255 UTF-16 units on Windows). It was kept whole past the
    budget; it is cut at a character boundary, the stem keeping at least a character."""
    from tests.windows_names import valid_on_windows

    name = safe_filename(stem, suffix)
    assert valid_on_windows(name), name
    check_safe(name)
    assert name.startswith(stem[0]) or name.startswith("_")


def test_one_template_per_recipient(tmp_path: Path, progress_form: Form) -> None:
    roster = [
        Recipient("s1", "ร.ร./วัด:ไทร*?", "a@x.example", "50360000-3553"),
        Recipient("CON", "", "b@x.example"),
        Recipient("s3", "ก" * 300, "c@x.example", "50360000-0001"),
        Recipient("s4", "ร.ร.\\วัด|ไทร<>", "d@x.example"),  # same safe name as s1 but for the id
        Recipient("S1", "ร.ร./วัด:ไทร*?", "e@x.example"),  # differs from s1 only in case
    ]
    paths = templates_for_roster(progress_form, roster, tmp_path / "out")
    assert len({p.name.casefold() for p in paths}) == len(roster)
    for path, recipient in zip(paths, roster):
        check_safe(path.name)
        filled = read_filled(path)
        assert filled.metadata["recipient"] == recipient.id
        if recipient.project_code:
            assert filled.data["project"]["code"] == recipient.project_code
    assert paths[0].name == "s1 ร.ร._วัด_ไทร__.xlsx"
    assert paths[4].name == "S1 ร.ร._วัด_ไทร__-2.xlsx"


def test_roster_code_joins_the_prefill_without_changing_it(tmp_path: Path, progress_form: Form) -> None:
    data = {"project": {"name": "โครงการพัฒนาคุณภาพ"}}
    [path] = templates_for_roster(progress_form, [Recipient("s1", "A", "a@x.example", "50360000-3553")],
                                  tmp_path, fmt="ods", data=data)
    assert path.suffix == ".ods"
    assert read_filled(path).data["project"] == {"name": "โครงการพัฒนาคุณภาพ", "code": "50360000-3553"}
    assert data == {"project": {"name": "โครงการพัฒนาคุณภาพ"}}


def test_bad_prefill_names_the_recipient(tmp_path: Path, progress_form: Form) -> None:
    with pytest.raises(DataError, match="recipient 's1'"):
        templates_for_roster(progress_form, [Recipient("s1", "A", "a@x.example")], tmp_path,
                             data={"no_such_field": 1})


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_a_western_csv_is_refused_not_garbled(tmp_path: Path, encoding: str) -> None:
    # Every byte "decodes" as cp874 (é becomes a Thai tone mark): refused with how to save it.
    path = tmp_path / "western.csv"
    path.write_bytes("recipient_id,school_name,email\nschool-01,École Sainte-Thérèse,a@school.example\n"
                     .encode(encoding))
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    assert str(caught.value).startswith("western.csv: ") and "CSV UTF-8" in str(caught.value)
    assert "กรุณาเปิดใน Excel" in str(caught.value)


def test_roster_code_goes_to_the_forms_own_key(tmp_path: Path, census_form: Form) -> None:
    # The census declares master: key: [/school/code]; it has no /project to put a code in.
    [path] = templates_for_roster(census_form, [Recipient("s1", "A", "a@x.example", "103601")], tmp_path)
    assert read_filled(path, forms_dirs=[census_form.source.parent]).data == {"school": {"code": "103601"}}


@pytest.mark.parametrize("suffix", ["." + "x" * 300, "." + "ก" * 40, "-2." + "ก" * 99, "." + "ก" * 32 + " .", "." * 300])
def test_safe_filename_keeps_the_byte_budget_when_the_suffix_alone_is_over_it(suffix: str) -> None:
    """``suffix`` was kept whole and the budget for the stem clamped at 1 byte: a received name's suffix of
    300 characters (or 40 Thai ones, 121 bytes) gave a name past MAX_NAME_BYTES, past what Windows holds."""
    from tests.windows_names import valid_on_windows

    name = safe_filename("รายงาน", suffix)
    check_safe(name)
    assert valid_on_windows(name), name
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES and name.startswith("ร")


def test_names_numbered_apart_stay_apart_when_the_suffix_is_cut() -> None:
    """The loops that find a free name put ``-2``, ``-3`` … before the suffix: cut to the budget, each name
    must still be its own, or the loop never ends."""
    long = "." + "ก" * 60
    names = {safe_filename("รายงาน", f"-{number}{long}") for number in range(2, 40)}
    assert len(names) == 38 and safe_filename("รายงาน", long) not in names


def test_a_small_budget_still_keeps_a_usual_suffix() -> None:
    assert safe_filename("abc", ".xlsx", max_bytes=10) == "abc.xlsx"
    assert len(safe_filename("abc", "." + "x" * 300, max_bytes=10).encode("utf-8")) <= 10
