"""An office signs with its own key: templates issued in the office verify in its sync, a template of
another office does not (issue 9, item 3, on the office path). Real processes with a clean
environment: no SHEETSYNC_KEY_FILE, a HOME of their own, so nothing but the office decides the key."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from sheetsync.identity import ensure_key
from sheetsync.office.store import Store
from tests.excel_saves import excel_saved, text

SEED = Path(__file__).parent.parent / "sheetsync" / "samples" / "progress-report.json"


def sheetsync(cwd: Path, home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SHEETSYNC_KEY_FILE"}
    env |= {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def roster(path: Path, ids: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["recipient_id", "school_name", "email", "project_code"])
        writer.writerows([i, f"โรงเรียน {i}", f"{i}@example.org", "50360000-3553"] for i in ids)
    return path


def test_templates_issued_in_the_office_verify_and_another_offices_do_not(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    schools = roster(tmp_path / "schools.csv", ["s1", "s2"])
    for office in (ours, theirs):
        done = sheetsync(tmp_path, home, "init", office, "--roster", schools)
        assert done.returncode == 0, done.stderr
    assert (ours / "office.key").read_bytes() != (theirs / "office.key").read_bytes()
    data = tmp_path / "seed.json"
    shutil.copy(SEED, data)
    # The clerk issues templates from inside each office folder (no --office, no environment).
    for office in (ours, theirs):
        done = sheetsync(office, home, "template", "--roster", schools, "--data", data, "-o", office / "issued")
        assert done.returncode == 0, done.stderr
    [mine] = (ours / "issued").glob("s1 *.xlsx")
    [foreign] = (theirs / "issued").glob("s2 *.xlsx")
    # The school types into its template (one sent back with nothing typed is refused: office/unfilled.py).
    excel_saved(mine, ours / "inbox" / "s1.xlsx", {"C51": text("ครูผู้รับผิดชอบโครงการ")})
    shutil.copy(foreign, ours / "inbox" / "s2-from-elsewhere.xlsx")
    done = sheetsync(ours, home, "sync", "--settle", "0")
    assert "Traceback" not in done.stderr, done.stderr
    with Store(ours / "sheetsync.sqlite") as store:
        results = {row.file: (row.result, row.code) for row in store.outcomes()}
    assert results["s1.xlsx"][0] == "merged", results
    assert results["s2-from-elsewhere.xlsx"][0] == "refused", results
    report = json.loads((ours / "reports" / "s2-from-elsewhere.json").read_text(encoding="utf-8"))
    assert "identity-not-verified" in {f["code"] for f in report["findings"]}
    assert not (home / ".config" / "sheetsync" / "office.key").exists()  # nothing fell back to the user's key


def test_validate_outside_the_office_says_which_key_it_used(tmp_path: Path) -> None:
    # The clerk's walk: a template the office issued, checked from the home folder, was "not issued by
    # this office" (the user's key checked it), and read as a forged template.
    from typer.testing import CliRunner

    from sheetsync.cli import app

    home = tmp_path / "home"
    (home / ".config" / "sheetsync").mkdir(parents=True)
    ensure_key(home / ".config" / "sheetsync" / "office.key")  # this user's own key, made by an earlier command
    env = {"SHEETSYNC_KEY_FILE": None, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}

    def run(cwd: Path, *args: str | Path) -> Any:
        before = Path.cwd()
        os.chdir(cwd)
        try:
            return CliRunner().invoke(app, [str(a) for a in args], env=env)
        finally:
            os.chdir(before)

    office = tmp_path / "district"
    assert run(tmp_path, "init", office, "--roster", roster(tmp_path / "schools.csv", ["s1"])).exit_code == 0
    issued = office / "s1.xlsx"
    assert run(office, "template", "--recipient", "s1", "--data", SEED, "-o", issued).exit_code == 0

    outside = run(tmp_path, "validate", "--format", "json", issued)
    codes = [f["code"] for f in json.loads(outside.stdout)[0]["findings"]]
    assert codes == ["identity-not-verified"]  # the finding itself is unchanged (schools see it)
    [hint] = outside.stderr.splitlines()
    assert hint.startswith("sheetsync: หมายเหตุ: ตรวจครั้งนี้ใช้กุญแจของผู้ใช้เครื่องนี้ (")
    assert hint.endswith("run it inside the office folder, or with --office DIR") and "--office" in hint.split(" / ")[0]
    english = run(tmp_path, "validate", "--lang", "en", issued).stderr.splitlines()
    assert english == [f"sheetsync: note: this check used this user's key ({home / '.config' / 'sheetsync' / 'office.key'}), "
                       "outside any office folder, so templates the office issued may be reported as not issued by it; "
                       "run it inside the office folder, or with --office DIR"]
    for where, args in ((office, ()), (tmp_path, ("--office", office))):  # the office's key: valid, and no note
        done = run(where, "validate", *args, issued)
        assert (done.exit_code, done.stderr) == (0, ""), done.output
