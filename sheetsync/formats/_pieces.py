"""Searching a large sheet a piece at a time, so the matches found are never all held at once (or
not held at all: :func:`count_tags`).

``re.findall`` over a whole sheet builds one object per match: a sheet of 2 million empty cells
(24 MB of XML, 3 MB zipped) held ~330 MB of tuples while its extent was measured.
"""

from __future__ import annotations

import re
from typing import Iterator

#: Bytes of a sheet searched at once: the matches of one piece are held together (2 million
#: cells found at once held ~330 MB of tuples).
PIECE = 1 << 20
#: An XML declaration's encoding.
ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")


def pieces(xml: bytes, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, int]]:
    """``xml[start:stop]`` in pieces of about :data:`PIECE` bytes, each ending where a tag starts (no
    match of a start tag's pattern crosses two)."""
    stop = len(xml) if stop is None else stop
    while start < stop:
        end = xml.find(b"<", start + PIECE, stop)
        end = stop if end < 0 else end
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


def count_matches(pattern: "re.Pattern[bytes]", xml: bytes, start: int = 0, stop: int | None = None) -> int:
    """How many times ``pattern`` matches in ``xml[start:stop]``, found a piece at a time."""
    return sum(len(pattern.findall(xml, a, b)) for a, b in pieces(xml, start, stop))


def count_tags(xml: bytes, opening: bytes) -> int:
    """How many start tags ``opening`` (such as ``b"<c"``) begins in ``xml``: each followed by white
    space, "/" or ">", as a pattern's ``<c(?=[\\s/>])`` finds them, counted at memchr speed."""
    return sum(xml.count(opening + end) for end in (b" ", b"/", b">", b"\t", b"\n", b"\r", b"\x0b", b"\x0c"))


def holds(data: bytes, word: bytes) -> bool:
    """``word in data``, searched from the end. CPython (3.10+) searches a part of over 30,000 bytes
    forwards for a word of 6 bytes or more with its two-way algorithm, which reads a part that does not
    hold the word several times slower than the backward search: a form's content.xml, 90 us against
    27 us (most files hold none of the words looked for, so the whole part is read either way)."""
    return data.rfind(word) >= 0


def once(data: bytes, word: bytes) -> bool:
    """``data.count(word) == 1`` (counted by the same two-way algorithm, see :func:`holds`), for a
    ``word`` that cannot overlap itself (no start of it is also its end), such as a namespace's URI:
    its first occurrence is then its last."""
    first = data.find(word)
    return first >= 0 and data.rfind(word) == first


def plain_encoding(xml: bytes) -> bool:
    """UTF-8 (or ASCII) as the searches expect: no NUL bytes, no other declared encoding."""
    declared = ENCODING.match(xml[:200])
    return b"\x00" not in xml and (declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"))


#: How a part written in UTF-16 or UTF-32 begins: a byte-order mark, or "<" beside a NUL byte.
_WIDE_STARTS = ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\x00<", "UTF-32"),
                (b"<\x00\x00\x00", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
                (b"<\x00", "UTF-16"), (b"\x00<", "UTF-16"))


def wide_encoding(part: bytes) -> str:
    """"UTF-16" or "UTF-32" when the XML ``part`` is written so, else "". XML may be, but no
    spreadsheet program writes a workbook's parts so, and calamine reads such a sheet as empty."""
    return next((name for start, name in _WIDE_STARTS if part.startswith(start)), "")


def hides_markup(part: bytes) -> bool:
    """Whether ``part`` holds a comment, CDATA or processing instruction past its XML declaration:
    text there may look like tags the parser never reads as such, and a tag there is no tag to it
    (no spreadsheet program writes one into a sheet). Searched for their rare second byte at memchr
    speed, no copy ("<" starts every tag: a search for "<!" stops at each, 2 us per KB)."""
    start = part.find(b"<")
    if part.startswith(b"<?xml", start):
        start = part.find(b"?>", start) + 2 or len(part)
    return ((part.find(b"!", start) >= 0 and part.find(b"<!", start) >= 0)
            or (part.find(b"?", start) >= 0 and part.find(b"<?", start) >= 0))


#: The root element's name, after the prolog (a byte-order mark, white space, the XML declaration,
#: comments) — looked for in the part's first bytes only. Each alternative matches one way, so a
#: failed search never backtracks through the prolog.
_ROOT = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s|<\?[^>]*>|<!--(?:[^-]|-(?!->))*-->)*<([A-Za-z_][\w.:-]*)")
_ROOT_WINDOW = 4096
_END_TAG = re.compile(rb"</([A-Za-z_][\w.:-]*)\s*>")
_SPACE = b" \t\r\n"
#: Comments and processing instructions after the root looked past, at most (more: not judged).
_MAX_TRAILING = 20


def cut_short(xml: bytes) -> bool:
    """Whether the XML part ``xml`` stops before its root element ends: written by a program that
    died while writing it. calamine reads such a sheet up to the cut without a word when the cut
    falls between two tags, and the rows after it would be silently missing. A part whose root
    cannot be found in its first bytes (not UTF-8, not XML) is not judged here: its parser is."""
    root = _ROOT.match(xml, 0, _ROOT_WINDOW)
    if root is None:
        return False
    stop = _content_end(xml, len(xml))
    for _ in range(_MAX_TRAILING):  # comments and processing instructions may follow the root
        opening = b"<!--" if xml.endswith(b"-->", 0, stop) else b"<?" if xml.endswith(b"?>", 0, stop) else None
        if opening is None:
            break
        stop = _content_end(xml, max(xml.rfind(opening, root.end(), stop), 0))
    else:
        return False
    end = _END_TAG.match(xml, max(xml.rfind(b"</", 0, stop), 0), stop)
    if end is not None and end.end() == stop:
        # Local names: a prefix written on one tag only is the parser's to judge, not a cut.
        return end.group(1).rpartition(b":")[2] != root.group(1).rpartition(b":")[2]
    opened = xml.find(b">", root.end())
    # A root written empty (<worksheet/>) ends the part where its start tag does.
    return not (0 < opened < stop and xml[opened - 1:opened] == b"/" and opened + 1 == stop)


def _content_end(xml: bytes, stop: int) -> int:
    """Where ``xml[:stop]`` ends without the white space at its end."""
    while stop > 0:  # a piece at a time: a part may end in megabytes of white space
        start = max(stop - 256, 0)
        kept = len(xml[start:stop].rstrip(_SPACE))
        if kept:
            return start + kept
        stop = start
    return 0
