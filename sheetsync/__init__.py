"""sheetsync: run an official paper form as locked spreadsheets.

Generate templates that schools fill offline (.xlsx / .ods), read the returned files back,
validate them cell by cell, and report what to fix.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import SheetsyncError  # noqa: E402  (the version must exist before submodules load)
from .reader import read_filled  # noqa: E402
from .registry import find_form, list_forms  # noqa: E402
from .template import write_template  # noqa: E402
from .validate import validate  # noqa: E402

__all__ = ["SheetsyncError", "__version__", "find_form", "list_forms", "read_filled", "validate", "write_template"]
