"""The typer app, its exit codes, the error guard, and the options several commands share.

Command modules (``sheetsync/cli/<command>.py``) import from here and nothing imports them back
but :mod:`sheetsync.cli`, which registers them. Library modules are imported inside the commands,
so ``sheetsync --help`` loads typer and this package only.

Exit codes: 0 success / all valid, 1 some file invalid, 2 unreadable input or bad usage,
3 any other sheetsync error (a form that does not load, an output that cannot be written).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, NoReturn, Optional

import typer

from ..errors import BadInputError, SheetsyncError
from ..messages import render
from ..text import no_carriage_return, one_line_shown, shown_name
from .output import output_lost, reader_gone

EXIT_OK, EXIT_INVALID, EXIT_BAD_INPUT, EXIT_ERROR = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Run an official paper form as locked spreadsheets: templates, read-back, validation.")


class Fmt(str, Enum):
    """Template file formats."""

    xlsx = "xlsx"
    ods = "ods"


class Lang(str, Enum):
    """Message languages."""

    th = "th"
    en = "en"


FormsDirOpt = Annotated[Optional[list[Path]], typer.Option(
    "--forms-dir", metavar="DIR", help="Extra folder of forms (repeatable).")]
RosterOpt = Annotated[Optional[Path], typer.Option(
    "--roster", metavar="FILE", help="CSV of who must report: recipient_id, school_name, email, project_code.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Message language.")]
MasterOpt = Annotated[Path, typer.Option("--master", metavar="FILE",
                                         help="The master workbook (.xlsx or .ods); created if missing.")]
TodayOpt = Annotated[Optional[dt.datetime], typer.Option(
    "--today", metavar="YYYY-MM-DD", formats=["%Y-%m-%d"],
    help="Judge lateness as of this day instead of today (for re-running an old month).")]
def period_option(value: Optional[str]) -> Optional[str]:
    """``--period``: ``YYYY-MM`` (a B.E. year such as 2563 is converted), refused as a usage error otherwise."""
    if value is None:
        return None
    from ..office.config import normalize_period

    from ..messages import both

    try:
        return normalize_period(value)
    except ValueError as exc:
        raise typer.BadParameter(both("error.period", source="cli.yaml", value=repr(value))) from exc


SendOpt = Annotated[bool, typer.Option("--send", help="Deliver the outbox over SMTP afterwards.")]


@dataclass(frozen=True)
class Settings:
    """Options of ``sheetsync`` itself, before the command (kept on the click context, not in a global)."""

    debug: bool = False


def _show_version(asked: bool) -> None:
    """``--version``: the version, as whoever helps the office asks for it first."""
    if asked:
        from .._version import __version__

        echo(f"sheetsync {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(ctx: typer.Context,
          debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
          version: Annotated[bool, typer.Option("--version", help="Show the version and exit.", is_eager=True,
                                                callback=_show_version)] = False) -> None:
    ctx.obj = Settings(debug=debug)
    _inside_an_office()


def _inside_an_office() -> None:
    """Run from inside an office folder, every command signs and verifies with the office's key.

    (``template --roster`` run by the clerk in the office must issue templates that the office's
    ``sync`` will verify.) Only a folder holding ``sheetsync.toml`` pays for loading the office.
    """
    here = Path.cwd()
    if any((folder / "sheetsync.toml").is_file() for folder in (here, *here.parents)):
        from ..office.config import office_of

        try:
            office_of(None, here)
        except SheetsyncError:
            pass  # a broken sheetsync.toml is reported by the commands that use the office


def forms_dirs_given(given: Optional[list[Path]]) -> tuple[Path, ...]:
    """The folders of forms given by ``--forms-dir``, each checked, as is ``$SHEETSYNC_FORMS``'s: one
    that is no folder is refused, naming it (a typo would leave only the bundled forms, and the form
    looked for "unknown")."""
    env = [Path(p) for p in os.environ.get("SHEETSYNC_FORMS", "").split(os.pathsep) if p]
    for folder, given_as in [*((p, "--forms-dir") for p in given or ()), *((p, "SHEETSYNC_FORMS") for p in env)]:
        if not folder.is_dir():
            said = {lang: render("forms.no-folder", lang, source="cli.yaml", folder=folder, given=given_as)
                    for lang in ("th", "en")}
            raise BadInputError(said["en"], th=said["th"])
    return tuple(given or ())


def office_forms(given: Optional[list[Path]], start: Optional[Path] = None) -> tuple[Path, ...]:
    """The folders of forms a command searches: those given (``--forms-dir``), then the office's.

    Inside an office folder (or with ``start`` inside one) a form kept in the office's ``[paths]
    forms`` is found by ``template``, ``read`` and ``validate`` as it is by ``sync``, with no option.
    """
    from ..office.config import find_office, load_office

    given = list(forms_dirs_given(given))
    root = find_office(start or Path.cwd())
    try:
        extra = load_office(root).forms_dirs if root is not None else ()
    except SheetsyncError:
        extra = ()  # a broken sheetsync.toml is reported by the commands that use the office
    return (*(given or ()), *extra)


def guarded(ctx: typer.Context, action: Callable[[], int]) -> NoReturn:
    """Run ``action`` and exit with its code; an error becomes one line on stderr and an exit code.

    A :class:`BadInputError` (a file, data or roster given to us) exits 2, any other sheetsync
    error 3; an ``OSError`` (a folder that cannot be written, a missing input) names its path and
    exits 3. ``sheetsync --debug`` lets the traceback through instead.
    """
    debug = isinstance(ctx.find_root().obj, Settings) and ctx.find_root().obj.debug
    try:
        code = action()
    except SheetsyncError as exc:
        if debug:
            raise
        echo_error(error_line(exc))
        code = EXIT_BAD_INPUT if isinstance(exc, BadInputError) else EXIT_ERROR
    except OSError as exc:
        if debug:
            raise
        echo_error(_os_error_line(exc))
        code = EXIT_ERROR
    raise typer.Exit(code)


def echo(message: str, err: bool = False) -> None:
    """Print one message for a person: the only way sheetsync's commands write to a terminal.

    Text from returned files, rosters and file names may hold control characters (ESC
    sequences retitle the window or clear the screen): they are shown as visible symbols.
    A reader that has gone (``| head``) is no error: the rest goes nowhere (see :mod:`.output`).
    Standard output that cannot be written (a full disk) is an :class:`~sheetsync.errors.OutputError`,
    said Thai first like every other error.
    """
    _echoed(message, err)


def echo_error(line: str) -> None:
    """Print ``line`` (an error or a notice naming a file) on standard error as one line, prefixed
    ``sheetsync:``: a line break in the file's name shows as ␤ instead of forging a line of its own."""
    _echoed(one_line_shown(f"sheetsync: {line}"), True)


def echo_read(message: str) -> bool:
    """Print one line on standard output as :func:`echo` does; False when its reader has just gone
    (``| head``): a command whose output is all it does stops there, as the rest would go nowhere.

    Example::

        for line in lines:
            if not echo_read(line):
                break
    """
    return _echoed(message, False)


def _echoed(message: str, err: bool) -> bool:
    """:func:`echo`; False when the reader has just gone."""
    try:
        typer.echo(no_carriage_return(shown_name(message)), err=err)  # no control obeyed, no direction turned
    except BrokenPipeError:
        reader_gone(sys.stderr if err else sys.stdout)
        return False
    except OSError as exc:
        # The error line itself cannot be written: only the exit code is left (see main), which must
        # know it from any other OSError even when nothing is left buffered to fail again at exit.
        raise output_lost(exc, "output.error-lost" if err else "output.lost") from exc
    return True


_THAI = re.compile("[\u0e01-\u0e5b]")


def error_line(exc: SheetsyncError) -> str:
    """``exc`` on one line, Thai first: its ``th`` when it has one, its text when that is already
    ``"<th> / <en>"``, else a Thai line saying the English after it is why (never English alone)."""
    thai = getattr(exc, "th", "")  # said in Thai too (OutputError, MasterWriteError): the clerk's first
    if thai:
        return f"{thai} / {exc}"
    text = str(exc)
    head, apart, _ = text.partition(" / ")
    if apart and _THAI.search(head):  # a both() line: Thai first already
        return text
    return f"{render('error.english-only', 'th', source='cli.yaml')} / {text}"


def _os_error_line(exc: OSError) -> str:
    """An ``OSError`` (a folder that cannot be written, an input gone) on one line, Thai first, naming its path
    (both, for a move: from → to)."""
    # A rename or copy carries where it was going too (filename2): often the folder at fault, so both are named.
    where = " → ".join(str(name) for name in (exc.filename, exc.filename2) if name is not None)
    code = "error.os" if where else "error.os-nowhere"
    return " / ".join(render(code, lang, source="cli.yaml", where=where, why=exc.strerror or exc)
                      for lang in ("th", "en"))
