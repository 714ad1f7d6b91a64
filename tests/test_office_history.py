"""``sheetsync history --recipient ID`` as a clerk types the id (:mod:`sheetsync.office.history`)."""

from __future__ import annotations

from pathlib import Path

import typer

from sheetsync.office.history import history, recipients_matching
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_master_support import at, seed_data, variant
from tests.test_office import in_office



def _received(office: Path, app: typer.Typer, progress_form: Form, recipients: dict[str, str]) -> None:
    """Each recipient's file (``{recipient: project code}``) taken by one sync."""
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                      encoding="utf-8")
    for n, (recipient, code) in enumerate(recipients.items()):
        data = variant(seed_data(), reports=5)
        data["project"]["code"] = code
        write_template(progress_form, office / "inbox" / f"file-{n}.xlsx", data=data, recipient=recipient,
                       issued=at(40))
    assert in_office(app, office, "sync").exit_code == 0


def test_an_id_typed_in_other_case_finds_its_school(office: Path, app: typer.Typer, progress_form: Form) -> None:
    # `--recipient S1` for the school recorded as s1 said "no submission matches".
    _received(office, app, progress_form, {"s1": "50360000-3553"})
    shown = in_office(app, office, "history", "--recipient", "S1")
    assert shown.exit_code == 0 and "file-0.xlsx" in shown.stdout and shown.stderr == "", shown.output


def test_ids_differing_only_in_case_are_each_found_exactly_and_both_listed_otherwise(
        office: Path, app: typer.Typer, progress_form: Form) -> None:
    _received(office, app, progress_form, {"school-01": "50360000-3553", "School-01": "50360000-3554"})
    with Store(office / "sheetsync.sqlite") as store:
        assert recipients_matching(store, "School-01") == ["School-01"]  # typed exactly: that one alone
        assert recipients_matching(store, " SCHOOL-01 ") == ["School-01", "school-01"]
        assert recipients_matching(store, "school-02") == []
        assert [h.recipient for h in history(store, recipient="School-01")] == ["School-01"]
        assert {h.recipient for h in history(store, recipient="SCHOOL-01")} == {"School-01", "school-01"}
    exact = in_office(app, office, "history", "--recipient", "school-01")
    assert exact.exit_code == 0 and "file-0.xlsx" in exact.stdout and "file-1.xlsx" not in exact.stdout
    both = in_office(app, office, "history", "--recipient", "SCHOOL-01")
    assert both.exit_code == 0 and "file-0.xlsx" in both.stdout and "file-1.xlsx" in both.stdout
    [note] = both.stderr.splitlines()  # and says which ids it shows, Thai first
    assert note.startswith("sheetsync: ") and "School-01, school-01" in note and " / " in note
