"""Searching a large sheet a piece at a time, so the matches found are never all held at once.

``re.findall`` over a whole sheet builds one object per match: a sheet of 2 million empty cells
(24 MB of XML, 3 MB zipped) held ~330 MB of tuples while its extent was measured.
"""

from __future__ import annotations

import re
from typing import Iterator

#: Bytes of a sheet searched at once: the matches of one piece are held together (2 million
#: cells found at once held ~330 MB of tuples).
PIECE = 1 << 20


def pieces(xml: bytes) -> Iterator[tuple[int, int]]:
    """``xml`` in pieces of about :data:`PIECE` bytes, each ending where a tag starts (no match of a
    start tag's pattern crosses two)."""
    start = 0
    while start < len(xml):
        end = xml.find(b"<", start + PIECE)
        end = len(xml) if end < 0 else end
        yield start, end
        start = end


def distinct_refs(pattern: "re.Pattern[bytes]", xml: bytes) -> tuple[int, set[bytes], set[bytes]]:
    """How many times ``pattern`` (two groups: letters, row) matches, and the distinct letters and rows."""
    count, letters, rows = 0, set[bytes](), set[bytes]()
    for start, end in pieces(xml):
        found = pattern.findall(xml, start, end)
        count += len(found)
        if found:
            part_letters, part_rows = zip(*found)
            letters.update(part_letters)
            rows.update(part_rows)
    return count, letters, rows


def count_matches(pattern: "re.Pattern[bytes]", xml: bytes) -> int:
    """How many times ``pattern`` matches in ``xml``, found a piece at a time."""
    return sum(len(pattern.findall(xml, start, end)) for start, end in pieces(xml))
