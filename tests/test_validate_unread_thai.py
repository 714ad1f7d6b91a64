"""``sheetsync validate`` names a file it cannot read Thai first, as every other line the clerk reads.

Found by the .xls attack run: with the default ``--lang th`` a refused file was one English line
("ssc.xls: the file's cells repeat text to more than 16,000,000 characters …"), while the reports and
e-mails of the same file already said it in Thai.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli import run


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return path


def test_an_unreadable_file_is_said_thai_first_then_in_the_readers_english(tmp_path: Path) -> None:
    result = run("validate", _pdf(tmp_path))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    thai, _, english = line.partition(" / ")
    assert thai.startswith("sheetsync: report.xlsx: ") and "ไฟล์" in thai
    assert english.startswith("report.xlsx: not a spreadsheet (a PDF document)")


def test_with_lang_en_it_is_english_only(tmp_path: Path) -> None:
    result = run("validate", "--lang", "en", _pdf(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.splitlines()[0]]
    assert result.stderr.startswith("sheetsync: report.xlsx: not a spreadsheet (a PDF document)")
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in result.stderr)
