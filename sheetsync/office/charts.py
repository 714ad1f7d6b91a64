"""The master's charts: per key (project) and report number, how many reported and their progress,
with one chart per key (not one per recipient) and one per school the office asked for.

What is charted comes from the first form declaring report numbers and progress (``master:``).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..master.derive import add, add_up, number
from ..master.layout import ChartBlock, ChartSpec, Column, Sheet
from ..master.model import Record
from ..master.workbook import CHART_ROWS
from ..spec.form import Form
from .headings import headings
from .spec import master_spec
from .summary import CHARTS, main_form


def chart_sheet(records: Iterable[Record], forms: dict[str, Form], schools: Mapping[str, str] | None = None) -> Sheet | None:
    """Per key (project) and row number: how many reported, mean / lowest / highest progress and the
    total amount so far; one chart per key (not one per recipient), then one per school asked for.

    :param schools: recipient id → the chart's title, for the schools the office asked a chart of
        (``school_charts`` in ``sheetsync.toml``, ``sheetsync master --school-chart``).
    """
    schools = schools or {}
    form = main_form(forms, lambda spec: bool(spec.number and spec.progress))
    spec = master_spec(form) if form else None
    if form is None or spec is None or not (spec.number and spec.progress):
        return None
    titles = headings(form, spec)
    points: dict[str, dict[int, list[tuple[float, float]]]] = {}
    own: dict[str, dict[int, list[tuple[float, float]]]] = {}  # the schools asked for, each alone
    for record in (r for r in records if r.key.form_id == form.id):
        total = 0.0
        for row in spec.rows_of(record.data):
            total = add(total, number(row.get(spec.amount))) if spec.amount else 0.0
            n = int(number(row.get(spec.number)))
            point = (number(row.get(spec.progress)), total)
            points.setdefault(record.key.project_code, {}).setdefault(n, []).append(point)
            if record.key.recipient in schools:
                label = f"{record.key.project_code} · {record.key.recipient}"
                own.setdefault(label, {}).setdefault(n, []).append(point)
    lines: list[list[Any]] = []
    blocks: list[ChartBlock] = []
    for group, title_of in ((points, lambda key: key), (own, lambda key: f"{schools[key.split(' · ')[-1]]} ({key})")):
        for key in sorted(group):
            if lines:
                # Each block as tall as its chart at least, so that a chart sits beside its own
                # rows and a page break can go between two blocks without cutting one.
                lines.extend([] for _ in range(CHART_ROWS - (len(lines) - blocks[-1].first)))
            first = len(lines)
            for n in sorted(group[key]):
                values = [p for p, _ in group[key][n]]
                lines.append([key, n, len(values), round(sum(values) / len(values), 2), min(values), max(values),
                              add_up(t for _, t in group[key][n])])
            blocks.append(ChartBlock(title_of(key), first, len(lines) - 1))
    columns = (Column(titles["key"], 16), Column("ครั้งที่", 9, "whole"), Column("จำนวนผู้รายงาน", 10, "whole"),
               Column("ความก้าวหน้าเฉลี่ย (%)", 12, "percent"), Column("ต่ำสุด (%)", 10, "percent"),
               Column("สูงสุด (%)", 10, "percent"), Column(titles["total"] + " รวม", 16, "amount"))
    chart = ChartSpec(category=1, primary=3, secondary=6, primary_title="ความก้าวหน้าเฉลี่ย (%)",
                      secondary_title=titles["total"] + " รวม", blocks=tuple(blocks))
    return Sheet(CHARTS, columns, iter(lines), len(lines), freeze_columns=2, chart=chart)
