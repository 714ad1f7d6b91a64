"""The ``sheetsync`` command line: a thin layer of typer commands over the library.

Exit codes: 0 success / all valid, 1 some file invalid, 2 unreadable input or bad usage,
3 any other sheetsync error (a form that does not load, an output that cannot be written).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from .demo import run_demo
from .errors import DataError, NotOurFormError, SheetsyncError, UnknownFormError, UnreadableFileError
from .reader import read_filled
from .registry import find_form, list_forms
from .render import render_json, render_text
from .report import Report
from .template import write_template
from .validate import validate as validate_filled

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Run an official paper form as locked spreadsheets: templates, read-back, validation.")
BAD_INPUT = (UnreadableFileError, NotOurFormError, UnknownFormError, DataError)


class Fmt(str, Enum):
    """Template file formats."""

    xlsx = "xlsx"
    ods = "ods"


class OutFmt(str, Enum):
    """Report output formats."""

    text = "text"
    json = "json"


class Lang(str, Enum):
    """Message languages."""

    th = "th"
    en = "en"


FormOpt = Annotated[str, typer.Option("--form", help="Form id, or the path of a layout .yaml.")]
FormsDirOpt = Annotated[Optional[list[Path]], typer.Option("--forms-dir", help="Extra folder of forms (repeatable).")]
_state: dict[str, bool] = {"debug": False}


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    _state["debug"] = debug


def _guard(action: Callable[[], int]) -> None:
    """Run ``action``; a sheetsync error becomes one line on stderr and an exit code."""
    try:
        code = action()
    except SheetsyncError as exc:
        if _state["debug"]:
            raise
        typer.echo(f"sheetsync: {exc}", err=True)
        code = 2 if isinstance(exc, BAD_INPUT) else 3
    raise typer.Exit(code)


@app.command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (.xlsx or .ods).")],
    form: FormOpt = "progress-report",
    fmt: Annotated[Optional[Fmt], typer.Option("--format", help="Defaults to the output's extension.")] = None,
    data: Annotated[Optional[Path], typer.Option("--data", help="JSON prefill in the form's shape.")] = None,
    recipient: Annotated[Optional[str], typer.Option("--recipient", help="Who the template is for.")] = None,
    password: Annotated[Optional[str], typer.Option(envvar="SHEETSYNC_PASSWORD", hidden=True)] = None,
    forms_dir: FormsDirOpt = None,
) -> None:
    """Write a locked fill-in template.

    Example: sheetsync template --data project.json --recipient school-01 -o school-01.xlsx
    """
    def run() -> int:
        prefill = _load_json(data) if data else None
        write_template(find_form(form, forms_dir or ()), output, fmt=fmt.value if fmt else None,
                       data=prefill, recipient=recipient, password=password)
        typer.echo(f"wrote {output}")
        return 0
    _guard(run)


@app.command()
def read(
    file: Annotated[Path, typer.Argument(help="A filled template.")],
    source_map: Annotated[bool, typer.Option("--source-map", help="Also print where each value came from.")] = False,
    forms_dir: FormsDirOpt = None,
) -> None:
    """Print the data of a filled template as JSON.

    Example: sheetsync read returned/school-01.xlsx --source-map
    """
    def run() -> int:
        filled = read_filled(file, forms_dirs=forms_dir or ())
        out: Any = filled.data
        if source_map:
            out = {"data": filled.data, "metadata": filled.metadata,
                   "source_map": {p: {"sheet": c.sheet, "cell": c.cell} for p, c in filled.source_map.items()}}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        for problem in filled.problems:
            typer.echo(f"{file.name}: {problem.cell}: {problem.code} ({problem.value!r})", err=True)
        return 0
    _guard(run)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Filled templates.")],
    output: Annotated[OutFmt, typer.Option("--format", help="text or json.")] = OutFmt.text,
    lang: Annotated[Lang, typer.Option("--lang", help="Message language.")] = Lang.th,
    form: Annotated[Optional[str], typer.Option("--form", help="Refuse files of any other form.")] = None,
    forms_dir: FormsDirOpt = None,
) -> None:
    """Validate filled templates; exit 0 if all are valid, 1 if any is not, 2 if one cannot be read.

    Example: sheetsync validate inbox/*.xlsx --format json --lang en
    """
    def run() -> int:
        results: list[Report | tuple[str, str]] = []
        expected = find_form(form, forms_dir or ()) if form else None
        for path in files:
            try:
                results.append(validate_filled(read_filled(path, form=expected, forms_dirs=forms_dir or ())))
            except BAD_INPUT as exc:
                if _state["debug"]:
                    raise
                results.append((str(path), str(exc)))
                typer.echo(f"sheetsync: {exc}", err=True)
        if output is OutFmt.json:
            typer.echo(render_json(results, lang.value))
        else:
            for r in results:
                if isinstance(r, Report):  # unreadable files were already named on stderr
                    typer.echo(render_text(r, lang.value))
        if any(not isinstance(r, Report) for r in results):
            return 2
        return 0 if all(isinstance(r, Report) and r.valid for r in results) else 1
    _guard(run)


@app.command()
def forms(forms_dir: FormsDirOpt = None) -> None:
    """List the forms this installation knows.

    Example: sheetsync forms
    """
    def run() -> int:
        for f in list_forms(forms_dir or ()):
            typer.echo(f"{f.id}\t{f.version}\t{f.title}")
        return 0
    _guard(run)


@app.command()
def demo(out: Annotated[Path, typer.Argument(help="Folder for the demo's files.")] = Path("sheetsync-demo")) -> None:
    """Make templates, fill them with the bundled sample data, read them back and validate them.

    Example: sheetsync demo /tmp/demo
    """
    def run() -> int:
        result = run_demo(out, say=typer.echo)
        typer.echo(f"done: {len(result.files)} files in {out}")
        return 0 if all(result.round_trip_equal.values()) else 1
    _guard(run)


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path.name}: cannot read JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise DataError(f"{path.name}: expected a JSON object")
    return data


def main() -> None:
    """Entry point of the ``sheetsync`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
