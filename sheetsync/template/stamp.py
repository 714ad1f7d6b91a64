"""The rows of a template's hidden metadata sheet: its identity (form, version, recipient, issue …),
the hashes of its locked cells and their fingerprint, what the office filled in, and the signature
over the identity (:mod:`sheetsync.identity`). :func:`sheetsync.check.sheets.read_metadata` reads
them back; the rows about one cell each (:data:`~.fingerprint.CELL_ROWS`) come after the signature."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .. import limits
from .._version import __version__
from ..identity import META_ROWS, OFFICE, SIGNATURE, KeyArg, resolve, sign
from ..spec.form import Form
from ..text import safe_text
from .fingerprint import CELL_ROWS, OPEN, VALUE, VALUE_CHUNK, cell_hash, combined, normalize, open_fingerprint

if TYPE_CHECKING:
    from .plan import CellSpec

Rows = tuple[tuple[str, ...], ...]
ValueRows = tuple[tuple[str, str, str], ...]


def issued_rows(form: Form, cells: Sequence[CellSpec], *, recipient: str | None, issued: dt.datetime,
                template_id: str | None, key: KeyArg = OFFICE, record_open: bool = False) -> Rows:
    """The metadata of a template newly laid out as ``cells``, signed with ``key`` (``None``: unsigned).

    :param record_open: also record what the open cells hold as issued (:data:`~.fingerprint.OPEN`, with a
        value row for each open cell issued with a value), so the template returned untouched is told apart.
    """
    locked = _locked(cells)
    identity = {"form_id": form.id, "form_version": form.version, "template_id": template_id or uuid.uuid4().hex,
                "recipient": safe_text(recipient or ""), "issued_at": issued.isoformat(timespec="seconds"),
                "schema_hash": form.schema_hash}
    rows: list[tuple[str, ...]] = [(name, identity[name]) for name in META_ROWS]
    rows += [("fingerprint", combined(locked)), ("generator", f"sheetsync {__version__}")]
    rows += [("locked", ref, h) for ref, h in sorted(locked)]
    if record_open:  # not signed: a forged value can only make the sender's own file "nothing typed"
        rows.append((OPEN, open_fingerprint((c.place.ref, c.value) for c in cells if c.role == "input")))
    return _within(_signed(tuple(rows), resolve(key, create=True)), value_rows(cells, open_cells=record_open))


def restamped_rows(metadata: Rows, cells: Sequence[CellSpec], key: KeyArg = OFFICE) -> Rows:
    """``metadata`` for new ``cells``: the locked-cell hashes, fingerprint and values recomputed, the
    identity (form, template id, recipient, issue date) kept, and signed again with ``key``."""
    locked = _locked(cells)
    kept = [row for row in metadata if row[0] not in ("fingerprint", SIGNATURE, *CELL_ROWS)]
    rows = tuple(kept + [("fingerprint", combined(locked))] + [("locked", r, h) for r, h in sorted(locked)])
    return _within(_signed(rows, resolve(key, create=True)), value_rows(cells))


def properties(metadata: Rows) -> dict[str, str]:
    """The identity rows of ``metadata`` as document properties (no rows about one cell)."""
    return {row[0]: row[1] for row in metadata if row[0] not in CELL_ROWS}


def value_rows(cells: Iterable[CellSpec], *, open_cells: bool = False) -> tuple[ValueRows, ValueRows]:
    """The metadata rows (:data:`~.fingerprint.VALUE`) of what the office filled in its locked cells, as text
    (:func:`~sheetsync.template.fingerprint.normalize`), so that a copy putting back a row the school deleted
    can fill it in again (:func:`sheetsync.check.putback.refilled`). Not signed: a value is used only where
    its hash is the signed one of its cell (the ``locked`` rows).

    :param open_cells: also, second, those of each open cell issued with a value (with :data:`OPEN`, whose
        fingerprint they must make up): then which open cells were issued empty is known, cell by cell
        (:func:`sheetsync.check.putback.issued_empty`); never filled in again from here.
    """
    cells = [c for c in cells if c.value not in (None, "")]
    office = [(c.place.ref, normalize(c.value)) for c in cells if c.locked and c.role == "prefill"]
    issued = [(c.place.ref, normalize(c.value)) for c in cells if open_cells and c.role == "input"]
    return _packed(office), _packed(issued)


def _packed(values: Sequence[tuple[str, str]]) -> ValueRows:
    """``values`` as rows ``(VALUE, n, json)``, each a JSON object of at most :data:`VALUE_CHUNK` characters
    (and so one cell, starting with "{": never taken for a formula). A value longer than a chunk is left out:
    its cell, in a row deleted, is typed again."""
    rows: list[tuple[str, str, str]] = []
    chunk: dict[str, str] = {}
    size = 0
    for ref, text in values:
        # Its length alone, "{…}", is what it adds to a chunk: its entry and ", " (the first one's braces)
        piece = len(json.dumps({ref: text}, ensure_ascii=False))
        if piece > VALUE_CHUNK:
            continue
        if chunk and size + piece > VALUE_CHUNK:
            rows.append((VALUE, str(len(rows) + 1), json.dumps(chunk, ensure_ascii=False)))
            chunk, size = {}, 0
        chunk[ref] = text
        size += piece
    if chunk:
        rows.append((VALUE, str(len(rows) + 1), json.dumps(chunk, ensure_ascii=False)))
    return tuple(rows)


def _within(meta: Rows, values: tuple[ValueRows, ValueRows]) -> Rows:
    """``meta`` (signed) and as many of the ``values`` (:func:`value_rows`) as fit in the rows a returned file's
    hidden sheet is read to (:data:`sheetsync.limits.META_ROWS`): a row past them is data outside the form,
    in a sheet no teacher can mend, on the untouched template. The office's values come first, each of use on
    its own (one left out is typed again, as in a template issued before values were kept); the open cells'
    count only all together (they must make up :data:`OPEN`): all or none."""
    office, issued = values
    room = max(limits.META_ROWS - len(meta), 0)
    kept = office[:room]
    if len(kept) + len(issued) <= room:
        kept += issued
    return meta + kept


def _locked(cells: Iterable[CellSpec]) -> list[tuple[str, str]]:
    return [(c.place.ref, cell_hash(c.value)) for c in cells if c.locked and c.value not in (None, "")]


def _signed(meta: Rows, key: bytes | None) -> Rows:
    """``meta`` with its signature row (after the identity, before the rows about one cell)."""
    if key is None:
        return meta
    head = [row for row in meta if row[0] not in CELL_ROWS]
    signature = sign({row[0]: row[1] for row in head}, key)
    return tuple(head + [(SIGNATURE, signature)] + [row for row in meta if row[0] in CELL_ROWS])
