"""The rows a marked-up copy puts back where a school deleted rows of the form, and what they held.

A row deleted from the form goes with what was typed in it: the copy is the form again, so the row
is back, but empty. Those of its rows that held cells to fill in are named here, each with its item's
number where the row is one of a numbered block (report 5 on report 5's row), so that the copy marks
them and the answer says what is to be typed again.
"""

from __future__ import annotations

from .places import plan_of
from ..spec.form import Form


def rows_put_back(form: Form, moved: tuple[int, int] | None) -> list[tuple[int, int | None]]:
    """(row, n) for each row of ``form`` that ``moved`` (as :func:`~sheetsync.check.validate.rows_moved`
    gives it: n < 0 rows deleted) deleted and that holds cells to fill in; ``n`` is the row's number in
    its table when the table keeps item N on row N (a report), else None. Empty for rows inserted.

    Example::

        rows_put_back(form, (41, -1))  # [(41, 5)]: report 5's row
    """
    if moved is None or moved[1] >= 0:
        return []
    inputs = {row + 1 for row, _ in plan_of(form).cells}
    deleted = range(moved[0], moved[0] - moved[1])
    return [(row, _number(form, row)) for row in deleted if row in inputs]


def lost_params(form: Form, moved: tuple[int, int]) -> tuple[tuple[str, str], ...]:
    """What rows deleted took with them, as the ``rows-deleted`` finding's ``params`` for the answer's
    words (:func:`sheetsync.render.advice`): the numbers of the reports lost (``("reports", "5, 6")``),
    else how many rows with cells to fill in were lost (``("lost", "1")``); nothing for rows of
    headings alone, or rows inserted.

    Example::

        lost_params(form, (41, -1))  # (("reports", "5"),)
    """
    lost = rows_put_back(form, moved)
    numbers = [str(n) for _, n in lost if n is not None]
    if numbers and len(numbers) == len(lost):
        return (("reports", ", ".join(numbers)),)
    return (("lost", str(len(lost))),) if lost else ()


def _number(form: Form, row: int) -> int | None:
    """The item number of ``row`` in a keyed table (report N sits on row N of its block), else None."""
    for table in form.tables:
        if table.key is not None and table.first_row <= row <= table.last_row:
            return row - table.first_row + 1
    return None
