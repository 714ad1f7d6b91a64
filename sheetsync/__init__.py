"""sheetsync: run an official paper form as locked spreadsheets.

Generate templates that schools fill offline (.xlsx / .ods), read the returned files back,
validate them cell by cell, and report what to fix.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
