"""The message catalogue: every text shown to a person, in Thai and English, kept as data.

Messages live in ``catalogue.yaml`` beside this file, keyed by a stable code. Placeholders are
``{name}`` fields filled by :func:`render`; a missing placeholder is left visible rather than
raising, so a report is never lost over a typo in the catalogue.

English says a count of one in the singular: a message whose ``en`` puts a plural after ``{count}``
has an ``en_one`` text too, used when ``count`` is 1 (``wrote 1 template``, not ``wrote 1 templates``).
Thai has no plural: its one ``th`` text serves every count.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from ..text import BIDI_CONTROLS

Lang = Literal["th", "en"]
LANGS: tuple[Lang, ...] = ("th", "en")  # Thai first, as every message to a school


def first(lang: Lang) -> tuple[Lang, ...]:
    """Both languages, ``lang`` first: a report asked for in English (``--lang en``) still carries the
    Thai the school reads, after it.

    Example::

        first("en") == ("en", "th")
    """
    return (lang, *(other for other in LANGS if other != lang))


@lru_cache(maxsize=None)  # each file once: a run uses texts of most of them (a bound of 4 parsed them anew per file)
def catalogue(name: str = "catalogue.yaml") -> dict[str, dict[str, str]]:
    """Every message of the data file ``name`` beside this module, as ``{code: {"th", "en"}}``."""
    import yaml  # late: every error class needs this module, and `sheetsync --help` no message

    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    # libyaml's loader where PyYAML has it (its wheels do): ten times faster, and every command
    # that speaks loads a few of these files (all of them about 0.25 s in pure Python).
    data: dict[str, dict[str, str]] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data


def render(code: str, lang: Lang, *, source: str = "catalogue.yaml", **params: Any) -> str:
    """The message ``code`` in ``lang`` with its placeholders filled from ``params``.

    Example::

        render("dv.whole", "th", low=2500, high=2700)
    """
    entry = catalogue(source).get(code)
    if entry is None:
        return code
    # A name from outside (a file's as sent, a sheet's) holding a direction control showed the rest of the
    # office's sentence written backwards: none reaches a message (the names on disk keep them).
    shown = {k: _without_bidi(v) if isinstance(v, str) else v for k, v in params.items()}
    return string.Formatter().vformat(entry[_form(entry, lang, params.get("count"))], (), _Lenient(shown))


def _form(entry: dict[str, str], lang: Lang, count: Any) -> str:
    """The key of ``entry``'s text for ``count``: ``en_one`` when there is one and the count is 1 (an
    int, or a count formatted as text: ``f"{n:,}"``), else ``lang``."""
    one = f"{lang}_one"
    return one if one in entry and str(count) == "1" else lang


def _without_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text) if BIDI_CONTROLS.search(text) else text


def both(code: str, *, source: str = "office.yaml", **params: Any) -> str:
    """The message ``code`` on one line, Thai first then English: ``"รวมแล้ว / merged"``.

    The clerk reads the Thai; the English after `` / `` serves whoever helps (and a log).

    Example::

        both("sync.nothing", source="catalogue.yaml")
    """
    return f"{render(code, 'th', source=source, **params)} / {render(code, 'en', source=source, **params)}"


def lines(code: str, *, source: str = "office.yaml", **params: Any) -> list[str]:
    """The message ``code`` as two lines, Thai then English (for a text too long for one)."""
    return [render(code, lang, source=source, **params) for lang in LANGS]


def said(code: str, lang: Lang, *, source: str = "cli.yaml", **params: Any) -> str:
    """The message ``code`` for a command that has ``--lang``: Thai first then English on one line
    (as :func:`both`) for ``"th"``, the English alone for ``"en"`` (whoever asked for it reads no Thai).

    Example::

        said("validate.reports-written", "en", count=3, folder="reports")
    """
    if lang == "en":
        return render(code, "en", source=source, **params)
    return both(code, source=source, **params)


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
