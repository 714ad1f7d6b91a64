"""UNO worker: drives one listening LibreOffice over a pipe, JSON lines on stdio.

Run by the *system* interpreter (``/usr/bin/python3``), because only that one
can ``import uno``; the project interpreter talks to it through
``tests/libreoffice/client.py``.  Usage::

    /usr/bin/python3 uno_worker.py <pipe-name> <staging-dir>

Protocol: one JSON request per line on stdin (``{"cmd": ..., **args}``), one
JSON response per line on stdout (``{"ok": true, "result": ...}`` or
``{"ok": false, "error": "..."}``).  The first line written is a ``ready``
response once the connection to soffice works.
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
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

import uno_act  # noqa: E402  (sibling file: the script's dir is on sys.path)
import uno_inspect  # noqa: E402

FILTERS = {
    "xlsx": "Calc MS Excel 2007 XML",
    "ods": "calc8",
    "fods": "OpenDocument Spreadsheet Flat XML",
    "xls": "MS Excel 97",
    "pdf": "calc_pdf_Export",
    "csv": "Text - txt - csv (StarCalc)",
}
# separator ',', quote '"', UTF-8 (76), from line 1, default cell formats,
# language 0, don't quote all text, detect special numbers, save as shown.
CSV_OPTIONS = "44,34,76,1,,0,false,true,true"
CSV_SHEET_ALIAS = "sheetsync_csv_export"


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def type_text(sheet, cell_ref, text):
    """Enter ``text`` into one cell the way a person's typing ends up, without the dispatcher.

    Why not ``.uno:GoToCell`` + ``.uno:EnterString``: any dispatch makes Calc build its formula
    bar in an idle task, and Debian's -nogui package lacks the Calc ``.ui`` files, so soffice
    aborts (always on a slow machine); two "protected cell" message boxes in one sitting
    segfault as well.  Setting ``FormulaLocal`` runs Calc's own input function
    (``ScDocFunc::SetNormalString``): numbers and dates are recognised in soffice's locale and
    the cell's number-format language exactly as typing does, and sheet protection is honoured
    (a locked cell keeps its value, no dialog).  Multi-line text is entered as pasting does
    (``setString``), which bypasses input parsing, so protection is checked here first.
    """
    cell = sheet.getCellRangeByName(cell_ref)
    if "\n" in text:
        if sheet.isProtected() and cell.CellProtection.IsLocked:
            return  # a protected cell refuses a paste too
        cell.setString(text)
    else:
        cell.FormulaLocal = text


class Worker:
    """One UNO connection; ``cmd_<name>`` methods are the protocol's commands."""

    def __init__(self, pipe_name, stage_dir, timeout=60.0):
        self.stage_dir = stage_dir
        self._stage_ids = itertools.count()
        self._staged = []
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
        self.disable_auto_input(smgr)

    def disable_auto_input(self, smgr):
        """Turn off Calc's AutoInput (autocomplete from the column), and its question before a paste
        replaces what a cell holds.

        Tests type exact values; AutoInput would complete a typed prefix from the column
        above, which a person notices and a script does not.
        """
        provider = smgr.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.ctx)
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            (pv("nodepath", "/org.openoffice.Office.Calc/Input"),))
        access.setPropertyValue("AutoInput", False)
        # A paste over a cell holding something asks "You are pasting data into cells that already
        # contain data"; a dialog in a headless soffice kills it (as a person, the test answers yes).
        access.setPropertyValue("ReplaceCellsWarning", False)
        access.commitChanges()

    # -- document helpers -------------------------------------------------
    def stage(self, ext):
        """A fresh ASCII-only path in the staging dir.

        soffice runs under LC_ALL=th_TH.UTF-8, which is usually not generated,
        so its file-name encoding falls back to ASCII: non-ASCII paths fail to
        load ("Unsupported URL") or store (IOException).  Such files travel
        through ASCII-named copies instead.
        """
        return os.path.join(self.stage_dir, f"f{next(self._stage_ids)}{ext}")

    def load(self, path):
        path = os.path.abspath(path)
        if not os.path.exists(path):
            raise FileNotFoundError(path)
        if not path.isascii():
            staged = self.stage(os.path.splitext(path)[1])
            shutil.copyfile(path, staged)
            self._staged.append(staged)  # kept until close: ods parts load lazily
            path = staged
        doc = self.desktop.loadComponentFromURL(
            url(path), "_blank", 0, (pv("Hidden", True), pv("ReadOnly", False)))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not load {path}")
        return doc

    def close_doc(self, doc):
        try:
            doc.close(True)
        except Exception:
            doc.dispose()
        while self._staged:
            os.remove(self._staged.pop())

    def store(self, doc, dest, sheet=None, password=None):
        dest = os.path.abspath(dest)
        ext = os.path.splitext(dest)[1].lower()
        if ext.lstrip(".") not in FILTERS:
            raise ValueError(f"unsupported target extension: {dest}")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        target = dest if dest.isascii() else self.stage(ext)
        args = [pv("FilterName", FILTERS[ext.lstrip(".")]), pv("Overwrite", True)]
        if password is not None:  # "Save with password": the file is encrypted
            args.append(pv("Password", password))
        renamed = None
        if ext == ".csv":
            options = CSV_OPTIONS
            if sheet is not None:
                # Activating a sheet does not steer CSV export of a Hidden doc
                # (no visible view, so Calc exports sheet 1).  Token 12 picks
                # sheet N, but then Calc writes "<stem>-<sheet name>.csv", which
                # fails silently for non-ASCII names: export under an alias.
                sh = self.sheet(doc, sheet)
                options += f",false,false,{sh.getRangeAddress().Sheet + 1}"
                renamed = sh, sh.Name
                sh.setName(CSV_SHEET_ALIAS)
            args.append(pv("FilterOptions", options))
        try:
            doc.storeToURL(url(target), tuple(args))
        finally:
            if renamed:
                renamed[0].setName(renamed[1])
        if renamed:
            os.replace(f"{os.path.splitext(target)[0]}-{CSV_SHEET_ALIAS}.csv", target)
        if target != dest:
            shutil.move(target, dest)
        return dest

    @staticmethod
    def sheet(doc, name):
        sheets = doc.getSheets()
        if not sheets.hasByName(name):
            raise KeyError(f"no sheet {name!r}; have {list(sheets.getElementNames())}")
        return sheets.getByName(name)

    # -- commands -----------------------------------------------------------
    def cmd_ping(self):
        return "pong"

    def cmd_convert(self, src, dest, sheet=None, password=None):
        doc = self.load(src)
        try:
            return self.store(doc, dest, sheet, password)
        finally:
            self.close_doc(doc)

    def cmd_inspect(self, path):
        doc = self.load(path)
        try:
            return uno_inspect.inspect_doc(doc)
        finally:
            self.close_doc(doc)

    def cmd_cells(self, path, sheet, refs):
        doc = self.load(path)
        try:
            return uno_inspect.cells_of(doc, self.sheet(doc, sheet), refs)
        finally:
            self.close_doc(doc)

    def cmd_type_into(self, src, dest, entries, sheet=None):
        doc = self.load(src)
        try:
            sh = self.sheet(doc, sheet) if sheet else doc.getSheets().getByIndex(0)
            for cell_ref, text in entries.items():
                type_text(sh, cell_ref, text)
            result = uno_inspect.cells_of(doc, sh, list(entries))
            if dest:
                self.store(doc, dest, sh.Name)
            return result
        finally:
            self.close_doc(doc)

    def cmd_unmerge_and_type(self, src, dest, ranges, entries, sheet, password="sheetsync"):
        """What a person does to a merged field once the sheet's protection is off: unprotect the
        sheet, split each of ``ranges`` (Format > Merge Cells > Split Cells, keeping the hidden cells
        empty) and type ``entries`` into the cells that were hidden inside. Saved as ``dest``; the
        typed cells as they ended up."""
        doc = self.load(src)
        try:
            sh = self.sheet(doc, sheet)
            if sh.isProtected():
                sh.unprotect(password)
            for name in ranges:
                sh.getCellRangeByName(name).merge(False)
            for cell_ref, text in entries.items():
                type_text(sh, cell_ref, text)
            result = uno_inspect.cells_of(doc, sh, list(entries))
            self.store(doc, dest, sh.Name)
            return result
        finally:
            self.close_doc(doc)

    def cmd_paste_into(self, src, dest, entries, sheet=None):
        """Paste into each cell a cell copied from another workbook, with its number format, as
        Calc's Paste does: ``entries`` maps a cell to ``[typed, format]``, the text typed into the
        other workbook's cell (in soffice's locale) and its number format code (None: the one Calc
        gave it from the typing). Save as ``dest`` (unless None); the cells as they ended up."""
        doc = self.load(src)
        other = self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (pv("Hidden", True),))
        try:
            sh = self.sheet(doc, sheet) if sheet else doc.getSheets().getByIndex(0)
            for row, (cell_ref, (typed, code)) in enumerate(entries.items()):
                source = other.getSheets().getByIndex(0).getCellByPosition(0, row)  # a fresh cell each
                source.FormulaLocal = typed
                if code is not None:
                    source.NumberFormat = _format_key(other, code)
                other.CurrentController.select(source)
                clip = other.CurrentController.getTransferable()
                doc.CurrentController.setActiveSheet(sh)
                doc.CurrentController.select(sh.getCellRangeByName(cell_ref))
                doc.CurrentController.insertTransferable(clip)
            result = uno_inspect.cells_of(doc, sh, list(entries))
            if dest:
                self.store(doc, dest, sh.Name)
            return result
        finally:
            other.close(True)
            self.close_doc(doc)

    def cmd_copy_paste(self, src, dest, pairs, sheet=None):
        """Copy each range and paste it at another cell of the same sheet, as Calc's Copy and Paste do
        (``pairs``: ``[[from, to], ...]``, e.g. ``["B42:G42", "B43"]``); an empty ``to`` deletes the
        range's contents instead (the Delete key). Save as ``dest``; the pasted cells as they ended up."""
        doc = self.load(src)
        try:
            sh = self.sheet(doc, sheet) if sheet else doc.getSheets().getByIndex(0)
            ctrl = doc.CurrentController
            ctrl.setActiveSheet(sh)
            refs = []
            for source, target in pairs:
                rng = sh.getCellRangeByName(source)
                if not target:
                    rng.clearContents(1 | 2 | 4 | 16)  # values, dates, strings, formulas: what Delete clears
                    continue
                ctrl.select(rng)
                clip = ctrl.getTransferable()
                ctrl.select(sh.getCellRangeByName(target))
                ctrl.insertTransferable(clip)
                refs.append(target)
            result = uno_inspect.cells_of(doc, sh, refs)
            if dest:
                self.store(doc, dest, sh.Name)
            return result
        finally:
            self.close_doc(doc)

    def cmd_act(self, src, dest, actions, sheet=None):
        """Do ``actions`` to the sheet as a teacher does them from Calc's menus, each ``[name, *args]``
        (see ``uno_act.ACTIONS``), and save as ``dest`` (unless None). Sheet protection applies as it
        does to the menu: an action Calc refuses on a protected sheet is answered with its error text
        instead of being done. Returns ``{"done": [True | "error text", ...], "sheets": [names]}``."""
        doc = self.load(src)
        try:
            sh = self.sheet(doc, sheet) if sheet else doc.getSheets().getByIndex(0)
            done = [uno_act.act(doc, sh, name, *args) for name, *args in actions]
            names = list(doc.getSheets().getElementNames())
            if dest:
                self.store(doc, dest, sh.Name)
            return {"done": done, "sheets": names}
        finally:
            self.close_doc(doc)

    def cmd_into_new(self, src, dest, how, sheet=None):
        """The form's sheet put into a new workbook (``uno_act.into_new_document``), saved as ``dest``: the
        names of its sheets."""
        doc = self.load(src)
        try:
            sh = self.sheet(doc, sheet) if sheet else doc.getSheets().getByIndex(0)
            new = self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (pv("Hidden", True),))
            uno_act.into_new_document(new, doc, sh, how)
            try:
                self.store(new, dest, new.getSheets().getByIndex(0).Name)
                return list(new.getSheets().getElementNames())
            finally:
                new.close(True)
        finally:
            self.close_doc(doc)

    def cmd_geometry(self, path, sheet, columns=26, rows=60, entries=None):
        """Column widths and row heights in mm (and which rows fit their text), as Calc lays
        the sheet out, after setting ``entries`` (cell -> text, as ``type_into`` types) if any."""
        doc = self.load(path)
        try:
            sh = self.sheet(doc, sheet)
            for cell_ref, text in (entries or {}).items():
                type_text(sh, cell_ref, text)
            cols = sh.getColumns()
            rws = sh.getRows()
            return {
                "columns_mm": [cols.getByIndex(i).Width / 100 for i in range(columns)],
                "rows_mm": [rws.getByIndex(i).Height / 100 for i in range(rows)],
                "optimal": [bool(rws.getByIndex(i).OptimalHeight) for i in range(rows)],
                "repeat_rows": _repeat_rows(sh),
            }
        finally:
            self.close_doc(doc)

    def cmd_fitted_heights(self, path, sheet, rows, password="sheetsync"):
        """Per row (1-based): ``[height as written, height Calc fits it to]`` in mm.

        Calc's own fit (optimal row height) measures the text with the font it really uses (here
        the fallback for TH Sarabun New) and breaks Thai by its dictionary, as it does in print;
        a row written shorter than that prints its last lines cut.  Nothing is saved.
        """
        doc = self.load(path)
        try:
            sh = self.sheet(doc, sheet)
            if sh.isProtected():
                sh.unprotect(password)
            out = {}
            for row in rows:
                props = sh.getRows().getByIndex(row - 1)
                written = props.Height / 100
                props.Height = 100  # a manual height first, so that the fit below really runs
                props.OptimalHeight = True
                out[str(row)] = [written, props.Height / 100]
            return out
        finally:
            self.close_doc(doc)

    def cmd_validity(self, path, sheet, refs, password="sheetsync"):
        """Whether each cell's content passes its custom (formula) validation, as Calc computes it.

        Calc checks validity only while a person types in its window; here the rule's formula
        (absolute references, as sheetsync writes them) is evaluated in a scratch cell of the
        unprotected sheet instead.  None for a cell without a custom rule.  Nothing is saved.
        """
        doc = self.load(path)
        try:
            sh = self.sheet(doc, sheet)
            if sh.isProtected():
                sh.unprotect(password)
            scratch = sh.getCellByPosition(1000, 0)
            out = {}
            for cell_ref in refs:
                rule = sh.getCellRangeByName(cell_ref).Validation
                if rule.Type.value != "CUSTOM":
                    out[cell_ref] = None
                    continue
                scratch.setFormula("=IF(ISERROR(" + rule.getFormula1() + ");0;IF(" + rule.getFormula1() + ";1;0))")
                out[cell_ref] = {"valid": scratch.getValue() == 1, "formula": rule.getFormula1()}
            return out
        finally:
            self.close_doc(doc)

    def cmd_shutdown(self):
        try:
            self.desktop.terminate()
        except Exception:  # the bridge drops while soffice quits: expected
            pass
        return "bye"


def _format_key(doc, code):
    """The key of the number format ``code`` (en-US codes) in ``doc``, added if need be."""
    formats = doc.getNumberFormats()
    locale = uno.createUnoStruct("com.sun.star.lang.Locale")
    locale.Language, locale.Country = "en", "US"
    key = formats.queryKey(code, locale, False)
    return key if key >= 0 else formats.addNew(code, locale)


def _repeat_rows(sheet):
    """The rows printed on every page ("A33:A33" style, 1-based), or None."""
    if not sheet.getPrintTitleRows():
        return None
    addr = sheet.getTitleRows()
    return [addr.StartRow + 1, addr.EndRow + 1]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        worker = Worker(sys.argv[1], sys.argv[2])
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
                                          f"({os.path.basename(where.filename)}:{where.lineno}: {where.line})"}
        _PROTO.write(json.dumps(resp, ensure_ascii=False) + "\n")
        if cmd == "shutdown":  # soffice is going away; nothing left to serve
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
