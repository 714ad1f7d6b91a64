"""Text from outside the office, made safe at one boundary.

A returned file, a roster or an inbox file name may hold characters that a workbook cannot
store (XML 1.0 forbids most C0 controls: openpyxl raises ``IllegalCharacterError``) or that a
terminal obeys (ESC and C1 sequences retitle the window, clear the screen, move the cursor).
:func:`safe_value` is applied to every cell as it is read, and :func:`safe_text` to every line
printed to a terminal, so nothing downstream — writers, renderers, terminals — can fail or be
steered. The text is kept as data: a vertical tab (Word's and Calc's line break inside a
cell, stored by Calc as ``_x000b_``) or a form feed becomes a newline, every other control
character its visible Unicode picture (ESC → ␛, BEL → ␇, DEL → ␡), and a C1 control, or a code point
XML cannot hold (U+FFFF), U+FFFD.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from typing import Any

from .limits import MAX_CELL_TEXT, MAX_SHOWN_TEXT

#: Controls a workbook cannot hold or a terminal would obey (tab, newline, return are kept), and the
#: code points XML 1.0 has no character for (U+FFFE, U+FFFF, lone surrogates): calamine reads them from a
#: file written raw, and lxml refuses to write them into the marked-up copy, the master or a summary.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Controls that are line breaks in spreadsheet programs.
LINE_BREAKS = "\x0b\x0c"
#: Bidirectional embeddings, overrides and isolates: in a name or a quoted value shown inside the office's
#: sentence, a U+202E shows the rest of the sentence written backwards ("list\u202etxt.exe" reads
#: "listexe.txt"). Text kept as data (a cell's value, a file's name on disk) keeps them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if chr(code) in LINE_BREAKS:
        return "\n"
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: U+241B is ␛
    return "\u2421" if code == 0x7F else "\ufffd"


def safe_text(text: str) -> str:
    """``text`` with every control character made harmless (see the module's docstring).

    Example::

        safe_text("a\\x0bb\\x1b[2J") == "a\\nb␛[2J"
    """
    return CONTROL.sub(_picture, text) if CONTROL.search(text) else text


def shown_name(text: str) -> str:
    """``text`` (a file's or a sheet's name, a line for the terminal) as shown to a person:
    :func:`safe_text`, and no direction control (:data:`BIDI_CONTROLS`) to turn the line around.

    Example::

        shown_name("list\\u202etxt.exe") == "listtxt.exe"
    """
    text = safe_text(text)
    return BIDI_CONTROLS.sub("", text) if BIDI_CONTROLS.search(text) else text


#: Line breaks a terminal obeys: each becomes a visible symbol in text shown on one line. A lone
#: carriage return sends the cursor back to the start of the line (what follows writes over it).
_BREAKS = re.compile("\r\n|[\n\u2028\u2029]")


def one_line_shown(text: str) -> str:
    """``text`` (an error line naming a file, a file's name) as :func:`shown_name` shows it, on one
    line: a line break becomes ␤ and a carriage return ␍, so a name cannot forge a line of its own.

    Example::

        one_line_shown("bad\\nsheetsync: ok.xlsx") == "bad␤sheetsync: ok.xlsx"
    """
    return no_carriage_return(_BREAKS.sub("\u2424", shown_name(text)))


def no_carriage_return(text: str) -> str:
    """``text`` for a terminal: a Windows line end kept as a line end, a lone carriage return (which
    would send the cursor back over what is shown) as ␍."""
    return text.replace("\r\n", "\n").replace("\r", "\u240d") if "\r" in text else text


def brief(text: str) -> str:
    """``text`` as a message quotes it: whole up to :data:`~sheetsync.limits.MAX_SHOWN_TEXT` characters, else
    its start and "…". A cell holds up to 32,767 characters (an .ods sheet's name any number), and each
    value quoted went into both languages of its message, each report, the e-mail and the run's memory of it."""
    return text if len(text) <= MAX_SHOWN_TEXT else text[:MAX_SHOWN_TEXT - 1] + "…"


def has_hidden_controls(text: str) -> bool:
    """Whether ``text`` holds control characters other than line breaks (worth telling the school)."""
    return any(ch not in LINE_BREAKS for ch in CONTROL.findall(text))


def fits_a_cell(text: str) -> bool:
    """Whether ``text`` is within Excel's 32,767 characters to a cell, counted as Excel counts them:
    in UTF-16 code units, two for a character outside the Basic Multilingual Plane (an emoji)."""
    return len(text) <= MAX_CELL_TEXT // 2 or (len(text) <= MAX_CELL_TEXT and _units(text) <= MAX_CELL_TEXT)


def _units(text: str) -> int:
    # At C speed (a long cell may come many times over); a lone surrogate, made safe later, is one unit.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _cut(text: str) -> str:
    """``text`` cut to a cell, ending in "…" (one unit) where it was cut; an emoji is never halved."""
    end = MAX_CELL_TEXT - 1
    while _units(text[:end]) > MAX_CELL_TEXT - 1:
        end -= (_units(text[:end]) - (MAX_CELL_TEXT - 1) + 1) // 2 or 1
    return text[:end] + "…"


def safe_value(value: Any) -> Any:
    """A cell value as read, made safe: text via :func:`safe_text`; NaN and ±Infinity (which
    JSON cannot hold and no form means) become the text ``"NaN"``, ``"Infinity"``, ``"-Infinity"``,
    which the number readers then refuse with a finding; -0 is 0. Text is cut at Excel's 32,767 characters
    (:func:`fits_a_cell`: UTF-16 units, as Excel counts),
    ending in "…" where it was cut (so a cut text never reads as a shorter, whole one: "x" and a
    million spaces is not "x")."""
    if isinstance(value, str):
        # No spreadsheet program stores more in a cell; more would only travel into every report.
        return safe_text(value if fits_a_cell(value) else _cut(value))
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, float) and value == 0:
        return 0.0  # -0 too: nobody types it, and the master showed "-0.00" in amounts and totals
    return value


#: Characters that belong to the letter before them: combining marks (Thai vowels above and below,
#: tone marks: category Mn) and the spacing marks that still cannot start a line, among them Thai
#: SARA AM "ำ" (category Lo, but a spacing mark for grapheme clusters, Unicode UAX #29).
_SPACING_MARKS = frozenset("\u0e33\u0eb3\u200d")


def clusters(text: str) -> list[str]:
    """``text`` cut into what a reader sees as one letter: a base character with the marks after it.

    A line break between a Thai consonant and its vowel or tone mark shows the mark alone on the
    next line, where it floats over nothing ("ตรงกั" / "น" is fine, "ก" / "ั" is not).

    Example::

        clusters("กำนัน") == ["กำ", "นั", "น"]
    """
    pieces: list[str] = []
    for ch in text:
        if pieces and pieces[-1] != "\n" and (ch in _SPACING_MARKS or unicodedata.category(ch) in ("Mn", "Mc", "Me")):
            pieces[-1] += ch
        else:
            pieces.append(ch)
    return pieces


def thai_windows_text(raw: bytes) -> str | None:
    """``raw`` as a text a Thai office's Windows programs save: UTF-8 (with or without the byte-order
    mark Excel's "CSV UTF-8" and older Notepad write), UTF-16 with its mark (Notepad's "Unicode",
    Excel's "Unicode Text") or without it (a NUL every other byte: some editors), else cp874
    (TIS-620: plain "CSV" and Notepad's "ANSI" on Thai Windows)
    when it reads as Thai; None otherwise.

    Any other single-byte encoding also "decodes" as cp874 (é becomes a Thai tone mark), so cp874 is
    taken only when the text reads as Thai: never a silent guess.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")  # the mark says which byte order, and is dropped
        except UnicodeDecodeError:
            return None
    wide = utf16_unmarked(raw)  # checked first: its NULs are valid UTF-8, and it read as a broken UTF-8 text
    if wide is not None:
        try:
            return raw.decode(wide)
        except UnicodeDecodeError:
            return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp874")
    except UnicodeDecodeError:
        return None
    return text if plausibly_thai(text) else None


def utf16_unmarked(raw: bytes) -> str | None:
    """The codec of ``raw`` when it is UTF-16 without a byte-order mark (some editors save it so), else None.

    Every ASCII character (a key, ``=``, a comma, a line break) has a NUL as its high byte: after it in
    little-endian, before it in big-endian; a Thai letter (U+0Exx) has 0x0E there. So when one side holds
    NULs (two at least: a stray NUL in a UTF-8 text is no pattern), hardly any on the other, and either one
    pair of bytes in eight is ASCII or nearly every pair is ASCII or Thai (a roster of long Thai names and
    Thai addresses), the file is UTF-16 in that byte order. UTF-8 and cp874 text have no 0x0E byte and no NUL.
    """
    pairs = len(raw) // 2
    for high, low, codec in ((raw[1::2], raw[0::2], "utf-16-le"), (raw[0::2], raw[1::2], "utf-16-be")):
        nuls = high.count(0)
        if nuls < 2 or low.count(0) * 8 > nuls:
            continue
        if nuls * 8 >= pairs or (nuls + high.count(0x0E)) * 8 >= pairs * 7:
            return codec
    return None


_THAI_CONSONANT = re.compile("[\u0e01-\u0e2e]")
# A Thai vowel sign or tone mark needs a Thai consonant before it; Thai letters do not sit
# inside Latin words. Both are what Latin-1 or cp1252 text looks like when read as cp874.
_NOT_THAI = re.compile("(?:^|[^\u0e01-\u0e2f\u0e31-\u0e3a\u0e40-\u0e4e])[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]"
                       "|[A-Za-z][\u0e01-\u0e5b]|[\u0e01-\u0e5b][A-Za-z]", re.M)


def plausibly_thai(text: str) -> bool:
    """Whether ``text`` (decoded as cp874) reads as Thai rather than as mis-decoded Western text."""
    return bool(_THAI_CONSONANT.search(text)) and not _NOT_THAI.search(text)
