"""``sheetsync demo``: the whole monthly loop on the bundled sample, in a folder of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import echo, guarded


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command to ``app``."""
    app.command("demo")(demo)


def demo(ctx: typer.Context,
         out: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the demo's files.")]
         = Path("sheetsync-demo")) -> None:
    """Run the whole loop on the sample: templates for 11 schools, fills, sync, master, next month.

    \b
    Example:
      sheetsync demo /tmp/demo
    """
    def run() -> int:
        from ..demo import run_demo

        result = run_demo(out, say=echo)
        from ..messages import lines

        for line in lines("demo.done", source="cli.yaml", master=out / "master.xlsx", reports=f"{out}/reports/",
                          outbox=f"{out}/outbox/"):
            echo(line)
        return 0 if all(result.round_trip_equal.values()) else 1
    guarded(ctx, run)
