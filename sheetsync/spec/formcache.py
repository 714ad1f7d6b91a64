"""Work done once per form and reused for each of its files, kept for a few forms only.

Every file of a form needs the same places of its cells, parsers, rule steps and print boxes: each is
worked out on the form's first file. The work is keyed by the form object itself (its identity, with
the form kept beside it, so an identity freed and reused never finds another form's work), and only a
few forms are kept: a form is made again for each sheet a teacher renamed her own way
(:mod:`sheetsync.check.renamed`), and 20,000 such files must not keep 20,000 forms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Generic, TypeVar

if TYPE_CHECKING:
    from .form import Form

__all__ = ["PerForm"]

T = TypeVar("T")
#: Forms kept at once: an office's own forms, and the few renamed ones a batch reads in turn.
KEPT = 16


class PerForm(Generic[T]):
    """``build(form)``, worked out once per form and kept for the :data:`KEPT` forms used last.

    Example::

        _PLANS = PerForm(_plan)
        plan = _PLANS(form)  # built on the form's first file, then reused
    """

    def __init__(self, build: Callable[[Form], T], kept: int = KEPT) -> None:
        self._build, self._kept = build, kept
        self._entries: dict[int, tuple[Form, T]] = {}

    def __call__(self, form: Form) -> T:
        """The work for ``form``, built now if it is not kept."""
        # Taken out and put back last: the first entry is then the one used least lately, the one dropped
        # (dropped by age, the office's own form went after every few files renamed each their own way).
        entry = self._entries.pop(id(form), None)
        if entry is None or entry[0] is not form:
            if len(self._entries) >= self._kept:
                self._entries.pop(next(iter(self._entries)))
            entry = (form, self._build(form))
        self._entries[id(form)] = entry
        return entry[1]
