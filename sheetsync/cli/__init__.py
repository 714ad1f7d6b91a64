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

from . import demo, fetch, forms, mail, master, office, read, restore, sync, template, validate, waive
from ..errors import OutputError
from .app import EXIT_ERROR, EXIT_INVALID, EXIT_OK, app
from .output import flush_quietly
from .usage import run

for _command in (template, read, validate, forms, master, fetch, sync, mail, demo, office, restore, waive):
    _command.register(app)


def main() -> None:
    """Entry point of the ``sheetsync`` console script."""
    utf8_names()
    unicode_output()
    try:
        code = run(app)
    except OSError as exc:
        # Only the output's own failure ends here quietly; with Python unbuffered (PYTHONUNBUFFERED)
        # the failed line left nothing to flush, so its type says it, not a second failure.
        if not flush_quietly() and not isinstance(exc, OutputError):
            raise
        code = EXIT_ERROR  # even the error line could not be written (stdout and stderr on a full disk)
    except BaseException:
        flush_quietly()  # what is still buffered when the reader has gone is not an error at exit
        raise
    if flush_quietly() and code in (EXIT_OK, EXIT_INVALID):
        code = EXIT_ERROR  # the log lost what the run said: the office's own trouble, for the scheduler to show
    sys.exit(code)


def utf8_names() -> None:
    """Start again in Python's UTF-8 mode when this Python names files in ASCII (``PYTHONUTF8=0`` under
    the C or POSIX locale, on Linux or macOS); otherwise return at once.

    Such a Python keeps each byte of a Thai file name as an escape (a lone surrogate) that no log,
    store, report or e-mail can write, and cannot make a file whose name holds Thai (``-ตรวจแล้ว.xlsx``):
    every ``sync`` stopped at the first Thai name in the inbox. The names on disk are UTF-8, as every
    other program there writes them, and UTF-8 mode reads them so; Python itself takes that mode in
    those locales unless told not to. ``-X utf8=0`` on Python's command line is kept (and ends no
    loop); a locale with Thai letters of its own (TIS-620) is left as it is; Windows names files in
    UTF-16 whatever the locale.
    """
    if os.name != "posix" or sys.flags.utf8_mode or "utf8" in sys._xoptions or not sys.executable:
        return
    if codecs.lookup(sys.getfilesystemencoding()).name != "ascii" or getattr(sys, "frozen", False):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])


def unicode_output() -> None:
    """Make standard output and error UTF-8 when they go to a file or a pipe; where a character
    cannot be written (a console's code page, an encoding the user chose), write "?" instead of
    stopping — on standard error, its escape (``\u0e42``): the error lines name files, and the name
    must stay whole for whoever helps.

    Windows gives a redirected stream its ANSI code page (cp1252, or cp874 on Thai Windows), which
    has no "✗" and, in cp1252, no Thai: a scheduled task appending to its log ended in
    UnicodeEncodeError once the work was done. A Windows console itself takes any character, and
    an encoding set with ``PYTHONIOENCODING`` is kept.
    """
    chosen = bool(os.environ.get("PYTHONIOENCODING", "").split(":")[0].strip())  # ":replace" names no encoding
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper) or codecs.lookup(stream.encoding).name == "utf-8":
            continue
        errors = "backslashreplace" if stream is sys.stderr else "replace"
        if stream.isatty() or chosen:
            stream.reconfigure(errors=errors)
        else:
            stream.reconfigure(encoding="utf-8", errors=errors)


__all__ = ["app", "main", "unicode_output", "utf8_names"]
