"""sheetsync: run an official paper form as locked spreadsheets.

Generate templates that schools fill offline (.xlsx / .ods), read the returned files back,
validate them cell by cell, and report what to fix.

The public API below is loaded on first use (PEP 562), so that ``sheetsync --help`` and the
scheduled ``sheetsync sync`` that finds nothing new do not pay for importing every library.
"""

import importlib as _importlib
import typing as _typing

from ._version import __version__

if _typing.TYPE_CHECKING:
    from .check.reader import read_filled
    from .check.validate import validate
    from .errors import SheetsyncError
    from .spec.registry import find_form, list_forms
    from .template.write import write_template

#: Where each public name lives.
_PUBLIC = {
    "SheetsyncError": ".errors",
    "find_form": ".spec.registry",
    "list_forms": ".spec.registry",
    "read_filled": ".check.reader",
    "validate": ".check.validate",
    "write_template": ".template.write",
}

__all__ = ["SheetsyncError", "__version__", "find_form", "list_forms", "read_filled", "validate", "write_template"]


def __getattr__(name: str) -> _typing.Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'sheetsync' has no attribute {name!r}")
    value = getattr(_importlib.import_module(_PUBLIC[name], __name__), name)
    globals()[name] = value  # once loaded, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
