"""A roster row naming several project codes of one school (``project_code`` "4001; 4003").

The roster held one code per school: in October a school could not owe both last year's final
report and its new project's first, and the clerk had to choose which to list. A code cell may now
hold several codes, separated by ``,`` or ``;`` (as addresses in the e-mail cell are); a roster of
one code per school reads as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.office.owing import nothing_received
from sheetsync.office.summary import NOTHING, expected_since, status_of, summary_lines
from sheetsync.roster import Recipient, read_roster, templates_for_roster
from sheetsync.spec.form import Form
from tests.test_master_support import CODES
from tests.test_roster import write_csv


@pytest.mark.parametrize("cell, codes", [
    (CODES[0], (CODES[0],)),  # one code: as ever
    ("", ()),
    (f'"{CODES[1]}, {CODES[3]}"', (CODES[1], CODES[3])),
    (f"{CODES[1]}; {CODES[3]}", (CODES[1], CODES[3])),
    (f'"{CODES[1]} ;{CODES[3]};"', (CODES[1], CODES[3])),
    (f'"{CODES[1]},{CODES[1]}"', (CODES[1],)),  # typed twice: one code
])
def test_a_code_cell_may_name_several_codes(tmp_path: Path, cell: str, codes: tuple[str, ...]) -> None:
    path = write_csv(tmp_path, f"recipient_id,school_name,email,project_code\ns2,โรงเรียนวัดยายร่ม,a@s2.example,{cell}\n")
    [school] = read_roster(path)
    assert school.codes == codes
    assert school.project_code == ", ".join(codes)  # as the store keeps it and the clerk reads it


def test_a_semicolon_roster_names_several_codes_with_commas(tmp_path: Path) -> None:
    path = write_csv(tmp_path, f"recipient_id;school_name;email;project_code\ns2;A;a@s2.example;{CODES[1]}, {CODES[3]}\n")
    assert read_roster(path)[0].codes == (CODES[1], CODES[3])


def test_a_school_with_two_codes_gets_a_template_for_each(tmp_path: Path, progress_form: Form) -> None:
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example", CODES[0]),
              Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example", f"{CODES[1]}, {CODES[3]}")]
    paths = templates_for_roster(progress_form, roster, tmp_path)
    assert [(p.name, read_filled(p).data["project"]["code"]) for p in paths] == [
        ("s1 โรงเรียนวัดไทร.xlsx", CODES[0]),
        (f"s2 โรงเรียนวัดยายร่ม {CODES[1]}.xlsx", CODES[1]), (f"s2 โรงเรียนวัดยายร่ม {CODES[3]}.xlsx", CODES[3])]
    assert {read_filled(p).metadata["recipient"] for p in paths[1:]} == {"s2"}


def test_a_school_with_two_codes_and_nothing_sent_has_a_line_for_each() -> None:
    roster = [Recipient("s3", "โรงเรียนวัดสี่สุก", "c@x.example", f"{CODES[1]}, {CODES[3]}")]
    lines = summary_lines([], roster, [])
    assert [(line.recipient, line.key, status_of(line, None, expected_since(None))) for line in lines] == [
        ("s3", CODES[1], NOTHING), ("s3", CODES[3], NOTHING)]
    assert nothing_received(roster, [], []) == roster  # the digest names the school once
