"""A form author's mistake said Thai first: where it is in the layout or schema (file, line, entry)
and what to write instead.

Form authors are office staff, not programmers; the English half (the exception's own text) serves
whoever helps. The texts are in ``sheetsync/messages/form.yaml``. A mistake not worded there yet is
still framed in Thai by :func:`sheetsync.errors.thai_frame`: which file and line, and that the English after it says
what to change.
"""

from __future__ import annotations

from typing import Any

from ..errors import FormError, thai_place
from ..messages import render

SOURCE = "form.yaml"


def form_error(place: object, code: str, /, **params: Any) -> FormError:
    """The :class:`FormError` ``code`` of ``form.yaml`` at ``place`` (a file name, or an entry of a layout).

    Example::

        raise form_error(yaml_place(path, ("version",)), "form.version", value="'one'")
    """
    where = str(place)
    th, en = (render(code, lang, source=SOURCE, **params) for lang in ("th", "en"))
    return FormError(f"{where}: {en}", th=f"{thai_place(where)}: {th}")
