"""The roster: who receives a template, read from a CSV file, and file names safe on every OS.

A roster is a spreadsheet saved as CSV, one row per recipient (a school or unit)::

    recipient_id,school_name,email,project_code
    school-01,โรงเรียนวัดไทร,head@school01.example,50360000-3553

Header names are matched loosely (case, spaces and a few Thai synonyms); any other column is
kept in :attr:`Recipient.extra`. A school reporting on several projects at once (in October, last
year's final report and the new year's first) lists each code in its one ``project_code`` cell,
separated by ``,`` or ``;`` (:attr:`Recipient.codes`). :func:`templates_for_roster` writes one prefilled template per
recipient with the recipient id in the template's metadata, so a returned file names its sender.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Collection, Iterable

from .address import shown_address, split_addresses, usable_address
from .check.coerce import ascii_digits
from .clock import Zone
from .errors import DataError, RosterError
from .messages import LANGS, both, render
from .spec.form import Form
from .spec.pointers import place
from .template.write import write_template
from .text import thai_windows_text

__all__ = ["Recipient", "RosterError", "read_roster", "require_schools", "safe_filename", "templates_for_roster", "with_zeros_kept",
           "zeros_note"]

# Accepted header names per column, compared after _header_key(); the first one is shown in errors.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("recipient_id", "id", "รหัส", "รหัสผู้รับ", "รหัสโรงเรียน"),
    "school": ("school_name", "school", "ชื่อโรงเรียน", "โรงเรียน"),
    "email": ("email", "e_mail", "อีเมล", "อีเมล์"),
    "project_code": ("project_code", "code", "รหัสโครงการ"),
}
REQUIRED = ("id", "school", "email")
_UNSAFE = set('/\\:*?"<>|')
# Windows' device names, with or without an extension: also COM¹-COM³ and LPT¹-LPT³ (the superscript
# digits of code page 1252) and the console's CONIN$ / CONOUT$, as Microsoft's naming rules list them.
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
             *(f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"])}
MAX_NAME_BYTES = 100
SOURCE = "roster.yaml"  # the roster's messages


#: The roster columns that name a school's network (the summary shows it beside the school).
NETWORK_COLUMNS = ("network", "เครือข่าย", "network_no")


@dataclass(frozen=True)
class Recipient:
    """One row of the roster.

    ``email`` may hold several addresses separated by commas (see :attr:`emails`), and
    ``project_code`` several codes (see :attr:`codes`); ``extra`` keeps every other column of the row,
    keyed by its header as written.
    """

    id: str
    school: str
    email: str
    project_code: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def emails(self) -> tuple[str, ...]:
        """Each address of :attr:`email` (a comma inside a quoted local part, ``"a, b"@school.example``, splits none)."""
        return tuple(split_addresses(self.email))

    @property
    def codes(self) -> tuple[str, ...]:
        """Each project code of :attr:`project_code`, in order, once (none when the cell is empty)."""
        return _codes(self.project_code)

    @property
    def network(self) -> str:
        """The school's network (เครือข่าย), from a roster column so headed; '' when there is none."""
        return next((self.extra[k] for k in self.extra if k.strip().casefold() in NETWORK_COLUMNS), "")


def read_roster(path: str | Path) -> list[Recipient]:
    """Read a roster CSV (UTF-8 with or without BOM; Thai-Windows cp874 if the text reads as Thai).

    The delimiter is a comma, semicolon or tab, whichever the header line uses most. Blank rows are
    skipped. Several addresses in one ``email`` cell are separated by ``,`` or ``;``.

    :raises RosterError: the file cannot be read, a required column (id, school, email) is
        missing, an id is empty or repeated, or an e-mail address is not valid.

    Example::

        for r in read_roster("schools.csv"):
            print(r.id, r.school, r.email)
    """
    path = Path(path)
    text = _read_text(path)
    lines = text.splitlines()
    delimiter = max(",;\t", key=lambda d: lines[0].count(d)) if lines else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise RosterError(_said("roster.empty", path))
    columns = _columns(path, header)
    recipients: list[Recipient] = []
    first_line: dict[str, int] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        recipient = _recipient(path, reader.line_num, header, columns, row)
        if recipient.id in first_line:
            raise RosterError(_said("roster.duplicate-id", path, line=reader.line_num, id=repr(recipient.id),
                                    school=recipient.school, first=first_line[recipient.id]))
        first_line[recipient.id] = reader.line_num
        recipients.append(recipient)
    return recipients


def require_schools(people: list[Recipient], path: str | Path | None = None) -> list[Recipient]:
    """``people``, read from the roster at ``path`` (or given by a program: ``None``), when it names
    at least one school.

    :raises RosterError: it holds its headings only (saved from Excel before a school was typed), or
        a program gave an empty list: every command given it would make nothing (and a run that set it
        would mark every school "no longer on the list"), and say so in terms of its own options.
    """
    if not people:
        raise RosterError(_said("roster.no-schools", Path(path)) if path is not None
                          else both("roster.none-given", source=SOURCE))
    return people


def with_zeros_kept(roster: list[Recipient], known: Collection[str]) -> tuple[list[Recipient], list[tuple[Recipient, str]]]:
    """``roster`` with each id Excel cut the leading zeros off given back as the office knows it, and
    each such ``(recipient as written, id kept)``.

    Excel reads ``0101`` in a CSV as the number 101 and saves ``101``: the school's files, issued to
    ``0101``, then matched no one on the roster. An id of digits only that the office never saw is
    taken as the office's one id (``known``: from its store) of the same digits after leading zeros,
    when there is exactly one and the roster does not list it as well; any other id is kept as written.
    """
    listed = {r.id for r in roster}
    padded: dict[str, list[str]] = {}
    for known_id in known:
        if known_id.isascii() and known_id.isdigit() and known_id.startswith("0"):
            padded.setdefault(known_id.lstrip("0"), []).append(known_id)
    kept: list[Recipient] = []
    restored: list[tuple[Recipient, str]] = []
    for recipient in roster:
        written = recipient.id
        match = padded.get(written.lstrip("0"), []) if written.isascii() and written.isdigit() \
            and written not in known else []
        if len(match) == 1 and match[0] not in listed:
            kept.append(replace(recipient, id=match[0]))
            restored.append((recipient, match[0]))
        else:
            kept.append(recipient)
    return kept, restored


def zeros_note(recipient: Recipient, kept: str) -> str:
    """The clerk's line for an id :func:`with_zeros_kept` gave its zeros back, Thai first."""
    return both("roster.zeros-kept", source=SOURCE, id=repr(recipient.id), school=recipient.school, kept=repr(kept))


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(both("error.roster-unreadable", path=path, why=exc.strerror or exc)) from exc
    # A roster kept in Excel is a workbook (.xlsx and .ods are zips, .xls an OLE file): say so, not "not UTF-8".
    code = "roster.workbook" if raw.startswith(_WORKBOOK_MARKS) else "roster.encoding"
    text = thai_windows_text(raw) if code == "roster.encoding" else None
    if text is not None:
        return text
    raise RosterError(f"{path.name}: {render(code, 'th')} / {path.name}: {render(code, 'en')}")


#: How a workbook's bytes begin: a zip (.xlsx, .ods) or an OLE compound file (.xls).
_WORKBOOK_MARKS = (b"PK\x03\x04", bytes.fromhex("d0cf11e0a1b11ae1"))


def _said(code: str, path: Path, **params: object) -> str:
    """The roster's message ``code``, Thai first then English, naming the file (as the clerk saved it)."""
    return both(code, source=SOURCE, file=path.name, **params)


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFC", name).strip().lower())


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    keys = [_header_key(h) for h in header]
    found: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        index = next((i for i, k in enumerate(keys) if k in aliases), None)
        if index is not None:
            found[column] = index
        elif column in REQUIRED:
            raise RosterError(_said("roster.missing-column", path, column=aliases[0], accepted=", ".join(aliases),
                                    meaning=render(f"roster.column.{column}", "th", source=SOURCE)))
    return found


def _recipient(path: Path, line: int, header: list[str], columns: dict[str, int], row: list[str]) -> Recipient:
    def cell(column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    def refuse(code: str, column: str, **params: str) -> RosterError:
        # The column as its header is written in this file: the clerk finds it by that name.
        params = {"school": cell("school") or repr(cell("id")), **params}
        return RosterError(_said(code, path, line=line, column=header[columns[column]].strip(), id=repr(cell("id")),
                                 **params))

    if not cell("id"):  # (the school named, or else "the school of this line": an empty id says nothing)
        raise refuse("roster.empty-id", "id", school=cell("school") or "โรงเรียนในบรรทัดนี้")
    if not cell("school"):
        raise refuse("roster.empty-school", "school")
    # Thai addresses (อีเมลภาษาไทย) are kept as people read them, an ``xn--`` domain turned back into Thai.
    emails = [shown_address(unicodedata.normalize("NFC", a)) for a in split_addresses(cell("email"))]
    if not emails:
        raise refuse("roster.empty-email", "email")
    for address in emails:
        if not usable_address(address):  # as the mail side judges a sender: a quoted local part too
            raise refuse("roster.bad-email", "email", address=repr(address))
    used = set(columns.values())
    extra = {h: row[i].strip() for i, h in enumerate(header) if i not in used and i < len(row) and h.strip()}
    return Recipient(id=cell("id"), school=cell("school"), email=", ".join(emails),
                     project_code=", ".join(_codes(cell("project_code"))), extra=extra)


def _codes(cell: str) -> tuple[str, ...]:
    """The codes a ``project_code`` cell names: separated by ``,`` or ``;`` (a code holds neither),
    each once, in order."""
    return tuple(dict.fromkeys(c.strip() for c in re.split(r"[,;]", cell) if c.strip()))


def safe_filename(text: str, suffix: str = "", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name made from ``text`` that is valid on Windows, macOS and Linux.

    Thai and other letters are kept; ``/\\:*?"<>|``, control characters and line breaks become
    ``_``; runs of spaces shrink to one; leading dots and trailing dots and spaces go; Windows
    device names (CON, PRN, AUX, NUL, COM1, COM¹, CONIN$ …, also as ``CON.txt``) get a leading ``_``; the whole
    name, ``suffix`` included, fits in ``max_bytes`` of UTF-8 without splitting a character.
    Never empty.

    :param suffix: appended, e.g. ``".xlsx"``, whole, made safe as the rest (a suffix taken from a received
        name, ``Path("nul.xlsx. ").suffix``, ends in what Windows drops); one that leaves the name less than
        :data:`_STEM_BYTES` is cut to its head (a received name's "suffix" may be 300 characters long: kept
        whole it made a name past ``max_bytes``; its head keeps the ``-2`` that tells names apart).

    Example::

        safe_filename("ร.ร./วัด:ไทร*?", ".xlsx")  # 'ร.ร._วัด_ไทร__.xlsx'
    """
    cleaned = _cleaned(text).strip().lstrip(".")
    suffix = _cleaned(suffix).rstrip(". ")
    room = max(max_bytes - _STEM_BYTES, max_bytes // 2)  # a small budget is shared half and half
    if len(suffix.encode("utf-8")) > room:
        suffix = _fit(suffix, room).rstrip(". ")
    budget = max(max_bytes - len(suffix.encode("utf-8")), 1)
    stem = _fit(cleaned, budget).rstrip(". ") or "_"
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = _fit("_" + stem, budget).rstrip(". ")
    return stem + suffix


#: The least of a name's bytes its stem keeps, a suffix however long (five Thai letters).
_STEM_BYTES = 16


def _cleaned(text: str) -> str:
    """``text`` in NFC, each character Windows refuses (or that hides in a name) as ``_``, each run of
    white space as one space."""
    cleaned = "".join("_" if ch in _UNSAFE or _is_control(ch) else ch for ch in unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", cleaned)


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls incl. CR/LF/TAB; Cf: invisible format marks (bidi overrides that disguise
    # an extension); Zl/Zp: Unicode line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _fit(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` of UTF-8, at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def templates_for_roster(form: Form, roster: Iterable[Recipient], out_dir: str | Path, fmt: str = "xlsx",
                         data: dict[str, Any] | None = None, *, waived: Collection[tuple[str, str]] = (),
                         say: Callable[[str], None] | None = None, everyone: bool = False,
                         zone: Zone = None) -> list[Path]:
    """Write one template per recipient into ``out_dir`` and return the paths, in roster order.

    Each file is named ``<id> <school>.<fmt>`` (made safe by :func:`safe_filename`, and unique even
    on case-insensitive file systems), carries the recipient id in its metadata and is prefilled
    with ``data`` plus the recipient's code (``project_code``), when the roster has one, at the field
    the form declares as its key (``master: key``). A recipient listing several codes gets one
    template per code, named ``<id> <school> <code>.<fmt>``.

    :param waived: (recipient, code in ASCII digits) of each project whose remaining months the office
        waived (:mod:`sheetsync.office.waivers`): nothing is due from it, so no template; ``say`` is told
        of each in a line (Thai, then English), as next period's templates do.

    :param everyone: ``roster`` is the whole roster: every earlier template in ``out_dir`` moves into
        ``old/<day>/`` (``zone``'s date) first, a school renamed or taken off included; else only those of
        the names written (:func:`sheetsync.master.earlier.move_earlier`, as next period's templates do).

    :raises DataError: ``data`` or a recipient's project code does not fit the form (names the id).
    :raises OutputError: a file cannot be written.

    Example::

        templates_for_roster(find_form("progress-report"), read_roster("schools.csv"), "out")
    """
    # Imported here: the master package reads rosters (Recipient) as it is imported.
    from .master.earlier import move_earlier, say_moved

    out = Path(out_dir)
    taken: set[str] = set()
    planned: list[tuple[Recipient, str, Path]] = []
    for recipient in roster:
        codes = _due(recipient, waived, say)
        for code in codes:
            name = " ".join(part for part in (recipient.id, recipient.school, code if len(codes) > 1 else "") if part)
            planned.append((recipient, code, out / _unique_name(name, f".{fmt}", taken)))
    # The earlier templates out of the way first: the folder then holds only what to send now.
    # Read with the folder of the form they are of: an office's own form is found nowhere else.
    aside = move_earlier(out, [p.name for _, _, p in planned], everyone=everyone, forms_dirs=(form.source.parent,),
                         zone=zone)
    say_moved(aside, out, say)
    for recipient, code, path in planned:
        try:
            write_template(form, path, fmt=fmt, data=_prefill(form, data, code), recipient=recipient.id,
                           record_open=True)
        except DataError as exc:
            said = {lang: render("roster.prefill-refused", lang, source=SOURCE, id=repr(recipient.id),
                                 why=(exc.th or exc) if lang == "th" else exc) for lang in ("th", "en")}
            raise DataError(said["en"], th=said["th"]) from exc
    return [path for _, _, path in planned]


def _due(recipient: Recipient, waived: Collection[tuple[str, str]], say: Callable[[str], None] | None) -> tuple[str, ...]:
    """The codes ``recipient`` gets a template of: each of its roster row's not ``waived`` (``say`` names
    each left out); ``("",)`` for a row naming none. A school whose every code is waived gets none."""
    if not recipient.codes:
        return ("",)
    left_out = [c for c in recipient.codes if (recipient.id, ascii_digits(c.strip())) in waived]
    for code in left_out:
        if say is not None:
            say(both("roundtrip.waived", source="master.yaml", recipient=recipient.id, key=code))
    return tuple(c for c in recipient.codes if c not in left_out)


def _unique_name(text: str, suffix: str, taken: set[str]) -> str:
    # Compare case-folded: Windows and macOS treat "A.xlsx" and "a.xlsx" as the same file.
    name = safe_filename(text, suffix)
    number = 1
    while name.casefold() in taken:
        number += 1
        name = safe_filename(text, f"-{number}{suffix}")
    taken.add(name.casefold())
    return name


def _prefill(form: Form, data: dict[str, Any] | None, code: str) -> dict[str, Any]:
    """``data`` with a recipient's ``code`` (one of the roster's ``project_code`` column) at the form's key.

    The code goes where the form's ``master: key`` says (``/project/code`` for the progress report,
    ``/school/code`` for the census); a form that declares no key takes no code from the roster.
    """
    from .office.spec import master_spec  # the office's reading of a layout; imported when needed

    merged = copy.deepcopy(data) if data else {}
    key = master_spec(form).key
    if not code or not key:
        return merged
    try:
        place(merged, key[0], code)
    except DataError as exc:  # data whose /project is no object: said with the code, Thai first
        th, en = (render("prefill.roster-code", lang, source="cli.yaml", project=code, why=exc.th if lang == "th" else exc)
                  for lang in LANGS)
        raise DataError(en, th=th) from exc
    return merged
