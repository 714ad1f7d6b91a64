"""CLI commands that live in their own modules (each has register(app)), and how commands print."""

from __future__ import annotations

import typer

from ..text import safe_text


def echo(message: str, err: bool = False) -> None:
    """Print one message for a person: the only way sheetsync's commands write to a terminal.

    Text from returned files, rosters and file names may hold control characters (ESC
    sequences retitle the window or clear the screen): they are shown as visible symbols.
    """
    typer.echo(safe_text(message), err=err)
