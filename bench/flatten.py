"""Benchmark: sheetsync against flatten-tool on the same data (issue 11), measured side by side in one run.

Both turn spreadsheets into the form's JSON. sheetsync reads and validates each filled form in process
(``read_filled`` + ``validate``: what the pipeline does for each returned file, structure, schema and
rules included). flatten-tool's ``unflatten`` reads one sheet holding the same data as rows, typed by
the project's JSON Schema (schemas/progress-report.schema.json), and writes the JSON; it checks nothing.

The data: the sample (sheetsync/samples/progress-report.json) with 1-12 reports (form i has 1 + i mod 12),
each form named apart, written as .xlsx and .ods templates with sheetsync's writer. The flatten-tool
sheet ("main", rows merged by ``id``) has one row per form for its single values (lists of strings
joined by ";", as flatten-tool reads them), and one row per report and per network.

flatten-tool is not a dependency of sheetsync; install it beside it to run this comparison
(``pip install flattentool``). Without it the comparison is skipped with one line.

Run: python bench/flatten.py [FORMS]   (default 88)
These machines are noisy (2 cores): compare the ratios within one run, not absolute numbers.
"""

from __future__ import annotations

import calendar
import copy
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sheetsync.check.reader import read_filled  # noqa: E402
from sheetsync.check.validate import validate  # noqa: E402
from sheetsync.spec.registry import find_form  # noqa: E402
from sheetsync.template.write import write_template  # noqa: E402

SAMPLE = ROOT / "sheetsync" / "samples" / "progress-report.json"
SCHEMA = ROOT / "schemas" / "progress-report.schema.json"


def form_data(sample: dict[str, Any], i: int) -> dict[str, Any]:
    """Form ``i``: the sample with ``1 + i % 12`` monthly reports (valid under the form's rules)."""
    data = copy.deepcopy(sample)
    data["project"]["name"] = f"{sample['project']['name']} {i + 1}"
    count, budget = 1 + i % 12, int(sample["project"]["budget_used"])
    stages = [r["stage"] for r in sample["reports"]]
    reports = []
    for n in range(1, count + 1):
        year, month = (2019, 9 + n) if n <= 3 else (2020, n - 3)  # October of the fiscal year onwards
        share = budget // count + (budget % count if n == count else 0)  # the whole budget by the last report
        reports.append({"no": n, "date": f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}",
                        "stage": stages[(n - 1) % len(stages)], "progress_percent": float(round(100 * n / count)),
                        "disbursed": share, "on_plan": True, "on_target": True})
    data["reports"] = reports
    return data


def flat_rows(key: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """One form as flatten-tool rows: its single values, then one row per report and per network."""
    main: dict[str, Any] = {"id": key}

    def leaves(node: dict[str, Any], prefix: str) -> None:
        for name, value in node.items():
            if isinstance(value, dict):
                leaves(value, f"{prefix}{name}/")
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                main[prefix + name] = ";".join(value)
            elif not isinstance(value, list):
                main[prefix + name] = value
    leaves(data, "")
    rows = [main]
    rows += [{"id": key, **{f"reports/0/{k}": v for k, v in report.items()}} for report in data.get("reports", [])]
    for network in data.get("targets", {}).get("networks", []):
        rows.append({"id": key, **{f"targets/networks/0/{k}": ";".join(v) if isinstance(v, list) else v
                                   for k, v in network.items()}})
    return rows


def write_flat(rows: list[dict[str, Any]], path: Path) -> None:
    """The rows as one sheet named "main" (.xlsx with openpyxl, .ods with odfpy)."""
    headings = list(dict.fromkeys(k for row in rows for k in row))
    table = [headings] + [[row.get(h) for h in headings] for row in rows]
    if path.suffix == ".xlsx":
        from openpyxl import Workbook
        book = Workbook()
        sheet = book.active
        sheet.title = "main"
        for line in table:
            sheet.append(line)
        book.save(path)
        return
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P
    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="main")
    for line in table:
        row = TableRow()
        for value in line:
            if value is None:
                cell = TableCell()
            elif isinstance(value, bool):
                cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
                cell.addElement(P(text="TRUE" if value else "FALSE"))
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            row.addElement(cell)
        sheet.addElement(row)
    doc.spreadsheet.addElement(sheet)
    doc.save(str(path))


def best_ms(action: Callable[[], object], rounds: int = 3) -> float:
    """Best-of-``rounds`` wall milliseconds of ``action``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def main(forms: int = 88) -> None:
    try:
        from flattentool import unflatten
    except ImportError:
        print("flatten-tool comparison skipped: flattentool is not installed (pip install flattentool)")
        return
    form = find_form("progress-report")
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    datas = [form_data(sample, i) for i in range(forms)]
    rows = [row for i, data in enumerate(datas) for row in flat_rows(f"form-{i + 1}", data)]
    print(f"sheetsync vs flatten-tool: {forms} forms, {len(rows)} flatten-tool rows, ms in total (best of 3)")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("xlsx", "ods"):
            files = []
            for i, data in enumerate(datas):
                path = Path(tmp) / f"form-{i + 1}.{fmt}"
                write_template(form, path, data=data, recipient=f"school-{i + 1}")
                files.append(path)
            flat = Path(tmp) / f"flat.{fmt}"
            write_flat(rows, flat)
            reports = [validate(read_filled(p, form=form)) for p in files]
            assert all(r.valid for r in reports), [f.code for r in reports for f in r.findings][:5]
            ours = best_ms(lambda: [validate(read_filled(p, form=form)) for p in files])
            out = Path(tmp) / f"flat-{fmt}.json"
            theirs = best_ms(lambda: unflatten(str(flat), input_format=fmt, output_name=str(out), root_list_path="main",
                                               schema=str(SCHEMA), id_name="id"))
            unflattened = json.loads(out.read_text(encoding="utf-8"))["main"]
            assert [len(o.get("reports", [])) for o in unflattened] == [len(d["reports"]) for d in datas]
            print(f"   {fmt:<5} sheetsync {ours:7.1f}   flatten-tool {theirs:7.1f}   "
                  f"flatten-tool / sheetsync {theirs / ours:4.2f}x   (target >= 2x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 88)
