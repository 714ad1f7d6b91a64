"""What a cross-field rule sees and gives: :class:`RuleContext` (the data, the cells to leave alone) and
:class:`Hit` (a broken rule), shared by the rules between fields and tables (:mod:`.rules`) and those
within one row (:mod:`.rowrules`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..spec.pointers import lookup

#: Amounts closer than this are the same amount: the cells show them to the satang.
HALF_SATANG = 0.005


@dataclass(frozen=True)
class Hit:
    """A broken rule: what (code), where (pointer) and the message's parameters."""

    code: str
    pointer: str
    value: Any
    params: dict[str, Any] = field(default_factory=dict)
    cell: str | None = None  # set when the place is a row with no data (a gap)
    #: The same break found on another cell that could as well be the wrong one (a row's other side).
    instead: tuple[Hit, ...] = ()
    #: An order rule's hit whose other value is not in the row next to it (report 7 against report 5's
    #: 65 %): its message cannot say "the previous report", and names that row instead.
    apart: bool = False
    #: A gap of several rows (reports 3 to 8 skipped): its message names them all (``<key>.rows``).
    run: bool = False


@dataclass
class RuleContext:
    """What rules can see: the data, and which tables rows were filled."""

    data: dict[str, Any]
    blocked: set[str]  # pointers whose cell is unreadable or already blamed: rules skip them
    gap_cell: Callable[[str, int], str]  # (table pointer, row number) -> first input cell
    cell_of: Callable[[str], str] = str  # pointer -> its cell, for messages naming another cell
    #: Pointers whose cells the office prefilled from its record and locked (earlier reports in next
    #: period's template): they stand, and what breaks a rule with them is found on the other side.
    fixed: frozenset[str] = frozenset()

    def get(self, pointer: str) -> Any:
        """The value at ``pointer``, or None when absent or unreadable."""
        return None if pointer in self.blocked else lookup(self.data, pointer)

    def incomplete(self, table: str, name: str) -> bool:
        """Whether a row of ``table`` holds column ``name`` in error (unreadable, or against the schema):
        a total of that column is then not known, and judging it would blame the right amounts."""
        head, tail = f"{table}/", f"/{name}"
        return any(p.startswith(head) and p.endswith(tail) and p[len(head):-len(tail)].isdigit()
                   for p in self.blocked)

    def column(self, table: str, name: str) -> list[tuple[str, Any]]:
        """``(pointer, value)`` of column ``name`` in every item of ``table`` that has it."""
        items = self.get(table) or []
        if type(items) is not list or not name or "/" in name or "~" in name:
            pairs = [(f"{table}/{i}/{name}", self.get(f"{table}/{i}/{name}")) for i in range(len(items))]
            return [(p, v) for p, v in pairs if v is not None]
        # What get() finds for each row, without parsing each row's pointer again (rules read
        # every column of every table for every file).
        found: list[tuple[str, Any]] = []
        blocked = self.blocked
        for i, item in enumerate(items):
            pointer = f"{table}/{i}/{name}"
            value = item.get(name) if isinstance(item, dict) else None
            if value is not None and pointer not in blocked:
                found.append((pointer, value))
        return found
