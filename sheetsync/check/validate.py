"""Validation of a filled form, in three passes, each finding tied to a cell.

1. structure: locked cells unchanged (by their recorded hashes), metadata intact;
2. values: cells that could not be read as their kind, then the JSON Schema (every error,
   format checks on);
3. the cross-field rules the layout declares (:mod:`sheetsync.check.rules`);
4. warnings on what the paper form would not show: invisible control characters, and texts
   longer than their cell prints (:mod:`sheetsync.check.printfit`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any, Iterator

from jsonschema.exceptions import ValidationError

from ..template.fingerprint import cell_hash, combined
from ..spec.form import Form, parse_range
from ..spec.formcache import PerForm
from ..identity import META_SHEET, OFFICE, KeyArg, meta_cell, resolve, verify
from ..messages import render
from ..spec.pointers import generic, schema_node
from .printfit import print_findings
from .putback import put_back_params
from .quickcheck import Check, quick_check
from .converted import dates_shown_later, percent_fractions, text_as_dates
from .misread import misread_years
from .findings import choice_labels, field_at, finding as _finding, month_names, number_example
from .reader import Filled, as_bad_input
from .report import Finding, Report
from .added import added_sheet_findings
from .rowbegun import rows_begun
from .rulefindings import rule_findings
from .shown import shown

#: jsonschema keyword → finding code.
SCHEMA_CODES = {
    "type": "wrong-type", "minimum": "below-minimum", "exclusiveMinimum": "below-minimum",
    "maximum": "above-maximum", "exclusiveMaximum": "above-maximum", "maxLength": "too-long",
    "minLength": "too-short", "pattern": "pattern", "format": "not-a-date", "maxItems": "too-many",
    "enum": "not-a-choice", "const": "invalid", "additionalProperties": "invalid", "required": "required",
}
#: Hints for ``pattern`` findings, by the field's last key.


def validate(filled: Filled, *, key: KeyArg = OFFICE) -> Report:
    """Check a filled form and return every finding, structure first.

    :param key: the secret the template's identity must be signed with (:mod:`sheetsync.identity`):
        by default the office key, if the office has one; ``None`` skips the check.

    Example::

        report = validate(read_filled("school-01.xlsx"))
        report.valid, [(f.code, f.cell) for f in report.findings]
    """
    report = Report(filled.path, filled.form.id, dict(filled.metadata))
    with as_bad_input(filled.path):  # a value no rule expected is the file's problem, not a crash
        report.findings += list(_identity(filled, resolve(key, create=False)))
        report.findings += list(_structure(filled))
        # A prefilled cell changed is one problem, "restore it": not also "fill it in" nor "type digits only"
        # (not hers to put in form); a formula or an error value there is still told (it is never a value).
        changed = [f for f in report.findings if f.code == "prefilled-cell-changed"]
        restore, retyped = {f.path for f in changed if f.path}, {f.cell for f in changed}
        report.findings += [_finding(filled, p.code, p.pointer, p.value, cell=p.cell, expected=choice_labels(
            filled.form, p.pointer), **month_names(p.params),
            **number_example(filled.form, p.code, p.pointer, p.value))
            for p in filled.problems if p.cell not in retyped or p.code.startswith(("formula", "error-value"))]
        report.findings += rows_begun(filled, _schema(filled, restore))
        report.findings += list(misread_years(filled))  # before the rules: the year, not the date, is wrong
        unread = {f.cell for f in report.errors if f.sheet == filled.form.sheet}
        report.findings += list(rule_findings(filled, {f.path for f in report.errors if f.path}))
        wrong = {f.cell for f in report.errors if f.sheet == filled.form.sheet}
        report.findings += list(_controls(filled, wrong))
        report.findings += list(added_sheet_findings(filled))
        # Beside a rule's error too: 0.45 typed after 10 % is "progress went down", and this says why.
        report.findings += list(percent_fractions(filled, unread))
        report.findings += list(text_as_dates(filled, unread))
        report.findings += list(dates_shown_later(filled))
        report.findings += list(print_findings(filled, wrong))
        report.findings += list(_hidden_in_merges(filled))  # last: its field's own findings all stand
    report.findings = _above_moved_rows(report.findings, filled.form.sheet)
    return report


def _above_moved_rows(findings: list[Finding], sheet: str) -> list[Finding]:
    """The findings, less those a row inserted or deleted put there: from that row down every cell
    was read a row off (a label as a value, a value as missing), and the one ``rows-inserted`` /
    ``rows-deleted`` error already says what to do."""
    moved = next((f for f in findings if f.code in ("rows-inserted", "rows-deleted")), None)
    if moved is None:
        return findings
    start = _row_col(moved.cell)[0]
    return [f for f in findings if f is moved or f.sheet != sheet or _row_col(f.cell)[0] < start]


def _hidden_in_merges(filled: Filled) -> Iterator[Finding]:
    """An error on each cell hidden inside a merged field that holds text (the sheet's protection lost,
    the field split and typed into): never read, it would be lost without a word. Typed into a field the
    office filled and locked, it is not hers to move into the field: she tells the office instead."""
    for hidden in filled.hidden:
        locked = "merged-cell-not-read.locked" if hidden.first in filled.locked_expected else None
        yield _finding(filled, "merged-cell-not-read", hidden.pointer, hidden.value, cell=hidden.cell,
                       sheet=filled.form.sheet, first=hidden.first, message=locked)


def _controls(filled: Filled, flagged: set[str]) -> Iterator[Finding]:
    """A warning on each input cell whose text held invisible control characters (kept, made visible)."""
    if not filled.controls:
        return  # most files: the map of cells to pointers is not built for nothing
    pointers = {ref.cell: pointer for pointer, ref in filled.source_map.items()}
    for cell in filled.controls:
        if cell in flagged:
            continue  # the cell is already wrong; one finding says what to do
        yield _finding(filled, "control-character", pointers.get(cell, ""), filled.raw.get(cell),
                       severity="warning", cell=cell, sheet=filled.form.sheet)


def _identity(filled: Filled, key: bytes | None) -> Iterator[Finding]:
    """An error when the file's identity (recipient, issue date …) is not signed by ``key``:
    the template was not issued by this office, or was altered, and must never be merged."""
    if key is not None and not verify(filled.metadata, key):
        yield _finding(filled, "identity-not-verified", "", None, cell="A1", sheet=META_SHEET)


def _structure(filled: Filled) -> Iterator[Finding]:
    meta = filled.metadata
    tampered = combined(filled.locked_expected.items()) != meta.get("fingerprint")
    found = filled.locked_found
    changed = [] if tampered else _changed(filled)
    moved = _rows_moved(filled, changed)
    for spill in filled.outside:  # content the form cannot hold was not read: say where it starts
        if not (moved and moved[1] > 0 and spill.sheet == filled.form.sheet):  # (pushed there by inserted rows)
            yield _finding(filled, "outside-form-area", "", None, cell=spill.cell, sheet=spill.sheet)
    if tampered:
        yield _finding(filled, "metadata-tampered", "", None, cell="A1", sheet=META_SHEET)
        return
    if moved is not None:  # one finding says why, instead of one per fixed cell below
        row, count = moved
        code = "rows-inserted" if count > 0 else "rows-deleted"
        told = _finding(filled, code, "", None, cell=f"A{row}", sheet=filled.form.sheet, row=row, count=abs(count))
        yield replace(told, params=put_back_params(filled, moved))
        changed = [(ref, expected) for ref, expected in changed if _row_col(ref)[0] < row]
    # The maps that say what a cell is are built only when one has changed.
    labels = _fixed_texts(filled.form) if changed else {}
    pointers = _prefilled_pointers(filled.form) if changed else {}
    for ref, _ in sorted(changed, key=lambda kv: _row_col(kv[0])):
        value = found.get(ref)
        if ref in labels:
            yield _finding(filled, "locked-cell-changed", "", value, cell=ref, sheet=filled.form.sheet,
                           expected=labels[ref])
        else:
            pointer = pointers.get(ref, "")
            emptied = value is None or value == ""  # "changed to “”" reads as nothing to a teacher
            yield _finding(filled, "prefilled-cell-changed", pointer, value, cell=ref, sheet=filled.form.sheet,
                           message="prefilled-cell-changed.emptied" if emptied else None)
    if meta.get("schema_hash") and meta["schema_hash"] != filled.form.schema_hash:
        yield _finding(filled, "schema-changed", "", None, severity="warning", cell=meta_cell("schema_hash"),
                       sheet=META_SHEET)


def rows_moved(filled: Filled) -> tuple[int, int] | None:
    """(row, n) when the school's sheet has ``n`` rows inserted at ``row`` (n < 0: deleted), as its
    ``rows-inserted`` / ``rows-deleted`` finding says; None otherwise (or when its metadata was altered).

    Example::

        rows_moved(read_filled("inbox/s1.xlsx"))  # (6, 1): a row inserted at 6
    """
    if combined(filled.locked_expected.items()) != filled.metadata.get("fingerprint"):
        return None
    return _rows_moved(filled, _changed(filled))


def _changed(filled: Filled) -> list[tuple[str, str]]:
    """The fixed cells (label or prefilled) whose value is not the one the template held."""
    found, expected_of = filled.locked_found, filled.locked_expected
    try:  # the cached hash called straight: one call per cell less (every file's fixed cells are looked at)
        return [(ref, expected) for ref, expected in expected_of.items() if _cached_hash(found.get(ref)) != expected]
    except TypeError:  # a value that cannot be cached (nothing calamine returns): each hashed as _hash_of does
        return [(ref, expected) for ref, expected in expected_of.items() if _hash_of(found.get(ref)) != expected]


#: Rows a teacher may have inserted (or deleted) at once that :func:`_rows_moved` recognises.
MAX_ROWS_MOVED = 3


def _rows_moved(filled: Filled, changed: list[tuple[str, str]]) -> tuple[int, int] | None:
    """(row, n) when the changed fixed cells are exactly those from ``row`` down, each found ``n``
    rows lower (rows inserted; n < 0: deleted): what a sheet whose protection was lost shows after
    a row was inserted to add a report. None when no such shift explains them."""
    if len(changed) < 2 or not filled.grid:
        return None
    first = min(_row_col(ref)[0] for ref, _ in changed)
    below = [(ref, expected) for ref, expected in filled.locked_expected.items() if _row_col(ref)[0] >= first]
    for shift in (n for k in range(1, MAX_ROWS_MOVED + 1) for n in (k, -k)):
        # Cells pushed past the form's last row were not read (the grid stops there): not held against it.
        # Deleted rows took their own fixed cells with them: only those below them moved up.
        kept = [(ref, expected) for ref, expected in below if _row_col(ref)[0] >= first - min(shift, 0)]
        seen = [(value, expected) for ref, expected in kept
                if (value := _moved_value(filled.grid, ref, shift)) is not None]
        if len(seen) >= 2 and all(_hash_of(value) == expected for value, expected in seen):
            return first, shift
    return None


def _moved_value(grid: list[list[Any]], ref: str, shift: int) -> Any:
    """The value ``shift`` rows below ``ref`` (above, if negative); None beyond the grid's rows."""
    if not re.fullmatch(r"[A-Z]{1,3}[0-9]{1,7}", ref):
        return None
    place = parse_range(ref, "metadata")
    row, col = place.row - 1 + shift, place.col - 1
    if row >= len(grid) or row < 0:
        return None
    return grid[row][col] if col < len(grid[row]) else ""


@lru_cache(maxsize=8192, typed=True)  # locked cells hold the same labels in every file
def _cached_hash(value: Any) -> str:
    return cell_hash(value)


def _hash_of(value: Any) -> str:
    try:
        return _cached_hash(value)
    except TypeError:  # not hashable: nothing calamine returns, but never fail on it
        return cell_hash(value)


def _row_col(ref: str) -> tuple[int, str]:
    match = re.match(r"([A-Z]+)(\d+)", ref)
    return (int(match.group(2)), match.group(1).rjust(3)) if match else (0, ref)


def _fixed_texts(form: Form) -> dict[str, str]:
    """Locked cells whose text the form itself defines (labels and row numbers)."""
    texts = {label.place.ref: label.text for label in form.labels}
    for table in form.tables:
        for n, row in enumerate(range(table.first_row, table.last_row + 1), start=1):
            for col in table.columns:
                if col.auto is not None:
                    texts[col.place.at_row(row).ref] = str(col.auto_label(n))
    return texts


def _prefilled_pointers(form: Form) -> dict[str, str]:
    """Cell → a pointer naming the field, for prefilled (locked) input cells."""
    cells = {f.place.ref: f.pointer for f in form.fields}
    for table in form.tables:
        for index, row in enumerate(range(table.first_row, table.last_row + 1)):
            for col in table.columns:
                suffix = f"/{col.pointer}" if col.pointer else ""
                cells[col.place.at_row(row).ref] = f"{table.pointer}/{index}{suffix}"
    return cells


def _quick(form: Form) -> Check | None:
    """The form's quick validity test (:mod:`.quickcheck`), compiled once per form."""
    return _QUICK(form)


_QUICK = PerForm(lambda form: quick_check(form.schema, form.validator.format_checker.conforms))

_LENGTHS = ("minLength", "maxLength")


def _schema(filled: Filled, told: set[str]) -> Iterator[Finding]:
    quick = _quick(filled.form)
    if quick is not None and quick(filled.data):
        return  # certainly valid: iter_errors would find nothing
    validator = filled.form.validator
    unreadable = {p.pointer for p in filled.problems} | told
    seen: set[tuple[str, str]] = set()  # jsonschema repeats "required" once per missing name
    # A format error first: an address that breaks both its format and its pattern is told once, as an address.
    errors = sorted(validator.iter_errors(filled.data),
                    key=lambda e: (list(map(str, e.absolute_path)), e.validator != "format"))
    # A value off its pattern is told once, with the pattern's hint of what to type: its length
    # ("50360000 - 3553" is too long for a code) is not a second problem to shorten it by.
    shaped = {p for e in errors if e.validator in ("format", "pattern") for p in _pointers(e, filled.form)}
    for error in errors:
        for pointer in _pointers(error, filled.form):
            kind = "pattern" if error.validator in ("format", "pattern") else str(error.validator)
            if (kind, pointer) in seen or (kind in _LENGTHS and pointer in shaped):
                continue
            seen.add((kind, pointer))
            if not any(pointer == u or pointer.startswith(u + "/") for u in unreadable):
                yield _schema_finding(filled, error, pointer)


def _pointers(error: ValidationError, form: Form) -> list[str]:
    base = "".join(f"/{part}" for part in error.absolute_path)
    if error.validator == "required":
        missing = [f"{base}/{name}" for name in error.validator_value
                   if isinstance(error.instance, dict) and name not in error.instance]
        return [leaf for pointer in missing for leaf in _required_leaves(form, pointer)]
    return [base]


def _required_leaves(form: Form, pointer: str) -> list[str]:
    """A missing group stands for each of its required cells, so every empty cell is named."""
    node = schema_node(form.schema, generic(pointer)) or {}
    if node.get("type") != "object":
        return [pointer]
    return [leaf for name in node.get("required", []) for leaf in _required_leaves(form, f"{pointer}/{name}")]


def _schema_finding(filled: Filled, error: ValidationError, pointer: str) -> Finding:
    code = SCHEMA_CODES.get(str(error.validator), "invalid")
    if error.validator == "format" and error.validator_value != "date":
        # Only a date is "not a date": an e-mail (or a uuid) is told what it is, with the field's own hint.
        code = "not-an-email" if error.validator_value == "email" else "pattern"
    params: dict[str, Any] = {}
    if code in ("too-long", "too-many"):
        params["limit"] = shown(float(error.validator_value))  # a count of characters or items: grouped
    if code in ("below-minimum", "above-maximum"):
        params |= _range_params(filled.form, pointer, error.validator_value, error.instance)
    if code == "wrong-type":
        params["expected"] = render(f"type.{error.validator_value}", "th")
        params["expected_en"] = render(f"type.{error.validator_value}", "en")
    value = None if code == "required" else error.instance
    if code in ("pattern", "not-an-email"):
        params |= _pattern_hint(schema_node(filled.form.schema, generic(pointer)) or {})
        value = _as_typed(filled, pointer, value)
    if code == "required" and _in_table_row(filled, pointer):
        code, params["row"] = "required-in-row", _row_number(filled, pointer)
    return _finding(filled, code, pointer, value, **params)


def _as_typed(filled: Filled, pointer: str, value: Any) -> Any:
    """The text typed in the cell behind ``pointer`` (else ``value``): a code is read with ASCII
    digits, but the teacher recognises what she typed ("๕๐๓๖-๓๕๕๓")."""
    typed = filled.raw.get(filled.source_map[pointer].cell) if pointer in filled.source_map else None
    return typed.strip() if isinstance(typed, str) else value


def _range_params(form: Form, pointer: str, limit: Any, value: Any) -> dict[str, Any]:
    """The limit of a range finding written as the field's values are, and a hint on what to type.

    A whole number (schema type integer: a year, a count) is written plainly, as the template shows
    it ("2500", never "2,500"); an amount's limit keeps its thousands separators. A field the form
    declares as a fiscal year gets a hint to type the 4-digit B.E. year (63 and 2020 are the slips).
    A negative amount was typed as Thai documents write money, "170,000.-" (or in brackets), which the
    programs read as minus: it is told so, with the amount to type.
    """
    node = schema_node(form.schema, generic(pointer)) or {}
    whole = node.get("type") == "integer" and isinstance(limit, (int, float)) and float(limit).is_integer()
    params = {"limit": str(int(limit)) if whole else shown(float(limit))}
    found = field_at(form, pointer)
    # Money only: ".-" is how baht are written; a count or a measure (kind number) typed negative is not told so.
    if found is not None and found.kind == "amount" and isinstance(value, (int, float)) and value < 0:
        amount = -value
        typed = str(int(amount)) if float(amount).is_integer() else repr(float(amount))
        return params | {"hint": render("hint.negative-amount", "th", amount=typed),
                         "hint_en": render("hint.negative-amount", "en", amount=typed)}
    return params | _hint("hint.year" if pointer in _year_fields(form) else "hint.correct")


def _year_fields(form: Form) -> set[str]:
    """The fields the form declares as a (B.E. fiscal) year: a fiscal_year rule's year, a date's fiscal_year."""
    years = {str(rule["year"]) for rule in form.rules if rule.kind == "fiscal_year"}
    dated = [*form.fields, *(column for table in form.tables for column in table.columns)]
    return years | {f.fiscal_year for f in dated if f.fiscal_year}


def _pattern_hint(node: dict[str, Any]) -> dict[str, str]:
    """What to type in a field of a fixed form, from its own schema (the form is the author's, not ours):
    the Thai hint is its ``description`` (also the cell's input prompt), the English one its first
    ``examples`` entry; either falls back to a plain "please correct it"."""
    description = str(node.get("description", "")).strip()
    examples = node.get("examples")
    example = str(examples[0]) if isinstance(examples, list) and examples else ""
    return {"hint": render("hint.pattern", "th", description=description) if description
            else render("hint.correct", "th"),
            "hint_en": render("hint.pattern", "en", example=example) if example else render("hint.correct", "en")}


def _hint(key: str) -> dict[str, str]:
    """The ``hint`` and ``hint_en`` parameters of a message: the catalogue's ``key``, or nothing."""
    return {"hint": render(key, "th"), "hint_en": render(key, "en")} if key else {"hint": "", "hint_en": ""}


def _in_table_row(filled: Filled, pointer: str) -> bool:
    return any(re.match(re.escape(t.pointer) + r"/\d+/", pointer) for t in filled.form.tables)


def _row_number(filled: Filled, pointer: str) -> str:
    return re.sub(r"\D", "", filled.cell_of(pointer).cell)
