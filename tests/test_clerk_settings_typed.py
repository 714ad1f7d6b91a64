"""Found by a clerk editing ``sheetsync.toml`` in Notepad during a three-month cycle.

She wrote the mailbox's heading ``[IMAP]`` (in capitals, as the README's word for it) and was told the
headings she may use are ``[paths], [run], [mail]`` — ``[imap]`` left out, as if the mailbox could not be
set in this file at all — and not on which line. She pasted the office's name from a LINE message, which
had turned its quotes into “curly” ones, and was told only that "text goes in quotes", which it was.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli import new_office, run

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n"


def _edited(office: Path, old: str, new: str) -> Path:
    config = office / "sheetsync.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    return config


def _line_of(config: Path, needle: str) -> int:
    return next(n for n, line in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_heading_in_capitals_names_imap_among_the_headings_and_its_line(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    config = _edited(office, "[imap]", "[IMAP]")
    done = run("sync", cwd=office)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    thai, english = done.stderr.split(" / ", 1)
    assert "[imap]" in thai and "[imap]" in english, done.stderr
    line = _line_of(config, "[IMAP]")
    assert f"บรรทัด {line}" in thai and f"line {line}" in english, done.stderr


def test_curly_quotes_pasted_around_a_value_are_named_as_such(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    config = _edited(office, 'name = ""', "name = “สำนักงานเขตบางรัก”")
    done = run("sync", cwd=office)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    thai, english = done.stderr.split(" / ", 1)
    line = _line_of(config, "name = ")
    assert f"บรรทัด {line}" in thai and "“" in thai and '"' in thai, done.stderr
    assert "straight quotes" in english, done.stderr


def test_a_closing_curly_quote_alone_is_named_too(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    _edited(office, 'name = ""', 'name = "สำนักงานเขตบางรัก”')
    done = run("sync", cwd=office)
    assert done.returncode == 2
    assert "straight quotes" in done.stderr.split(" / ", 1)[1], done.stderr


def test_a_tab_pasted_into_the_name_is_named_where_it_is(tmp_path: Path) -> None:
    """Pasted from a cell of Excel, the name held a tab between its words: Notepad shows it as a
    space, and the message asked for "text in quotes, on one line", which she had written."""
    office = new_office(tmp_path, ROSTER)
    _edited(office, 'name = ""', 'name = "สำนักงาน\tเขตบางรัก"')
    done = run("sync", cwd=office)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    thai, english = done.stderr.split(" / ", 1)
    assert "แท็บ" in thai and "ต่อจาก “สำนักงาน”" in thai, done.stderr
    assert "tab" in english and "\\t" not in thai, done.stderr


def test_a_month_written_without_quotes_is_told_to_take_quotes(tmp_path: Path) -> None:
    """``period = 2569-03`` (as the comment above it writes the month, without its quotes) was said
    as "each line is a key = value, or a [section]", which it was."""
    office = new_office(tmp_path, ROSTER)
    config = _edited(office, 'period = ""', "period = 2569-03")
    done = run("sync", cwd=office)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    thai = done.stderr.split(" / ", 1)[0]
    assert f"บรรทัด {_line_of(config, 'period = ')}" in thai and "เครื่องหมายคำพูด" in thai, done.stderr


def test_line_numbers_count_only_line_feeds_with_a_bom_crlf_and_a_pasted_line_separator(tmp_path: Path) -> None:
    """Notepad saves CRLF and a byte-order mark; a name pasted from LINE or Word may carry U+2028 (a line
    separator Notepad shows as none) or U+0085. TOML, and the clerk in Notepad, count lines by line feeds
    alone: Python's splitlines() counts those characters as breaks too, so the line said was one too far
    on, and the curly quotes on the line named were looked for on another line."""
    from sheetsync.errors import OfficeError
    from sheetsync.office.settings import read_settings

    config = tmp_path / "sheetsync.toml"
    head = '# name pasted: "สำนักงาน\u2028เขต\u0085บางรัก"\r\nname = "x"\r\n[mail]\r\n'
    config.write_bytes(("\ufeff" + head + 'from = "a@b.example"\r\nfrom_addr = "c@d.example"\r\n').encode("utf-8"))
    try:
        read_settings(config)
    except OfficeError as exc:
        said = str(exc)
    assert "line 5: " in said and "บรรทัด 5: " in said, said
    config.write_bytes(("\ufeff" + head + "from = “a@b.example”\r\n").encode("utf-8"))
    try:
        read_settings(config)
    except OfficeError as exc:
        said = str(exc)
    assert "line 4," in said and "“ ”" in said, said
