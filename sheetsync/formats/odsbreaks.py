"""Line breaks inside ODS cells, which python-calamine would drop.

A cell typed with a new line may be saved as two ``<text:p>`` paragraphs (calamine reads
``"a\\nb"``) or as one paragraph with ``<text:line-break/>`` (calamine reads ``"ab"``: two
schools on two lines become one name). :func:`with_line_breaks` returns the file's bytes with
every such line break written as the character reference ``&#10;``, which calamine reads as
``"\\n"``, or None when the file has none (the common case: then nothing is copied).

Bounded work: :func:`sheetsync.formats.guard.check_spreadsheet` has already refused zip bombs
(every member's declared size is capped), ``content.xml`` is scanned in chunks, and only a file
that has a line break is rebuilt, in memory, with the same members.
:func:`break_lines` does the same to ``content.xml``'s bytes already in memory (the reader's
stored copy), with no zip written again.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import IO

from ._pieces import holds

CONTENT = "content.xml"
TEXT_NS = b"urn:oasis:names:tc:opendocument:xmlns:text:1.0"
CHUNK = 1024 * 1024
# Any prefix may be bound to the text namespace; LibreOffice and odfpy use "text".
_PREFIX = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)="' + re.escape(TEXT_NS) + b'"')


def with_line_breaks(source: Path | IO[bytes]) -> bytes | None:
    """The .ods at ``source`` (a path or bytes) with ``<text:line-break/>`` as ``&#10;``; None if it has none."""
    with zipfile.ZipFile(source) as archive:
        if CONTENT not in archive.namelist():
            return None
        prefix = _text_prefix(archive)
        if prefix is None:
            return None
        needle = b"<" + prefix + b":line-break"
        if not _contains(archive, needle):
            return None
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as rebuilt:
            for info in archive.infolist():
                data = archive.read(info)
                if info.filename == CONTENT:
                    data = _breaks(prefix).sub(b"&#10;", data)
                rebuilt.writestr(info, data)
        return out.getvalue()


def break_lines(content: bytes) -> bytes:
    """``content.xml``'s bytes with every ``<text:line-break/>`` as ``&#10;`` (the same object if it has none)."""
    match = _PREFIX.search(content, 0, 64 * 1024)  # the root element declares its namespaces
    if match is None or not holds(content, b"<" + match[1] + b":line-break"):
        return content
    return _breaks(match[1]).sub(b"&#10;", content)


@lru_cache(maxsize=16)
def _breaks(prefix: bytes) -> "re.Pattern[bytes]":
    """A line break written with ``prefix``, self-closing or as an empty pair of tags."""
    return re.compile(b"<" + re.escape(prefix) + rb":line-break\s*(?:/>|>\s*</" + re.escape(prefix) + rb":line-break\s*>)")


def _text_prefix(archive: zipfile.ZipFile) -> bytes | None:
    """The prefix bound to the text namespace, read from the start of content.xml."""
    with archive.open(CONTENT) as stream:
        head = stream.read(64 * 1024)  # the root element declares its namespaces
    match = _PREFIX.search(head)
    return match[1] if match else None


def _contains(archive: zipfile.ZipFile, needle: bytes) -> bool:
    """Whether content.xml holds ``needle``, reading it a chunk at a time."""
    tail = b""
    with archive.open(CONTENT) as stream:
        while chunk := stream.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False
