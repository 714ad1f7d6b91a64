"""The hostile corpus (tests/data/hostile/build.py): every case ends as one line naming the file,
exit 1 or 2, no traceback, within the memory limit; and what each attack gets is a finding or a
refusal, never a crash."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from sheetsync.errors import SheetsyncError, UnreadableFileError
from sheetsync.check.reader import read_filled
from sheetsync.text import BIDI_CONTROLS, shown_name
from sheetsync.check.validate import validate
from tests.data.hostile.measure import measure

PEAK_MB = 300
#: case → (exit code of validate, finding code or words of the one-line refusal)
EXPECTED: dict[str, tuple[int, str]] = {
    "far-cell-form-xlsx": (1, "outside-form-area"),
    "far-cell-meta-xlsx": (1, "outside-form-area"),
    "far-cell-form-ods": (1, "outside-form-area"),
    "far-cell-meta-ods": (1, "outside-form-area"),
    "ods-repeat-bomb-1000": (1, "outside-form-area"),
    "ods-repeat-bomb-4000": (1, "outside-form-area"),
    "million-rows-xlsx": (2, "unpacks to more than"),
    "million-empty-rows-xlsx": (1, "outside-form-area"),
    "many-empty-rows-ods": (1, "outside-form-area"),
    "wide-row-xlsx": (1, "outside-form-area"),
    "many-cells-ods": (1, "outside-form-area"),
    "many-shared-strings-xlsx": (0, ""),
    "padded-1gib-xlsx": (2, "larger than the 25 MB"),
    "padded-20mb-xlsx": (0, ""),
    "xml-entity-xlsx": (2, "XML entities"),
    "zip-inflation-xlsx": (2, "zip bomb"),
    "zip-lying-size-xlsx": (2, "damaged"),
    "macro-xlsx": (2, "macros"),
    "encrypted-ods": (2, "password-encrypted"),
    "control-chars-xlsx": (1, "not-a-date"),
    "control-chars-ods": (1, "not-a-date"),
    "control-chars-file-name-xlsx": (0, ""),
    "control-chars-recipient-xlsx": (1, "identity-not-verified"),
    "forged-recipient-xlsx": (1, "identity-not-verified"),
    "forged-recipient-ods": (1, "identity-not-verified"),
    "forged-issue-date-xlsx": (1, "identity-not-verified"),
    "forged-issue-date-ods": (1, "identity-not-verified"),
    "forged-signature-xlsx": (1, "identity-not-verified"),
    "noncharacters-xlsx": (0, "control-character"),
    "noncharacters-ods": (0, "control-character"),
    "nan-xlsx": (1, "not-a-number"),
    "nan-ods": (1, "not-a-number"),
    "infinity-xlsx": (1, "not-a-number"),
    "infinity-ods": (1, "not-a-number"),
    "bad-locked-ref-xlsx": (1, "metadata-tampered"),
    "huge-report-number-xlsx": (1, "above-maximum"),  # against the schema: the sequence rule leaves it out
    "huge-cell-text-xlsx": (1, "too-long"),
    # F5 is filled in by the office: changed, it is one finding, "restore it" (not also above its maximum),
    # and the rules leave it out as they do any cell in error (the date arithmetic never sees 1e308)
    "huge-fiscal-year-ods": (1, "prefilled-cell-changed"),
    "path-in-form-id-xlsx": (2, "not a form id"),
    "dotdot-in-form-id-ods": (2, "not a form id"),
    # A few bytes that calamine builds into gigabytes within the form's own cells.
    "ods-space-bomb": (2, "repeat text"),
    "ods-repeated-text": (2, "repeat text"),
    "shared-string-copies-xlsx": (2, "repeat text"),
    "ods-spaces-within-limits": (1, "too-long"),
    # .xls: one shared string named by 6,229 cells (1.6 GB), sheets summing past the cap (3 GB and an
    # abort, 10 KB files), a DIMENSIONS record calamine turns into a request for 320 GB.
    "shared-string-copies-xls": (2, "repeat text"),
    "xls-many-sheets": (2, "span more than"),
    "xls-aliased-sheets": (2, "span more than"),
    "xls-reversed-dimensions": (2, "damaged"),
    # .xls containers whose sector chains calamine follows forever (tests/test_cfb_check.py): the
    # directory's (the first found: 241 KB, 2.1 GB, then an abort), the DIFAT's, the mini FAT's under
    # 2 TB declared; and one past the FAT's entries, a Rust panic that no `except Exception` catches.
    "xls-shifted-fat": (2, "damaged"),
    "xls-directory-loop": (2, "damaged"),
    "xls-difat-loop": (2, "damaged"),
    "xls-mini-fat-loop": (2, "damaged"),
    "xls-chain-past-the-fat": (2, "damaged"),
    # .xls records calamine reads in time growing with their square (tests/test_xls_formulas.py,
    # tests/test_xls_extent.py), and a workbook encrypted with a password.
    "xls-formula-spaces": (2, "take far longer to read"),
    "xls-continue-pieces": (2, "damaged"),
    "xls-encrypted": (2, "password-encrypted"),
    # Empty cells inside the form, written at places already taken: just under the element limit they
    # are read (measured, or clipped when a cell has no r=); just over it the file is refused, after
    # walking no more than the limit (1.9 million such cells took ~10 s to clip, 2 million held 470 MB).
    "many-empty-cells-in-form-xlsx": (0, ""),
    "many-cells-in-form-clipped-xlsx": (0, ""),
    "too-many-cells-in-form-xlsx": (2, "rows and cells"),
    "too-many-cells-in-form-clipped-xlsx": (2, "rows and cells"),
    # A sheet the school added, four (.xlsx) or two (.ods) times the element limit: never read, never refused.
    "big-added-sheet-xlsx": (0, ""),
    "big-added-table-ods": (0, ""),
    # Two sheets of one name: no spreadsheet program saves them (names.py); Excel's names ignore case.
    "meta-sheet-twice-ods": (2, "two sheets named"),
    "form-sheet-twice-ods": (2, "two sheets named"),
    "meta-sheet-twice-xlsx": (2, "two sheets named"),
    "meta-sheet-twice-by-case-xlsx": (2, "two sheets named"),
    "meta-sheet-twice-xls": (2, "two sheets named"),
    # Direction controls in a file's or a sheet's name: shown without them (the name on disk keeps them).
    "bidi-file-name-xlsx": (0, ""),
    "bidi-sheet-name-ods": (0, "sheet-not-read"),
}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_validate_names_the_file_within_limits(corpus: dict[str, Path], case: str) -> None:
    path = corpus[case]
    run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)], env=_env())
    output = run.stdout + run.stderr
    rc, words = EXPECTED[case]
    assert run.returncode == rc, output
    assert "Traceback" not in output and "panicked" not in output
    assert run.peak_mb < PEAK_MB
    first = output.strip().splitlines()[0]
    assert shown_name(path.name) in first
    assert not BIDI_CONTROLS.search(output)  # no name shown steers the direction of the line
    if rc == 2:
        assert words in first and len(output.strip().splitlines()) == 1


@pytest.mark.parametrize("case", [c for c, (rc, code) in EXPECTED.items() if code == "outside-form-area"])
def test_content_beyond_the_form_is_a_finding_at_its_first_cell(corpus: dict[str, Path], case: str) -> None:
    report = validate(read_filled(corpus[case]))
    assert [f.code for f in report.findings] == ["outside-form-area"]
    finding = report.findings[0]
    meta = "meta" in case or case.endswith("4000")
    assert finding.sheet == ("_sheetsync" if meta else "แบบรายงาน")
    if case.startswith("far-cell") and case.endswith("xlsx"):
        assert finding.cell == "XFD1048576"


def test_far_cell_leaves_the_data_as_filled(corpus: dict[str, Path], tmp_path: Path) -> None:
    good = read_filled(corpus["padded-20mb-xlsx"]).data
    for case in ("far-cell-form-xlsx", "far-cell-meta-ods", "ods-repeat-bomb-1000"):
        assert read_filled(corpus[case]).data == good


@pytest.mark.parametrize(("case", "measured"), [("many-empty-cells-in-form-xlsx", True),
                                              ("many-cells-in-form-clipped-xlsx", False),
                                              ("too-many-cells-in-form-xlsx", False)])
def test_cells_near_the_element_limit_take_the_path_their_case_names(corpus: dict[str, Path], case: str,
                                                                    measured: bool) -> None:
    """Just under the limit, cells that all have r= are measured by the scan and read as written; a
    cell without r= sends the sheet to the clipping copy, and so do too many cells."""
    from sheetsync.formats.extent import scan

    assert (scan(corpus[case], "xlsx").extents["แบบรายงาน"] is not None) is measured


@pytest.mark.parametrize("case", ["big-added-sheet-xlsx", "big-added-table-ods"])
def test_a_sheet_the_school_added_is_not_read(corpus: dict[str, Path], case: str) -> None:
    good = read_filled(corpus["padded-20mb-xlsx"]).data
    assert read_filled(corpus[case]).data == good


@pytest.mark.parametrize("case", [c for c, (rc, _) in EXPECTED.items() if rc == 2])
def test_refusals_are_sheetsync_errors_naming_the_file(corpus: dict[str, Path], case: str) -> None:
    with pytest.raises(SheetsyncError) as caught:
        validate(read_filled(corpus[case]))
    assert str(caught.value).startswith(corpus[case].name)


@pytest.mark.parametrize("case", ["huge-report-number-xlsx", "huge-fiscal-year-ods"])
def test_numbers_no_rule_expected_are_findings(corpus: dict[str, Path], case: str) -> None:
    # 1e308 as a report number once made the sequence rule loop for ever (now the schema's finding
    # keeps it out of the rules' columns: one wrong value, one finding); as a fiscal year it made
    # the date arithmetic raise.
    assert EXPECTED[case][1] in validate(read_filled(corpus[case])).codes()


def test_a_failure_no_check_expected_still_names_the_file(corpus: dict[str, Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from sheetsync.check import rules

    def broken(rule: object, ctx: object) -> None:
        raise KeyError("a bug of ours, or a value nobody foresaw")
    monkeypatch.setitem(rules.RULES, "sequence", broken)
    path = corpus["padded-20mb-xlsx"]
    with pytest.raises(UnreadableFileError) as caught:
        validate(read_filled(path))
    assert str(caught.value).startswith(f"{path.name}: its content cannot be checked (KeyError")


@pytest.mark.parametrize(("ref", "sheet", "words"), [
    ("IV65536", "แบบรายงาน", "reaches cell IV65536"),  # ~1 GB in calamine: refused before it is read
    ("H60", "แบบรายงาน", "outside-form-area"),
    ("F40", "_sheetsync", "outside-form-area"),
])
def test_legacy_xls_is_bounded_too(corpus: dict[str, Path], tmp_path: Path, libreoffice: Any,
                                   ref: str, sheet: str, words: str) -> None:
    from tests.data.hostile.build import XLSX_SHEETS, rewrite, xlsx_text

    far = rewrite(corpus["padded-20mb-xlsx"], tmp_path / "far.xlsx", {XLSX_SHEETS[sheet]: xlsx_text(ref, "far")})
    legacy = libreoffice.convert(far, tmp_path / "far.xls")
    run = measure([sys.executable, "-m", "sheetsync", "validate", "--format", "json", str(legacy)], env=_env())
    assert "Traceback" not in run.stderr and run.peak_mb < PEAK_MB
    assert words in run.stdout + run.stderr and "far.xls" in run.stdout + run.stderr
    if words == "outside-form-area":
        report = validate(read_filled(legacy))
        assert [(f.code, f.sheet, f.cell) for f in report.findings] == [("outside-form-area", sheet, ref)]


@pytest.mark.parametrize("case", [c for c, (rc, _) in EXPECTED.items() if rc == 2])
def test_a_refused_file_is_explained_in_thai(corpus: dict[str, Path], case: str) -> None:
    """A teacher reads why in Thai; the reader's own (English) words follow for the office."""
    from sheetsync.messages import render
    from sheetsync.pipeline import check_file

    result = check_file(corpus[case])
    why = result.why.get("th", "")
    assert result.failure is not None and why and result.why.get("en")
    thai = result.failure.message_th
    assert why in thai and EXPECTED[case][1] in thai  # the Thai why, then the reader's words
    assert sum("\u0e00" <= ch <= "\u0e7f" for ch in why) > 10  # a Thai sentence, not a code
    generic = render("why.unreadable", "th")
    if case in ("macro-xlsx", "encrypted-ods"):  # what it is, and how to save it again: not the template again
        assert why == render("why.macros" if "macro" in case else "why.encrypted", "th")
        assert "กรุณาส่งแบบฟอร์มที่ได้รับจากสำนักงาน" not in thai
    elif "form-id" in case:
        assert why == render("why.unknown-form", "th")
    elif case in ("padded-1gib-xlsx", "million-rows-xlsx", "zip-inflation-xlsx", "xml-entity-xlsx"):
        assert why != generic  # a limit says which one, in Thai


def test_a_cut_text_is_never_read_as_a_shorter_whole_one(corpus: dict[str, Path]) -> None:
    """Text longer than a cell holds is cut at 32,767 characters, ending in "…": the 15.9 million
    spaces between "x" and "y" were cut, then stripped, and the cell read "x" (a valid file)."""
    from sheetsync import limits

    filled = read_filled(corpus["ods-spaces-within-limits"])
    text = filled.raw["C37"]
    assert len(text) == limits.MAX_CELL_TEXT and text.startswith("x ") and text.endswith("…")
    assert "too-long" in validate(filled).codes()


def test_a_long_value_is_quoted_by_its_start_and_not_kept_whole_by_a_run(corpus: dict[str, Path]) -> None:
    """Each of 40 findings quoted its cell's whole text (32,767 characters) in both languages, and
    the run kept every file's findings to the end (~9 MB a file)."""
    from sheetsync import limits
    from sheetsync.check.shown import brief
    from sheetsync.pipeline import check_file

    assert brief("ก" * 300) == "ก" * (limits.MAX_SHOWN_TEXT - 1) + "…" and brief("short") == "short"
    result = check_file(corpus["ods-spaces-within-limits"])
    assert result.report is not None
    [finding] = [f for f in result.report.findings if f.code == "too-long"]
    assert len(finding.message_th) < 1000 and len(finding.message_en) < 1000
    result.slim()
    assert result.filled is None
    assert all(not isinstance(f.value, str) or len(f.value) <= limits.MAX_SHOWN_TEXT for f in result.report.findings)
