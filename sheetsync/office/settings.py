"""The values of ``sheetsync.toml``, each checked against its key.

The clerk edits the file by hand (in Notepad): a wrong value, an unknown key or a syntax error is
refused in one line, Thai first, naming the file and the key (or the line) and saying what to write.
The texts are in ``sheetsync/messages/settings.yaml``.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from ..errors import OfficeError
from ..messages import both, render
from ..text import thai_windows_text, utf16_unmarked

SOURCE = "settings.yaml"

#: Every key each part of the file may hold ("" is the top, before the first [section]); [imap] is
#: checked by :meth:`sheetsync.mailer.ImapConfig.from_table`.
KNOWN: dict[str, tuple[str, ...]] = {
    "": ("name", "form", "roster", "period", "timezone", "paths", "run", "mail", "imap"),
    "paths": ("inbox", "processed", "quarantine", "reports", "outbox", "master", "store", "key", "forms",
              "templates"),
    "run": ("settle_seconds", "wait_seconds", "mark_valid_files", "render_view", "school_charts"),
    "mail": ("from", "reply_to", "digest_to", "smtp_host", "smtp_port", "smtp_security", "smtp_user",
             "summary_only", "answers_per_day"),
}
#: tomllib's message (its start) → what it most likely means to a person editing the file.
_SYNTAX_HINTS = (("Cannot declare", "twice"), ("Cannot overwrite", "twice"), ("Invalid value", "value"),
                 ("Illegal character", "string"), ("Unterminated string", "string"),
                 ("Unescaped '\\'", "backslash"))
#: A path only Windows reads: a drive (``C:\office``, ``C:/office``) or a network share (``\\server\share``).
_WINDOWS_ONLY = re.compile(r"^(?:[A-Za-z]:|\\\\)")
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
#: Quotes a word processor or a chat program (LINE, Word) makes of ", which TOML does not take as quotes.
_CURLY = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"
#: Every heading the file may hold: [imap] too, whose keys the mailbox's own settings check.
HEADINGS = ", ".join(f"[{k}]" for k in (*(k for k in KNOWN if k), "imap"))
#: A heading line, ``[mail]``, and a key's line, ``from = …`` (the key bare or in quotes).
_HEADING = re.compile(r"^\s*\[\s*([^\]]*?)\s*\]")
#: A key's value that is not a number, true/false, a list or in quotes (``period = 2569-03``): a text without quotes.
_BARE = re.compile(r'^\s*[\w.-]+\s*=\s*(?!["\'\[{]|true\b|false\b|[-+]?\d+(?:\.\d+)?\s*(?:#.*)?$)\S')
_KEY = re.compile(r'^\s*"?([^"=\s]+)"?\s*=')


def wrong(code: str, path: Path, **params: Any) -> OfficeError:
    """The error ``code`` of ``settings.yaml``, Thai first, naming the file ``path``."""
    return OfficeError(both(code, source=SOURCE, config=path, **params))


def read_settings(path: Path) -> dict[str, Any]:
    """The TOML of ``path`` (UTF-8 with or without a BOM, UTF-16 with or without one, or Thai Windows' cp874),
    its keys checked.

    :raises OfficeError: it cannot be read, is not TOML (naming the line and column), or holds an
        unknown key (naming it and the part of the file it is in).
    """
    try:
        # Saved by Windows Notepad it may begin with a byte-order mark, or be Thai Windows' "ANSI" (cp874).
        raw = path.read_bytes()
    except OSError as exc:
        raise wrong("settings.unreadable", path, why=exc.strerror or exc) from exc
    text = thai_windows_text(raw)
    if text is None:  # UTF-16 that does not decode (cut short): say so, not "neither UTF-8 nor Thai"
        raise OfficeError(both("error.office-utf16" if utf16_unmarked(raw) else "error.office-encoding", config=path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax(path, str(exc), text) from exc
    for section, known in KNOWN.items():
        table = data.get(section, {}) if section else data
        unknown = sorted(set(table) - set(known)) if isinstance(table, dict) else []
        if unknown and not section and isinstance(data[unknown[0]], dict):  # a heading ([Mail]), not a key
            raise _unknown_heading(path, unknown[0], text)
        if unknown:
            where = {lang: render("settings.section.top", lang, source=SOURCE) if not section
                     else render("settings.section", lang, source=SOURCE, name=section) for lang in ("th", "en")}
            at = _at(_key_line(text, section, unknown[0]))
            raise _apart("settings.unknown", path, {"section": where["th"], "at": at["th"]},
                         {"where": where["en"], "at": at["en"]}, key=unknown[0], known=", ".join(known))
    return data


def _unknown_heading(path: Path, name: str, text: str) -> OfficeError:
    """The heading ``[name]`` is none the file may hold: said with the line it is on."""
    line = next((n for n, row in enumerate(_lines(text), 1)
                 if (found := _HEADING.match(row)) and found.group(1) == name), None)
    at = _at(line)
    return _apart("settings.unknown-heading", path, {"at": at["th"]}, {"at": at["en"]}, key=name, known=HEADINGS)


def _key_line(text: str, section: str, key: str) -> int | None:
    """The line ``key`` of ``section`` ("" for the top) is written on, as the clerk finds it in
    Notepad; None when it is not on a line of its own (a dotted ``mail.from = …``)."""
    current = ""
    for number, row in enumerate(_lines(text), 1):
        if heading := _HEADING.match(row):
            current = heading.group(1)
        elif (found := _KEY.match(row)) and found.group(1) == key and current == section:
            return number
    return None


def _lines(text: str) -> list[str]:
    """The lines of ``text`` as TOML and Notepad number them: split at line feeds alone (a CRLF's CR
    dropped). Not :meth:`str.splitlines`, which also breaks at U+2028, U+0085 and form feeds, pasted
    from LINE or Word inside a comment or a name, and so named a line further on than the clerk's."""
    return [row.removesuffix("\r") for row in text.split("\n")]


def _at(line: int | None) -> dict[str, str]:
    """``บรรทัด 7: `` / ``line 7: `` to put before a message, or nothing when the line is not known."""
    return {lang: render("settings.at-line", lang, source=SOURCE, line=line) if line else ""
            for lang in ("th", "en")}


def _syntax(path: Path, said: str, text: str) -> OfficeError:
    found = _AT.search(said)
    line, column = (found.group(1), found.group(2)) if found else ("?", "?")
    why = said[:found.start()] if found else said
    kind = next((k for start, k in _SYNTAX_HINTS if why.startswith(start)), "other")
    rows = _lines(text)
    if line.isdigit() and 0 < int(line) <= len(rows) and any(q in rows[int(line) - 1] for q in _CURLY):
        kind = "curly"  # whatever tomllib says of it, a “quote” where " belongs is the mistake to name
    elif kind == "other" and line.isdigit() and 0 < int(line) <= len(rows) and _BARE.match(rows[int(line) - 1]):
        kind = "value"  # period = 2569-03: a text written without its quotes
    hint = {lang: render(f"settings.syntax.{kind}", lang, source=SOURCE) for lang in ("th", "en")}
    return _apart("settings.syntax", path, {"hint": hint["th"]}, {"hint": hint["en"], "why": why},
                  line=line, column=column)


def _apart(code: str, path: Path, th: dict[str, Any], en: dict[str, Any], **params: Any) -> OfficeError:
    """As :func:`wrong`, where a placeholder's value is itself said in each language (``th``, ``en``)."""
    return OfficeError(f"{render(code, 'th', source=SOURCE, config=path, **th, **params)}"
                       f" / {render(code, 'en', source=SOURCE, config=path, **en, **params)}")


def table(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    """The section ``[name]`` (empty when the file has none).

    :raises OfficeError: ``name`` is there but is not a section (``name = …`` at the top)."""
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise wrong("settings.table", path, key=name)
    return value


def number(section: dict[str, Any], key: str, default: float, path: Path, where: str) -> float:
    """The number ``key`` of ``section`` (``where`` names the section: ``"[run]"``), 0 or more.

    A number in quotes (``"2"``) is taken, as it always was.

    :raises OfficeError: it is other text, true/false, or below 0."""
    value = section.get(key, default)
    got = _numeric(value)
    if got is None or got < 0:
        raise wrong("settings.number", path, key=f"{where} {key}", name=key, example=default, value=shown(value))
    return got


def whole(section: dict[str, Any], key: str, path: Path, where: str, *, example: int,
          port: bool = False) -> int | None:
    """The whole number ``key`` of ``section``, 0 or more (a port: 1 to 65535), or None when not given.

    :raises OfficeError: it is text, true/false, a fraction or out of range."""
    value = section.get(key)
    if value is None:
        return None
    # A port in quotes ("587") was always taken; a count never was (it says "without quotes").
    got = _numeric(value) if port or not isinstance(value, str) else None
    if got is None or not got.is_integer() or got < 0 or (port and not 0 < got < 65536):
        raise wrong("settings.port" if port else "settings.whole", path, key=f"{where} {key}", name=key,
                    example=example, value=shown(value))
    return int(got)


def _numeric(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None if isinstance(value, bool) or not isinstance(value, (int, float)) else float(value)


def flag(section: dict[str, Any], key: str, path: Path, where: str) -> bool:
    """The true/false ``key`` of ``section`` (false when not given).

    :raises OfficeError: it is anything but true or false (``"false"`` in quotes is text, and was
        once taken as true)."""
    value = section.get(key, False)
    if not isinstance(value, bool):
        raise wrong("settings.flag", path, key=f"{where} {key}", value=shown(value))
    return value


def text(section: dict[str, Any], key: str, path: Path, where: str = "", example: str = "") -> str:
    """The text ``key`` of ``section``, trimmed ("" when not given).

    :raises OfficeError: it is a number, true/false, a list or a section."""
    value = section.get(key, "")
    if not isinstance(value, str):
        raise wrong("settings.text", path, key=f"{where} {key}".strip(), name=key, example=example,
                    value=shown(value))
    return value.strip()


def choice(section: dict[str, Any], key: str, choices: tuple[str, ...], path: Path, where: str) -> str:
    """The text ``key`` of ``section``, one of ``choices`` (the first when not given), lower-cased.

    :raises OfficeError: it is none of them."""
    value = section.get(key, choices[0])
    if not isinstance(value, str) or value.strip().lower() not in choices:
        raise wrong("settings.choice", path, key=f"{where} {key}".strip(), choices=", ".join(choices),
                    value=shown(value))
    return value.strip().lower()


def paths(section: dict[str, Any], path: Path) -> dict[str, Any]:
    """The ``[paths]`` section, each name a text (``forms`` a list of them).

    :raises OfficeError: a name is a number, true/false or a list where one name goes."""
    for key, value in section.items():
        ok = all(isinstance(v, str) for v in value) if key == "forms" and isinstance(value, list) \
            else isinstance(value, str) and key != "forms"
        if not ok:  # forms is a list: its example is no name in quotes
            raise (wrong("settings.forms", path, value=shown(value)) if key == "forms"
                   else wrong("settings.paths", path, key=key, example=key, value=shown(value)))
    return section


def shown(value: Any) -> str:
    """``value`` as an error shows it: one line, cut short (it may be the whole of a long text)."""
    said = repr(value)
    return said if len(said) <= 60 else said[:59] + "…"


def path_value(value: str, key: str, path: Path) -> str:
    """``value``, a path set in ``path`` under ``key`` (``[paths] inbox``), as this computer reads it.

    On Windows it is taken as written. Elsewhere a relative path's backslashes are folders
    (``mail\\inbox`` is ``mail/inbox``, as it was on Windows: an office folder moves whole), while
    a Windows drive or network share is refused: taken as written it became a folder (or a new,
    empty store) named ``C:\\office\\inbox`` inside the office.

    :raises OfficeError: a line break or tab in the path (``"data\\new"`` in double quotes is
        read so), or, elsewhere than on Windows, a drive or a network share.
    """
    if any(ch < " " for ch in value):
        raise wrong("settings.path-escape", path, key=key, value=shown(value))
    if os.name == "nt" or not value:
        return value
    if _WINDOWS_ONLY.match(value):
        raise wrong("settings.windows-path", path, key=key, value=f"'{value}'")
    return value.replace("\\", "/")
