"""Checking a layout's look: column widths, row heights, the font, the styles and the page.

These values go straight to openpyxl and odfpy when a template is written, which refused a wrong
one with a traceback of their own (``Colors must be aRGB hex values``) or, worse, took it
silently (a paper size they did not know printed Letter in the .xlsx and A4 in the .ods; a
``lock_prefilled: "no"`` locked). Each is a :class:`FormError` when the form loads, naming the
YAML place and its line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NoReturn, Protocol

from .entries import Keys, yaml_place
from .said import form_error

#: The tallest row Excel takes (points), and its widest column (characters).
MAX_HEIGHT, MAX_WIDTH = 409, 255
STYLE_KEYS = ("bold", "italic", "size", "align", "indent", "fill", "border")
ALIGNS = ("left", "center", "right")
PAGE_KEYS = ("paper", "orientation", "fit_width", "fit_pages_tall", "margins_cm", "repeat_rows")
PAPERS = ("A4", "Letter")  # what both writers know (odf_styles.PAPER_CM, the .xlsx's paper sizes)
ORIENTATIONS = ("portrait", "landscape")
SIDES = ("left", "right", "top", "bottom")
FONT_KEYS = ("name", "size")
_COLUMN = re.compile(r"^[A-Z]{1,3}$")
_COLOUR = re.compile(r"^[0-9A-Fa-f]{6}$")
class Refuse(Protocol):
    """Stops the load with one line naming a YAML place: the mistake ``code`` of ``form.yaml``."""

    def __call__(self, keys: Keys, code: str, /, **params: Any) -> NoReturn: ...


def check_appearance(path: Path, layout: dict[str, Any]) -> None:
    """The layout's ``columns``, ``heights``, ``row_height``, ``table_row_min``, ``font``, ``styles``,
    ``page`` and its tables' ``height`` and ``lock_prefilled``: each a value the writers take. A
    section left empty is taken out of ``layout``, as if absent.

    :raises FormError: naming the YAML place (``school-lunch.yaml line 10 (page.paper): …``).
    """
    def refuse(keys: Keys, code: str, /, **params: Any) -> NoReturn:
        raise form_error(yaml_place(path, keys), code, **params)

    for letter, width in _mapping(layout, ("columns",), refuse).items():
        if not (isinstance(letter, str) and _COLUMN.fullmatch(letter)):
            refuse(("columns", str(letter)), "form.look.column", value=repr(letter))
        _number(("columns", str(letter)), width, MAX_WIDTH, "form.look.width", refuse)
    for row, height in _mapping(layout, ("heights",), refuse).items():
        if not (type(row) is int and row >= 1 or isinstance(row, str) and row.isdigit() and int(row) >= 1):
            refuse(("heights", str(row)), "form.look.row", value=repr(row))
        _number(("heights", str(row)), height, MAX_HEIGHT, "form.look.height", refuse)
    for key in ("row_height", "table_row_min"):
        if key in layout:
            _number((key,), layout[key], MAX_HEIGHT, "form.look.height", refuse)
    font = _mapping(layout, ("font",), refuse)
    _known(("font",), font, FONT_KEYS, refuse)
    if "name" in font and not (isinstance(font["name"], str) and font["name"].strip()):
        refuse(("font", "name"), "form.look.font", value=repr(font["name"]))
    if "size" in font:
        _number(("font", "size"), font["size"], MAX_HEIGHT, "form.look.font-size", refuse)
    for name in _mapping(layout, ("styles",), refuse):
        _check_style(("styles", str(name)), _mapping(layout["styles"], (str(name),), refuse, ("styles",)), refuse)
    _check_page(_mapping(layout, ("page",), refuse), refuse)
    for index, table in enumerate(layout.get("tables") or []):
        if not isinstance(table, dict):
            continue  # the table's own check says what a table is
        if table.get("height") is not None:
            _number(("tables", index, "height"), table["height"], MAX_HEIGHT, "form.look.table-height", refuse)
        if "lock_prefilled" in table and not isinstance(table["lock_prefilled"], bool):
            refuse(("tables", index, "lock_prefilled"), "form.look.flag", value=repr(table["lock_prefilled"]))
    _drop_empty(layout)


def _drop_empty(layout: dict[str, Any]) -> None:
    """A section left empty (every entry under ``heights:`` commented out, YAML's null) is absent,
    for the writers as for the check above: they read ``layout.get("heights", {})``, and stopped
    with AttributeError on the null."""
    for key in ("columns", "heights", "font", "styles", "page"):
        if key in layout and layout[key] is None:
            del layout[key]
    styles = layout.get("styles") or {}
    for name in [name for name, style in styles.items() if style is None]:
        styles[name] = {}
    page = layout.get("page") or {}
    if "margins_cm" in page and page["margins_cm"] is None:
        del page["margins_cm"]


def _check_style(keys: Keys, style: dict[Any, Any], refuse: Refuse) -> None:
    _known(keys, style, STYLE_KEYS, refuse)
    for flag in ("bold", "italic", "border"):
        if flag in style and not isinstance(style[flag], bool):
            refuse((*keys, flag), "form.look.flag", value=repr(style[flag]))
    if "size" in style:
        _number((*keys, "size"), style["size"], MAX_HEIGHT, "form.look.font-size", refuse)
    if "align" in style and style["align"] not in ALIGNS:
        refuse((*keys, "align"), "form.look.one-of", value=repr(style["align"]), known=", ".join(ALIGNS))
    if "indent" in style and not (type(style["indent"]) is int and 0 <= style["indent"] <= 15):
        refuse((*keys, "indent"), "form.look.indent", value=repr(style["indent"]))
    fill = style.get("fill")
    if type(fill) is int:  # fill: 808080 (or 000000, read as octal 0): digits alone are a number to YAML
        refuse((*keys, "fill"), "form.look.fill-number", value=repr(fill))
    if "fill" in style and not (isinstance(fill, str) and _COLOUR.fullmatch(fill)):
        refuse((*keys, "fill"), "form.look.fill", value=repr(fill))


def _check_page(page: dict[Any, Any], refuse: Refuse) -> None:
    _known(("page",), page, PAGE_KEYS, refuse)
    if "paper" in page and str(page["paper"]).upper() not in (p.upper() for p in PAPERS):
        refuse(("page", "paper"), "form.look.one-of", value=repr(page["paper"]), known=", ".join(PAPERS))
    if "orientation" in page and page["orientation"] not in ORIENTATIONS:
        refuse(("page", "orientation"), "form.look.one-of", value=repr(page["orientation"]),
               known=", ".join(ORIENTATIONS))
    if "fit_width" in page and not isinstance(page["fit_width"], bool):
        refuse(("page", "fit_width"), "form.look.flag", value=repr(page["fit_width"]))
    tall = page.get("fit_pages_tall", 0)
    if not (type(tall) is int and tall >= 0):
        refuse(("page", "fit_pages_tall"), "form.look.pages", value=repr(tall))
    for side, cm in _mapping(page, ("margins_cm",), refuse, ("page",)).items():
        if side not in SIDES:
            refuse(("page", "margins_cm", str(side)), "form.look.side", side=repr(side), known=", ".join(SIDES))
        if isinstance(cm, bool) or not isinstance(cm, (int, float)) or not 0 <= cm <= 10:
            refuse(("page", "margins_cm", str(side)), "form.look.margin", value=repr(cm))
    rows = page.get("repeat_rows")
    if rows is not None and not (isinstance(rows, list) and len(rows) == 2 and all(type(r) is int for r in rows)
                                 and 1 <= rows[0] <= rows[1]):
        refuse(("page", "repeat_rows"), "form.look.repeat-rows", rows=repr(rows))


def _mapping(parent: dict[Any, Any], keys: tuple[str], refuse: Refuse, above: Keys = ()) -> dict[Any, Any]:
    """``parent[key]`` if it is a mapping, ``{}`` if absent; refused if it is something else."""
    value = parent.get(keys[0])
    if value is None:
        return {}
    if not isinstance(value, dict):
        refuse((*above, *keys), "form.look.mapping", value=repr(value))
    return dict(value)


def _known(keys: Keys, given: dict[Any, Any], known: tuple[str, ...], refuse: Refuse) -> None:
    unknown = next((key for key in given if key not in known), None)
    if unknown is not None:
        refuse(keys, "form.unknown-key", key=repr(unknown), known=", ".join(known))


def _number(keys: Keys, value: Any, most: float, code: str, refuse: Refuse) -> None:
    """A width, a height or a size: refused (the mistake ``code``) unless a number above 0, at most ``most``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= most:
        refuse(keys, code, value=repr(value), most=most)
