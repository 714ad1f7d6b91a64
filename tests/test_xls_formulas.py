"""sheetsync.formats.xls_formulas: what calamine spends spelling the formulas of a legacy .xls,
bounded before it opens the file.

calamine 0.37 spells every FORMULA record when it opens a .xls. Measured before the bound (validate,
in a child): one formula of 6,400 space tokens (a 28 KB file) took 37 s, of 16,000 (66 KB) more than
a minute; 8,000 references to a sheet with a 255-letter name, then 8,000 operators (67 KB), 9 s;
64 formulas of 8,000 such references joined left to right (4 MB) built 467 MB.
"""

from __future__ import annotations

import io
import struct
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.check import opener
from sheetsync.check.reader import read_filled
from sheetsync.errors import LimitError
from sheetsync.formats.xls_extent import check_xls_extent
from sheetsync.formats.xls_formulas import formula_cost
from tests.data.hostile.measure import measure
from tests.data.hostile.xls import EOF_RECORD, bof, compound_file, formula, number, record, shared_strings, xls

ROOT = Path(__file__).resolve().parent.parent
LONG_NAME = "ก" * 255  # the longest sheet name BIFF8 holds, 3 bytes a letter in calamine's UTF-8
SPACES = bytes([0x19, 0x40, 0x00, 0xFF])  # PtgAttrSpace: 255 spaces before its operand
REF3D = bytes([0x3A]) + struct.pack("<HHH", 0, 0, 0)  # Sheet!A1, through EXTERNSHEET entry 0
ADD = b"\x03"


def text(chars: int) -> bytes:
    """PtgStr: a string constant of ``chars`` 8-bit characters."""
    return bytes([0x17, chars, 0]) + b"a" * chars


def long_named(cells: bytes) -> bytes:
    """A .xls whose one sheet has a 255-letter Thai name and an EXTERNSHEET entry naming it."""
    name = record(0x0085, struct.pack("<IBBBB", 0, 0, 0, 255, 1) + LONG_NAME.encode("utf-16-le"))
    extern = record(0x0017, struct.pack("<Hhhh", 1, 0, 0, 0))
    start = len(bof(5) + name + extern + shared_strings(["x"]) + EOF_RECORD)
    name = name[:4] + struct.pack("<I", start) + name[8:]
    return compound_file(bof(5) + name + extern + shared_strings(["x"]) + EOF_RECORD
                         + bof(0x10) + cells + EOF_RECORD)


def _check(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "book.xls"
    path.write_bytes(data)
    check_xls_extent(path)


def _refused(tmp_path: Path, data: bytes) -> str:
    with pytest.raises(LimitError) as caught:
        _check(tmp_path, data)
    assert str(caught.value).startswith("book.xls: ")
    return caught.value.code


@pytest.mark.parametrize("tokens", [1_600, 16_000])
def test_space_tokens_are_refused(tmp_path: Path, tokens: int) -> None:
    """Each inserts 255 spaces one by one before a text that grows by as many: 1,600 of them (8.7 KB)
    took calamine 3.3 s, 16,000 (one 64 KB record) minutes."""
    assert _refused(tmp_path, xls([("S", formula(0, 0, text(255) + SPACES * tokens))], shared_strings(["x"]))) \
        == "limit.xls-work"


def test_operators_after_their_operands_are_refused(tmp_path: Path) -> None:
    """R R … R + + … +: each operator moves all the text after its first operand (67 KB: 9 s)."""
    assert _refused(tmp_path, long_named(formula(0, 0, REF3D * 8_000 + ADD * 7_999))) == "limit.xls-work"


def test_long_formula_text_is_refused(tmp_path: Path) -> None:
    """R + R + R …, each R spelling the 255-letter sheet name: 16 such formulas (1 MB) took 167 MB,
    64 (4 MB) 467 MB. Refused on the text, or already on the bytes it may move."""
    cells = b"".join(formula(r, 0, REF3D + (REF3D + ADD) * 7_999) for r in range(16))
    assert _refused(tmp_path, long_named(cells)) in ("limit.xls-work", "limit.expanded-text")


def test_formulas_walked_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens that cost calamine nothing are still walked here: their number is bounded."""
    from sheetsync import limits

    monkeypatch.setattr(limits, "MAX_XLS_FORMULA_TOKENS", 1_000)
    cheap = b"\x16" * 499 + b"\x1e\x01\x00"  # 499 missing arguments, then the number 1
    _check(tmp_path, xls([("S", formula(0, 0, cheap) + formula(1, 0, cheap))], shared_strings(["x"])))
    assert _refused(tmp_path, xls([("S", b"".join(formula(r, 0, cheap) for r in range(3)))],
                                  shared_strings(["x"]))) == "limit.xls-work"


def test_honest_formulas_are_read(tmp_path: Path) -> None:
    """What Excel and Calc write (a sum of a range, a reference to another sheet, a few spaces, a
    function of many arguments) on every cell of a form costs far below the bounds, and reads."""
    area = bytes([0x25]) + struct.pack("<HHHH", 4, 15, 2, 2)  # $C$5:$C$16
    total = area + bytes([0x19, 0x10, 0, 0])  # SUM($C$5:$C$16)
    spaced = REF3D + SPACES[:3] + b"\x03" + b"\x1e\x02\x00" + ADD  # Sheet!A1 + 2, with 3 spaces
    many = b"\x1e\x01\x00" * 30 + bytes([0x22, 30, 4, 0])  # SUM(1,1,…) of 30 arguments
    cells = b"".join(formula(r, c, (total, spaced, many)[c]) for r in range(600) for c in range(3))
    data = long_named(number(0, 5) + cells)
    _check(tmp_path, data)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.get_sheet_by_index(0).to_python()[599][:3] == [1.0, 1.0, 1.0]
    assert formula_cost(total).work == 2 * 24 and formula_cost(many).tokens == 31


def test_a_formula_calamine_gives_up_on_costs_what_it_read(tmp_path: Path) -> None:
    """An unknown token ends calamine's walk (the formula becomes a short message): the spaces after it cost nothing."""
    assert formula_cost(text(255) + b"\xff" + SPACES * 10_000).tokens == 2
    _check(tmp_path, xls([("S", formula(0, 0, text(255) + b"\xff" + SPACES * 10_000))], shared_strings(["x"])))


def test_a_batch_goes_on_past_a_formula_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a child, validate of three files, the middle one a 66 KB formula of 16,000 space tokens
    (calamine alone ran for minutes on it): each file gets its one line, exit 2."""
    def no_calamine(data: bytes) -> None:
        raise AssertionError("calamine was called")

    bomb = xls([("S", formula(0, 0, text(255) + SPACES * 16_000))], shared_strings(["x"]))
    monkeypatch.setattr(opener, "calamine", no_calamine)
    (tmp_path / "bomb.xls").write_bytes(bomb)
    with pytest.raises(LimitError):
        read_filled(tmp_path / "bomb.xls")
    monkeypatch.undo()
    honest = xls([("S", number(0, 0))], shared_strings(["x"]))
    files = [tmp_path / "a.xls", tmp_path / "bomb.xls", tmp_path / "c.xls"]
    files[0].write_bytes(honest)
    files[2].write_bytes(honest)
    run = measure([sys.executable, "-m", "sheetsync", "validate", *map(str, files)],
                  env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    lines = (run.stdout + run.stderr).strip().splitlines()
    assert run.returncode == 2 and len(lines) == 3, lines
    assert [line.split(": ")[1] for line in lines] == ["a.xls", "bomb.xls", "c.xls"], lines
    assert "take far longer to read" in lines[1] or "อ่านนานเกิน" in lines[1]
    assert run.peak_mb < 300
