"""Readers and writers for the spreadsheet formats sheetsync handles.

Each writer module has the same surface, ``write_plan(plan, path)``; they are looked up by file
extension here, so adding a format is one module and one line.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from ..errors import UnsupportedFormatError
from ..template.plan import TemplatePlan

WRITERS: dict[str, str] = {"xlsx": "sheetsync.formats.xlsx", "ods": "sheetsync.formats.ods"}
#: Extensions that say which spreadsheet a file is: a file named so must be written in that format.
SPREADSHEET_SUFFIXES = frozenset({"xlsx", "xlsm", "xls", "ods", "fods", "csv"})


def writer_for(fmt: str) -> Callable[[TemplatePlan, Path], None]:
    """The ``write_plan`` function for ``fmt`` ("xlsx" or "ods")."""
    module = WRITERS.get(fmt.lower().lstrip("."))
    if module is None:
        raise UnsupportedFormatError(f"cannot write .{fmt} files; choose one of: {', '.join(WRITERS)}")
    write: Callable[[TemplatePlan, Path], None] = importlib.import_module(module).write_plan
    return write


def format_of(path: Path, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` if given, else the file's extension.

    :raises UnsupportedFormatError: no format, one sheetsync cannot write, or ``fmt`` other than the
        extension of a spreadsheet's name (an .ods named .xlsx is refused by the school's Excel).
    """
    from ..messages import both

    suffix = path.suffix.lower().lstrip(".")
    chosen = (fmt or suffix).lower().lstrip(".")
    if not chosen:  # "-o templates/": a folder, as for --roster, but one template needs a file name
        raise UnsupportedFormatError(both("error.no-file-type", name=path.name))
    if chosen not in WRITERS:
        raise UnsupportedFormatError(both("error.cannot-write", name=path.name, fmt=chosen))
    if suffix in SPREADSHEET_SUFFIXES and suffix != chosen:
        raise UnsupportedFormatError(both("error.format-not-name", name=path.name, fmt=chosen, suffix=suffix))
    return chosen
