"""UNO worker: drives one listening LibreOffice over a pipe, JSON lines on stdio.

Run by the *system* interpreter (``/usr/bin/python3``), because only that one
can ``import uno``; the project interpreter talks to it through
``tests/libreoffice/client.py``.  Usage::

    /usr/bin/python3 uno_worker.py <pipe-name>

Protocol: one JSON request per line on stdin (``{"cmd": ..., **args}``), one
JSON response per line on stdout (``{"ok": true, "result": ...}`` or
``{"ok": false, "error": "..."}``).  The first line written is a ``ready``
response once the connection to soffice works.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import time
import traceback

# Keep the protocol channel clean: anything UNO or LibreOffice libraries print
# on fd 1 would corrupt the JSON stream, so fd 1 now points at stderr and the
# protocol gets a private duplicate of the original stdout.
_PROTO = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

import uno  # noqa: E402  (must come after the fd shuffle)
from com.sun.star.beans import PropertyValue  # noqa: E402

FILTERS = {
    "xlsx": "Calc MS Excel 2007 XML",
    "ods": "calc8",
    "xls": "MS Excel 97",
    "pdf": "calc_pdf_Export",
    "csv": "Text - txt - csv (StarCalc)",
}
# separator ',', quote '"', UTF-8 (76), from line 1, default cell formats,
# language 0, don't quote all text, detect special numbers, save as shown.
CSV_OPTIONS = "44,34,76,1,,0,false,true,true"
# com.sun.star.util.NumberFormat bits that mean "this number is a date/time".
NF_DATE, NF_TIME = 2, 4
MAX_CELLS_PER_SHEET = 20000  # guard against pathological formatted ranges


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def col_name(col):
    """0-based column index -> letters (0 -> A)."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def ref(col, row):
    return f"{col_name(col)}{row + 1}"


def range_ref(addr):
    start, end = ref(addr.StartColumn, addr.StartRow), ref(addr.EndColumn, addr.EndRow)
    return start if start == end else f"{start}:{end}"


def jsonable(value):
    """Turn UNO structs (DateTime, Date, Duration...) into JSON-friendly values."""
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


class Worker:
    def __init__(self, pipe_name, timeout=60.0):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + timeout
        while True:  # soffice needs a few seconds before the pipe accepts
            try:
                self.ctx = resolver.resolve(
                    f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
        smgr = self.ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        self.dispatcher = smgr.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", self.ctx)

    # -- document helpers -------------------------------------------------
    def load(self, path):
        if not os.path.exists(path):
            raise FileNotFoundError(path)
        # Hidden (not a bare model) so the doc still gets a frame for dispatch.
        doc = self.desktop.loadComponentFromURL(
            url(path), "_blank", 0, (pv("Hidden", True), pv("ReadOnly", False)))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not load {path}")
        return doc

    @staticmethod
    def close_doc(doc):
        try:
            doc.close(True)
        except Exception:
            doc.dispose()

    def store(self, doc, dest, sheet=None):
        dest = os.path.abspath(dest)
        ext = os.path.splitext(dest)[1].lower().lstrip(".")
        if ext not in FILTERS:
            raise ValueError(f"unsupported target extension: {dest}")
        args = [pv("FilterName", FILTERS[ext]), pv("Overwrite", True)]
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if ext != "csv" or sheet is None:
            if ext == "csv":
                args.append(pv("FilterOptions", CSV_OPTIONS))
            doc.storeToURL(url(dest), tuple(args))
            return dest
        # Activating a sheet does not steer CSV export of a Hidden document
        # (no visible view, so Calc exports sheet 1).  Token 12 picks sheet N
        # but LibreOffice then writes "<stem>-<sheet name>.csv"; rename it.
        sh = self.sheet(doc, sheet)
        number = sh.getRangeAddress().Sheet + 1
        args.append(pv("FilterOptions", f"{CSV_OPTIONS},false,false,{number}"))
        doc.storeToURL(url(dest), tuple(args))
        written = f"{os.path.splitext(dest)[0]}-{sh.Name}.csv"
        os.replace(written, dest)
        return dest

    @staticmethod
    def sheet(doc, name):
        sheets = doc.getSheets()
        if not sheets.hasByName(name):
            raise KeyError(f"no sheet {name!r}; have {list(sheets.getElementNames())}")
        return sheets.getByName(name)

    # -- cell description ---------------------------------------------------
    def describe(self, doc, sheet, col, row, formats, notes=None):
        cell = sheet.getCellByPosition(col, row)
        kind = cell.getType().value  # EMPTY / VALUE / TEXT / FORMULA
        prot, valid, nf_key, western, cplx, height = cell.getPropertyValues(
            ("CellProtection", "Validation", "NumberFormat",
             "CharFontName", "CharFontNameComplex", "CharHeight"))
        fmt_string, fmt_type = formats.get(nf_key) or formats.setdefault(
            nf_key, self._format(doc, nf_key))
        info = {
            "type": {"EMPTY": "empty", "VALUE": "value", "TEXT": "text"}.get(kind, "formula"),
            "value": None,
            "string": cell.getString(),
            "locked": bool(prot.IsLocked),
            "hidden": bool(prot.IsFormulaHidden),
            "validation": self._validation(valid),
            "annotation": None,
            "number_format": fmt_string,
            "fonts": {"western": western, "complex": cplx, "height": height},
        }
        if kind == "TEXT":
            info["value"] = info["string"]
            links = self._links(cell)
            if links:
                info["hyperlinks"] = links
        elif kind == "VALUE":
            info["value"] = cell.getValue()
        elif kind == "FORMULA":
            info["formula"] = cell.getFormula()
            res = cell.FormulaResultType2  # com.sun.star.sheet.FormulaResult: 1 VALUE 2 STRING 4 ERROR
            info["value"] = cell.getValue() if res == 1 else cell.getString()
            if res == 4:
                info["error"] = True
        if isinstance(info["value"], float) and fmt_type & (NF_DATE | NF_TIME):
            # Serial number -> ISO, counted from the document's own null date.
            nd = doc.NullDate
            base = _dt.datetime(nd.Year, nd.Month, nd.Day)
            stamp = base + _dt.timedelta(days=info["value"])
            info["date"] = stamp.isoformat() if fmt_type & NF_TIME else stamp.date().isoformat()
        if notes is None:
            if cell.getAnnotation().getString():
                info["annotation"] = cell.getAnnotation().getString()
        else:
            info["annotation"] = notes.get((col, row))
        return info

    @staticmethod
    def _format(doc, key):
        try:
            nf = doc.getNumberFormats().getByKey(key)
            return nf.FormatString, nf.Type
        except Exception:
            return None, 0

    @staticmethod
    def _validation(v):
        vtype = v.Type.value
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
            "show_list": v.ShowList,
        }

    @staticmethod
    def _links(cell):
        out = []
        fields = cell.getTextFields().createEnumeration()
        while fields.hasMoreElements():
            f = fields.nextElement()
            # Calc's URL fields only claim the generic TextField service.
            if f.getPropertySetInfo().hasPropertyByName("URL"):
                out.append({"url": f.URL, "text": f.Representation})
        return out

    # -- sheet walking ------------------------------------------------------
    def interesting_cells(self, sheet):
        """Cells with content, a note, no lock or a validation, as (col, row).

        Content comes from queryContentCells over the used area; attributes
        from getCellFormatRanges, which hands back uniform runs instead of
        making us ask every cell.  Unlocked/validated runs beyond the used
        area (empty input cells below the last label) widen the scan too,
        unless they run to the sheet's edge (whole-column formatting).
        """
        cur = sheet.createCursor()
        cur.gotoStartOfUsedArea(False)
        cur.gotoEndOfUsedArea(True)
        used = cur.getRangeAddress()
        cells = set()
        content = cur.queryContentCells(1 | 2 | 4 | 8 | 16)  # VALUE DATETIME STRING ANNOTATION FORMULA
        for a in content.getRangeAddresses():
            for r in range(a.StartRow, a.EndRow + 1):
                for c in range(a.StartColumn, a.EndColumn + 1):
                    cells.add((c, r))
        limits = sheet.getColumns().getCount() - 1, sheet.getRows().getCount() - 1
        fmt = sheet.getCellFormatRanges()
        for i in range(fmt.getCount()):
            rng = fmt.getByIndex(i)
            prot, valid = rng.getPropertyValues(("CellProtection", "Validation"))
            if prot.IsLocked and valid.Type.value == "ANY":
                continue
            a = rng.getRangeAddress()
            end_c = min(a.EndColumn, used.EndColumn if a.EndColumn >= limits[0] else a.EndColumn)
            end_r = min(a.EndRow, used.EndRow if a.EndRow >= limits[1] else a.EndRow)
            for r in range(a.StartRow, end_r + 1):
                for c in range(a.StartColumn, end_c + 1):
                    cells.add((c, r))
                    if len(cells) > MAX_CELLS_PER_SHEET:
                        raise RuntimeError(f"sheet {sheet.Name}: over {MAX_CELLS_PER_SHEET} cells")
        return sorted(cells, key=lambda cr: (cr[1], cr[0])), used

    @staticmethod
    def notes(sheet):
        out = {}
        anns = sheet.getAnnotations()
        for i in range(anns.getCount()):
            a = anns.getByIndex(i)
            pos = a.getPosition()
            out[(pos.Column, pos.Row)] = a.getString()
        return out

    @staticmethod
    def merged(sheet, cells):
        out = []
        for c, r in cells:
            cell = sheet.getCellByPosition(c, r)
            if cell.getIsMerged():  # only true on a merge's top-left cell
                cur = sheet.createCursorByRange(cell)
                cur.collapseToMergedArea()
                out.append(range_ref(cur.getRangeAddress()))
        return out

    def page(self, doc, sheet):
        style = doc.getStyleFamilies().getByName("PageStyles").getByName(sheet.PageStyle)
        return {
            "style": sheet.PageStyle,
            "width_mm": style.Width / 100, "height_mm": style.Height / 100,
            "landscape": bool(style.IsLandscape),
            "scale": style.PageScale,
            "fit_pages_x": style.ScaleToPagesX, "fit_pages_y": style.ScaleToPagesY,
        }

    # -- commands -----------------------------------------------------------
    def cmd_ping(self):
        return "pong"

    def cmd_convert(self, src, dest, sheet=None):
        doc = self.load(src)
        try:
            return self.store(doc, dest, sheet)
        finally:
            self.close_doc(doc)

    def cmd_inspect(self, path):
        doc = self.load(path)
        try:
            return self.inspect_doc(doc)
        finally:
            self.close_doc(doc)

    def inspect_doc(self, doc):
        formats = {}
        sheets = []
        all_sheets = doc.getSheets()
        for i in range(all_sheets.getCount()):
            sh = all_sheets.getByIndex(i)
            notes = self.notes(sh)
            positions, used = self.interesting_cells(sh)
            sheets.append({
                "name": sh.Name,
                "visible": bool(sh.IsVisible),
                "protected": bool(sh.isProtected()),
                "used_range": range_ref(used),
                "cells": {ref(c, r): self.describe(doc, sh, c, r, formats, notes)
                          for c, r in positions},
                "merged": self.merged(sh, positions),
                "page": self.page(doc, sh),
                "print_areas": [range_ref(a) for a in sh.getPrintAreas()],
                "charts": sh.getCharts().getCount(),
            })
        names = doc.NamedRanges
        named = {n: names.getByName(n).getContent() for n in names.getElementNames()}
        udp = doc.getDocumentProperties().getUserDefinedProperties()
        props = {p.Name: jsonable(udp.getPropertyValue(p.Name))
                 for p in udp.getPropertySetInfo().getProperties()}
        return {"sheets": sheets, "named_ranges": named, "user_properties": props}

    def cmd_cells(self, path, sheet, refs):
        doc = self.load(path)
        try:
            return self.cells_of(doc, self.sheet(doc, sheet), refs)
        finally:
            self.close_doc(doc)

    def cells_of(self, doc, sh, refs):
        formats = {}
        out = {}
        for r in refs:
            addr = sh.getCellRangeByName(r).getCellAddress()
            out[r] = self.describe(doc, sh, addr.Column, addr.Row, formats)
        return out

    def cmd_type_into(self, src, dest, entries, sheet=None):
        doc = self.load(src)
        try:
            ctrl = doc.getCurrentController()
            sh = self.sheet(doc, sheet) if sheet else ctrl.getActiveSheet()
            ctrl.setActiveSheet(sh)
            frame = ctrl.getFrame()
            for cell_ref, text in entries.items():
                # The same two steps as clicking the Name Box and typing: input
                # goes through protection and input parsing (dates, numbers).
                self.dispatcher.executeDispatch(
                    frame, ".uno:GoToCell", "", 0, (pv("ToPoint", cell_ref),))
                self.dispatcher.executeDispatch(
                    frame, ".uno:EnterString", "", 0, (pv("StringName", text),))
            result = self.cells_of(doc, sh, list(entries))
            if dest:
                self.store(doc, dest, sh.Name)
            return result
        finally:
            self.close_doc(doc)

    def cmd_shutdown(self):
        try:
            self.desktop.terminate()
        except Exception:  # the bridge drops while soffice quits: expected
            pass
        return "bye"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        worker = Worker(sys.argv[1])
    except Exception as exc:
        _PROTO.write(json.dumps({"ok": False, "error": f"connect failed: {exc!r}"}) + "\n")
        return 1
    _PROTO.write(json.dumps({"ok": True, "result": "ready"}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = None
        try:
            req = json.loads(line)
            cmd = req.pop("cmd")
            resp = {"ok": True, "result": getattr(worker, f"cmd_{cmd}")(**req)}
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            msg = getattr(exc, "Message", "") or str(exc)  # UNO exceptions carry .Message
            where = traceback.extract_tb(exc.__traceback__)[-1]  # worker.log has the rest
            resp = {"ok": False, "error": f"{type(exc).__name__}: {msg} "
                                          f"(uno_worker line {where.lineno}: {where.line})"}
        _PROTO.write(json.dumps(resp, ensure_ascii=False) + "\n")
        if cmd == "shutdown":  # soffice is going away; nothing left to serve
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
