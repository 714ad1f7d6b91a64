"""The signed template identity (sheetsync.identity): only the office can issue a template."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from sheetsync.errors import UnknownFormError
from sheetsync.spec.form import Form
from sheetsync.identity import KeyFileError, ensure_key, load_key, sign, verify
from sheetsync.template.markup import write_marked_up
from sheetsync.master import merge
from sheetsync.master.store import read_master
from sheetsync.check.reader import read_filled
from sheetsync.spec.registry import find_form_id
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate
from tests.data.hostile.build import META, XLSX_SHEETS, rewrite, xlsx_text

IDENTITY = {"form_id": "progress-report", "form_version": "1.0.0", "template_id": "t1", "recipient": "school-01",
            "issued_at": "2026-10-01T00:00:00+00:00", "fingerprint": "f" * 64}


def test_key_is_created_once_private(tmp_path: Path) -> None:
    path = tmp_path / "office" / "office.key"
    key = ensure_key(path)
    assert len(key) == 32 and ensure_key(path) == key == load_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(tmp_path / "none.key") is None


def test_a_key_written_by_office_init_or_by_hand_is_read(tmp_path: Path) -> None:
    raw, typed = tmp_path / "raw.key", tmp_path / "hex.key"
    for path, content in ((raw, bytes(range(32))), (typed, (bytes(range(32)).hex() + "\n").encode())):
        path.write_bytes(content)
        path.chmod(0o600)
        assert load_key(path) == bytes(range(32))
    typed.write_bytes(b"not a key")
    with pytest.raises(KeyFileError, match="damaged"):
        load_key(typed)


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "office.key"
    ensure_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_key(path)


@pytest.mark.parametrize("name", sorted(IDENTITY))
def test_every_part_of_the_identity_is_signed(name: str) -> None:
    key = bytes(range(32))
    meta = {**IDENTITY, "signature": sign(IDENTITY, key)}
    assert verify(meta, key) and not verify(meta, bytes(32))
    assert not verify({**meta, name: meta[name] + "x"}, key)


@pytest.fixture
def issued(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> dict[str, Path]:
    """Genuine templates of two schools (same project), filled."""
    files = {}
    for school in ("school-01", "school-02"):
        files[school] = tmp_path / f"{school}.xlsx"
        write_template(progress_form, files[school], data=seed, recipient=school)
    return files


def test_a_genuine_template_verifies(issued: dict[str, Path]) -> None:
    filled = read_filled(issued["school-01"])
    assert "signature" in filled.metadata
    assert validate(filled).valid


def test_without_a_key_nothing_is_checked(issued: dict[str, Path], tmp_path: Path) -> None:
    forged = rewrite(issued["school-01"], tmp_path / "f.xlsx", {XLSX_SHEETS[META]: xlsx_text("B4", "school-02")})
    assert validate(read_filled(forged), key=None).valid
    report = validate(read_filled(forged))
    assert report.codes() == ["identity-not-verified"] and not report.valid
    assert (report.findings[0].sheet, report.findings[0].severity) == ("_sheetsync", "error")
    assert "ไม่ได้ออกโดยสำนักงานนี้" in report.findings[0].message_th


def test_an_unsigned_template_is_refused_once_the_office_has_a_key(progress_form: Form, seed: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "unsigned.ods"
    write_template(progress_form, path, data=seed, recipient="school-01", key=None)
    assert validate(read_filled(path)).codes() == ["identity-not-verified"]


def test_a_forged_file_never_replaces_another_schools_record(issued: dict[str, Path], tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([issued["school-02"]], master)
    # school-01 unhides _sheetsync, claims to be school-02 and dates its file in 2099
    forged = rewrite(issued["school-01"], tmp_path / "forged.xlsx", {XLSX_SHEETS[META]: lambda xml: xlsx_text(
        "B5", "2099-01-01T00:00:00+00:00")(xlsx_text("B4", "school-02")(xml))})
    result = merge([forged], master)
    assert [(o.result, o.path.name) for o in result.outcomes] == [("refused", "forged.xlsx")]
    records = read_master(master).records
    assert [k.recipient for k in records] == ["school-02"]
    assert next(iter(records.values())).file == "school-02.xlsx"


def test_a_forged_file_gets_an_unsigned_marked_up_copy(issued: dict[str, Path], tmp_path: Path) -> None:
    forged = rewrite(issued["school-01"], tmp_path / "f.xlsx", {XLSX_SHEETS[META]: xlsx_text("B4", "school-02")})
    filled = read_filled(forged)
    marked = tmp_path / "marked.xlsx"
    write_marked_up(filled, validate(filled), marked)
    # signing it would have made the forged recipient genuine
    assert "identity-not-verified" in validate(read_filled(marked)).codes()
    good = read_filled(issued["school-01"])
    write_marked_up(good, validate(good), marked)
    assert validate(read_filled(marked)).valid


@pytest.mark.parametrize("form_id", ["/etc/passwd.yaml", "../progress-report", "..\\x", "C:\\forms\\x",
                                     "progress-report.yaml", "Progress", "", "a" * 65, "x\x1b[2J"])
def test_a_form_id_from_a_file_is_never_a_path(form_id: str) -> None:
    with pytest.raises(UnknownFormError, match="not a form id"):
        find_form_id(form_id)
    assert find_form_id("progress-report").id == "progress-report"
