"""The master's sheet of long texts, whole (:data:`TEXT_SHEET`): to be read and printed.

The data sheets keep one row per submission (or per table row) one line tall, so that a sheet of
every school prints one page wide and a clerk can sort and filter it; each cell holds its text
whole, but shows, on screen and on paper, what fits one line. A clerk who prints the master and
sends it up the line would send every long objective, rationale or problem cut to its first
words. So every text longer than its data cell shows is written here too, whole and wrapped, in a
wide column: each row as tall as its text (a long text goes on over several rows, each at most
:data:`ROW_LINES` lines, as no program prints a row taller than a page).
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any, Callable, Iterable, Iterator

from ..spec.form import Field, Form, Table
from ..spec.pointers import lookup
from ..template.metrics import BREAK_SLACK, CELL_PADDING_PT, PT_PER_UNIT, flowing_lines, font_metrics
from .derive import KEY_COLUMNS, cell, flatten, table_title, width
from .layout import Column, Sheet
from .model import Record
from .workbook import FONT, FONT_SIZE

TEXT_SHEET = "ข้อความเต็ม"
TEXT_WIDTH = 90.0
TEXT_COLUMNS = (*KEY_COLUMNS, Column("หัวข้อ", 28), Column("ข้อความ", TEXT_WIDTH))
#: Lines of one row at most: Excel's rows are at most 409 pt (ROW_LINES lines and their spacing).
ROW_LINES = 14
#: No character is wider than this (points at FONT_SIZE, an em and some): a text of so few
#: characters that they fit at this width is one line without being measured.
WIDEST_PT = 16.0
_TEXT_KINDS = ("text", "lines")


def text_sheet(records: Callable[[], Iterable[Record]], forms: dict[str, Form], skips: dict[str, set[str]],
               tables: dict[str, set[str]]) -> Sheet | None:
    """Every long text of every submission, whole: ``[recipient, key, what it is, text]`` rows.

    :param records: called twice (to count the rows, then to stream them).
    :param skips: per form, the pointers its data sheet leaves out (the key; its row table).
    :param tables: per form, the pointers of the tables shown row by row on sheets of their own.
    :returns: None when no text is longer than its cell shows.
    """
    def rows() -> Iterator[list[Any]]:
        for record in records():
            form = forms.get(record.key.form_id)
            if form is None:
                continue
            for title, text in long_texts(record.data, form, skips.get(form.id, set()), tables.get(form.id, set())):
                parts = chunks(text, TEXT_WIDTH * PT_PER_UNIT, ROW_LINES)
                for n, part in enumerate(parts, start=1):
                    shown = title if len(parts) == 1 else f"{title} ({n}/{len(parts)})"
                    yield [record.key.recipient, record.key.project_code, shown, part]

    count = sum(1 for _ in rows())
    return Sheet(TEXT_SHEET, TEXT_COLUMNS, rows(), count, freeze_columns=2, wrap=True) if count else None


def long_texts(data: dict[str, Any], form: Form, skip: set[str], tables: set[str]) -> Iterator[tuple[str, str]]:
    """``(what it is, text)`` of each text of ``data`` longer than its data-sheet cell shows (or,
    in a table of ``tables``, than its cell on the table's sheet of rows)."""
    for f in form.fields:
        value = cell(f, lookup(data, f.pointer))
        if f.pointer not in skip and f.kind in _TEXT_KINDS and _overflows(value, width(f)):
            yield f.title, str(value)
    for t in form.tables:
        if t.pointer in tables:
            yield from _row_texts(t, lookup(data, t.pointer))
        elif t.pointer not in skip:
            text = flatten(t, lookup(data, t.pointer))
            if _overflows(text, 36):
                yield table_title(t), text


def _row_texts(table: Table, items: Any) -> Iterator[tuple[str, str]]:
    """Long texts of a table shown row by row, each named by its column and its row."""
    if not isinstance(items, list):
        return
    key = next((c for c in table.columns if c.pointer == table.key), None)
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        row = f"{key.title} {item.get(key.pointer)}" if key is not None else f"แถวที่ {n}"
        for c in table.columns:
            value = cell(c, item.get(c.pointer))
            if c.kind in _TEXT_KINDS and _overflows(value, _table_width(c)):
                yield f"{c.title} ({row})", str(value)


def _table_width(c: Field) -> float:
    return 40 if c.kind in _TEXT_KINDS else 16  # as derive.table_sheet


def _overflows(value: Any, units: float) -> bool:
    """Whether ``value`` (a text) takes more than one line in a column ``units`` wide."""
    if not isinstance(value, str) or not value:
        return False
    width_pt = units * PT_PER_UNIT
    if "\n" not in value and len(value) * WIDEST_PT <= width_pt - CELL_PADDING_PT:
        return False
    return _lines(value, width_pt) > 1


def _lines(text: str, width_pt: float) -> int:
    """A quick count (one sum per paragraph): the sheet measures every long text of every school
    twice; a row's height is then measured exactly (:func:`..template.metrics.wrapped_lines`)."""
    return flowing_lines(text, width_pt, FONT_SIZE, FONT)


def chunks(text: str, width_pt: float, most: int) -> list[str]:
    """``text`` in parts of at most ``most`` lines wrapped in ``width_pt``, each as full as it can
    be: cut between words (the space or line break there left out), or, in a run of Thai with no
    space at all, between letters. Measured word by word (a text is read once, however long)."""
    if _lines(text, width_pt) <= most:
        return [text]
    usable = max(width_pt - CELL_PADDING_PT, FONT_SIZE)
    metrics = font_metrics(FONT)
    parts: list[str] = []
    current, done, line = "", 0, 0.0  # the part so far, its finished paragraphs' lines, its last one's width

    def lines(width: float) -> int:
        return done + max(1, math.ceil(width * BREAK_SLACK / usable))
    for token in _tokens(text, width_pt, most):
        if token == "\n":
            current, done, line = current + token, lines(line), 0.0
            continue
        width = metrics.width(token, FONT_SIZE)
        if current.strip() and lines(line + width) > most:
            parts.append(current.rstrip())
            current, done, line = "", 0, 0.0
        current, line = current + token, line + width
    return [*parts, current.rstrip()]


def _tokens(text: str, width_pt: float, most: int) -> Iterator[str]:
    """The words of ``text`` (see :func:`_words`), with its line breaks as tokens of their own."""
    for n, paragraph in enumerate(text.split("\n")):
        if n:
            yield "\n"
        yield from _words(paragraph, width_pt, most)


def _words(paragraph: str, width_pt: float, most: int) -> Iterator[str]:
    """Words with their trailing space; a word longer than ``most`` lines in slices that fit."""
    room = most * (width_pt - CELL_PADDING_PT)  # a word this short even in its widest letters fits
    for word in re.findall(r"\S*\s*", paragraph):
        while word and len(word) * WIDEST_PT > room and _lines(word, width_pt) > most:
            cut = max(1, len(word) * most // _lines(word, width_pt) - 1)
            while cut > 1 and unicodedata.category(word[cut]) in ("Mn", "Me"):
                cut -= 1  # a vowel or tone mark stays with its letter
            yield word[:cut]
            word = word[cut:]
        if word:
            yield word
