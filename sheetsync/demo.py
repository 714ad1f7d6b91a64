"""The demo: the whole monthly loop on the seed's 11 schools (networks 73 and 74).

roster → one prefilled template per school → the schools fill them (a few with mistakes, one
sends junk, one sends nothing) → ``sync`` validates, writes reports and e-mails, merges the good
ones into the master → next month's templates come out of the master.
"""

from __future__ import annotations

import copy
import csv
import json
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from .batch import queue_templates
from .formats import writer_for
from .mailer import MailConfig
from .messages import LANGS, render
from .master import templates_from_master
from .template.plan import build_plan
from .check.reader import read_filled
from .spec.form import Form
from .spec.pointers import remove
from .spec.registry import find_form
from .roster import Recipient, read_roster, templates_for_roster
from .sync import SyncOptions, SyncResult, sync
from .check.validate import validate


def sample_data(form_id: str = "progress-report") -> dict[str, Any]:
    """The bundled sample data of a form (the seed's real filled progress report)."""
    text = resources.files("sheetsync").joinpath("samples", f"{form_id}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def broken_sample(data: dict[str, Any]) -> dict[str, Any]:
    """The sample with mistakes schools really make: a skipped report row and a progress drop."""
    broken = copy.deepcopy(data)
    broken["reports"] = [dict(r, no=r["no"] + (r["no"] >= 4)) for r in broken["reports"][:6]]
    broken["reports"][2]["progress_percent"] = 15.0
    return broken


def demo_roster(data: dict[str, Any]) -> list[Recipient]:
    """The seed's 11 schools as a roster (ids n73-01 …, addresses on example.org), each with a
    project of its own (:func:`school_project`)."""
    schools: list[Recipient] = []
    for network in data["targets"]["networks"]:
        for i, name in enumerate(network["schools"], start=1):
            rid = f"n{network['number']}-{i:02d}"
            code = school_project(data, len(schools))["project"]["code"]
            schools.append(Recipient(rid, name, f"{rid}@example.org", code, extra={"network": str(network["number"])}))
    return schools


def school_project(data: dict[str, Any], n: int) -> dict[str, Any]:
    """The sample as the ``n``-th school's own project: its own code and budget (12,000 to 28,000
    baht), its spending scaled to that budget. Every school sending the seed's network project
    itself would add the network's 180,000 baht once per school in the master's totals."""
    school = copy.deepcopy(data)
    project = school["project"]
    budget = 12000 + 4000 * (n % 5)
    scale = budget / project["budget_received"]
    project |= {"code": f"{project['code'][:9]}{3600 + n:04d}", "budget_received": budget, "budget_used": budget}
    networks = school["targets"]["networks"]
    for network in networks:
        network["budget"] = round(network["budget"] * scale)
    networks[-1]["budget"] += budget - sum(nw["budget"] for nw in networks)
    spent = 0
    for report in school["reports"]:
        report["disbursed"] = budget - spent if report["progress_percent"] >= 100 else round(report["disbursed"] * scale)
        spent += report["disbursed"]
    return school


def unsigned(form: Form, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` less the fields of the form's layout signed by hand (``signature``: the progress
    report's signer): a template the office issues leaves them for the school, as next period's do."""
    data = copy.deepcopy(data)
    for pointer in form.layout.get("signature", ()):
        remove(data, pointer)
    return data


def fill_like_a_school(template: Path, data: dict[str, Any], out: Path) -> None:
    """What a school's filled copy of ``template`` holds: same template id and locks, ``data`` typed in."""
    issued = read_filled(template)
    meta = issued.metadata
    plan = build_plan(issued.form, data, recipient=meta["recipient"], template_id=meta["template_id"],
                      issued=_parse_time(meta["issued_at"]))
    writer_for(out.suffix.lstrip("."))(plan, out)


def _parse_time(text: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(text)


@dataclass
class DemoResult:
    """What the demo made and found."""

    folder: Path
    round_trip_equal: dict[str, bool]
    sync: SyncResult
    next_templates: list[Path]


def run_demo(out: Path, say: Callable[[str], None] = print) -> DemoResult:
    """Run the whole loop into ``out`` and say what happened at each step."""
    form = find_form("progress-report")
    data = sample_data(form.id)
    out.mkdir(parents=True, exist_ok=True)
    equal = _round_trip(form, data, out / "round-trip", say)
    roster = demo_roster(data)
    roster_csv = _write_roster(roster, out / "schools.csv")
    recipients = read_roster(roster_csv)
    projects = {r.id: school_project(data, n) for n, r in enumerate(recipients)}
    # What the office knows of each school's project; the signature line is the school's to sign.
    header = {r.id: unsigned(form, {k: v for k, v in projects[r.id].items() if k != "reports"}) for r in recipients}
    issued = [p for r in recipients for p in templates_for_roster(form, [r], out / "templates", data=header[r.id])]
    issued += [p for r in recipients[::2]
               for p in templates_for_roster(form, [r], out / "templates-ods", fmt="ods", data=header[r.id])]
    config = MailConfig(from_addr="office@bma.example", reply_to="office@bma.example", outbox=out / "outbox")
    invited = queue_templates(issued[:len(roster)], roster, replace(config, outbox=out / "invitations"))
    say(_step(1, "demo.templates", count=len(issued), schools=len(roster), roster=roster_csv.name,
              invited=len(invited.queued)))
    inbox = out / "inbox"
    inbox.mkdir(exist_ok=True)
    _fill_inbox(issued, projects, inbox, say)
    # The demo wrote the files itself: no copy can still be running, so nothing needs to settle.
    now = SyncOptions(settle=0)
    result = sync(inbox, out / "master.xlsx", report_dir=out / "reports", config=config, roster=roster, options=now)
    counts = result.merge.counts() if result.merge else {}
    say(_step(3, "demo.sync", new=len(result.new), merged=counts.get("merged", 0), refused=counts.get("refused", 0),
              quarantined=counts.get("quarantined", 0), mails=len(result.queued)))
    again = sync(inbox, out / "master.xlsx", report_dir=out / "reports", config=config, roster=roster, options=now)
    say(_step(4, "demo.again", new=len(again.new)))
    # Next month every school on the roster gets its template: also those whose file was refused or
    # never came (nothing of theirs is in the master), as an office's `template --from-master` does.
    nxt = templates_from_master(out / "master.xlsx", out / "next-month", roster=roster_csv)
    say(_step(5, "demo.next", count=len(nxt)))
    return DemoResult(out, equal, result, nxt)


def _step(n: int, code: str, **params: Any) -> str:
    """Step ``n`` of the demo as two lines: the Thai, then the English under it. A parameter given as
    ``{"th": …, "en": …}`` is said in each language."""
    said = [render(code, lang, source="cli.yaml",
                   **{k: v[lang] if isinstance(v, dict) else v for k, v in params.items()}) for lang in LANGS]
    return f"{n}. {said[0]}\n   {said[1]}"


def _round_trip(form: Any, data: dict[str, Any], folder: Path, say: Callable[[str], None]) -> dict[str, bool]:
    from .template.write import write_template

    equal = {}
    for fmt in ("xlsx", "ods"):
        path = folder / f"sample.{fmt}"
        write_template(form, path, data=data)
        filled = read_filled(path)
        equal[fmt] = filled.data == data and validate(filled).valid
    results = {lang: ", ".join(render("demo.same" if ok else "demo.differs", lang, source="cli.yaml", fmt=fmt)
                               for fmt, ok in equal.items()) for lang in LANGS}
    say(_step(0, "demo.round-trip", results=results))
    return equal


def _write_roster(roster: list[Recipient], path: Path) -> Path:
    # With a BOM: Excel on Windows reads a CSV without one in the ANSI code page, and its Thai as mojibake.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["recipient_id", "school_name", "email", "project_code", "network"])
        writer.writerows([r.id, r.school, r.email, r.project_code, r.extra.get("network", "")] for r in roster)
    return path


def _fill_inbox(issued: list[Path], projects: dict[str, dict[str, Any]], inbox: Path,
                say: Callable[[str], None]) -> None:
    """Most schools fill correctly; two make mistakes, one sends junk, one sends nothing."""
    by_school = {read_filled(p).metadata["recipient"] + p.suffix: p for p in issued}
    plans = {"n73-02.xlsx": broken_sample(projects["n73-02"]), "n74-04.ods": _overspent(projects["n74-04"])}
    skipped = {"n74-05", "n74-06"}  # n74-05 sends junk instead, n74-06 nothing
    sent = 0
    for key, template in sorted(by_school.items()):
        if key.split(".")[0] in skipped or (key.endswith(".xlsx") and key[:-5] + ".ods" in by_school):
            continue
        school_data = plans.get(key) or _progress_of(projects[key.split(".")[0]], key)
        fill_like_a_school(template, school_data, inbox / key)
        sent += 1
    (inbox / "n74-05.xlsx").write_bytes(b"%PDF-1.4 scanned form\n")
    say(_step(2, "demo.filled", sent=sent))


def _progress_of(data: dict[str, Any], key: str) -> dict[str, Any]:
    """Schools are at different points of the year, none finished yet (4 to 6 of the sample's 7
    reports: a project at 100 % would get no next month's template)."""
    school = copy.deepcopy(data)
    keep = 4 + sum(map(ord, key)) % 3
    school["reports"] = school["reports"][:keep]
    return school


def _overspent(data: dict[str, Any]) -> dict[str, Any]:
    school = copy.deepcopy(data)
    school["reports"][5]["disbursed"] = school["project"]["budget_received"] * 2  # twice its whole budget
    return school
