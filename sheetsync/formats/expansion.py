"""The text python-calamine would build beyond the bytes a file holds, bounded before calamine opens it.

calamine builds each cell's text whole, once for every cell it stands for, so a few bytes can ask
for gigabytes within the form's own cells (which are read unclipped, since they are the form):

* .xlsx: a shared string is copied into every cell that refers to it (a 3 MB file whose one 4 MB
  string filled the form's 229 empty cells took 2.3 GB);
* .ods: a cell is built once per ``number-columns-repeated``, a row once per
  ``number-rows-repeated`` (a 221 KB file, one 300 KB text in 3,000 repeated cells: 2.7 GB), and
  ``<text:s text:c="N"/>`` is N spaces (one such element of 30 bytes asking for 10⁹ spaces made a
  13 KB file abort the process).

Calc writes identical neighbours once with a repeat, and Excel shares repeated strings, so these
are honest in themselves: it is their product with long text that never is. :func:`check_xlsx` and
:func:`check_ods` bound, at C speed, the text a file's cells stand for beyond what is written, and
refuse a file asking more than :data:`sheetsync.limits.MAX_EXPANDED_TEXT` characters. A legacy .xls
(each LABELSST cell a copy of a shared string) is bounded the same way while its records are walked
(:mod:`sheetsync.formats.xls_extent`).
"""

from __future__ import annotations

import re
from array import array
from html import unescape
from pathlib import Path
from typing import Iterable, Iterator

from .. import limits
from ..errors import LimitError
from ._pieces import count_matches, hides_markup, holds

# .xlsx ------------------------------------------------------------------------------------------
#: The part calamine reads its shared strings from, whatever the workbook's relationships say.
SHARED_STRINGS = "xl/sharedStrings.xml"
#: A shared-string cell's type, however quoted or spaced.
XLSX_SHARED = re.compile(rb"""\st\s*=\s*["']s["']""")
#: A shared-string cell whose value follows at once: the index it refers to.
#: (What follows ``t="s"`` in its tag is read at most 256 bytes far, never past a ``<``: a cell the
#: pattern misses is weighed as the longest string; an unbounded ``[^>]*`` read text of ``t="s"``
#: without a ``>`` once per occurrence — 240 KB of it in a comment took 8 s.)
XLSX_SHARED_INDEX = re.compile(rb"""\st\s*=\s*["']s["'][^<>]{0,256}>\s*<(?:[^\s<>/:!?"'=]+:)?v\s*>\s*\+?0*(\d{1,12})\s*<""")
#: The end of every shared-string cell's type (``s"`` or ``s'``), counted as one pattern: twice the
#: speed of two ``bytes.count`` of such short words over a sheet's XML.
TYPE_S_END = re.compile(rb"""s["']""")
#: Where each entry of the shared strings starts (any prefix).
XLSX_SI = re.compile(rb"""<(?:[^\s<>/:!?"'=]+:)?si(?=[\s/>])""")  # a prefix is any XML name, Thai too

# .ods: calamine knows these elements and attributes by their usual prefixed names only ----------
# No pattern here reads a tag past a "<" (no tag of XML holds one; _gt_in_value refuses a tag that
# does): text of tags never closed is then read once, not once per tag (20,000 of them: 5 s).
ODS_SPACE = re.compile(rb"<text:s(?=[\s/>])([^<>]*)>")
ODS_SPACE_COUNT = re.compile(rb"""\stext:c\s*=\s*(?:"([^"]*)"|'([^']*)')""")
ODS_REPEATED_CELL = re.compile(rb"""<([\w.-]+:)?(covered-)?table-cell(?=[\s/>])[^<>]*?number-columns-repeated\s*=\s*"""
                               rb"""["']\+?0*(\d{1,12})["'][^<>]*?(/?)>""")
ODS_REPEATED_ROW = re.compile(rb"""<([\w.-]+:)?table-row(?=[\s/>])[^<>]*?number-rows-repeated\s*=\s*"""
                              rb"""["']\+?0*(\d{1,12})["'][^<>]*?(/?)>""")
ODS_CELL = re.compile(rb"""<(?:[\w.-]+:)?(?:covered-)?table-cell(?=[\s/>])([^<>]*?)(/?)>""")
ODS_COLUMNS = re.compile(rb"""number-columns-repeated\s*=\s*["']\+?0*(\d{1,12})["']""")
DIGITS = re.compile(r"\+?[0-9]{1,12}")
#: A repeat count written otherwise than in plain digits ("+5", "&#53;", " 5"): calamine reads more
#: of them than the patterns here and the sheet's measure do.
ODS_ODD_REPEAT = re.compile(rb"""repeated\s*=\s*(?:"(?![0-9]{1,12}")|'(?![0-9]{1,12}'))""")
#: The words :func:`check_ods` starts from, as patterns: a search at up to twice the speed of
#: ``bytes.find`` for such short words in a part's XML.
REPEATED, SPACES = re.compile(rb"repeated"), re.compile(rb"<text:s")
#: A start tag to its real end: ">" inside a quoted value does not end it.
QUOTED_TAG = re.compile(rb"""<(?:[^"'>]|"[^"]*"|'[^']*')*>""")


def check_xlsx(path: Path, sheets: Iterable[bytes], shared: bytes | None) -> None:
    """Refuse ``path`` when the shared-string cells of ``sheets`` stand for more text than the limit.

    A quick bound first (cells × the whole shared strings); only past it, each cell's string is
    measured (an honest file: a few hundred cells, a few KB of strings).

    :raises LimitError: ``limit.expanded-text``.
    """
    if not shared or XLSX_SI.search(shared) is None:
        return  # no string item to copy into cells (the styles, passed as calamine reads them too)
    sheets = list(sheets)
    # Every shared-string cell's type ends in s" or s': their count bounds the cells (an honest form: a
    # few hundred, or none where strings are inline), before any pattern that reads a cell.
    if sum(count_matches(TYPE_S_END, xml) for xml in sheets) * len(shared) <= limits.MAX_EXPANDED_TEXT:
        return
    cells = sum(len(XLSX_SHARED.findall(xml)) for xml in sheets)
    if hides_markup(shared):  # a "<si>" in a comment shifts every index: each cell weighs the whole part
        if cells * len(shared) > limits.MAX_EXPANDED_TEXT:
            raise _refused(path)
        return
    if cells * len(shared) <= limits.MAX_EXPANDED_TEXT:
        return
    starts = array("q", (m.start() for m in XLSX_SI.finditer(shared)))
    starts.append(len(shared))
    sizes = array("q", (b - a for a, b in zip(starts, starts[1:])))
    longest = max(sizes, default=0)
    total = measured = 0
    for xml in sheets:
        for index in XLSX_SHARED_INDEX.findall(xml):
            n = int(index)
            total += sizes[n] if n < len(sizes) else 0
            measured += 1
            if total > limits.MAX_EXPANDED_TEXT:
                raise _refused(path)
    if total + (cells - measured) * longest > limits.MAX_EXPANDED_TEXT:  # cells written otherwise: the longest each
        raise _refused(path)


def check_ods(path: Path, content: bytes) -> None:
    """Refuse ``path`` when the repeats and spaces of ``content.xml`` stand for more text than the limit.

    Counted: every ``<text:s>``'s spaces; each repeated cell's text once more per repeat; each
    repeated row's cells (with their own repeats) once more per repeat. Empty cells and rows weigh
    nothing, so the repeats Calc writes for the rest of a sheet cost nothing here.

    :raises LimitError: ``limit.expanded-text``.
    """
    # Each word is looked for once: every pass below starts at its first occurrence (an honest form
    # holds its styles and validations, a third of the part, before any of them; ours holds no <text:s>).
    repeated = _first(REPEATED, content)
    spaces = _first(SPACES, content) if holds(content, b"<text:s") else -1  # most parts hold none: read backwards
    if repeated >= 0 and ODS_ODD_REPEAT.search(content, repeated) is not None:
        raise _refused(path)  # read otherwise by calamine than by the patterns here: never honest
    if _gt_in_value(content, ((b"repeated", repeated), (b"<text:s", spaces))):
        raise _refused(path)
    total = _spaces(content, spaces, len(content)) if spaces >= 0 else 0
    if repeated >= 0:
        total += _repeated_cells(content, repeated) + _repeated_rows(content, repeated)
    if total > limits.MAX_EXPANDED_TEXT:
        raise _refused(path)


def _first(word: "re.Pattern[bytes]", content: bytes) -> int:
    """Where ``word`` (a pattern of plain bytes) first occurs in ``content``, or -1."""
    found = word.search(content)
    return -1 if found is None else found.start()


def _gt_in_value(content: bytes, words: Iterable[tuple[bytes, int]]) -> bool:
    """Whether a tag holding one of ``words`` is written so the patterns here would misread it: a raw
    ``>`` inside an attribute value (XML allows it; calamine reads the tag to its real end, while every
    pattern here stops at that ``>``), or a tag that does not end before the next ``<`` (never XML;
    the patterns here stop at a ``<``).

    Each tag is looked at once, and only as far as the next ``<``; the ``<`` before a word is looked
    for only in the stretch since the word before: linear, however the words repeat.

    :param words: each word with its first occurrence in ``content`` (-1 when there is none)."""
    for word, first in words:
        at, lt, seen, searched = first, -1, -1, 0
        while at >= 0:
            if word[:1] == b"<":
                lt = at
            else:
                lt, searched = max(content.rfind(b"<", searched, at), lt), at
            if lt > seen and lt >= 0:
                seen = lt
                stop = content.find(b"<", lt + 1)
                stop = len(content) if stop < 0 else stop
                naive = content.find(b">", lt, stop)
                if naive < 0:
                    return True  # the tag runs into the next one
                head = content[lt:naive]
                if b"'" in head or head.count(b'"') % 2:  # else its ">" ends it: values paired in "…"
                    tag = QUOTED_TAG.match(content, lt, stop)
                    if tag is None or (tag.end() > at and naive != tag.end() - 1):
                        return True
            at = content.find(word, at + 1)
    return False


def _spaces(content: bytes, start: int, end: int) -> int:
    """The spaces the ``<text:s>`` elements of ``content[start:end]`` stand for (as calamine reads them)."""
    total = 0
    at = content.find(b"<text:s", start, end)
    if at < 0:
        return 0
    for match in ODS_SPACE.finditer(content, at, end):
        found = ODS_SPACE_COUNT.search(match[1])
        if found is None:
            total += 1
            continue
        value = unescape((found[1] if found[1] is not None else found[2]).decode("utf-8", "replace"))
        total += int(value) if DIGITS.fullmatch(value) else 0  # calamine refuses anything else
        if total > limits.MAX_EXPANDED_TEXT:
            break
    return total


def _weight(content: bytes, start: int, end: int) -> int:
    """What the cell body ``content[start:end]`` makes calamine build: its bytes and its spaces."""
    return end - start + _spaces(content, start, end)


def _body_end(content: bytes, start: int, name: bytes) -> int:
    """Where the element ``name`` whose start tag ends at ``start`` closes (the content's end if never)."""
    end = content.find(b"</" + name + b">", start)
    return end if end >= 0 else len(content)


def _tags_with(content: bytes, pattern: "re.Pattern[bytes]", word: bytes, start: int = 0) -> Iterator["re.Match[bytes]"]:
    """What ``pattern.finditer(content)`` finds, for a pattern that matches a start tag holding
    ``word`` (``<`` … ``word`` with no ``>`` between): found from each ``word`` at C speed rather than
    tried at every ``<`` of the content (an honest form holds a handful of repeats among thousands of tags).

    Each ``<`` is tried at most once and each stretch of the content looked through once: text that
    names ``word`` a hundred thousand times costs no more than one pass.

    :param start: where ``word`` may first be (none of it is before)."""
    at, tried = content.find(word, start), 0  # every "<" before `tried` was tried, or is cut off by a ">"
    while at >= 0:
        # The tag holding it starts at a "<" after the last ">" before it (the first that matches).
        start = content.rfind(b">", tried, at) + 1 or tried
        match = None
        while match is None and (start := content.find(b"<", start, at)) >= 0:
            match = pattern.match(content, start)
            start += 1
        tried = match.end() if match is not None else at
        if match is not None:
            yield match
        at = content.find(word, max(at + 1, tried))


def _repeated_cells(content: bytes, start: int) -> int:
    """Each repeated cell's weight, once for each repeat beyond the first (``start``: where the first
    ``repeated`` of the content is)."""
    total = 0
    for match in _tags_with(content, ODS_REPEATED_CELL, b"columns-repeated", max(start - 8, 0)):
        if match[4]:  # self-closing: empty
            continue
        name = (match[1] or b"") + (match[2] or b"") + b"table-cell"
        total += (int(match[3]) - 1) * _weight(content, match.end(), _body_end(content, match.end(), name))
        if total > limits.MAX_EXPANDED_TEXT:
            break
    return total


def _repeated_rows(content: bytes, start: int) -> int:
    """Each repeated row's cells (with their own repeats), once for each repeat beyond the first
    (``start``: where the first ``repeated`` of the content is)."""
    total = 0
    for match in _tags_with(content, ODS_REPEATED_ROW, b"rows-repeated", max(start - 5, 0)):
        if match[3]:
            continue
        end = _body_end(content, match.end(), (match[1] or b"") + b"table-row")
        row = 0
        for cell in ODS_CELL.finditer(content, match.end(), end):
            if cell[2]:
                continue
            repeats = ODS_COLUMNS.search(cell[1])
            close = min(_body_end(content, cell.end(), b"table:table-cell"), end)
            row += (int(repeats[1]) if repeats else 1) * _weight(content, cell.end(), close)
            if row > limits.MAX_EXPANDED_TEXT:
                break
        total += (int(match[2]) - 1) * row
        if total > limits.MAX_EXPANDED_TEXT:
            break
    return total


def _refused(path: Path) -> LimitError:
    return LimitError(path, "limit.expanded-text", limit=f"{limits.MAX_EXPANDED_TEXT:,}")
