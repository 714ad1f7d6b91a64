"""sheetsync backup: a copy of the store that can be trusted, taken while runs go on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import typer

from sheetsync.errors import StoreError
from sheetsync.office.backup import back_up
from sheetsync.spec.form import Form
from sheetsync.office.store import Store
from sheetsync.template.write import write_template
from tests.test_master_support import at, seed_data, variant
from tests.test_office import in_office



def synced(app: typer.Typer, office: Path, form: Form) -> Path:
    """The office after a sync of one good file (one submission, one outcome)."""
    write_template(form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5), recipient="s1",
                   issued=at(40))
    (office / "sheetsync.toml").write_text((office / "sheetsync.toml").read_text(encoding="utf-8").replace(
        "settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    assert in_office(app, office, "sync").exit_code == 0
    return office


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        return db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def test_backup_copies_the_store_into_the_offices_backups(app: typer.Typer, office: Path,
                                                          progress_form: Form) -> None:
    synced(app, office, progress_form)
    done = in_office(app, office, "backup")
    assert done.exit_code == 0, done.output
    [copy] = (office / "backups").iterdir()
    assert copy.name.startswith("sheetsync-") and copy.suffix == ".sqlite"
    assert f"to {copy}: 1 submission(s), 1 outcome(s)" in done.output
    for table in ("submissions", "outcomes", "files", "roster", "outbox"):
        assert rows(copy, table) == rows(office / "sheetsync.sqlite", table), table
    assert not Path(f"{copy}-wal").exists()  # one self-contained file
    view = in_office(app, office, "master", "--store", str(copy), "-o", str(office / "from-backup.xlsx"))
    assert view.exit_code == 0 and (office / "from-backup.xlsx").exists()  # it reads back as a store


def test_backup_during_a_write_copies_what_was_committed(app: typer.Typer, office: Path, progress_form: Form,
                                                          tmp_path: Path) -> None:
    synced(app, office, progress_form)
    with Store(office / "sheetsync.sqlite") as writer:
        writer.db.execute("BEGIN IMMEDIATE")  # another run, in the middle of recording a file
        writer.db.execute("INSERT INTO roster (position, recipient_id, school) VALUES (99, 'late', 'x')")
        done = in_office(app, office, "backup", str(tmp_path / "copies" / "now.sqlite"))
        writer.db.execute("COMMIT")
    assert done.exit_code == 0, done.output
    assert [r[1] for r in rows(tmp_path / "copies" / "now.sqlite", "roster")] == ["s1", "s2"]


def test_backup_that_cannot_be_written_is_one_line(app: typer.Typer, office: Path, tmp_path: Path) -> None:
    (tmp_path / "full").write_text("a file, not a folder", encoding="utf-8")
    done = in_office(app, office, "backup", str(tmp_path / "full" / "copy.sqlite"))
    assert done.exit_code == 3 and len(done.output.strip().splitlines()) == 1 and "copy.sqlite" in done.output
    assert "Traceback" not in done.output


def test_backup_never_replaces_the_store_itself_nor_leaves_files_beside_it(app: typer.Typer, office: Path) -> None:
    before = sorted(p.name for p in office.iterdir())
    for target in ("sheetsync.sqlite", "sheetsync.sqlite-wal"):
        done = in_office(app, office, "backup", target)
        assert done.exit_code == 2 and "that is the store itself" in done.output, done.output
    assert in_office(app, office, "backup", str(office.parent / "copy.sqlite")).exit_code == 0
    assert sorted(p.name for p in office.iterdir()) == before  # no -wal or -shm left by the copy


def test_a_source_that_is_no_store_is_named_as_the_fault(app: typer.Typer, office: Path, tmp_path: Path) -> None:
    done = in_office(app, office, "backup", str(tmp_path / "out.sqlite"), "--store", str(office / "sheetsync.toml"))
    assert done.exit_code == 3 and "is damaged" in done.output and "sheetsync.toml (file is not a database)" in done.output, \
        done.output
    assert not (tmp_path / "out.sqlite").exists()
    with pytest.raises(StoreError, match="missing.sqlite: cannot open the office's store"):
        back_up(tmp_path / "missing.sqlite", tmp_path / "copy.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()  # never made by asking for a copy of it


@pytest.mark.parametrize("damage", ["torn-rows", "stray-pages"])
def test_backup_of_a_damaged_store_is_one_line_saying_so(app: typer.Typer, office: Path, progress_form: Form,
                                                          tmp_path: Path, damage: str) -> None:
    synced(app, office, progress_form)
    store = office / "sheetsync.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = int(db.execute("PRAGMA page_size").fetchone()[0])
        roots = [int(r[0]) for r in db.execute("SELECT rootpage FROM sqlite_master WHERE name IN "
                                                "('submissions', 'outcomes', 'files', 'runs')")]
    with store.open("r+b") as handle:
        if damage == "torn-rows":  # their cells point past their pages: reading a row fails
            for root in roots:
                handle.seek((root - 1) * page + 8)
                handle.write(b"\xff\xf0" * 4)
        else:  # pages no table owns: every row reads, SQLite's check says so in several lines
            size = int.from_bytes(handle.read(32)[28:32], "big")
            handle.seek(28)
            handle.write((size + 3).to_bytes(4, "big"))
            handle.seek(size * page)
            handle.write(bytes(3 * page))
    done = in_office(app, office, "backup", str(tmp_path / "copy.sqlite"))
    assert done.exit_code == 3 and "Traceback" not in done.output, done.output
    assert len(done.output.strip().splitlines()) == 1, done.output  # SQLite's verdict is many lines
    assert "sheetsync restore" in done.output and not (tmp_path / "copy.sqlite").exists()


@pytest.mark.parametrize("target", ["office.key", "roster.csv", "sheetsync.toml"])
def test_backup_never_overwrites_a_file_that_is_not_a_backup(app: typer.Typer, office: Path, target: str) -> None:
    """``sheetsync backup office.key`` (a clerk told to keep a copy of the key) must not replace the key."""
    kept = (office / target).read_bytes()
    done = in_office(app, office, "backup", target)
    assert done.exit_code == 2 and "Traceback" not in done.output, done.output
    assert len(done.output.strip().splitlines()) == 1 and target in done.output
    assert done.output.index("ไม่ใช่ไฟล์สำรอง") < done.output.index("not a backup")  # Thai first
    assert (office / target).read_bytes() == kept


def test_backup_replaces_an_earlier_backup_of_the_same_name(app: typer.Typer, office: Path, tmp_path: Path) -> None:
    target = tmp_path / "usb" / "sheetsync.sqlite"
    assert in_office(app, office, "backup", str(target)).exit_code == 0
    done = in_office(app, office, "backup", str(target))
    assert done.exit_code == 0, done.output
    (tmp_path / "empty.sqlite").write_bytes(b"")  # a file made empty first (touch) is no one's data
    assert in_office(app, office, "backup", str(tmp_path / "empty.sqlite")).exit_code == 0
