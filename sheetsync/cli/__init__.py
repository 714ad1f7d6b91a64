"""The ``sheetsync`` command line: a thin layer of typer commands over the library.

:mod:`.app` holds the typer app, exit codes, the error guard and the shared options; each command
lives in a module of its own with a ``register(app)`` function, called here. Nothing outside this
package imports it.
"""

from __future__ import annotations

import codecs
import io
import os
import sys

from . import demo, fetch, forms, mail, master, office, read, restore, sync, template, validate
from .app import EXIT_ERROR, EXIT_INVALID, EXIT_OK, app
from .output import flush_quietly
from .usage import run

for _command in (template, read, validate, forms, master, fetch, sync, mail, demo, office, restore):
    _command.register(app)


def main() -> None:
    """Entry point of the ``sheetsync`` console script."""
    unicode_output()
    try:
        code = run(app)
    except OSError:
        if not flush_quietly():  # not the output's own failure: shown as any other error
            raise
        code = EXIT_ERROR  # even the error line could not be written (stdout and stderr on a full disk)
    except BaseException:
        flush_quietly()  # what is still buffered when the reader has gone is not an error at exit
        raise
    if flush_quietly() and code in (EXIT_OK, EXIT_INVALID):
        code = EXIT_ERROR  # the log lost what the run said: the office's own trouble, for the scheduler to show
    sys.exit(code)


def unicode_output() -> None:
    """Make standard output and error UTF-8 when they go to a file or a pipe; where a character
    cannot be written (a console's code page, an encoding the user chose), write "?" instead of
    stopping.

    Windows gives a redirected stream its ANSI code page (cp1252, or cp874 on Thai Windows), which
    has no "✗" and, in cp1252, no Thai: a scheduled task appending to its log ended in
    UnicodeEncodeError once the work was done. A Windows console itself takes any character, and
    an encoding set with ``PYTHONIOENCODING`` is kept.
    """
    chosen = bool(os.environ.get("PYTHONIOENCODING", "").split(":")[0].strip())  # ":replace" names no encoding
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper) or codecs.lookup(stream.encoding).name == "utf-8":
            continue
        if stream.isatty() or chosen:
            stream.reconfigure(errors="replace")
        else:
            stream.reconfigure(encoding="utf-8", errors="replace")


__all__ = ["app", "main", "unicode_output"]
