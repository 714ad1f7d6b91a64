"""Build the hostile corpus: returned files made to hurt the office, each named for its attack.

Every case starts from a valid filled template written by sheetsync itself and changes its XML
the way an attacker (or an unlucky program) would. Nothing here is committed: the files are
built into a folder at test or bench time (the padded case is a sparse file, so it is cheap).

The templates are signed with the office key of the environment (``SHEETSYNC_KEY_FILE``, see
sheetsync.identity): validate the corpus with the same key, or the forged cases look like the rest.

Run: python tests/data/hostile/build.py OUT_DIR   (prints one line per case)
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from sheetsync import limits  # noqa: E402
from sheetsync.formats._clip import ODS_CELL, ODS_ROW, Clip, column_letters, column_number, elements  # noqa: E402
from sheetsync.spec.registry import find_form  # noqa: E402
from sheetsync.template.write import write_template  # noqa: E402
from tests.data.hostile.added import added_sheet_xlsx, added_table_ods  # noqa: E402
from tests.data.hostile.names import (BIDI_NAME, ods_table_renamed_copy, ods_table_twice, twice_xls,  # noqa: E402
                                      xlsx_sheet_listed_again)
from tests.data.hostile.xls import build_xls_cases  # noqa: E402

SEED = ROOT / "sheetsync" / "samples" / "progress-report.json"
FORM_SHEET = "แบบรายงาน"
META = "_sheetsync"
XLSX_SHEETS = {FORM_SHEET: "xl/worksheets/sheet1.xml", META: "xl/worksheets/sheet2.xml"}
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"  # retitle the window, clear the screen, go red
CONTROL_TEXT = "line 1\x0bline 2 \x01\x7f\x85" + ESCAPES
NONCHARACTERS = "โครงการ\uffff\ufffeพัฒนา"  # not characters of XML 1.0 (its Char production)
Edit = Callable[[bytes], bytes]


def rewrite(src: Path, dst: Path, edits: dict[str, Edit], *, pad: int = 0) -> Path:
    """Copy the zip ``src`` to ``dst`` with members edited; ``pad`` zero bytes before its directory."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            data = edits[info.filename](data) if info.filename in edits else data
            new.writestr(info, data, compress_type=info.compress_type, compresslevel=1)  # quick to build
        if pad:
            # Zero bytes between the last member and the central directory, written sparse.
            new.fp.seek(pad, 1)  # type: ignore[union-attr]
            new.start_dir = new.fp.tell()  # type: ignore[union-attr]
    return dst


def xml_text(text: str, fmt: str) -> bytes:
    """``text`` as a producer would store it: Calc escapes controls in .xlsx as ``_x000b_``."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if fmt == "xlsx":
        escaped = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda c: f"_x{ord(c.group()):04x}_", escaped)
    return escaped.encode("utf-8")


def set_xlsx_cell(ref: str, inner: bytes, attrs: bytes = b' t="inlineStr"') -> Edit:
    """Put a cell at ``ref`` (replacing one there, or adding its row at the end)."""
    row = re.sub(r"\D", "", ref).encode()
    cell = b'<c r="' + ref.encode() + b'"' + attrs + b">" + inner + b"</c>"

    def edit(xml: bytes) -> bytes:
        found = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)', xml, re.S)
        if found:
            return xml[:found.start()] + cell + xml[found.end():]
        return xml.replace(b"</sheetData>", b'<row r="' + row + b'">' + cell + b"</row></sheetData>")
    return edit


def xlsx_text(ref: str, text: str) -> Edit:
    return set_xlsx_cell(ref, b"<is><t>" + xml_text(text, "xlsx") + b"</t></is>")


def xlsx_number(ref: str, value: str) -> Edit:
    return set_xlsx_cell(ref, b"<v>" + value.encode() + b"</v>", b' t="n"')


def ods_cell(sheet: str, ref: str, cell: bytes) -> Edit:
    """Replace the cell at ``ref`` of ``sheet`` in content.xml (rows/cells are written one by one)."""
    col_wanted, row_wanted = column_number(re.sub(rb"\d", b"", ref.encode())), int(re.sub(r"\D", "", ref))

    def edit(xml: bytes) -> bytes:
        start = xml.index(b'table:name="' + sheet.encode() + b'"')
        clip = Clip(sheet, 0, 0, Path("build"))
        row = 1
        for element in elements(xml[start:], ODS_ROW, clip):
            if row == row_wanted:
                col = 1
                base = start + element.end - len(element.inner) - len(b"</table:table-row>")
                for c in elements(element.inner, ODS_CELL, clip):
                    if col == col_wanted:
                        return xml[:base + c.start] + cell + xml[base + c.end:]
                    col += int((re.findall(rb'columns-repeated="(\d+)"', c.attrs) or [b"1"])[0])
            row += int((re.findall(rb'rows-repeated="(\d+)"', element.attrs) or [b"1"])[0])
        raise ValueError(f"no cell {ref} in {sheet}")
    return edit


def ods_text(sheet: str, ref: str, text: str) -> Edit:
    return ods_cell(sheet, ref, b'<table:table-cell office:value-type="string"><text:p>'
                    + xml_text(text, "ods") + b"</text:p></table:table-cell>")


def ods_number(sheet: str, ref: str, value: str) -> Edit:
    return ods_cell(sheet, ref, b'<table:table-cell office:value-type="float" office:value="' + value.encode() + b'"/>')


def ods_append_rows(sheet: str, rows: bytes) -> Edit:
    """Add rows at the end of ``sheet``'s table."""
    def edit(xml: bytes) -> bytes:
        start = xml.index(b'table:name="' + sheet.encode() + b'"')
        end = xml.index(b"</table:table>", start)
        return xml[:end] + rows + xml[end:]
    return edit


FAR_ODS = (b'<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
           b'<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
           b'<table:table-cell office:value-type="string"><text:p>far</text:p></table:table-cell></table:table-row>')


def many_empty_rows_ods(xml: bytes) -> bytes:
    """280,000 empty rows (each with its own style name, so the zip cannot tell), then content."""
    rows = b"".join(b'<table:table-row table:style-name="r%d"><table:table-cell/></table:table-row>' % n
                    for n in range(280_000))
    return ods_append_rows(FORM_SHEET, rows + FAR_ODS[FAR_ODS.index(b"</table:table-row>") + 18:])(xml)


def wide_row_xlsx(xml: bytes) -> bytes:
    """600,000 empty styled cells to the right of the form in its first row, then one with content."""
    letters = [column_letters(8 + n).encode() for n in range(16000)]
    cells = b"".join(b'<c r="%s1" s="%d"/>' % (letters[n % 16000], n) for n in range(600_000))
    cells += b'<c r="XFD1" t="inlineStr"><is><t>far</t></is></c>'
    return xml.replace(b"</row>", cells + b"</row>", 1)


def many_cells_ods(xml: bytes) -> bytes:
    """A row of 500,000 empty cells with distinct styles below the form, then one with content."""
    cells = b"".join(b'<table:table-cell table:style-name="c%d"/>' % n for n in range(500_000))
    return ods_append_rows(FORM_SHEET, b"<table:table-row>" + cells + b'<table:table-cell office:value-type='
                           b'"string"><text:p>far</text:p></table:table-cell></table:table-row>')(xml)


def ods_bomb(rows: int) -> bytes:
    return (b'<table:table-row table:number-rows-repeated="%d"><table:table-cell table:number-columns-repeated='
            b'"16000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>' % rows)


def million_rows(xml: bytes) -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(49, 1_000_049))
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def million_empty_rows_then_far(xml: bytes) -> bytes:
    rows = b"".join(b'<row r="%d"/>' % n for n in range(49, 1_000_049))
    return xml.replace(b"</sheetData>", rows + b'<row r="1000049"><c r="A1000049"><v>1</v></c></row></sheetData>')


def entity(xml: bytes) -> bytes:
    laughs = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(8)) + b"]>"
    return laughs + xml.replace(b"line", b"&i;", 1)


def encrypted_manifest(xml: bytes) -> bytes:
    return xml.replace(b'manifest:full-path="content.xml"', b'manifest:full-path="content.xml" manifest:size="1">'
                       b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x">'
                       b'<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector'
                       b'="x"/></manifest:encryption-data></manifest:file-entry><manifest:file-entry '
                       b'manifest:media-type="text/xml" manifest:full-path="x.xml"', 1)


def build(out: Path) -> dict[str, Path]:
    """Build every case into ``out``; returns {case name: file}."""
    out.mkdir(parents=True, exist_ok=True)
    form = find_form("progress-report")
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    base = {fmt: out / f"base.{fmt}" for fmt in ("xlsx", "ods")}
    for fmt, path in base.items():
        write_template(form, path, data=seed, recipient="school-01")
    cases: dict[str, tuple[str, dict[str, Edit], int]] = {
        "far-cell-form-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: xlsx_text("XFD1048576", "far")}, 0),
        "far-cell-meta-xlsx": ("xlsx", {XLSX_SHEETS[META]: xlsx_text("XFD1048576", "far")}, 0),
        "far-cell-form-ods": ("ods", {"content.xml": ods_append_rows(FORM_SHEET, FAR_ODS)}, 0),
        "far-cell-meta-ods": ("ods", {"content.xml": ods_append_rows(META, FAR_ODS)}, 0),
        "ods-repeat-bomb-1000": ("ods", {"content.xml": ods_append_rows(FORM_SHEET, ods_bomb(1000))}, 0),
        "ods-repeat-bomb-4000": ("ods", {"content.xml": ods_append_rows(META, ods_bomb(4000))}, 0),
        "million-rows-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: million_rows}, 0),
        "wide-row-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: wide_row_xlsx}, 0),
        "many-cells-ods": ("ods", {"content.xml": many_cells_ods}, 0),
        "many-empty-rows-ods": ("ods", {"content.xml": many_empty_rows_ods}, 0),
        "million-empty-rows-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: million_empty_rows_then_far}, 0),
        "padded-1gib-xlsx": ("xlsx", {}, 1024 ** 3),
        "padded-20mb-xlsx": ("xlsx", {}, 20 * 1024 ** 2),
        "xml-entity-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: entity}, 0),
        "encrypted-ods": ("ods", {"META-INF/manifest.xml": encrypted_manifest}, 0),
        "control-chars-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: chain(
            xlsx_text("C37", CONTROL_TEXT), xlsx_text("B38", "31/10/2562" + ESCAPES),
            xlsx_text("D38", "65" + ESCAPES), xlsx_text("E38", "100" + ESCAPES),
            xlsx_text("F38", "เป็นไปตามแผน" + ESCAPES), xlsx_text("A1", "title" + ESCAPES),
            xlsx_text("C25", "school\x0bschool" + ESCAPES))}, 0),
        "control-chars-ods": ("ods", {"content.xml": chain(
            ods_text(FORM_SHEET, "C37", CONTROL_TEXT), ods_text(FORM_SHEET, "B38", "31/10/2562" + ESCAPES),
            ods_text(FORM_SHEET, "E38", "100" + ESCAPES), ods_text(FORM_SHEET, "A1", "title" + ESCAPES))}, 0),
        "control-chars-recipient-xlsx": ("xlsx", {XLSX_SHEETS[META]: xlsx_text("B4", "school-01" + ESCAPES)}, 0),
        # Written raw (not as Calc's _xFFFF_): no XML 1.0 document may hold them, yet calamine reads them, and
        # the marked-up copy, the master and the summary are XML that lxml refuses to write with them.
        "noncharacters-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: xlsx_text("C37", NONCHARACTERS)}, 0),
        "noncharacters-ods": ("ods", {"content.xml": ods_text(FORM_SHEET, "C37", NONCHARACTERS)}, 0),
        "nan-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: xlsx_number("E37", "NaN")}, 0),
        "infinity-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: xlsx_number("E37", "inf")}, 0),
        "nan-ods": ("ods", {"content.xml": ods_number(FORM_SHEET, "E37", "NaN")}, 0),
        "infinity-ods": ("ods", {"content.xml": ods_number(FORM_SHEET, "E37", "INF")}, 0),
        "huge-report-number-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: xlsx_number("A38", "1e308")}, 0),
        "huge-fiscal-year-ods": ("ods", {"content.xml": ods_number(FORM_SHEET, "F5", "1e308")}, 0),
        "huge-cell-text-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: xlsx_text("C37", _random_thai(4_000_000))}, 0),
        "forged-recipient-xlsx": ("xlsx", {XLSX_SHEETS[META]: xlsx_text("B4", "school-02")}, 0),
        "forged-recipient-ods": ("ods", {"content.xml": ods_text(META, "B4", "school-02")}, 0),
        "forged-issue-date-xlsx": ("xlsx", {XLSX_SHEETS[META]: xlsx_text("B5", "2099-01-01T00:00:00+00:00")}, 0),
        "forged-issue-date-ods": ("ods", {"content.xml": ods_text(META, "B5", "2099-01-01T00:00:00+00:00")}, 0),
        "forged-signature-xlsx": ("xlsx", {XLSX_SHEETS[META]: xlsx_text("B9", "0" * 64)}, 0),
        "bad-locked-ref-xlsx": ("xlsx", {XLSX_SHEETS[META]: xlsx_text("B10", "ZZZZ99999999")}, 0),
        "path-in-form-id-xlsx": ("xlsx", {XLSX_SHEETS[META]: xlsx_text("B1", "/etc/sheetsync/../../x.yaml")}, 0),
        "ods-space-bomb": ("ods", {"content.xml": ods_cell(FORM_SHEET, "C37", _spaces(1_000_000_000))}, 0),
        "ods-spaces-within-limits": ("ods", {"content.xml": ods_cell(FORM_SHEET, "C37", _spaces(15_900_000))}, 0),
        "ods-repeated-text": ("ods", {"content.xml": ods_append_rows(META, _repeated_text(100_000, 1000))}, 0),
        # Empty cells inside the form, each written at a place already taken: 1,000 under the element limit
        # (the template's own ~450 rows and cells count too) and 1,000 over it; measured by the scan when
        # every cell has r=, clipped cell by cell when one has not.
        "many-empty-cells-in-form-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: _cells_in_form(UNDER)}, 0),
        "many-cells-in-form-clipped-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: _cells_in_form(UNDER, b"<c/>")}, 0),
        "too-many-cells-in-form-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: _cells_in_form(OVER)}, 0),
        "too-many-cells-in-form-clipped-xlsx": ("xlsx", {XLSX_SHEETS[FORM_SHEET]: _cells_in_form(OVER, b"<c/>")},
                                                0),
        "dotdot-in-form-id-ods": ("ods", {"content.xml": ods_text(META, "B1", "../../tmp/evil")}, 0),
        "big-added-table-ods": ("ods", {"content.xml": added_table_ods}, 0),
        # Two sheets of one name (tests/data/hostile/names.py): the second metadata sheet forged.
        "meta-sheet-twice-ods": ("ods", {"content.xml": ods_table_twice(META, (b"school-01", b"school-02"))}, 0),
        "form-sheet-twice-ods": ("ods", {"content.xml": ods_table_twice(FORM_SHEET)}, 0),
        "meta-sheet-twice-xlsx": ("xlsx", {"xl/workbook.xml": xlsx_sheet_listed_again(META)}, 0),
        "meta-sheet-twice-by-case-xlsx": ("xlsx", {"xl/workbook.xml": xlsx_sheet_listed_again("_SheetSync")}, 0),
        "bidi-sheet-name-ods": ("ods", {"content.xml": ods_table_renamed_copy(FORM_SHEET, BIDI_NAME)}, 0),
    }
    built = {}
    for name, (fmt, edits, pad) in cases.items():
        built[name] = rewrite(base[fmt], out / f"{name}.{fmt}", edits, pad=pad)
    built.update(_special(out, base))
    for path in base.values():
        path.unlink()
    return built


def _spaces(n: int) -> bytes:
    """A text cell of "x", ``n`` spaces as ODF writes a run of them, and "y" (calamine builds the spaces)."""
    return (b'<table:table-cell office:value-type="string"><text:p>x<text:s text:c="%d"/>y</text:p>'
            b"</table:table-cell>" % n)


def _repeated_text(size: int, rows: int) -> bytes:
    """``rows`` repeated rows of 3 repeated cells of ``size`` random letters (within the metadata
    sheet's 5,000 × 3 cells: calamine builds every copy)."""
    import random

    text = "".join(random.Random(3).choices("abcdefghijklmnopqrstuvwxyz0123456789", k=size)).encode()
    return (b'<table:table-row table:number-rows-repeated="%d"><table:table-cell table:number-columns-repeated="3" '
            b'office:value-type="string"><text:p>%s</text:p></table:table-cell></table:table-row>' % (rows, text))


UNDER = limits.MAX_ELEMENTS - 1_000
OVER = limits.MAX_ELEMENTS + 1_000


def _cells_in_form(n: int, tail: bytes = b"") -> Edit:
    """``n`` empty cells at places inside the form (B10:E49, in no order) added to its first row, then
    ``tail`` (a cell without r= sends the sheet to the clipping path)."""
    import random

    places = [b'<c r="%s%d"/>' % (col, row) for col in (b"B", b"C", b"D", b"E") for row in range(10, 50)]
    cells = b"".join(random.Random(1).choices(places, k=n)) + tail
    return lambda xml: xml.replace(b"</row>", cells + b"</row>", 1)


def shared_string_copies(out: Path, base: Path) -> Path:
    """One shared string of 1 MB of random letters in each of the form's 229 empty cells."""
    import random

    text = "".join(random.Random(3).choices("abcdefghijklmnopqrstuvwxyz0123456789", k=1024 * 1024)).encode()
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + text + b"</t></si></sst>"
    rel = (b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    path = rewrite(base, out / "shared-string-copies-xlsx.xlsx", {
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(b"</Relationships>", rel),
        XLSX_SHEETS[FORM_SHEET]: lambda xml: re.sub(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|></c>)',
                                                    rb'<c r="\1" t="s"><v>0</v></c>', xml)})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", sst)
    return path


def _random_thai(n: int) -> str:
    """``n`` Thai letters in no order (so the zip cannot compress them away)."""
    import random

    letters = "".join(chr(0x0E01 + i % 46) for i in range(256))  # each byte below names a letter
    return random.Random(9).randbytes(n).decode("latin-1").translate(dict(enumerate(letters)))


def shared_strings(out: Path, base: Path) -> Path:
    """1,050,000 short shared strings (just under the member limit), none of them used."""
    import random

    numbers = random.Random(7).randbytes(4 * 1_050_000)
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"".join(
        b"<si><t>%d</t></si>" % (int.from_bytes(numbers[i:i + 4], "little") % 10 ** 6)
        for i in range(0, len(numbers), 4)) + b"</sst>"
    rel = (b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    path = rewrite(base, out / "many-shared-strings-xlsx.xlsx",
                   {"xl/_rels/workbook.xml.rels": lambda xml: xml.replace(b"</Relationships>", rel)})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", sst)
    return path


def chain(*edits: Edit) -> Edit:
    """One edit doing ``edits`` in turn."""
    def edit(data: bytes) -> bytes:
        for step in edits:
            data = step(data)
        return data
    return edit


def _special(out: Path, base: dict[str, Path]) -> dict[str, Path]:
    """Cases that are not an edit of a member: zip bombs, macros, a hostile file name."""
    made: dict[str, Path] = {}
    bomb = out / "zip-inflation-xlsx.xlsx"
    rewrite(base["xlsx"], bomb, {})
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/padding.bin", "w") as member:
        for _ in range(300):  # 300 MB of zeros, about 300 KB compressed
            member.write(bytes(1024 * 1024))
    made["zip-inflation-xlsx"] = bomb
    lying = out / "zip-lying-size-xlsx.xlsx"
    rewrite(base["xlsx"], lying, {"xl/styles.xml": lambda d: d + b" " * (40 * 1024 * 1024)})
    _lie_about_size(lying, "xl/styles.xml", 1000)
    made["zip-lying-size-xlsx"] = lying
    made["many-shared-strings-xlsx"] = shared_strings(out, base["xlsx"])
    made["shared-string-copies-xlsx"] = shared_string_copies(out, base["xlsx"])
    edits, member, sheet = added_sheet_xlsx()
    added = made["big-added-sheet-xlsx"] = rewrite(base["xlsx"], out / "big-added-sheet-xlsx.xlsx", edits)
    with zipfile.ZipFile(added, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(member, sheet)
    macro = out / "macro-xlsx.xlsx"
    rewrite(base["xlsx"], macro, {})
    with zipfile.ZipFile(macro, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba")
    made["macro-xlsx"] = macro
    named = out / "control\x1b]0;pwned\x07-name.xlsx"
    named.write_bytes(base["xlsx"].read_bytes())
    made["control-chars-file-name-xlsx"] = named
    bidi = out / f"{BIDI_NAME}-name.xlsx"  # shown as "listexe.txt-name.xlsx"
    bidi.write_bytes(base["xlsx"].read_bytes())
    made["bidi-file-name-xlsx"] = bidi
    made["meta-sheet-twice-xls"] = twice_xls(out)
    made.update(build_xls_cases(out))
    return made


def _lie_about_size(path: Path, member: str, size: int) -> None:
    """Patch the declared uncompressed size of ``member`` in both headers (a lying zip)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    name = member.encode()
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(sig, at)) >= 0:
            name_len = int.from_bytes(data[at + (26 if sig == b"PK\x03\x04" else 28):][:2], "little")
            start = at + (30 if sig == b"PK\x03\x04" else 46)
            if data[start:start + name_len] == name and info.file_size:
                data[at + offset:at + offset + 4] = size.to_bytes(4, "little")
            at += 4
    path.write_bytes(bytes(data))


if __name__ == "__main__":
    for case, file in build(Path(sys.argv[1])).items():
        print(f"{case}\t{file.stat().st_size}\t{file.name!r}")
