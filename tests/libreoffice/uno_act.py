"""What a teacher does to a sheet from Calc's menus, over UNO (run inside ``uno_worker.py``).

Each action is one function of this module's ``ACTIONS``; ``act`` runs one and returns True, or the
error text Calc answered with (a protected sheet refuses some of them, as its menus do).
"""
from __future__ import annotations

import uno


def _rows(sh, first, count, visible):
    rows = sh.getRows()
    for i in range(first - 1, first - 1 + count):
        rows.getByIndex(i).IsVisible = visible


def hide_rows(doc, sh, first, count=1):
    """Format > Rows > Hide (``first`` is 1-based)."""
    _rows(sh, first, count, False)


def hide_columns(doc, sh, letter):
    """Format > Columns > Hide."""
    sh.getColumns().getByName(letter).IsVisible = False


def freeze(doc, sh, columns, rows):
    """View > Freeze Cells at (``columns``, ``rows``)."""
    doc.CurrentController.setActiveSheet(sh)
    doc.CurrentController.freezeAtPosition(columns, rows)


def zoom(doc, sh, percent):
    """View > Zoom."""
    doc.CurrentController.ZoomValue = percent


def note(doc, sh, ref, text):
    """Insert > Comment on ``ref``."""
    addr = sh.getCellRangeByName(ref).getCellAddress()
    sh.getAnnotations().insertNew(addr, text)


def colour(doc, sh, ref, rgb, bold=False):
    """Format > Cells: font colour (and bold) of ``ref``."""
    rng = sh.getCellRangeByName(ref)
    rng.CharColor = rgb
    if bold:
        rng.CharWeight = 150.0


def fill(doc, sh, ref, rgb):
    """The background colour of ``ref``."""
    sh.getCellRangeByName(ref).CellBackColor = rgb


def hyperlink(doc, sh, ref, target, text):
    """Insert > Hyperlink into ``ref``: the cell's text becomes a link field."""
    cell = sh.getCellRangeByName(ref)
    field = doc.createInstance("com.sun.star.text.TextField.URL")
    field.URL, field.Representation = target, text
    cell.setString("")
    cell.getText().insertTextContent(cell.getText().createTextCursor(), field, False)


def fill_down(doc, sh, ref):
    """Drag the fill handle down over ``ref`` (its first row is the source): Calc's AutoFill."""
    from com.sun.star.sheet.FillDirection import TO_BOTTOM
    sh.getCellRangeByName(ref).fillAuto(TO_BOTTOM, 1)


def sort(doc, sh, ref, column, ascending=True):
    """Data > Sort ``ref`` by its ``column`` (0-based within the range), no header row."""
    rng = sh.getCellRangeByName(ref)
    field = uno.createUnoStruct("com.sun.star.table.TableSortField")
    field.Field, field.IsAscending = column, ascending
    desc = rng.createSortDescriptor()
    for prop in desc:
        if prop.Name == "SortFields":
            prop.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
        elif prop.Name == "ContainsHeader":
            prop.Value = False
    uno.invoke(rng, "sort", (desc,))


def autofilter(doc, sh, ref):
    """Data > AutoFilter on ``ref`` (its first row holds the buttons)."""
    ranges = doc.DatabaseRanges
    name = "sheetsync_teacher_filter"
    if ranges.hasByName(name):
        ranges.removeByName(name)
    ranges.addNewByName(name, sh.getCellRangeByName(ref).getRangeAddress())
    ranges.getByName(name).AutoFilter = True


def merge(doc, sh, ref):
    """Format > Merge Cells."""
    sh.getCellRangeByName(ref).merge(True)


def clear(doc, sh, ref):
    """Select ``ref`` and press Delete."""
    sh.getCellRangeByName(ref).clearContents(1 | 2 | 4 | 16)


def rename_sheet(doc, sh, old, new):
    """Double-click the sheet's tab and type a new name."""
    doc.getSheets().getByName(old).setName(new)


def insert_sheet(doc, sh, name, position):
    """Sheet > Insert Sheet at ``position`` (0-based)."""
    doc.getSheets().insertNewByName(name, position)


def copy_sheet(doc, sh, name, new, position):
    """Sheet > Move or Copy Sheet > Copy."""
    doc.getSheets().copyByName(name, new, position)


def show_sheet(doc, sh, name):
    """Sheet > Show Sheet: a hidden sheet shown."""
    doc.getSheets().getByName(name).IsVisible = True


def remove_sheet(doc, sh, name):
    """Sheet > Delete Sheet."""
    doc.getSheets().removeByName(name)


def move_sheet(doc, sh, name, position):
    """Drag a sheet's tab to ``position`` (0-based)."""
    doc.getSheets().moveByName(name, position)


def type_in(doc, sh, ref, text, sheet=None):
    """Type ``text`` into ``ref`` (of ``sheet``, else the form's sheet)."""
    target = doc.getSheets().getByName(sheet) if sheet else sh
    target.getCellRangeByName(ref).FormulaLocal = text


ACTIONS = {f.__name__: f for f in (hide_rows, hide_columns, freeze, zoom, note, colour, fill, hyperlink,
                                   fill_down, sort, autofilter, merge, clear, rename_sheet, insert_sheet,
                                   copy_sheet, show_sheet, remove_sheet, move_sheet, type_in)}


def act(doc, sh, name, *args):
    """Run action ``name``; True, or the error Calc answered with."""
    try:
        ACTIONS[name](doc, sh, *args)
    except Exception as exc:  # noqa: BLE001  (a UNO exception is the answer here, not a failure)
        return f"{type(exc).__name__}: {getattr(exc, 'Message', '') or exc}"
    return True


def into_new_document(new, doc, sh, how):
    """The form's sheet put into ``new``, a new workbook of her own (``File > New``), returned:
    ``how`` is "paste" (the whole sheet selected, Copy, Paste into the new one's first sheet, as she does
    it) or "sheet" (Sheet > Move or Copy Sheet > Copy, to "- new document -": the sheet, its name kept)."""
    if how == "sheet":
        new.getSheets().importSheet(doc, sh.Name, 0)
        new.getSheets().removeByName(new.getSheets().getByIndex(1).Name)  # the new workbook's own empty sheet
        return new
    ctrl = doc.CurrentController
    ctrl.setActiveSheet(sh)
    cursor = sh.createCursor()
    cursor.gotoEndOfUsedArea(True)
    ctrl.select(sh.getCellRangeByPosition(0, 0, cursor.getRangeAddress().EndColumn, cursor.getRangeAddress().EndRow))
    clip = ctrl.getTransferable()
    target = new.getSheets().getByIndex(0)
    new.CurrentController.select(target.getCellByPosition(0, 0))
    new.CurrentController.insertTransferable(clip)
    return new
