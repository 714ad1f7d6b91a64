"""The ``sheetsync`` command line: a thin layer of typer commands over the library.

:mod:`.app` holds the typer app, exit codes, the error guard and the shared options; each command
lives in a module of its own with a ``register(app)`` function, called here. Nothing outside this
package imports it.
"""

from __future__ import annotations

from . import demo, fetch, forms, mail, master, office, read, sync, template, validate
from .app import app

for _command in (template, read, validate, forms, master, fetch, sync, mail, demo, office):
    _command.register(app)


def main() -> None:
    """Entry point of the ``sheetsync`` console script."""
    app()


__all__ = ["app", "main"]
