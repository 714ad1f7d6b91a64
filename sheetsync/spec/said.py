"""A form author's mistake said Thai first: where it is in the layout or schema (file, line, entry)
and what to write instead.

Form authors are office staff, not programmers; the English half (the exception's own text) serves
whoever helps. The texts are in ``sheetsync/messages/form.yaml``; a phrase that fills one of them in
each language (a sort of value: ตัวเลข / a number) comes from :func:`words`. Every mistake the form
loader finds is worded there; a :class:`FormError` raised without its Thai is still framed in Thai by
:func:`sheetsync.errors.thai_frame`: which file and line, and that the English after it says what to change.
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


def words(name: str, code: str, /, **params: Any) -> dict[str, str]:
    """A phrase of ``form.yaml`` that fills a sentence of :func:`form_error` in each language: ``{name: the
    English, name_th: the Thai}``, for a sentence whose Thai says ``{name_th}`` where its English says ``{name}``.

    Example::

        raise form_error(where, "form.rule-not-ordered", value="'/school/name'", kind="compare",
                         **words("sort", "form.sort.text"))
    """
    return {name: render(code, "en", source=SOURCE, **params),
            f"{name}_th": render(code, "th", source=SOURCE, **params)}


def yes_no_labels() -> dict[Any, str]:
    """The dropdown of a yes/no (``boolean``) field whose layout gives no ``choices:``: ใช่ / ไม่ใช่."""
    return {True: render("form.label.yes", "th", source=SOURCE), False: render("form.label.no", "th", source=SOURCE)}
