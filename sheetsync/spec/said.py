"""A form author's mistake said Thai first: where it is in the layout or schema (file, line, entry)
and what to write instead.

Form authors are office staff, not programmers; the English half (the exception's own text) serves
whoever helps. The texts are in ``sheetsync/messages/form.yaml``. A mistake not worded there yet is
still framed in Thai by :func:`thai_frame`: which file and line, and that the English after it says
what to change.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import FormError
from ..messages import render

SOURCE = "form.yaml"
_LINE = re.compile(r" line (\d+)")
_COLUMN = re.compile(r" column (\d+)")


def thai_place(place: str) -> str:
    """``place`` as :func:`~.entries.yaml_place` writes it, its line and column said in Thai.

    Example::

        thai_place("school-lunch.yaml line 61 (tables[0].columns[1], pupil)")
        # 'school-lunch.yaml บรรทัด 61 (tables[0].columns[1], pupil)'
    """
    head, paren, rest = place.partition(" (")  # the entry's keys in brackets stay as the file spells them
    return _COLUMN.sub(r" ตัวอักษรที่ \1", _LINE.sub(r" บรรทัด \1", head)) + paren + rest


def form_error(place: object, code: str, /, **params: Any) -> FormError:
    """The :class:`FormError` ``code`` of ``form.yaml`` at ``place`` (a file name, or an entry of a layout).

    Example::

        raise form_error(yaml_place(path, ("version",)), "form.version", value="'one'")
    """
    where = str(place)
    th, en = (render(code, lang, source=SOURCE, **params) for lang in ("th", "en"))
    return FormError(f"{where}: {en}", th=f"{thai_place(where)}: {th}")


def thai_frame(message: str) -> str:
    """The Thai of a mistake ``message`` (English, ``"<place>: <what>"``) that ``form.yaml`` does not word:
    where to look, and that the English after it says what to change."""
    place, found, _ = message.partition(": ")
    if not found:
        return render("form.mistake.nowhere", "th", source=SOURCE)
    return render("form.mistake", "th", source=SOURCE, place=thai_place(place))
