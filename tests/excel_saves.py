"""A template as Microsoft Excel (Windows, Thai locale) saves it after a teacher has typed in it.

Excel is not available here, so :func:`excel_saved` rewrites the parts of a template written by
openpyxl the way Excel 2016–365 writes them (documented in ECMA-376 and [MS-XLSX], and seen in
files Excel saves):

- every text goes to ``xl/sharedStrings.xml`` (``t="s"`` and an index; openpyxl writes inline
  strings), ``xml:space="preserve"`` on text with spaces at its ends, characters written as UTF-8;
- empty styled cells lose ``t="n"`` (``<c r="B1" s="1"/>``); rows carry ``spans`` and
  ``x14ac:dyDescent``; the roots declare ``mc``/``x14ac``/``xr`` and ``mc:Ignorable``;
- ``workbook.xml`` gains ``fileVersion``, an ``mc:AlternateContent`` with the folder it was saved in,
  ``xr:revisionPtr`` and Excel's ``calcId`` (and ``date1904="1"`` for a workbook from Excel for Mac);
- ``styles.xml`` gains a new ``xf`` per typed cell whose format Excel changed (a date format, a percent,
  ``quotePrefix`` for a leading apostrophe), ``x14ac:knownFonts`` and Excel's ``extLst``;
- a formula gets a ``calcChain.xml``; ``docProps/app.xml`` is Excel's; the validations of one
  range move into ``extLst`` as ``x14:dataValidations`` (as Excel writes lists from other sheets).

What the teacher typed is given per cell as a :class:`Typed`: what Excel stores, not what was typed.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
ROOT_NAMESPACES = (f' xmlns:r="{REL}" xmlns:mc="{MC}" mc:Ignorable="x14ac xr" xmlns:x14ac="{X14AC}"'
                   f' xmlns:xr="{XR}"')
CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
ATTR = re.compile(r'(\w+)="([^"]*)"')
INLINE = re.compile(r"<is><t[^>]*>(.*?)</t></is>", re.S)
BOLD = '<rPr><b/><sz val="16"/><rFont val="TH Sarabun New"/><family val="2"/></rPr>'
ROW = re.compile(r'<row r="([0-9]+)"([^>]*)>')


@dataclass(frozen=True)
class Typed:
    """What Excel stores in a cell after typing: a value of ``kind`` ``s`` (text), ``n`` (a number),
    ``b`` (a boolean), ``e`` (an error), ``str`` (a formula with a text result), ``rich`` (text in
    ``runs`` of plain and bold), with its number format (``fmt``: a built-in id or a format code),
    ``quote`` (a leading apostrophe), ``formula`` (the formula, ``value`` its cached result) and
    ``phonetic`` (a ``<rPh>`` run after the text, as a Japanese IME adds)."""

    kind: str
    value: object = ""
    fmt: int | str | None = None
    quote: bool = False
    formula: str | None = None
    runs: tuple[tuple[str, bool], ...] = ()
    phonetic: str | None = None


def text(value: str, *, quote: bool = False) -> Typed:
    """Text as typed (with ``quote``, after an apostrophe: Excel keeps it as text, sets quotePrefix)."""
    return Typed("s", value, quote=quote)


def number(value: float, fmt: int | str | None = None) -> Typed:
    """A number Excel stored, with the number format it gave the cell."""
    return Typed("n", value, fmt)


def escape(value: str) -> str:
    """XML text as Excel writes it: UTF-8, only ``&``, ``<`` and ``>`` escaped."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t(value: str) -> str:
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{escape(value)}</t>"


class _Book:
    """The parts being rewritten: shared strings, the new styles and the formulas' cells."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.parts = parts
        self.strings: list[str] = []  # each <si>'s inner XML
        self.index: dict[str, int] = {}
        self.count = 0
        styles = parts["xl/styles.xml"].decode()
        self.xfs = re.findall(r"<xf [^>]*?(?:/>|>.*?</xf>)", styles.split("<cellXfs", 1)[1].split("</cellXfs>")[0],
                              re.S)
        self.formats = dict(re.findall(r'<numFmt numFmtId="([0-9]+)" formatCode="([^"]*)"/>', styles))
        self.calc: list[tuple[str, int]] = []

    def shared(self, inner: str) -> int:
        self.count += 1
        if inner not in self.index:
            self.index[inner] = len(self.strings)
            self.strings.append(inner)
        return self.index[inner]

    def style(self, s: str, fmt: int | str | None, quote: bool) -> str:
        """A new xf: the cell's own with Excel's number format (and quotePrefix)."""
        if fmt is None and not quote:
            return s
        xf = self.xfs[int(s or 0)]
        if isinstance(fmt, str):
            known = [k for k, v in self.formats.items() if unescape(v) == fmt]
            fmt_id = int(known[0]) if known else max([163, *map(int, self.formats)]) + 1
            self.formats[str(fmt_id)] = escape(fmt).replace('"', "&quot;")
            fmt = fmt_id
        if fmt is not None:
            xf = re.sub(r'numFmtId="[0-9]+"', f'numFmtId="{fmt}"', xf).replace("<xf ", '<xf applyNumberFormat="1" ', 1)
        if quote:
            xf = xf.replace("<xf ", '<xf quotePrefix="1" ', 1)
        self.xfs.append(xf)
        return str(len(self.xfs) - 1)


def _cell(book: _Book, sheet: int, ref: str, attrs: str, inner: str | None, typed: Typed | None) -> str:
    found = dict(ATTR.findall(attrs))
    s = found.get("s", "")
    if typed is not None:
        s = book.style(s, typed.fmt, typed.quote)
        return _typed_cell(book, sheet, ref, s, typed)
    style = f' s="{s}"' if s and s != "0" else ""
    if found.get("t") == "inlineStr" and inner is not None:
        match = INLINE.search(inner)
        value = unescape(match.group(1)) if match else ""
        return f'<c r="{ref}"{style} t="s"><v>{book.shared(_t(value))}</v></c>'
    value = re.search(r"<v>(.*?)</v>", inner or "")
    if value is None:
        return f'<c r="{ref}"{style}/>'
    kind = found.get("t", "n")
    t = "" if kind == "n" else f' t="{kind}"'
    return f'<c r="{ref}"{style}{t}><v>{value.group(1)}</v></c>'


def _typed_cell(book: _Book, sheet: int, ref: str, s: str, typed: Typed) -> str:
    style = f' s="{s}"' if s and s != "0" else ""
    if typed.formula is not None:
        book.calc.append((ref, sheet))
        t = {"n": ""}.get(typed.kind, f' t="{typed.kind}"')
        value = str(typed.value) if not isinstance(typed.value, bool) else str(int(typed.value))
        return f'<c r="{ref}"{style}{t}><f>{escape(typed.formula)}</f><v>{escape(value)}</v></c>'
    if typed.kind in ("s", "rich"):
        if typed.kind == "rich":
            inner = "".join(f"<r>{BOLD if bold else ''}{_t(part)}</r>" for part, bold in typed.runs)
        else:
            inner = _t(str(typed.value))
        if typed.phonetic is not None:
            inner += f'<rPh sb="0" eb="1">{_t(typed.phonetic)}</rPh><phoneticPr fontId="1"/>'
        return f'<c r="{ref}"{style} t="s"><v>{book.shared(inner)}</v></c>'
    if typed.kind == "b":
        return f'<c r="{ref}"{style} t="b"><v>{int(bool(typed.value))}</v></c>'
    if typed.kind in ("e", "d"):
        return f'<c r="{ref}"{style} t="{typed.kind}"><v>{escape(str(typed.value))}</v></c>'
    return f'<c r="{ref}"{style}><v>{typed.value!r}</v></c>' if isinstance(typed.value, float) \
        else f'<c r="{ref}"{style}><v>{typed.value}</v></c>'


def _sheet(book: _Book, sheet: int, xml: str, typed: dict[str, Typed], *, move_validation: bool) -> str:
    missing = set(typed) - set(CELL_REFS.findall(xml))
    if missing:
        xml = _add_cells(xml, missing)
    xml = CELL.sub(lambda m: _cell(book, sheet, m.group(1), m.group(2), m.group(3), typed.get(m.group(1))), xml)
    xml = ROW.sub(lambda m: f'<row r="{m.group(1)}" spans="1:7"{m.group(2)} x14ac:dyDescent="0.55">', xml)
    xml = xml.replace(f'<worksheet xmlns="{MAIN}">', f'<worksheet xmlns="{MAIN}"{ROOT_NAMESPACES}'
                      ' xr:uid="{00000000-0001-0000-0000-000000000000}">', 1)
    if move_validation:
        xml = _validation_in_extlst(xml)
    return DECLARATION + xml


CELL_REFS = re.compile(r'<c r="([A-Z]+[0-9]+)"')


def _add_cells(xml: str, refs: set[str]) -> str:
    """Cells the template left out (a blank row's cell): an empty ``<c>`` in its row, in order."""
    for ref in sorted(refs):
        row = re.match(r"[A-Z]+([0-9]+)", ref).group(1)  # type: ignore[union-attr]
        xml = re.sub(rf'(<row r="{row}"[^>]*>)', rf'\1<c r="{ref}"/>', xml, count=1)
    return xml


def _validation_in_extlst(xml: str) -> str:
    """The first validation written as Excel 2010+ writes one whose list lies on another sheet."""
    match = re.search(r'<dataValidation (sqref="([^"]*)")([^>]*)>(.*?)</dataValidation>', xml, re.S)
    if match is None:
        return xml
    body = re.sub(r"<formula(\d)>(.*?)</formula\d>", r"<x14:formula\1><xm:f>\2</xm:f></x14:formula\1>", match.group(4))
    moved = (f'<ext uri="{{CCE6A557-97BC-4b89-ADB5-D3C6D8D7A0D2}}" xmlns:x14="{X14}"><x14:dataValidations count="1"'
             ' xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
             f'<x14:dataValidation{match.group(3)}>{body}<xm:sqref>{match.group(2)}</xm:sqref>'
             "</x14:dataValidation></x14:dataValidations></ext>")
    xml = xml.replace(match.group(0), "", 1)
    return xml.replace("</worksheet>", f"<extLst>{moved}</extLst></worksheet>")


def _workbook(xml: str, *, date1904: bool) -> str:
    pr = '<workbookPr date1904="1" defaultThemeVersion="166925"/>' if date1904 \
        else '<workbookPr defaultThemeVersion="166925"/>'
    saved_in = ('<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
                 + pr + f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x15">'
                 '<x15ac:absPath url="C:\\Users\\ครู\\Desktop\\" '
                 'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice>'
                 '</mc:AlternateContent><xr:revisionPtr revIDLastSave="0" documentId="8_{1F0C}" '
                 'xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" xr10:uidLastSave="{00000000-0000-0000-0000-'
                 '000000000000}"/>')
    xml = re.sub(r"<workbookPr[^>]*/>", lambda _: saved_in, xml, count=1)
    xml = xml.replace(f'<workbook xmlns="{MAIN}">', f'<workbook xmlns="{MAIN}"{ROOT_NAMESPACES}'
                      ' xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6"'
                      ' xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10">', 1)
    return DECLARATION + re.sub(r'<calcPr[^>]*/>', '<calcPr calcId="191029"/>', xml)


def _styles(xml: str, book: _Book) -> str:
    formats = "".join(f'<numFmt numFmtId="{k}" formatCode="{v}"/>' for k, v in book.formats.items())
    xml = re.sub(r"<numFmts.*?</numFmts>", f'<numFmts count="{len(book.formats)}">{formats}</numFmts>', xml, flags=re.S)
    xfs = "".join(x.replace(' pivotButton="0"', "").replace(' quotePrefix="0"', "") for x in book.xfs)
    xml = re.sub(r"<cellXfs.*?</cellXfs>", f'<cellXfs count="{len(book.xfs)}">{xfs}</cellXfs>', xml, flags=re.S)
    xml = re.sub(r'<fonts count="([0-9]+)">', r'<fonts count="\1" x14ac:knownFonts="1">', xml, count=1)
    xml = xml.replace(f'<styleSheet xmlns="{MAIN}">', f'<styleSheet xmlns="{MAIN}"{ROOT_NAMESPACES}>', 1)
    ext = (f'<extLst><ext uri="{{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}}" xmlns:x14="{X14}">'
           '<x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext></extLst>')
    return DECLARATION + xml.replace("</styleSheet>", ext + "</styleSheet>")


APP = (DECLARATION + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
       'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel'
       '</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size="2" '
       'baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>2</vt:i4>'
       '</vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="2" baseType="lpstr"><vt:lpstr>'
       'แบบรายงาน</vt:lpstr><vt:lpstr>_sheetsync</vt:lpstr></vt:vector></TitlesOfParts><LinksUpToDate>false'
       '</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300'
       '</AppVersion></Properties>')


def _package(parts: dict[str, bytes], book: _Book) -> None:
    """sharedStrings.xml and calcChain.xml, with their relationships and content types."""
    sst = "".join(f"<si>{inner}</si>" for inner in book.strings)
    parts["xl/sharedStrings.xml"] = (DECLARATION + f'<sst xmlns="{MAIN}" count="{book.count}" '
                                     f'uniqueCount="{len(book.strings)}">{sst}</sst>').encode()
    added = {"sharedStrings": "sharedStrings"}
    if book.calc:
        chain = "".join(f'<c r="{ref}" i="{sheet}"/>' for ref, sheet in book.calc)
        parts["xl/calcChain.xml"] = (DECLARATION + f'<calcChain xmlns="{MAIN}">{chain}</calcChain>').encode()
        added["calcChain"] = "calcChain"
    rels, types = parts["xl/_rels/workbook.xml.rels"].decode(), parts["[Content_Types].xml"].decode()
    for n, name in enumerate(added, start=90):
        rels = rels.replace("</Relationships>", f'<Relationship Id="rId{n}" Type="{REL}/relationships/{name}" '
                            f'Target="{name}.xml"/></Relationships>')
        types = types.replace("</Types>", f'<Override PartName="/xl/{name}.xml" ContentType="application/vnd.'
                              f'openxmlformats-officedocument.spreadsheetml.{name}+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"], parts["[Content_Types].xml"] = rels.encode(), types.encode()


STRICT = {MAIN: "http://purl.oclc.org/ooxml/spreadsheetml/main",
          REL: "http://purl.oclc.org/ooxml/officeDocument/relationships"}


def _strict(parts: dict[str, bytes]) -> None:
    """The parts as Excel's "Strict Open XML Spreadsheet" writes them: the ISO 29500 Strict namespaces
    (the relationship types too) and ``conformance="strict"``."""
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")) and name != "[Content_Types].xml":
            for transitional, strict in STRICT.items():
                data = data.replace(transitional.encode(), strict.encode())
            parts[name] = data
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<workbook ", b'<workbook conformance="strict" ', 1)


def excel_saved(source: Path, target: Path, typed: dict[str, Typed] | None = None, *, date1904: bool = False,
                move_validation: bool = True, strict: bool = False) -> Path:
    """``source`` (a template openpyxl wrote) as Excel saves it with ``typed`` in its form sheet
    (with ``strict``, saved as "Strict Open XML Spreadsheet")."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    book = _Book(parts)
    for n, name in enumerate(sorted(p for p in parts if p.startswith("xl/worksheets/sheet")), start=1):
        cells = (typed or {}) if n == 1 else {}
        parts[name] = _sheet(book, n, parts[name].decode(), cells, move_validation=move_validation and n == 1).encode()
    parts["xl/workbook.xml"] = _workbook(parts["xl/workbook.xml"].decode(), date1904=date1904).encode()
    parts["xl/styles.xml"] = _styles(parts["xl/styles.xml"].decode(), book).encode()
    parts["docProps/app.xml"] = APP.encode()
    _package(parts, book)
    if strict:
        _strict(parts)
    order = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in order + sorted(set(parts) - set(order)):
            out.writestr(name, parts[name])
    return target
