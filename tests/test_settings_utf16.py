"""``sheetsync.toml`` saved as UTF-16 without a byte-order mark (some editors write it so; Notepad's
"Unicode" has the mark): every character is followed (or preceded) by a NUL byte, which is valid UTF-8,
so the file was taken as UTF-8 and refused as "invalid character" at line 1.

It is read as the UTF-16 it is (the NULs every other byte say which byte order); a file holding NULs that
is no UTF-16 either is refused, Thai first, saying to save it as UTF-8 and naming the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.errors import OfficeError
from sheetsync.office.config import load_office
from sheetsync.text import thai_windows_text
from tests.cli import new_office

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_is_read(encoding: str) -> None:
    text = 'name = "สำนักงานเขตบางรัก"\nform = "progress-report"\n'
    assert thai_windows_text(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_an_office_whose_settings_are_utf16_is_read(tmp_path: Path, encoding: str) -> None:
    office = new_office(tmp_path, ROSTER)
    config = office / "sheetsync.toml"
    text = config.read_text(encoding="utf-8").replace('name = ""', 'name = "สำนักงานเขตบางรัก"')
    config.write_bytes(text.encode(encoding))
    assert load_office(office).name == "สำนักงานเขตบางรัก"


def test_nul_bytes_that_are_no_utf16_say_save_as_utf8(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    config = office / "sheetsync.toml"
    config.write_bytes(config.read_text(encoding="utf-8").encode("utf-16-le") + b"x")  # one byte cut off
    with pytest.raises(OfficeError) as caught:
        load_office(office)
    thai, english = str(caught.value).split(" / ", 1)
    assert "UTF-16" in thai and "UTF-8" in thai and "sheetsync.toml" in thai, thai
    assert "UTF-16" in english and "UTF-8" in english and "sheetsync.toml" in english, english


def test_a_stray_nul_in_utf8_is_no_utf16() -> None:
    """One NUL in a UTF-8 text (a tool's slip) is no pattern of UTF-16: read as UTF-8, not as Chinese."""
    text = 'name = "สำนักงาน"\nform = "progress-report"\x00\n'
    assert thai_windows_text(text.encode("utf-8")) == text


def test_a_thai_roster_saved_as_utf16_without_a_mark_is_read(tmp_path: Path) -> None:
    """Thai letters (U+0Exx) have no NUL byte: a roster of long Thai names and Thai addresses has fewer NULs
    than one pair of bytes in eight, and was read as UTF-8 (its bytes all below 0x80 are valid UTF-8): garbage."""
    from sheetsync.roster import read_roster

    rows = ["รหัส,ชื่อโรงเรียน,อีเมล"] + [
        f"{i},โรงเรียนบ้านหนองบัวพิทยาคมวิทยาสรรค์,ครูสมศรีใจดีมาก@โรงเรียนบ้านหนองบัวพิทยาคม.ไทย" for i in range(1, 20)]
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"roster-{encoding}.csv"
        path.write_bytes("\r\n".join(rows).encode(encoding) + "\r\n".encode(encoding))
        schools = read_roster(path)
        assert [s.id for s in schools] == [str(i) for i in range(1, 20)], encoding
        assert schools[0].school == "โรงเรียนบ้านหนองบัวพิทยาคมวิทยาสรรค์"


def test_a_stray_nul_in_a_short_utf8_text_is_no_utf16() -> None:
    """Under eight pairs of bytes one NUL was taken for the pattern of UTF-16: read as Chinese."""
    text = 'name = "x"\x00\n'
    assert thai_windows_text(text.encode("utf-8")) == text
