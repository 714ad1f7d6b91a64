"""A path inside a command sheetsync prints for the clerk to copy into her terminal.

An office folder is often named as people name folders, ``เขต 73`` or ``C:\\Users\\Somsri\\Documents``:
printed bare, ``cd /home/office/เขต 73 && sheetsync sync`` is split at the space and the clerk is left
outside the office. Each path in a printed command is quoted as the shell she types into reads it:
``cmd`` on Windows (double quotes; its ``cd`` changes drive only with ``/d``), a POSIX shell elsewhere.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import PurePath

#: Characters after which ``cmd`` reads the rest of a bare word as something else (a space, ``&``…).
_CMD_SPECIAL = re.compile(r'[\s&|<>^(),;=%!"]')


def shell_arg(path: PurePath | str) -> str:
    """``path`` as one word of a command typed into this system's shell: bare when it needs nothing,
    quoted otherwise (``'/home/office/เขต 73'`` in a POSIX shell, ``"C:\\เขต 73"`` in ``cmd``).

    Example::

        echo(f"sheetsync mail {shell_arg(outbox)} --send")
    """
    text = str(path)
    if os.name == "nt":
        return f'"{text}"' if not text or _CMD_SPECIAL.search(text) else text
    return shlex.quote(text)


def cd_command(folder: PurePath | str) -> str:
    """The command that goes into ``folder``: ``cd /d "D:\\เขต 73"`` on Windows (a bare ``cd`` there
    does not leave the current drive), ``cd '/home/office/เขต 73'`` elsewhere."""
    return f"cd /d {shell_arg(folder)}" if os.name == "nt" else f"cd {shell_arg(folder)}"


__all__ = ["cd_command", "shell_arg"]
