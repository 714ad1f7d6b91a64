"""Files of the office a clerk may hold open in Excel on Windows while sheetsync runs. Windows then
refuses to replace the file, to rename it away, and to delete it (``PermissionError``); Linux cannot
lock a file so, and :func:`held_open` makes those calls refuse for the held paths only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.test_office import in_office


def held_open(monkeypatch: pytest.MonkeyPatch, *held: Path) -> None:
    """Windows' refusals for ``held`` (open in Excel): ``os.replace``/``os.rename`` to or from it,
    ``os.unlink``/``os.remove`` of it."""
    names = {os.path.normcase(os.path.abspath(p)) for p in held}

    def is_held(path: Any) -> bool:
        return os.path.normcase(os.path.abspath(os.fspath(path))) in names

    def refuse(path: Any) -> None:
        raise PermissionError(13, "The process cannot access the file because it is being used by another process",
                              os.fspath(path))

    for name in ("replace", "rename"):
        real = getattr(os, name)

        def moving(src: Any, dst: Any, *args: Any, _real: Any = real, **kwargs: Any) -> None:
            for path in (src, dst):
                if is_held(path):
                    refuse(path)
            _real(src, dst, *args, **kwargs)
        monkeypatch.setattr(os, name, moving)
    for name in ("unlink", "remove"):
        real = getattr(os, name)

        def deleting(path: Any, *args: Any, _real: Any = real, **kwargs: Any) -> None:
            if is_held(path):
                refuse(path)
            _real(path, *args, **kwargs)
        monkeypatch.setattr(os, name, deleting)


def _one_line_each(output: str, name: str) -> list[str]:
    lines = [x for x in output.splitlines() if name in x]
    assert lines and all(" / " in x for x in lines), output  # Thai, then English, on one line
    return lines


def test_a_template_open_in_excel_while_new_ones_are_written(office: Path, app: typer.Typer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert in_office(app, office, "template", "--roster", "roster.csv", "-o", "templates").exit_code == 0
    [held, other] = sorted((office / "templates").glob("*.xlsx"))
    held_open(monkeypatch, held)
    again = in_office(app, office, "template", "--roster", "roster.csv", "-o", "templates")
    assert "Traceback" not in again.output and again.exit_code == 3
    _one_line_each(again.stderr, held.name)
    assert held.exists() and (office / "templates" / "old").is_dir()


def test_a_returned_file_opened_in_the_inbox_while_sync_runs(office: Path, app: typer.Typer, progress_form: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_office_open_in_excel import _ready
    from sheetsync.template.write import write_template
    from tests.test_master_support import at, seed_data, variant

    _ready(office, progress_form)  # s1.xlsx waits in the inbox; the clerk double-clicks it
    write_template(progress_form, office / "inbox" / "s2.xlsx", data=variant(seed_data(), reports=5),
                   recipient="s2", issued=at(41))
    held_open(monkeypatch, office / "inbox" / "s1.xlsx")
    run = in_office(app, office, "sync")
    assert "Traceback" not in run.output and "s1.xlsx" in run.stdout and "s2.xlsx" in run.stdout
    # One line naming the file held, Thai first, saying (in Thai too) that it may be open in Excel.
    [line] = _one_line_each(run.stderr, "s1.xlsx")
    thai, english = line.removeprefix(" sheetsync: ").split(" / ", 1)
    assert "Excel" in thai and "รอบหน้า" in thai and "Excel" in english and "next run" in english
    monkeypatch.undo()  # Excel closed: the next run sets both aside, checking nothing again
    later = in_office(app, office, "sync")
    assert later.exit_code == 0 and not list((office / "inbox").glob("*.xlsx")), later.output
    assert sorted(p.name for p in (office / "processed").glob("*.xlsx")) == ["s1.xlsx", "s2.xlsx"]


def _backed_up(office: Path, app: typer.Typer) -> Path:
    made = in_office(app, office, "backup")
    assert made.exit_code == 0, made.output
    [backup] = office.rglob("sheetsync-2*.sqlite")
    return backup


def test_a_store_held_open_elsewhere_is_not_restored_over(office: Path, app: typer.Typer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows cannot rename a SQLite file another program has open (a DB browser): one line, nothing moved."""
    backup = _backed_up(office, app)
    held_open(monkeypatch, office / "sheetsync.sqlite")
    run = in_office(app, office, "restore", str(backup), "--force")
    assert run.exit_code == 3 and "Traceback" not in run.output
    _one_line_each(run.stderr, "sheetsync.sqlite")
    assert (office / "sheetsync.sqlite").exists() and not list(office.glob("*.replaced-*"))


def test_a_restore_whose_wal_cannot_be_moved_puts_the_store_back(office: Path, app: typer.Typer,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The store moved aside but not its -wal: a backup copied in beside that -wal would have it replayed
    into it (SQLite cannot tell a -wal belongs to another file). The store goes back where it was."""
    import sqlite3

    backup = _backed_up(office, app)
    keep = sqlite3.connect(office / "sheetsync.sqlite")  # a -wal beside the store, as a run leaves one
    keep.execute("PRAGMA journal_mode=WAL")
    keep.execute("CREATE TABLE IF NOT EXISTS marker (x)")
    assert (office / "sheetsync.sqlite-wal").exists()
    held_open(monkeypatch, office / "sheetsync.sqlite-wal")
    run = in_office(app, office, "restore", str(backup), "--force")
    keep.close()
    assert run.exit_code == 3 and "Traceback" not in run.output
    assert (office / "sheetsync.sqlite").exists() and not list(office.glob("*.replaced-*"))
    [line] = _one_line_each(run.stderr, "sheetsync.sqlite-wal")
    assert line.index("ย้าย") < line.index("cannot be moved aside")
    assert (office / "sheetsync.sqlite-wal").exists()  # with its store, as it was


def test_a_file_put_back_by_restore_never_takes_a_name_differing_only_in_case(office: Path, app: typer.Typer,
                                                                             progress_form: Any) -> None:
    """Windows sees ``S1.xlsx`` and ``s1.xlsx`` as one file: a put-back under the other's name failed
    there (``os.rename`` onto an existing file), half-way through the restore."""
    from tests.test_office_open_in_excel import _ready

    backup = _backed_up(office, app)  # before s1's file came
    _ready(office, progress_form)
    assert in_office(app, office, "sync").exit_code == 0
    assert (office / "processed" / "s1.xlsx").exists()
    (office / "inbox" / "S1.xlsx").write_bytes(b"arrived meanwhile")
    run = in_office(app, office, "restore", str(backup), "--force")
    assert run.exit_code == 0, run.output
    names = [p.name for p in (office / "inbox").iterdir() if p.is_file()]
    assert len(names) == 2 and len({n.casefold() for n in names}) == 2, names


def test_a_store_that_cannot_be_put_back_either_is_named_where_it_lies(office: Path, app: typer.Typer,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The -wal refused, then the store's own rename back refused too (the program holding it grabbed it
    again): a raw error was raised half-way through putting things back, and the store was left under its
    dated name, unsaid — the next run would start an empty store. Every file is tried back, and the one
    line (Thai first) says which file lies where, and to name it back before any run."""
    import sqlite3

    backup = _backed_up(office, app)
    keep = sqlite3.connect(office / "sheetsync.sqlite")
    keep.execute("PRAGMA journal_mode=WAL")
    keep.execute("CREATE TABLE IF NOT EXISTS marker (x)")
    store, wal = office / "sheetsync.sqlite", office / "sheetsync.sqlite-wal"
    real = os.rename

    def rename(src: Any, dst: Any) -> None:
        if Path(src) == wal or Path(dst) == store:  # the -wal held; the store's way back refused too
            raise PermissionError(13, "The process cannot access the file", os.fspath(src))
        real(src, dst)
    monkeypatch.setattr(os, "rename", rename)
    run = in_office(app, office, "restore", str(backup), "--force")
    keep.close()
    assert run.exit_code == 3 and "Traceback" not in run.output, run.output
    [aside] = office.glob("sheetsync.replaced-*.sqlite")
    [line] = _one_line_each(run.stderr, aside.name)
    assert line.index("ย้าย") < line.index(" / ") and "sheetsync.sqlite" in line.replace(aside.name, "")
    assert "nothing was changed" not in line
