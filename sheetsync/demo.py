"""The demo: templates from the bundled sample data, filled, read back and validated."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from .reader import read_filled
from .registry import find_form
from .report import Report
from .template import write_template
from .validate import validate


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


@dataclass
class DemoResult:
    """What the demo made and found."""

    files: list[Path]
    reports: list[Report]
    round_trip_equal: dict[str, bool]


def run_demo(out: Path, say: Callable[[str], None] = print) -> DemoResult:
    """Write empty and filled templates (xlsx and ods) to ``out``, read them back, validate them."""
    form = find_form("progress-report")
    data = sample_data(form.id)
    out.mkdir(parents=True, exist_ok=True)
    files, reports, equal = [], [], {}
    for fmt in ("xlsx", "ods"):
        blank = out / f"template-blank.{fmt}"
        write_template(form, blank, recipient="demo")
        filled = out / f"filled-sample.{fmt}"
        write_template(form, filled, data=data, recipient="school-73-01")
        broken = out / f"filled-with-mistakes.{fmt}"
        write_template(form, broken, data=broken_sample(data), recipient="school-74-02")
        files += [blank, filled, broken]
        say(f"wrote {blank.name}, {filled.name} and {broken.name}")
        read = read_filled(filled)
        equal[fmt] = read.data == data
        say(f"read back {filled.name}: {'identical to the sample data' if equal[fmt] else 'DIFFERS from the sample data'}")
        for path in (filled, broken):
            report = validate(read_filled(path))
            reports.append(report)
            say(f"validated {path.name}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return DemoResult(files, reports, equal)
