"""pytest fixture giving tests one shared headless LibreOffice per session.

Enable it in ``tests/conftest.py`` with::

    from tests.libreoffice.fixtures import libreoffice  # noqa: F401

Importing the fixture in several places (conftest and a test module) yields
separate pytest fixture definitions; a ref-counted singleton makes them share
one soffice instead of starting one each.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from . import require_libreoffice
from .client import LibreOffice

_guard = threading.Lock()
_shared: LibreOffice | None = None
_users = 0


def _acquire() -> LibreOffice:
    global _shared, _users
    with _guard:
        if _shared is None:
            _shared = LibreOffice()
        _users += 1
        return _shared


def _release() -> None:
    global _shared, _users
    with _guard:
        _users -= 1
        if _users == 0 and _shared is not None:
            _shared.close()
            _shared = None


@pytest.fixture(scope="session")
def libreoffice() -> Iterator[LibreOffice]:
    """A running LibreOffice (Thai locale, private profile); skipped if absent."""
    require_libreoffice()
    lo = _acquire()
    try:
        yield lo
    finally:
        _release()
