"""The expansion check's fast paths find what its plain regular expressions find.

:mod:`sheetsync.formats.expansion` bounds the text calamine would build from repeats and shared
strings. Tried at every ``<`` of a 140 KB content.xml, its regular expressions cost more than the
rest of reading a form; the repeats are found from their attribute's name instead, and the
shared-string cells first bounded by a count. These tests hold the fast paths to the plain ones.
"""

from __future__ import annotations

import random

from sheetsync.formats import expansion

PIECES = [b"<table:table-cell", b"<table:covered-table-cell", b"<x:table-cell", b"<table:table-row",
          b' table:number-columns-repeated="3"', b" table:number-rows-repeated='7'", b' number-columns-repeated="+0012"',
          b">", b"/>", b"<", b"text", b"</table:table-cell>", b"</table:table-row>", b' a="<"', b"columns-repeated",
          b"rows-repeated", b'<text:s text:c="4"/>', b" ", b"\n"]


def test_repeats_found_from_their_attribute_are_those_the_pattern_finds() -> None:
    rng = random.Random(11)
    for _ in range(3000):
        content = b"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        for pattern, word in ((expansion.ODS_REPEATED_CELL, b"columns-repeated"),
                              (expansion.ODS_REPEATED_ROW, b"rows-repeated")):
            plain = [m.span() for m in pattern.finditer(content)]
            assert [m.span() for m in expansion._tags_with(content, pattern, word)] == plain, content


def test_the_count_that_bounds_shared_string_cells_is_never_below_them() -> None:
    rng = random.Random(12)
    pieces = [b"<c", b' t="s"', b" t='s'", b" t = \"s\"", b's"', b"<v>1</v>", b"</c>", b">", b"\t", b' r="A1"', b"ss'"]
    for _ in range(3000):
        xml = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert xml.count(b's"') + xml.count(b"s'") >= len(expansion.XLSX_SHARED.findall(xml)), xml
