"""XML-aware and container mutations for the fuzzer, beside tests/data/hostile/mutate.py.

These change one attribute's value where the readers look (cell references, types, style ids,
shared-string indexes, number formats, ODF value types, repeat counts, dates), or a whole member
(cut short, doubled with other content), or zip the file again with another compression.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

#: Values worth trying for each attribute a reader looks at (bytes patterns of the attribute's name).
VALUES: dict[bytes, list[bytes]] = {
    b"r": [b"A1", b"A0", b"XFD1048576", b"XFE1", b"A1048577", b"AAAA1", b"A99999999999", b"a1", b"$A$1",
           b"A01", b"1A", b"", b"A", b"1", b"A-1", b"\xe0\xb8\x81" + b"1", b"A1:B2", b"R1C1", b"ZZZ9"],
    b"t": [b"n", b"s", b"d", b"e", b"b", b"str", b"inlineStr", b"x", b"", b"S", b"shared"],
    b"s": [b"0", b"1", b"18", b"19", b"99999", b"-1", b"abc", b"4294967296", b"", b"1.5", b"0x1"],
    b"numFmtId": [b"0", b"14", b"22", b"46", b"49", b"50", b"81", b"164", b"165", b"999", b"-1", b"x", b"",
                  b"4294967296", b"27", b"36"],
    b"formatCode": [b"", b"@", b"0", b"d/m/yyyy", b"[$-1000000]d/m/yyyy", b"[$-D07041E]d mmmm yyyy", b"B2yyyy",
                    b"[h]:mm:ss", b"0.0E+00", b";;;", b"[Red][<0]0;0", b"&quot;", b"[", b"]", b"\\", b"yyyy" * 500,
                    b"0" * 5000, b"[$\xe0\xb8\xbf-41E]#,##0", b"General;General;General;General;General",
                    b"mm:ss.000", b"[DBNum1]0", b"#,##0&quot; \xe0\xb8\x9a\xe0\xb8\xb2\xe0\xb8\x97&quot;"],
    b"office:value-type": [b"float", b"date", b"time", b"boolean", b"percentage", b"currency", b"string",
                           b"void", b"x", b""],
    b"calcext:value-type": [b"float", b"date", b"error", b"string", b"x"],
    b"table:number-columns-repeated": [b"0", b"1", b"2", b"-1", b"16384", b"16385", b"1024", b"1073741823",
                                       b"4294967296", b"99999999999999999999", b"x", b"", b"1.5", b"+3"],
    b"table:number-rows-repeated": [b"0", b"1", b"2", b"-1", b"1048576", b"1048577", b"100000", b"1073741823",
                                    b"4294967296", b"x", b"", b"1e3"],
    b"table:number-columns-spanned": [b"0", b"-1", b"16384", b"1073741823", b"x"],
    b"table:number-rows-spanned": [b"0", b"-1", b"1048576", b"1073741823", b"x"],
    b"office:date-value": [b"9999-12-31T23:59:59", b"10000-01-01", b"0000-01-01", b"-4712-01-01", b"2024-02-30",
                           b"2024-13-01", b"1899-12-30", b"2563-10-01", b"", b"x", b"2024-01-01T25:61:61",
                           b"2024-01-01T00:00:00.999999999999", b"2024-01-01Z", b"2024-01-01+07:00",
                           b"2024-1-1", b"20240101", b"9" * 300],
    b"office:time-value": [b"PT0H", b"PT99999999999H", b"P1D", b"PT-1H", b"x", b"", b"PT1H1M1.9999999999S"],
    b"office:value": [b"1e309", b"NaN", b"-0", b"", b"x", b"1,5", b"9" * 400, b"2958466", b"-1"],
    b"office:boolean-value": [b"true", b"false", b"1", b"x", b""],
    b"table:style-name": [b"", b"nowhere", b"ce1", b"Default", b"co1"],
    b"number:calendar": [b"buddhist", b"gregorian", b"x", b""],
    b"number:style": [b"long", b"short", b"x", b""],
    b"number:decimal-places": [b"0", b"-1", b"400", b"99999999", b"x"],
    b"number:min-integer-digits": [b"0", b"-1", b"400", b"99999999", b"x"],
    b"table:name": [b"", b"x", b"Sheet1", b"'", b"a/b"],
    b"ref": [b"A1:XFD1048576", b"A1:A0", b"", b"B2:A1", b"A1:"],
    b"count": [b"0", b"-1", b"99999999", b"4294967295", b"x"],
    b"uniqueCount": [b"0", b"-1", b"99999999", b"4294967295", b"18446744073709551616", b"x"],
}


def attribute(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    """One attribute (or every one of that name, or one in ten) given another value."""
    present = [name for name in VALUES if re.search(rb"[\s<]" + re.escape(name) + rb'="', xml)]
    if not present:
        return xml, "attribute: none present"
    name = rng.choice(present)
    value = rng.choice(VALUES[name])
    pattern = re.compile(rb"(?<=\s)" + re.escape(name) + rb'="[^"]*"')
    spots = list(pattern.finditer(xml))
    if not spots:
        return xml, "attribute: none present"
    new = name + b'="' + value + b'"'
    how = rng.choice(["one", "one", "one", "all", "some"])
    if how == "one":
        m = rng.choice(spots)
        return xml[:m.start()] + new + xml[m.end():], f"attr {new[:60]!r} at {m.start()}"
    keep = 10 if how == "some" else 1
    counter = iter(range(len(spots)))
    out = pattern.sub(lambda m: new if next(counter) % keep == 0 else m.group(), xml)
    return out, f"attr {how} {new[:60]!r}"


def shared_strings(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    """A cell's value turned into a shared-string index (in range, beyond it, or no number at all)."""
    index = rng.choice([b"0", b"1", b"2", b"3", b"7", b"100", b"-1", b"999999999", b"1.0", b" 1", b"1e0", b""])
    spots = list(re.finditer(rb'<c r="[A-Z]+\d+"[^>]*?(?:/>|>.*?</c>)', xml[:400_000], re.S))
    if not spots:
        return xml, "shared strings: no cell"
    m = rng.choice(spots)
    ref = re.match(rb'<c r="([A-Z]+\d+)"', m.group()).group(1)  # type: ignore[union-attr]
    style = re.search(rb' s="\d+"', m.group())
    new = b'<c r="' + ref + b'"' + (style.group() if style else b"") + b' t="s"><v>' + index + b"</v></c>"
    return xml[:m.start()] + new + xml[m.end():], f"shared {index!r} at {ref!r}"


def odf_cell(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    """An ODF cell given a value type its value attribute does not match, or a repeat around it."""
    spots = list(re.finditer(rb"<table:table-cell[^>]*>", xml[:400_000]))
    if not spots:
        return xml, "odf cell: none"
    m = rng.choice(spots)
    body = rng.choice([
        b'<table:table-cell office:value-type="date" office:date-value="' + rng.choice(VALUES[b"office:date-value"])
        + b'">',
        b'<table:table-cell office:value-type="float" office:value="' + rng.choice(VALUES[b"office:value"]) + b'">',
        b'<table:table-cell office:value-type="date">', b'<table:table-cell office:value-type="float">',
        b'<table:table-cell office:value-type="time" office:time-value="' + rng.choice(VALUES[b"office:time-value"])
        + b'">',
        b'<table:table-cell office:value-type="percentage" office:value="1e308">',
        b'<table:table-cell office:value-type="currency" office:currency="XXX" office:value="-0">',
        b'<table:table-cell table:number-columns-repeated="' + rng.choice(VALUES[b"table:number-columns-repeated"])
        + b'">',
        b'<table:covered-table-cell table:number-columns-repeated="1000000">',
    ])
    if m.group().endswith(b"/>"):
        body = body[:-1] + b"/>"
    return xml[:m.start()] + body + xml[m.end():], f"odf cell {body[:90]!r}"


def members_of(data: bytes) -> list[tuple[str, bytes]]:
    """The members of a valid zip, inflated, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _zip(items: list[tuple[str, bytes]], method: int, level: int | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method, compresslevel=level) as archive:
        for name, data in items:
            kind = zipfile.ZIP_STORED if name == "mimetype" and method == zipfile.ZIP_DEFLATED else method
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=kind)
    return out.getvalue()


def recompress(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """The same members zipped again stored, at another level, as bzip2 or lzma, or reordered."""
    items = members_of(data)
    choice = rng.randrange(6)
    if choice == 0:
        return _zip(items, zipfile.ZIP_STORED), "rezip stored"
    if choice == 1:
        return _zip(items, zipfile.ZIP_DEFLATED, 9), "rezip deflate 9"
    if choice == 2:
        return _zip(items, zipfile.ZIP_BZIP2), "rezip bzip2"
    if choice == 3:
        return _zip(items, zipfile.ZIP_LZMA), "rezip lzma"
    if choice == 4:
        rng.shuffle(items)
        return _zip(items, zipfile.ZIP_DEFLATED, 1), "rezip shuffled"
    return _zip([(n, d) for n, d in items if n != "mimetype"] + [i for i in items if i[0] == "mimetype"],
                zipfile.ZIP_DEFLATED, 6), "rezip mimetype last, deflated"


def member(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A member cut short, emptied, doubled (the twin first or last, with other content), or renamed."""
    items = members_of(data)
    index = rng.randrange(len(items))
    name, raw = items[index]
    choice = rng.randrange(6)
    if choice == 0:
        at = rng.randrange(len(raw) + 1)
        items[index] = (name, raw[:at])
        return _zip(items, zipfile.ZIP_DEFLATED, 1), f"cut {name!r} at {at}"
    if choice == 1:
        items[index] = (name, b"")
        return _zip(items, zipfile.ZIP_DEFLATED, 1), f"empty {name!r}"
    if choice == 2:
        other = rng.choice(items)[1]
        twin = [(name, other)]
        items = twin + items if rng.random() < 0.5 else items + twin
        return _zip(items, zipfile.ZIP_DEFLATED, 1), f"twin {name!r} with other content"
    if choice == 3:
        items[index] = (name, raw * rng.choice([2, 50]))
        return _zip(items, zipfile.ZIP_DEFLATED, 1), f"repeat {name!r}"
    if choice == 4:
        new = rng.choice([name.upper(), "/" + name, name.replace("/", "\\"), "./" + name, name + "/"])
        items[index] = (new, raw)
        return _zip(items, zipfile.ZIP_DEFLATED, 1), f"rename {name!r} -> {new!r}"
    items.insert(rng.randrange(len(items) + 1), ("x/" * 200 + "deep.xml", b"<a/>" * 10))
    return _zip(items, zipfile.ZIP_DEFLATED, 1), "a deep extra member"
