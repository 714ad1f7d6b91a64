"""The ``merge`` command: submitted files into the master workbook.

:mod:`sheetsync.cli` adds it with ``register(app)``. Exit codes as everywhere:
0 every file merged (or unchanged / superseded), 1 a file was refused as invalid, 2 a file could
not be read, 3 any other error (another merge running, the master not writable).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .app import FormsDirOpt, RosterOpt, TodayOpt, echo, echo_error, forms_dirs_given, guarded, period_option
from .office import OfficeOpt
from .output import Wrapped, show

if TYPE_CHECKING:
    from rich.table import Table

    from ..messages import Lang

    from ..master import MergeResult

MasterOpt = Annotated[Optional[Path], typer.Option("--master", metavar="FILE", help="The master view (.xlsx or .ods); "
                                                   "its store is beside it (default: the office's).")]


def register(app: typer.Typer) -> None:
    """Add the ``merge`` command to ``app``."""
    app.command("merge")(merge_command)


def merge_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Filled templates (.xlsx / .ods).")],
    master: MasterOpt = None,
    today: TodayOpt = None,
    roster: RosterOpt = None,
    forms_dir: FormsDirOpt = None,
    period: Annotated[Optional[str], typer.Option("--period", metavar="YYYY-MM", callback=period_option, help="The reporting period (YYYY-MM) the summary's "
                                                  "statuses are for; default: --today's month.")] = None,
    wait: Annotated[float, typer.Option("--wait", metavar="SECONDS", help="Seconds to wait for another run on the same office.")] = 5.0,
    office: OfficeOpt = None,
) -> None:
    """Merge filled templates into the master workbook; only files without errors are merged.

    Recipients of --roster who have sent nothing show as "no report" in the summary.

    \b
    Example:
      sheetsync merge inbox/*.xlsx --master master.xlsx --roster schools.csv
    """
    def run() -> int:
        from ..errors import OfficeError
        from ..master import merge
        from ..messages import both
        from ..office.config import office_of

        # The office is looked for even with --master: its clerk reads times in its zone, and its
        # own master named by hand is still the view of its store (not of a second one beside it).
        config = office_of(office, with_store=True)
        if config is None and master is None:
            raise OfficeError(both("error.no-office-master"))
        target = master if master is not None else config.master if config is not None else Path()
        own = config if config is not None and target.resolve() == config.master.resolve() else None
        result = merge(files, target, today=today.date() if today else None, roster=roster,
                       forms_dirs=forms_dirs_given(forms_dir) or (config.forms_dirs if config else ()),
                       period=period or (own.period if own else None), wait=wait,
                       store=own.store if own else None,
                       school_charts=own.school_charts if own else (), zone=config.zone if config else None,
                       office=config.name if config else "")
        show(render_table(result))
        echo(summary_line(result))
        for line in result.not_read:
            echo_error(line)
        return 3 if result.not_read else exit_code(result)

    guarded(ctx, run)


def render_table(result: MergeResult) -> Table:
    """One row per file: name, result, key (the form's code: a project's, a school's), recipient, and
    why; headers and results in Thai, then English (the clerk reads it; a scheduled task's log is
    read by whoever helps)."""
    from rich.table import Table

    from ..master.model import result_words
    from ..messages import both
    from ..text import no_carriage_return, one_line_shown, shown_name

    table = Table(title=str(result.master))
    # "fold" wraps long file names and details instead of cutting them off with an ellipsis.
    for column in ("file", "result", "project", "recipient", "detail"):
        table.add_column(both(f"col.{column}"), overflow="fold")
    for o in result.outcomes:
        project, recipient = (o.key.project_code, o.key.recipient) if o.key else ("", "")
        # Plain text, not markup: a file named "[/]" must not break the table, "\x1b[2J" clear the screen
        # nor U+202E turn the line around; wrapped between whole letters, never between a Thai letter
        # and its vowel. A name on one line (a line break in it forges no row), no carriage return anywhere.
        table.add_row(Wrapped(one_line_shown(o.path.name)),
                      *(Wrapped(no_carriage_return(shown_name(v))) for v in (result_words(o.result), project, recipient,
                                                                            o.detail)))
    return table


def summary_line(result: MergeResult) -> str:
    """``master.xlsx: รวมแล้ว 3, แทนที่ฉบับเดิม 1 บันทึกแฟ้มหลักแล้ว / master.xlsx: 3 merged, 1 replaced;
    written``: what each file became and what happened to the master, Thai then English."""
    from ..messages import render

    def said(lang: Lang) -> str:
        counts = ", ".join(render("merge.count", lang, source="office.yaml", count=n,
                                  result=render(f"result.{r}", lang, source="office.yaml"))
                           for r, n in result.counts().items() if n)
        counts = counts or render("merge.no-files", lang, source="office.yaml")
        if not result.written:
            return render("merge.unchanged", lang, source="office.yaml", master=result.master.name, counts=counts)
        kept = render("merge.backup", lang, source="office.yaml", file=result.backup.name) if result.backup else ""
        if result.kept_aside is not None:
            kept = render("merge.edited", lang, source="office.yaml", file=result.kept_aside.name)
        return render("merge.written", lang, source="office.yaml", master=result.master.name, counts=counts,
                      kept=kept)

    return f"{said('th')} / {said('en')}"


def exit_code(result: MergeResult, *, unreadable: int = 2) -> int:
    """``unreadable`` (2, the code of an unreadable input) if a file could not be read (quarantined),
    1 if one was refused as invalid, else 0.

    ``sync`` passes 1: its files are the schools', not the command's; one set aside is a school's file
    not taken (its school is told, as for a refused one), and 2 stays the code of a wrong command
    (no office here, a bad option), which a scheduler must not confuse with a school's PDF.
    """
    if result.by_result("quarantined"):
        return unreadable
    return 1 if result.by_result("refused") else 0
