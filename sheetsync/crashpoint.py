"""Crash points: where the fault tests make the process die for real (SIGKILL), between two steps.

``SHEETSYNC_TEST_CRASH_AT=NAME`` (or ``NAME:N``, the N-th time) makes :func:`crash_point` kill
the process with SIGKILL — no exception, no ``finally``, no flush, like a power cut or ``kill -9``.
Unset (always, outside the tests) it does nothing. Points:

- ``fetch-recorded``: a fetched message (and its polite reply) was just committed to the store;
- ``fetched``: the fetch of ``sync`` is over, no file of it processed yet;
- ``zip-unpacked``: a .zip of the inbox was unpacked into it, the zip not set aside yet;
- ``file-recorded``: a file's outcome and e-mails were just committed, the file not yet set aside;
- ``reason-written``: a quarantined file's reason is written beside its place, the file not moved yet;
- ``file-set-aside``: a recorded file was just moved, the store not yet told so;
- ``mail-written``: an e-mail was just written into the outbox folder, the store not yet told so.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "SHEETSYNC_TEST_CRASH_AT"
_passed: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Die here (SIGKILL) when ``SHEETSYNC_TEST_CRASH_AT`` names this point (and its count is reached)."""
    wanted = os.environ.get(CRASH_ENV, "")
    if not wanted:
        return
    point, _, count = wanted.partition(":")
    if point != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] >= (int(count) if count.isdigit() else 1):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))  # SIGTERM where there is no SIGKILL
