"""sheetsync: run an official paper form as locked spreadsheets.

Generate templates that schools fill offline (.xlsx / .ods), read the returned files back,
validate them cell by cell, and report what to fix.
"""

from ._version import __version__
from .check.reader import read_filled
from .check.validate import validate
from .errors import SheetsyncError
from .spec.registry import find_form, list_forms
from .template.write import write_template

__all__ = ["SheetsyncError", "__version__", "find_form", "list_forms", "read_filled", "validate", "write_template"]
