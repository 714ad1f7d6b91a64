"""pytest fixture giving tests one shared headless LibreOffice per session.

Enable it in ``tests/conftest.py`` with::

    pytest_plugins = ["tests.libreoffice.fixtures"]

The shared instance is restarted when it has died, so a crash fails the one test that caused it
(with soffice's own last words in the error, see :meth:`LibreOffice._diagnostics`), not every
test after it.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.libreoffice import require_libreoffice
from tests.libreoffice.client import LibreOffice


class SharedLibreOffice:
    """The session's LibreOffice: starts on first use, starts again after a crash.

    Attribute access is delegated to the live :class:`LibreOffice`; ``restarts`` counts how
    often a dead one was replaced (a test may assert on it).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: LibreOffice | None = None
        self.restarts = 0

    def live(self) -> LibreOffice:
        """The running instance, starting a new one if there is none or the last one died."""
        with self._lock:
            if self._current is not None and not self._current.running():
                print(f"\nLibreOffice died; restarting it. Last words:\n{self._current.last_words}",
                      file=sys.stderr)
                self._current.close(force=True)
                self._current = None
                self.restarts += 1
            if self._current is None:
                self._current = LibreOffice()
            return self._current

    def __getattr__(self, name: str) -> Any:
        return getattr(self.live(), name)

    def close(self) -> None:
        """Stop the instance (if any); no soffice is left behind."""
        with self._lock:
            if self._current is not None:
                self._current.close()
                self._current = None


_shared = SharedLibreOffice()


@pytest.fixture(scope="session")
def libreoffice() -> Iterator[SharedLibreOffice]:
    """A running LibreOffice (Thai locale, private profile); skipped if absent."""
    require_libreoffice()
    try:
        yield _shared
    finally:
        _shared.close()
