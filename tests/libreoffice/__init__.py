"""Test harness around a real, headless LibreOffice Calc.

Use the session fixture ``libreoffice`` (see :mod:`tests.libreoffice.fixtures`)
in tests marked ``@pytest.mark.libreoffice``; :func:`require_libreoffice`
skips (or, with ``SHEETSYNC_REQUIRE_LIBREOFFICE=1``, fails) when soffice or the
system Python's ``uno`` module is missing.
"""
from __future__ import annotations

import functools
import os
import subprocess

from tests.libreoffice.client import SYSTEM_PYTHON, LibreOffice, LibreOfficeError, find_soffice, pdf_page_sizes

__all__ = ["LibreOffice", "LibreOfficeError", "libreoffice_missing", "pdf_page_sizes",
           "require_libreoffice"]

REQUIRE_ENV = "SHEETSYNC_REQUIRE_LIBREOFFICE"


@functools.cache
def libreoffice_missing() -> str | None:
    """Why LibreOffice can't be used here, or None when it can."""
    if not find_soffice():
        return "soffice not found (install libreoffice-calc-nogui)"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} not found (needed for the uno module)"
    try:
        proc = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{SYSTEM_PYTHON} -c 'import uno' failed: {exc}"
    if proc.returncode:
        return f"{SYSTEM_PYTHON} cannot import uno (install python3-uno)"
    return None


def require_libreoffice() -> None:
    """Skip the calling test, or fail it when CI demands LibreOffice."""
    import pytest  # only needed inside a test run

    reason = libreoffice_missing()
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but LibreOffice is unusable: {reason}", pytrace=False)
    pytest.skip(f"LibreOffice unavailable: {reason}")
