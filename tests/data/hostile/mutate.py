"""Mutations of a returned file, for the fuzzer (tests/data/hostile/fuzz.py).

Each mutation takes a random generator and a valid file's bytes and returns damaged bytes and a
short description of what it did (enough to rebuild the case with the same seed). Zip files are
mutated in two ways: inside an inflated XML member, then zipped again validly (so the XML scans and
calamine's parser are what is hit), or in the container itself (headers, sizes, truncation). An .xls
is mutated in its BIFF records, inside the compound file, and in the container.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from typing import Callable

from tests.data.hostile.mutate_attrs import attribute, member, odf_cell, recompress, shared_strings

Mutation = Callable[[random.Random, bytes], tuple[bytes, str]]

#: Fragments of XML an attacker (or a broken writer) puts where a parser does not expect them.
TOKENS = [
    b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>", b"<!doctype x>", b"&a;", b"&#0;", b"&#xD800;", b"&#1114112;",
    b"&#99999999999;", b"&amp;amp;", b"&lt;c&gt;", b"&undefined;", b"<![CDATA[<c r=\"A1\">]]>", b"<!--", b"-->",
    b"]]>", b"<?pi x?>", b"<?xml version=\"1.0\"?>", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xe0\xb8",
    b"<", b">", b"\"", b"'", b"=", b"</c>", b"<c>", b"<v>", b"</v>", b"<row>", b"</row>", b"<sheetData/>",
    b"</sheetData>", b"<f>RAND()</f>", b"<f>WEBSERVICE(\"http://x\")</f>", b"<is><t>x</t></is>",
    b' r="XFD1048576"', b' r="A0"', b' r="A99999999"', b' r="ZZZZ1"', b' r=""', b' t="s"', b' t="e"', b' t="d"',
    b' s="99999"', b' s="-1"', b"<table:table-cell/>", b"</table:table-row>", b"<table:table-row>",
    b' table:number-columns-repeated="1073741823"', b' table:number-rows-repeated="1048576"',
    b'<text:s text:c="1000000000"/>', b' office:value-type="float" office:value="1e309"', b"<text:line-break/>",
    b' table:formula="of:=RAND()"', b"\r\n", b"\t", b"\x0b", b"\x1b]0;x\x07",
]
#: Numbers a value may be written as: beyond a double, negative zero, words, hex, empties, dates out of range.
NUMBERS = [b"1e309", b"-1e309", b"-0", b"NaN", b"nan", b"inf", b"-Infinity", b"1e-400", b"4.9e-324",
           b"99999999999999999999999", b"0x10", b"1_000", b"", b" ", b" 1", b"1,5", b"--1", b"2958466",
           b"2958465.99999999", b"-1", b"-693594", b"60", b"1e15", b"9" * 400, b"\xe0\xb9\x91",
           b"18446744073709551616", b"-2147483649", b"4294967296", b"1.7976931348623157e308"]
DATES = [b"9999-12-31T23:59:59", b"10000-01-01", b"0000-01-01", b"-4712-01-01", b"2024-02-30", b"2024-13-01",
         b"+275760-09-13", b"1899-12-30", b"1900-02-29", b"2563-10-01", b"", b"x", b"2024-01-01T25:61:61",
         b"2024-01-01T00:00:00.999999999999", b"P1D", b"PT99999999999H"]
TYPES = [b"n", b"s", b"d", b"e", b"b", b"str", b"inlineStr", b"x", b""]
ODS_TYPES = [b"float", b"date", b"time", b"boolean", b"percentage", b"currency", b"string", b"void", b"x"]
ENCODINGS = [b"cp874", b"UTF-16", b"utf-16le", b"ISO-8859-1", b"ebcdic-cp-us", b"x-unknown", b"UTF-32", b"ascii"]

XML_DECL = re.compile(rb"^\s*(?:\xef\xbb\xbf)?<\?xml[^>]*\?>")


# XML-level mutations ----------------------------------------------------------------------------

def _at(rng: random.Random, xml: bytes, anchor: bytes | None = None) -> int:
    """A position in ``xml``: at a random ``anchor`` when given and present, else anywhere."""
    if anchor:
        spots = [m.start() for m in re.finditer(re.escape(anchor), xml[:400_000])]
        if spots:
            return rng.choice(spots)
    return rng.randrange(len(xml) + 1)


def flip(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    data = bytearray(xml)
    n = rng.choice([1, 2, 4, 16])
    for _ in range(n):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data), f"flip {n} bits"


def insert(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    token = rng.choice(TOKENS) if rng.random() < 0.8 else rng.randbytes(rng.randrange(1, 32))
    at = _at(rng, xml, rng.choice([None, b"<", b'"', b"<c ", b"<table:table-cell", b"<v>"]))
    return xml[:at] + token + xml[at:], f"insert {token[:40]!r} at {at}"


def delete(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(xml) or 1)
    n = rng.choice([1, 2, 7, 100, 5000])
    return xml[:at] + xml[at + n:], f"delete {n} at {at}"


def duplicate(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(xml) or 1)
    n = rng.choice([10, 300, 5000])
    times = rng.choice([1, 2, 50, 2000])
    piece = xml[at:at + n]
    to = rng.randrange(len(xml) + 1)
    return xml[:to] + piece * times + xml[to:], f"duplicate {n}@{at} x{times} to {to}"


def truncate(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(xml) or 1)
    return xml[:at], f"truncate at {at}"


def number(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    value = rng.choice(NUMBERS)
    spots = list(re.finditer(rb"<v>[^<]*</v>|office:value=\"[^\"]*\"|office:(?:date|time)-value=\"[^\"]*\"",
                             xml))
    if not spots:
        return insert(rng, xml)
    m = rng.choice(spots)
    if m.group().startswith(b"<v>"):
        new = b"<v>" + value + b"</v>"
    elif b"date-value" in m.group():
        new = m.group().split(b"=")[0] + b'="' + rng.choice(DATES) + b'"'
    else:
        new = b'office:value="' + value + b'"'
    return xml[:m.start()] + new + xml[m.end():], f"number {new[:50]!r}"


def cell_type(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    spots = list(re.finditer(rb' t="[^"]*"|office:value-type="[^"]*"', xml))
    if not spots:
        return insert(rng, xml)
    m = rng.choice(spots)
    new = (b' t="' + rng.choice(TYPES) + b'"' if m.group().startswith(b" t=")
           else b'office:value-type="' + rng.choice(ODS_TYPES) + b'"')
    count = rng.choice([1, 1, 1000000])  # one cell, or every cell of the part
    if count > 1:
        return re.sub(re.escape(m.group()), new.replace(b"\\", b"\\\\"), xml), f"every {m.group()!r} -> {new!r}"
    return xml[:m.start()] + new + xml[m.end():], f"type {new!r}"


def shared_index(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    """A cell naming a shared string that is not there (or an index no parser expects)."""
    index = rng.choice([b"999999999", b"-1", b"1.5", b"4294967296", b"", b"0x1", b"1e3", b"18446744073709551616"])
    spots = list(re.finditer(rb'<c r="[A-Z]+\d+"[^>]*?(?:/>|>.*?</c>)', xml[:400_000], re.S))
    if not spots:
        return insert(rng, xml)
    m = rng.choice(spots)
    ref = re.match(rb'<c r="([A-Z]+\d+)"', m.group()).group(1)  # type: ignore[union-attr]
    new = b'<c r="' + ref + b'" t="s"><v>' + index + b"</v></c>"
    return xml[:m.start()] + new + xml[m.end():], f"shared index {index!r} at {ref!r}"


def style(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    value = rng.choice([b"99999", b"-1", b"abc", b"4294967296", b""])
    if b' s="' in xml:
        return re.sub(rb' s="\d+"', b' s="' + value + b'"', xml, count=rng.choice([1, 0])), f"style {value!r}"
    new = re.sub(rb'table:style-name="[^"]*"', b'table:style-name="nowhere' + value + b'"', xml,
                 count=rng.choice([1, 0]))
    return new, f"style nowhere {value!r}"


def far_refs(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    """Huge dimension refs and cell references beyond any sheet."""
    ref = rng.choice([b"A1:XFD1048576", b"A1:ZZZZZ99999999", b"A1:A0", b"XFD1048576", b"B2:A1", b"", b"A1:"])
    if b"<dimension" in xml and rng.random() < 0.5:
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', xml), f"dimension {ref!r}"
    spots = list(re.finditer(rb' r="[A-Z]+\d+"', xml[:400_000]))
    if not spots:
        return insert(rng, xml)
    m = rng.choice(spots)
    new = rng.choice([b"XFD1048576", b"A1048577", b"XFE1", b"AAAA1", b"A99999999999", b"a1", b"$A$1", b"A01"])
    return xml[:m.start()] + b' r="' + new + b'"' + xml[m.end():], f"ref {new!r}"


def nesting(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    depth = rng.choice([100, 10_000, 200_000])
    tag = rng.choice([b"a", b"c", b"row", b"is", b"text:span", b"table:table-row-group", b"text:p"])
    at = _at(rng, xml, rng.choice([b"<c ", b"<t>", b"<text:p>", b"<sheetData>", b"<table:table-row"]))
    opening, closing = b"<" + tag + b">", b"</" + tag + b">"
    close = rng.random() < 0.5
    return (xml[:at] + opening * depth + (closing * depth if close else b"") + xml[at:],
            f"nest {tag!r} x{depth} closed={close}")


def encoding(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    """Another declared encoding, a re-encoded part, a byte order mark."""
    choice = rng.randrange(4)
    body = XML_DECL.sub(b"", xml, count=1)
    if choice == 0:
        name = rng.choice(ENCODINGS)
        return b'<?xml version="1.0" encoding="' + name + b'"?>' + body, f"declare {name!r}"
    if choice == 1:
        codec = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
        text = '<?xml version="1.0" encoding="UTF-16"?>' + body.decode("utf-8", "replace")
        if rng.random() < 0.3:  # the entity bomb, hidden from byte searches by the encoding
            text = text.replace("?>", '?><!DOCTYPE x [<!ENTITY a "' + "a" * 100 + '"><!ENTITY b "'
                                + "&a;" * 100 + '">]>', 1)
        return text.encode(codec), f"re-encode {codec}"
    if choice == 2:
        return b"\xef\xbb\xbf" + xml, "utf-8 bom"
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError:
        return xml, "cp874 (not utf-8)"
    return text.replace('encoding="UTF-8"', 'encoding="cp874"').encode("cp874", "replace"), "encode cp874"


XML_MUTATIONS: list[Mutation] = [flip, insert, delete, duplicate, truncate, number, number, cell_type,
                                 shared_index, style, far_refs, nesting, encoding, insert, number,
                                 attribute, attribute, attribute, attribute, shared_strings, odf_cell, odf_cell]


# Container mutations (zip) ----------------------------------------------------------------------

def members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The members of a valid zip, inflated."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def rezip(items: list[tuple[str, bytes]]) -> bytes:
    """A valid zip of ``items`` (the mimetype first and stored, as ODF wants)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in items:
            kind = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=kind)
    return out.getvalue()


def _xml_member(rng: random.Random, names: list[str]) -> str:
    """A member worth mutating, the sheets most often."""
    weights = {"content.xml": 8, "xl/worksheets/sheet1.xml": 6, "xl/worksheets/sheet2.xml": 4,
               "xl/sharedStrings.xml": 4, "xl/workbook.xml": 2, "xl/_rels/workbook.xml.rels": 2,
               "xl/styles.xml": 2, "styles.xml": 1, "[Content_Types].xml": 1, "META-INF/manifest.xml": 1, "mimetype": 0.3}
    return rng.choices(names, [weights.get(n, 0.2) for n in names])[0]


def inside(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """One to three XML mutations of one member, zipped again validly."""
    items = [(info.filename, raw) for info, raw in members(data)]
    name = _xml_member(rng, [n for n, _ in items])
    done = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        mutation = rng.choice(XML_MUTATIONS)
        items = [(n, raw) for n, raw in items]
        index = next(i for i, (n, _) in enumerate(items) if n == name)
        new, what = mutation(rng, items[index][1])
        items[index] = (name, new)
        done.append(what)
    return rezip(items), f"{name}: " + "; ".join(done)


def container(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Damage the zip itself."""
    items = [(info.filename, raw) for info, raw in members(data)]
    kind = rng.randrange(9)
    if kind == 0:
        at = rng.randrange(len(data))
        return data[:at], f"truncate file at {at}"
    if kind == 1:
        name, raw = rng.choice(items)
        twin = name if rng.random() < 0.5 else name.upper()
        return rezip(items + [(twin, raw)]), f"duplicate member {twin!r}"
    if kind == 2:
        gone = rng.choice(items)[0]
        return rezip([i for i in items if i[0] != gone]), f"delete member {gone!r}"
    if kind == 3:
        shared = ("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  + b"<si><t>x</t></si>" * rng.choice([0, 1, 3]) + b"</sst>")
        return rezip([i for i in items if i[0] != shared[0]] + [shared]), "small shared strings"
    return _patch_headers(rng, data, kind), f"headers {kind}"


def _patch_headers(rng: random.Random, data: bytes, kind: int) -> bytes:
    """Change one field of one member's local or central header (sizes, CRC, method, flags, name length)."""
    out = bytearray(data)
    locals_ = [m.start() for m in re.finditer(rb"PK\x03\x04", data)]
    centrals = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    value = rng.choice([0, 1, 100, 0x7FFFFFFF, 0xFFFFFFFF, rng.randrange(1 << 32)])
    if kind in (4, 5) and locals_:  # local header: crc 14, compressed size 18, size 22
        struct.pack_into("<I", out, rng.choice(locals_) + rng.choice([14, 18, 22]), value)
    elif kind == 6 and centrals:  # central: crc 16, compressed 20, size 24, local offset 42
        struct.pack_into("<I", out, rng.choice(centrals) + rng.choice([16, 20, 24, 42]), value)
    elif kind == 7 and locals_ + centrals:  # method / flags (encrypted, data descriptor, utf-8)
        at = rng.choice(locals_ + centrals)
        field = 8 if data[at + 2] == 3 else 10
        if rng.random() < 0.5:
            struct.pack_into("<H", out, at + field, rng.choice([1, 9, 12, 14, 93, 99, 0xFFFF]))
        else:
            struct.pack_into("<H", out, at + field - 2, rng.choice([1, 8, 0x800, 0x41, 0xFFFF]))
    elif centrals:  # name length / extra length in the central directory
        struct.pack_into("<H", out, rng.choice(centrals) + rng.choice([28, 30, 32]),
                         rng.choice([0, 1, 0xFFFF, 200]))
    return bytes(out)


# .xls mutations ---------------------------------------------------------------------------------

def xls_records(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Damage BIFF records in place: a record's size, type, or body (the container stays as it is)."""
    out = bytearray(data)
    records = [m.start() for m in re.finditer(rb"(?:\xfd\x00\x0a\x00|\x00\x02\x0e\x00|\x85\x00|\x03\x02\x0e\x00"
                                              rb"|\xfc\x00|\x09\x08\x10\x00|\x42\x00\x02\x00|\x06\x00)", data)]
    if not records:
        return flip(rng, data)
    at = rng.choice(records)
    kind = rng.randrange(4)
    if kind == 0:
        struct.pack_into("<H", out, at + 2, rng.choice([0, 1, 3, 0xFFFF, 8224, 9000]))
        return bytes(out), f"record at {at}: size"
    if kind == 1:
        struct.pack_into("<H", out, at, rng.choice([0x00FD, 0x0203, 0x0200, 0x0085, 0x00FC, 0x003C, 0x000A, 0x0006]))
        return bytes(out), f"record at {at}: type"
    for _ in range(rng.choice([1, 4, 12])):
        pos = at + 4 + rng.randrange(16)
        if pos + 4 <= len(out):
            struct.pack_into("<I", out, pos, rng.choice([0, 0xFFFF, 0xFFFFFFFF, 0x7FF80000, rng.randrange(1 << 32)]))
    return bytes(out), f"record at {at}: body"


def xls_number(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A NUMBER record's double made NaN, infinite, negative zero or a date beyond 9999."""
    spots = [m.start() for m in re.finditer(rb"\x03\x02\x0e\x00", data)]
    if not spots:
        return flip(rng, data)
    at = rng.choice(spots)
    value = rng.choice([float("nan"), float("inf"), -0.0, 2958466.0, -1.0, 1e308, 5e-324])
    out = bytearray(data)
    struct.pack_into("<d", out, at + 10, value)
    return bytes(out), f"NUMBER at {at} = {value!r}"


def xls_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Flipped bits anywhere, or the file cut short."""
    if rng.random() < 0.3:
        at = rng.randrange(len(data))
        return data[:at], f"truncate at {at}"
    return flip(rng, data)


XLS_MUTATIONS: list[Mutation] = [xls_records, xls_records, xls_number, xls_bytes]
ZIP_MUTATIONS: list[Mutation] = [inside, inside, inside, inside, inside, inside, container, recompress, member]


def mutate(rng: random.Random, data: bytes, fmt: str) -> tuple[bytes, str]:
    """One random mutation of a ``fmt`` file ("xlsx", "ods" or "xls")."""
    mutation = rng.choice(XLS_MUTATIONS if fmt == "xls" else ZIP_MUTATIONS)
    return mutation(rng, data)
