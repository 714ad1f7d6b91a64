"""Invitations waiting in the outbox that the roster no longer agrees with: held back, not sent.

``template --email`` queues a school's template for the roster's address of that moment; the clerk may
put an address right, or take a closed school off the roster, before the next ``sync --send``. Sent
as queued, the template (next month's holds the school's reports so far) would go to a mailbox the school
no longer reads, or to a school that is gone. Such an invitation moves into ``outbox/held/`` (nothing is
deleted), and one line, Thai first, says why and what to type.
"""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import getaddresses
from pathlib import Path
from typing import Mapping, Sequence

from ..address import same_address, shown_address
from ..files import FolderNames, replace
from ..mailer import earlier_invitations, free_path, header_text
from ..errors import OutputError, SheetsyncError
from ..messages import both, render
from ..roster import Recipient, read_roster, require_schools

#: Where held invitations are kept, inside the outbox (``*.eml`` there is never sent).
HELD_DIR = "held"


def hold_invitations(outbox: Path, roster: Sequence[Recipient], left: Mapping[str, str] | None = None, *,
                     settings: Path | None = None) -> list[str]:
    """Move each invitation waiting in ``outbox`` whose school ``roster`` no longer lists, or lists at
    other addresses, into ``outbox/held/``; a line, Thai first, for each (a school taken off named as
    ``left`` last listed it: id → name). Nothing is held against an empty roster (an office that never
    gave one). The lines name the roster file and templates folder of the office whose ``sheetsync.toml``
    is ``settings`` (else ``roster.csv`` and ``templates``), in the command they give.

    Example::

        problems += hold_invitations(Path("outbox"), store.roster(), store.roster_left())
    """
    if not roster:
        return []
    schools = {r.id: r for r in roster}
    lines, places = [], _places(settings)
    held_names = FolderNames(outbox / HELD_DIR)  # listed once, names compared as Windows does
    for (name, _subject, addresses), earlier in earlier_invitations(outbox).items():
        who = name.removeprefix("template ").strip()
        if earlier.sent or not name.startswith("template ") or not earlier.path.exists():
            continue
        school = schools.get(who)
        if school is not None and _same(addresses, school.emails):
            continue
        held = _moved_aside(earlier.path, held_names)
        lines.append(_said(who, school, addresses, held, (left or {}).get(who) or _addressed_to(held), places))
    return lines


def _moved_aside(message: Path, names: FolderNames) -> Path:
    """``message`` moved into the folder of ``names``, under a name free there in any case.

    :raises OutputError: it cannot be (``folder`` is a file, not writable, the message held open): the
        run sends nothing, as an invitation left in the outbox would go to the address the roster dropped.
    """
    folder = names.folder
    try:
        held = free_path(names, message.stem, message.suffix)
        folder.mkdir(parents=True, exist_ok=True)
        replace(message, held)
    except OSError as exc:
        said = {lang: render("sync.invite-not-held", lang, source="office.yaml", file=message.name, folder=folder,
                             why=exc.strerror or exc) for lang in ("th", "en")}
        raise OutputError(said["en"], th=said["th"]) from exc
    return held


def hold_for_outbox(outbox: Path) -> list[str]:
    """:func:`hold_invitations` for ``sheetsync mail OUTBOX --send`` when ``outbox`` is an office's: held
    against the office's roster file as it is now (else the roster its store last took), as ``sync --send``
    holds them. The listing says to deliver with ``--send``: typed so after roster.csv was put right, the
    template went to the closed old address. Nothing outside an office (a folder of e-mails of one's own).

    :raises RosterError: the office's roster file cannot be read (nothing is sent to addresses unchecked).
    """
    # Imported here: the office's configuration and store are needed only by a folder inside an office.
    from .config import CONFIG_NAME, office_of
    from .store import Store

    config = office_of(None, outbox)
    if config is None or config.outbox.resolve() != outbox.resolve() or not config.store.is_file():
        return []
    with Store(config.store) as store:
        roster = store.roster()
        if config.roster is not None and config.roster.is_file():
            roster = require_schools(read_roster(config.roster), config.roster)
        return hold_invitations(outbox, roster, store.roster_left(), settings=config.root / CONFIG_NAME)


def _addressed_to(message: Path) -> str:
    """The name an invitation's ``To`` gives its school (the roster's name when it was queued), or ""."""
    try:
        with message.open("rb") as handle:
            headers = BytesHeaderParser(policy=default).parsebytes(handle.read(64 * 1024))
    except OSError:
        return ""
    return next((name for name, _ in getaddresses([header_text(headers, "To")]) if name), "")


def _same(addresses: frozenset[str], emails: Sequence[str]) -> bool:
    return len(addresses) == len(emails) and all(any(same_address(a, e) for e in emails) for a in addresses)


def _said(who: str, school: Recipient | None, addresses: frozenset[str], held: Path, name: str,
          places: tuple[str, str]) -> str:
    old = ", ".join(sorted(shown_address(a) for a in addresses))
    where = f"{held.parent.parent.name}/{held.parent.name}/{held.name}"
    roster, templates = places
    if school is None:
        return both("sync.invite-held-left", id=who, school=name, file=where, roster=roster)
    command = " ".join(["sheetsync template --roster", shell_word(roster), "-o", shell_word(templates),
                        "--email --recipient", shell_word(who)])
    return both("sync.invite-held-address", id=who, school=school.school, old=old, roster=roster,
                new=", ".join(shown_address(e) for e in school.emails), file=where, command=command)


def _places(settings: Path | None) -> tuple[str, str]:
    """The roster file and templates folder as the office's ``settings`` (its ``sheetsync.toml``) names them
    (relative to the office, where the clerk types commands), else as ``sheetsync init`` names them."""
    from .config import config_path, load_office  # the office's configuration: needed only inside an office

    try:
        office = load_office(settings.parent) if settings is not None else None
    except SheetsyncError:  # read by this very run a moment ago: an edit since is the next run's to report
        office = None
    if office is None:
        return "roster.csv", "templates"
    roster = config_path(office.roster, office.root) if office.roster is not None else "roster.csv"
    return roster, config_path(office.templates, office.root)


#: What a word may hold and still be typed bare into cmd.exe, PowerShell and bash alike.
#: (A ``,`` makes PowerShell pass an array, joined with spaces; a leading ``@`` is its splatting.)
_BARE_WORD = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:=+@-]*")


def shell_word(text: str) -> str:
    """``text`` as one word of a command the clerk pastes into cmd.exe, PowerShell or bash: bare when
    it is plain ASCII that none of them splits or reads (``s1``, ``templates/``), else in double quotes
    (``"ร.ร. 01"``, ``"-7"``).

    Double quotes are the one quoting all three take off the same way around spaces, Thai letters, ``&``,
    ``;``, ``|``, ``,``, ``<>`` and ``()``; single quotes mean nothing to cmd.exe. A leading ``-`` is quoted
    too, so the clerk sees a value and not an option (click takes a dashed word after ``--recipient`` as its
    value either way). A double quote is written ``\\"`` and the backslashes before it (or before the closing
    quote) doubled, as bash and the Windows C runtime both read them. Nothing is refused: a ``$``, a backtick,
    ``%`` or ``!`` in ``text`` (no roster id seen has one) means something inside double quotes to one shell or
    another, and no quoting escapes it in all of them: such a word is given in double quotes, the closest there is.
    """
    if _BARE_WORD.fullmatch(text):
        return text
    # Inside double quotes bash and the Windows C runtime (which splits the words for python.exe) both read
    # ``\"`` as a quote and ``\\`` before a quote as one backslash: so a quote, and the backslashes before
    # it or before the closing quote, are escaped, and no quote is left open (bash would wait for its end).
    return '"' + re.sub(r'(\\*)("|\Z)', lambda m: m[1] * 2 + ("\\" + m[2] if m[2] else ""), text) + '"'
