"""The office's reading of a form's ``master:`` entry (its key and cumulative table), once per form.

The entry itself and its checks live with the form (:mod:`sheetsync.spec.master`): a mistake in it
is refused when the form loads, naming the YAML line, not when a file is merged.
"""

from __future__ import annotations

from ..spec.form import Form
from ..spec.master import MasterSpec, check_master

_CACHE: dict[tuple[str, str, str], MasterSpec] = {}


def master_spec(form: Form) -> MasterSpec:
    """The form's :class:`MasterSpec`; every pointer and column it names exists in the form.

    :raises FormError: the entry names a field the form lacks (the message names the entry and its line).
    """
    key = (str(form.source), form.id, form.version)
    if key not in _CACHE:
        _CACHE[key] = check_master(form)
    return _CACHE[key]


__all__ = ["MasterSpec", "master_spec"]
