"""``sheetsync read``: the data of a filled template as JSON (with ``--source-map``, where each value came from)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import FormsDirOpt, echo, guarded, office_forms

if TYPE_CHECKING:
    from ..check.reader import Problem


def register(app: typer.Typer) -> None:
    """Add the ``read`` command to ``app``."""
    app.command("read")(read)


def read(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A filled template.")],
    source_map: Annotated[bool, typer.Option("--source-map", help="Also print where each value came from.")] = False,
    forms_dir: FormsDirOpt = None,
) -> None:
    """Print the data of a filled template as JSON.

    \b
    Example:
      sheetsync read returned/school-01.xlsx --source-map
    """
    def run() -> int:
        from ..check.reader import read_filled
        from ..errors import BadInputError
        from ..pipeline import why_not_read

        forms_dirs = office_forms(forms_dir)  # the office's own trouble, said as it is: not the file's
        try:
            filled = read_filled(file, forms_dirs=forms_dirs)
        except BadInputError as exc:  # said as validate says it: Thai first, in a teacher's words
            exc.th = exc.th or f"{file.name}: {why_not_read(exc)['th']}"
            raise
        out: Any = filled.data
        if source_map:
            out = {"data": filled.data, "metadata": filled.metadata,
                   "source_map": {p: {"sheet": c.sheet, "cell": c.cell} for p, c in filled.source_map.items()}}
        echo(json.dumps(out, ensure_ascii=False, indent=2, allow_nan=False))
        for problem in filled.problems:
            echo(f"{file.name}: {problem_line(problem)}", err=True)
        return 0
    guarded(ctx, run)


def problem_line(problem: Problem) -> str:
    """A value the reader could not understand, Thai first: "ช่อง F6 ไม่ใช่ตัวเลข (พบ 'x') / F6: not-a-number ('x')"."""
    from ..messages import both, catalogue

    title = catalogue().get(f"title.{problem.code}", {}).get("th", problem.code)
    return both("read.problem", source="cli.yaml", cell=problem.cell, title=title, kind=problem.code,
                value=repr(problem.value))
