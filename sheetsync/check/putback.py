"""The rows a marked-up copy puts back where a school deleted rows of the form, and what they held.

A row deleted from the form goes with what was typed in it: the copy is the form again, so the row
is back, but empty. Those of its rows that held cells to fill in are named here, each with its item's
name where the row is one of a numbered block, as the form's schema names its items ("รายงานครั้งที่ 5"
on report 5's row; in English its ``title_en``, else the list's key: "item 5 of reports"), so that the copy
marks them and the answer says what is to be typed again.
"""

from __future__ import annotations

from collections.abc import Collection

from .places import plan_of
from .reader import Filled
from ..spec.cells import column_index
from ..spec.form import Form, column_letter
from ..messages import render
from ..spec.pointers import schema_node
from ..template.fingerprint import OPEN, cell_hash, normalize, open_fingerprint

#: An item's name in Thai and in English ("รายงานครั้งที่ 5", "item 5 of reports").
Named = tuple[str, str]


def refilled(filled: Filled, moved: tuple[int, int] | None) -> dict[str, str]:
    """What the office filled in the locked cells of the rows ``moved`` deleted, ``{ref: text}``, as the
    template records it (:func:`sheetsync.template.stamp.value_rows`): each only where its text has the hash
    the template's signed fingerprint holds for its cell (the rows of values are not signed themselves), and
    normalised as the template records it: a hash is of the text normalised, so "\x1f30/9/2563\u3000" typed
    into the hidden sheet has the date's hash, and only "30/9/2563" was issued (U+001F cannot even be
    written into an .xlsx). None for a template issued before it recorded them: those cells are to be typed again.

    Example::

        refilled(filled, (7, -1))  # {"C7": "30/9/2563"}: the project's end date, filled in by the office
    """
    if moved is None or moved[1] >= 0:
        return {}
    # The form's own cells of those rows: a ref in the hidden sheet is the file's, and need not name a cell
    inputs = _inputs(filled.form)
    cells = {ref for row in range(moved[0], moved[0] - moved[1]) for ref in inputs.get(row, ())}
    return {ref: normalize(text) for ref, text in filled.issued.items()
            if ref in cells and ref in filled.locked_expected and cell_hash(text) == filled.locked_expected[ref]}


def rows_put_back(form: Form, moved: tuple[int, int] | None,
                  given: Collection[str] = ()) -> list[tuple[int, Named | None]]:
    """(row, name) for each row of ``form`` that ``moved`` (as :func:`~sheetsync.check.validate.rows_moved`
    gives it: n < 0 rows deleted) deleted and that holds cells to fill in, not all of them ``given`` back
    by the copy (:func:`refilled`); ``name`` is its item's (Thai, English) when the table keeps item N on
    row N (a report), else None. Empty for rows inserted.

    Example::

        rows_put_back(form, (41, -1))  # [(41, ("รายงานครั้งที่ 5", "item 5 of reports"))]: report 5's row
    """
    if moved is None or moved[1] >= 0:
        return []
    inputs = _inputs(form)
    deleted = range(moved[0], moved[0] - moved[1])
    return [(row, _name(form, row)) for row in deleted if inputs.get(row, set()) - set(given)]


def issued_empty(filled: Filled, moved: tuple[int, int] | None, given: Collection[str] = ()) -> set[int]:
    """The rows ``moved`` deleted that had nothing to fill in: each of their cells to fill in is known to have
    been issued empty (or is ``given`` back, :func:`refilled`), and the form does not require the row.

    What is known, and no more: the template records its open cells as issued (:data:`~sheetsync.template.fingerprint.OPEN`)
    and the values among them (metadata rows ``value``) make up that fingerprint, so the others were empty;
    the row is one of a table's items beyond the schema's ``minItems`` and no later row of that table holds
    anything in her file (items are told in order: a later one typed needs this one). Whether she typed in the
    row before deleting it is never known: such a row is told it was put back empty, not that data was lost
    — nor that nothing was (:func:`lost_params`)."""
    if moved is None or moved[1] >= 0 or OPEN not in filled.metadata:
        return set()
    known = {ref: text for ref, text in filled.issued.items() if ref not in filled.locked_expected}
    if open_fingerprint(known.items()) != filled.metadata[OPEN]:
        return set()  # the values recorded do not make up what the open cells held: not known cell by cell
    cells = _inputs(filled.form)
    deleted = range(moved[0], moved[0] - moved[1])
    return {row for row in deleted if row in cells and _optional(filled, row, moved)
            and all(ref in given or (ref not in filled.locked_expected and ref not in known) for ref in cells[row])}


def _inputs(form: Form) -> dict[int, set[str]]:
    """The cells to fill in of each row of ``form`` (1-based row → refs)."""
    inputs: dict[int, set[str]] = {}
    for row, col in plan_of(form).cells:
        inputs.setdefault(row + 1, set()).add(f"{column_letter(col + 1)}{row + 1}")
    return inputs


def _optional(filled: Filled, row: int, moved: tuple[int, int]) -> bool:
    """Whether the form does not require ``row``: an item of a table beyond its ``minItems``, no later row of
    which holds anything in her file (read where the deletion moved it: ``moved``). A row of single fields is
    taken as required (the form asks for them)."""
    table = next((t for t in filled.form.tables if t.first_row <= row <= t.last_row), None)
    if table is None:
        return False
    if row - table.first_row + 1 <= int((schema_node(filled.form.schema, table.pointer) or {}).get("minItems", 0)):
        return False
    cells = _inputs(filled.form)
    for later in range(moved[0] - moved[1], table.last_row + 1):
        at = later + moved[1] - 1  # 0-based, in her grid: the rows deleted moved it up
        line = filled.grid[at] if 0 <= at < len(filled.grid) else []
        cols = [column_index("".join(ch for ch in ref if ch.isalpha())) for ref in cells.get(later, ())]
        if any(col <= len(line) and str(line[col - 1]).strip() for col in cols):
            return False
    return True


def put_back_params(filled: Filled, moved: tuple[int, int]) -> tuple[tuple[str, str], ...]:
    """The ``rows-deleted`` finding's ``params`` for ``filled`` (:func:`lost_params`), knowing what the copy
    fills in again (:func:`refilled`) and which rows had nothing to fill in (:func:`issued_empty`)."""
    given = refilled(filled, moved)
    return lost_params(filled.form, moved, given, issued_empty(filled, moved, given))


def lost_params(form: Form, moved: tuple[int, int], given: Collection[str] = (),
                empty: Collection[int] = ()) -> tuple[tuple[str, str], ...]:
    """What rows deleted took with them, as the ``rows-deleted`` finding's ``params`` for the answer's
    words (:func:`sheetsync.render.advice`): the items lost, as the form names them (``("items",
    "รายงานครั้งที่ 5, รายงานครั้งที่ 6")`` and ``("items_en", …)``), else how many rows with cells to fill
    in were lost (``("lost", "1")``); nothing for rows of headings alone, rows whose cells to fill in the copy
    fills in again from the template (``given``: :func:`refilled`), or rows inserted. Rows that had nothing
    to fill in (``empty``: :func:`issued_empty`), and no others, are ``("empty", "1")``: put back empty, as issued.

    Example::

        lost_params(form, (41, -1))  # (("items", "รายงานครั้งที่ 5"), ("items_en", "item 5 of reports"))
    """
    back = rows_put_back(form, moved, given)
    lost = [(row, name) for row, name in back if row not in empty]
    if back and not lost:
        return (("empty", str(len(back))),)
    names = [name for _, name in lost if name is not None]
    if names and len(names) == len(lost):
        return (("items", ", ".join(th for th, _ in names)), ("items_en", ", ".join(en for _, en in names)))
    return (("lost", str(len(lost))),) if lost else ()


def _name(form: Form, row: int) -> Named | None:
    """The item ``row`` holds in a keyed table (report N sits on row N of its block), named as the printed
    form numbers it (as :func:`sheetsync.render.row_name` names a finding's row): a block that numbers its
    rows itself by its items' title ("รายงานครั้งที่ 5"), another by its own title and the row's place
    ("รายชั้น แถวที่ 3": "ชั้น 3" would read as a grade); else None."""
    for table in form.tables:
        if table.key is not None and table.first_row <= row <= table.last_row:
            n = row - table.first_row + 1
            items = schema_node(form.schema, f"{table.pointer}/*") or {}
            key = table.pointer.strip("/").split("/")[-1].replace("_", " ")
            if any(c.auto is not None for c in table.columns) and items.get("title"):
                # English where the schema has it ("Report 5"), else the list's key ("item 5 of reports")
                return f"{items['title']} {n}", f"{items['title_en']} {n}" if "title_en" in items else f"item {n} of {key}"
            block = schema_node(form.schema, table.pointer) or {}
            return (render("report.row_of", "th", table=block.get("title") or key, n=n),
                    render("report.row_of", "en", table=block.get("title_en") or key, n=n))
    return None
