"""Read a loaded Calc document into plain JSON-able dicts (runs under uno).

Imported by ``uno_worker.py`` inside the *system* Python; the project
interpreter never imports this module (it has no ``uno``).  Nothing here
imports ``uno`` itself: it only calls methods on UNO objects it is handed.
"""
from __future__ import annotations

import datetime as _dt

# com.sun.star.util.NumberFormat bits that mean "this number is a date/time".
NF_DATE, NF_TIME = 2, 4
MAX_CELLS_PER_SHEET = 50000  # beyond this inspect() is too slow to be useful
KINDS = {"EMPTY": "empty", "VALUE": "value", "TEXT": "text", "FORMULA": "formula"}


def col_name(col):
    """0-based column index -> letters (0 -> A, 26 -> AA)."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def ref(col, row):
    return f"{col_name(col)}{row + 1}"


def range_ref(addr):
    """CellRangeAddress -> "A1:B2" (or "A1" for a single cell)."""
    start, end = ref(addr.StartColumn, addr.StartRow), ref(addr.EndColumn, addr.EndRow)
    return start if start == end else f"{start}:{end}"


def jsonable(value):
    """UNO structs (DateTime, Date, enums, sequences) -> JSON-friendly values."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    tn = getattr(value, "typeName", "")
    if tn == "com.sun.star.util.DateTime":
        return _dt.datetime(value.Year, value.Month, value.Day, value.Hours,
                            value.Minutes, value.Seconds).isoformat()
    if tn == "com.sun.star.util.Date":
        return _dt.date(value.Year, value.Month, value.Day).isoformat()
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if hasattr(value, "value"):  # uno.Enum
        return value.value
    return str(value)


# -- one cell -------------------------------------------------------------------
ATTR_PROPS = ("CellProtection", "Validation", "NumberFormat",
              "CharFontName", "CharFontNameComplex", "CharHeight", "CellBackColor")


def attributes(doc, obj, formats):
    """(attribute dict, number-format type bits) of a cell or of a uniform range.

    One getPropertyValues round trip instead of seven reads; ``formats`` caches
    number-format lookups by key.
    """
    prot, valid, nf_key, western, cplx, height, back = obj.getPropertyValues(ATTR_PROPS)
    if nf_key not in formats:
        formats[nf_key] = _format(doc, nf_key)
    fmt_string, fmt_type = formats[nf_key]
    return {
        "locked": bool(prot.IsLocked),
        "hidden": bool(prot.IsFormulaHidden),
        "validation": _validation(valid),
        "number_format": fmt_string,
        "fonts": {"western": western, "complex": cplx, "height": height},
        "back_color": back,  # the fill painted into the style (-1: none); a conditional format's is not in it
    }, fmt_type


def _add_date(doc, info, fmt_type):
    """Date/time-formatted numbers also get an ISO "date" (from doc.NullDate)."""
    if isinstance(info["value"], float) and fmt_type & (NF_DATE | NF_TIME):
        nd = doc.NullDate
        stamp = _dt.datetime(nd.Year, nd.Month, nd.Day) + _dt.timedelta(days=info["value"])
        info["date"] = stamp.isoformat() if fmt_type & NF_TIME else stamp.date().isoformat()


def describe(doc, sheet, col, row, formats):
    """Everything about one cell, asked cell by cell (for a few refs)."""
    cell = sheet.getCellByPosition(col, row)
    kind = KINDS.get(cell.getType().value, "formula")  # table.CellContentType
    attrs, fmt_type = attributes(doc, cell, formats)
    info = {"type": kind, "value": None, "string": cell.getString(), **attrs,
            "annotation": cell.getAnnotation().getString() or None}
    if kind == "text":
        info["value"] = info["string"]
        links = _links(cell)
        if links:
            info["hyperlinks"] = links
    elif kind == "value":
        info["value"] = cell.getValue()
    elif kind == "formula":
        info["formula"] = cell.getFormula()
        res = cell.FormulaResultType2  # sheet.FormulaResult: 1 VALUE, 2 STRING, 4 ERROR
        info["value"] = cell.getValue() if res == 1 else info["string"]
        if res == 4:
            info["error"] = True
    _add_date(doc, info, fmt_type)
    return info


def _format(doc, key):
    try:
        nf = doc.getNumberFormats().getByKey(key)
        return nf.FormatString, nf.Type
    except Exception:  # unknown key: report no format rather than fail
        return None, 0


def _validation(v):
    vtype = v.Type.value  # com.sun.star.sheet.ValidationType name
    if vtype == "ANY" and not (v.ShowInputMessage and (v.InputMessage or v.InputTitle)):
        return None
    return {
        "type": vtype,
        "operator": v.getOperator().value,
        "formula1": v.getFormula1(),
        "formula2": v.getFormula2(),
        "allow_blank": bool(v.IgnoreBlankCells),
        "show_error": bool(v.ShowErrorMessage),
        "error_style": v.ErrorAlertStyle.value,
        "error_title": v.ErrorTitle,
        "error_message": v.ErrorMessage,
        "show_input": bool(v.ShowInputMessage),
        "input_title": v.InputTitle,
        "input_message": v.InputMessage,
        "show_list": v.ShowList,  # TableValidationVisibility: 0 none, 1 unsorted, 2 sorted
    }


def _links(cell):
    out = []
    fields = cell.getTextFields().createEnumeration()
    while fields.hasMoreElements():
        f = fields.nextElement()
        # Calc's URL fields only claim the generic TextField service.
        if f.getPropertySetInfo().hasPropertyByName("URL"):
            out.append({"url": f.URL, "text": f.Representation})
    return out


# -- one sheet ------------------------------------------------------------------
def _cells_in(ranges):
    return {(c, r) for a in ranges.getRangeAddresses()
            for r in range(a.StartRow, a.EndRow + 1)
            for c in range(a.StartColumn, a.EndColumn + 1)}


def _content(sheet, cur):
    """{(col, row): (kind, value, formula)} for the used area, fetched in bulk.

    Each UNO call is a pipe round trip (~0.4 ms), so content comes per
    rectangle via getDataArray/getFormulaArray rather than per cell.
    """
    out = {}
    for kind, flags in (("value", 1 | 2), ("text", 4), ("formula", 16)):  # sheet.CellFlags
        for a in cur.queryContentCells(flags).getRangeAddresses():
            rng = sheet.getCellRangeByPosition(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow)
            data = rng.getDataArray()
            formulas = rng.getFormulaArray() if kind == "formula" else None
            for i, row in enumerate(data):
                for j, value in enumerate(row):
                    out[(a.StartColumn + j, a.StartRow + i)] = (
                        kind, value, formulas[i][j] if formulas else None)
    return out


def sheet_cells(doc, sheet, formats, notes):
    """(cells dict, used range, merged ranges) of a sheet, cheaply.

    Listed: cells with content or a note, plus unlocked or validated cells.
    Cell attributes come from getCellFormatRanges, which hands back rectangles
    of uniform attributes (protection, validation, number format, fonts,
    merges), so each rectangle is asked once instead of every cell.  Unlocked
    or validated rectangles beyond the used area (empty input cells below the
    last label) are listed too, except where one reaches the sheet edge
    (whole-column formatting): that part is clipped to the used area.
    """
    cur = sheet.createCursor()
    cur.gotoStartOfUsedArea(False)
    cur.gotoEndOfUsedArea(True)
    used = cur.getRangeAddress()
    content = _content(sheet, cur)
    errors = _cells_in(cur.queryFormulaCells(4))  # sheet.FormulaResult.ERROR
    rich = _cells_in(cur.queryContentCells(512))  # FORMATTED: edit text, may hold URL fields
    wanted = set(content) | set(notes)
    max_c, max_r = sheet.getColumns().getCount() - 1, sheet.getRows().getCount() - 1
    found, merged = {}, []
    runs = sheet.getCellFormatRanges()
    for i in range(runs.getCount()):
        rng = runs.getByIndex(i)
        a = rng.getRangeAddress()
        attrs, fmt_type = attributes(doc, rng, formats)
        # Plain Python bounds checks cost nothing next to a UNO round trip.
        members = [(c, r) for c, r in wanted if a.StartColumn <= c <= a.EndColumn
                   and a.StartRow <= r <= a.EndRow]
        is_merged = rng.getIsMerged()  # true if a merge origin lies in this run
        if not attrs["locked"] or attrs["validation"] or is_merged:
            end_c = used.EndColumn if a.EndColumn >= max_c else a.EndColumn
            end_r = used.EndRow if a.EndRow >= max_r else a.EndRow
            box = [(c, r) for r in range(a.StartRow, end_r + 1)
                   for c in range(a.StartColumn, end_c + 1)]
            if len(box) + len(found) > MAX_CELLS_PER_SHEET:
                raise RuntimeError(f"sheet {sheet.Name}: over {MAX_CELLS_PER_SHEET} cells to "
                                   "list; use cells() for the refs you need")
            if is_merged:
                merged.extend(_merges(sheet, box))
            if not attrs["locked"] or attrs["validation"]:
                members = set(members) | set(box)
        for c, r in members:
            kind, value, formula = content.get((c, r), ("empty", None, None))
            info = {"type": kind, "value": value, "string": value if kind == "text" else "",
                    **attrs, "annotation": notes.get((c, r))}
            if kind in ("value", "formula"):
                if isinstance(value, float) and (c, r) not in errors:
                    info["string"] = sheet.getCellByPosition(c, r).getString()  # as shown
                else:
                    info["string"] = info["value"] = sheet.getCellByPosition(c, r).getString()
            if formula is not None:
                info["formula"] = formula
            if (c, r) in errors:
                info["error"] = True
            links = _links(sheet.getCellByPosition(c, r)) if (c, r) in rich else None
            if links and kind == "text":
                info["hyperlinks"] = links
            _add_date(doc, info, fmt_type)
            found[(c, r)] = info
    cells = {ref(c, r): found[(c, r)] for c, r in sorted(found, key=lambda cr: (cr[1], cr[0]))}
    return cells, used, sorted(set(merged))


def _merges(sheet, box):
    out = []
    for c, r in box:
        cell = sheet.getCellByPosition(c, r)
        if cell.getIsMerged():  # only true on a merge's top-left cell
            cur = sheet.createCursorByRange(cell)
            cur.collapseToMergedArea()
            out.append(range_ref(cur.getRangeAddress()))
    return out


def notes(sheet):
    """{(col, row): comment text}; one pass beats asking every cell."""
    out = {}
    anns = sheet.getAnnotations()
    for i in range(anns.getCount()):
        a = anns.getByIndex(i)
        pos = a.getPosition()
        out[(pos.Column, pos.Row)] = a.getString()
    return out


def page(doc, sheet):
    """Paper size (mm, as oriented) and scaling of the sheet's page style."""
    style = doc.getStyleFamilies().getByName("PageStyles").getByName(sheet.PageStyle)
    return {
        "style": sheet.PageStyle,
        "width_mm": style.Width / 100, "height_mm": style.Height / 100,
        "landscape": bool(style.IsLandscape),
        "scale": style.PageScale,
        "fit_pages_x": style.ScaleToPagesX, "fit_pages_y": style.ScaleToPagesY,
    }


def chart_series(sheet):
    """The text of each chart's series' label cells, chart by chart ("None" for a label cell that is
    empty, where Calc's legend says "Column D"). A name written as a literal (openpyxl's) reads "".""" 
    charts = sheet.getCharts()
    out = []
    for i in range(charts.getCount()):
        diagram = charts.getByIndex(i).getEmbeddedObject().getFirstDiagram()
        names = []
        for system in diagram.getCoordinateSystems():
            for kind in system.getChartTypes():
                for series in kind.getDataSeries():
                    for sequence in series.getDataSequences():
                        label = sequence.getLabel()
                        if label is not None:
                            names.append(" ".join(str(x) for x in label.getData()))
        out.append(names)
    return out


# -- whole document -------------------------------------------------------------
def inspect_doc(doc):
    formats = {}
    sheets = []
    all_sheets = doc.getSheets()
    for i in range(all_sheets.getCount()):
        sh = all_sheets.getByIndex(i)
        cells, used, merged = sheet_cells(doc, sh, formats, notes(sh))
        sheets.append({
            "name": sh.Name,
            "visible": bool(sh.IsVisible),
            "protected": bool(sh.isProtected()),
            "used_range": range_ref(used),
            "cells": cells,
            "merged": merged,
            "page": page(doc, sh),
            "print_areas": [range_ref(a) for a in sh.getPrintAreas()],
            "charts": sh.getCharts().getCount(),
            "chart_series": chart_series(sh),
        })
    names = doc.NamedRanges
    named = {n: names.getByName(n).getContent() for n in names.getElementNames()}
    udp = doc.getDocumentProperties().getUserDefinedProperties()
    props = {p.Name: jsonable(udp.getPropertyValue(p.Name))
             for p in udp.getPropertySetInfo().getProperties()}
    return {"sheets": sheets, "named_ranges": named, "user_properties": props}


def cells_of(doc, sheet, refs):
    """describe() for just the given A1 refs of one sheet."""
    formats = {}
    out = {}
    for r in refs:
        addr = sheet.getCellRangeByName(r).getCellAddress()
        out[r] = describe(doc, sheet, addr.Column, addr.Row, formats)
    return out
