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


def writer_for(fmt: str) -> Callable[[TemplatePlan, Path], None]:
    """The ``write_plan`` function for ``fmt`` ("xlsx" or "ods")."""
    module = WRITERS.get(fmt.lower().lstrip("."))
    if module is None:
        raise UnsupportedFormatError(f"cannot write .{fmt} files; choose one of: {', '.join(WRITERS)}")
    write: Callable[[TemplatePlan, Path], None] = importlib.import_module(module).write_plan
    return write


def format_of(path: Path, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` if given, else the file's extension."""
    chosen = (fmt or path.suffix).lower().lstrip(".")
    if not chosen:  # "-o templates/": a folder, as for --roster, but one template needs a file name
        from ..messages import both

        raise UnsupportedFormatError(both("error.no-file-type", name=path.name))
    if chosen not in WRITERS:
        raise UnsupportedFormatError(f"{path.name}: cannot write .{chosen} files; use .xlsx or .ods")
    return chosen
