"""Times as people read them: the store keeps UTC (ISO 8601), everything shown is in the office's zone.

The office's zone is its ``timezone`` setting (``sheetsync.toml``: an IANA name such as
``"Asia/Bangkok"``, or a fixed offset such as ``"+07:00"``); without one, this computer's own zone —
what the clerk's clock shows. ``None`` stands for the computer's zone everywhere a :data:`Zone` is
taken: Python then applies the system's rules to each moment (summer time included).

Four ways a time is shown:

* :func:`cell_time` — a cell as C.E. text, ``2026-12-01 06:30:00`` (sorts as time does; the master
  no longer uses it);
* :func:`cell_moment` — a master cell (the file log, the data sheets' times): a date and time that the
  cell's Buddhist-Era number format shows as ``1/12/2569 06:30:00``, and that sorts as time does;
* :func:`clock_time` — a listing, with its offset: ``2026-12-01 06:30:00 +0700`` (``history``);
* :func:`said_time` — inside a sentence: Thai in the Buddhist Era, ``1/12/2569 06:30 น.``; English
  with its offset, ``2026-12-01 06:30 +07:00``.

A stored time without an offset is UTC (a master written before the store); one that cannot be
read is shown as stored, never an error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .check.coerce import format_be_date
from .messages import Lang

#: An office's time zone; None means this computer's own.
Zone = Optional[dt.tzinfo]
_OFFSET = re.compile(r"([+-])([0-9]{1,2}):?([0-9]{2})?", re.ASCII)  # +7, +07, +0700, +07:00; ASCII digits only


def zone_named(text: str) -> dt.tzinfo:
    """The time zone a ``timezone`` setting names: ``+07:00`` (also ``+0700``, ``+07``, ``+7``), ``UTC`` / ``Z``,
    or an IANA name (``Asia/Bangkok``), which needs the system's time zone database (on Windows, the
    tzdata package) — an offset never does.

    :raises ValueError: ``text`` is neither, or the name is not known on this computer.

    Example::

        zone_named("+07:00").utcoffset(None) == dt.timedelta(hours=7)
    """
    text = text.strip()
    if text.upper() in ("UTC", "Z"):
        return dt.timezone.utc
    offset = _OFFSET.fullmatch(text)
    if offset:
        sign, hours, minutes = offset.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > dt.timedelta(hours=14) or int(minutes or 0) >= 60:
            raise ValueError(f"{text!r} is no time zone offset (from -14:00 to +14:00)")
        return dt.timezone(-delta if sign == "-" else delta)
    try:  # zoneinfo refuses a key that is a path ("../x", "/etc/x") with ValueError
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"{text!r} is not a time zone this computer knows "
                         "(names need the system's time zone database, or the tzdata package on Windows)") from exc


def local(stored: str | dt.datetime, zone: Zone = None) -> dt.datetime | None:
    """``stored`` (ISO 8601; no offset means UTC) as an aware time in ``zone``; None when unreadable."""
    if isinstance(stored, dt.datetime):
        moment = stored
    else:
        try:
            moment = dt.datetime.fromisoformat(str(stored).strip())
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    try:
        return moment.astimezone(zone)
    except OverflowError:  # year 1 or 9999 moved past the calendar's ends: shown as stored
        return None


#: The first moment a spreadsheet's date cell holds alike in Excel and Calc (see :func:`cell_moment`).
FIRST_CELL_MOMENT = dt.datetime(1900, 3, 1)


def cell_time(stored: str, zone: Zone = None) -> str:
    """A stored time as a master cell shows it: ``2026-12-01 06:30:00`` in ``zone`` (text, as it always
    was: it sorts as time does and never turns into a number Calc or Excel might reformat)."""
    moment = local(stored, zone)
    return stored if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def cell_moment(stored: str, zone: Zone = None) -> dt.datetime | str:
    """A stored time as a master cell holds it (the file log, the data sheets' times): the time
    in ``zone``, to the second, without its offset (a spreadsheet's date cells have none), written with
    a Buddhist-Era number format: ``1/12/2569 06:30:00`` that sorts as time does. Unreadable: as stored;
    before 1 March 1900 (an issue time is the file's own metadata): text, as :func:`cell_time` writes it."""
    moment = local(stored, zone)
    if moment is None:
        return stored
    shown = moment.replace(tzinfo=None, microsecond=0)
    # Excel counts 1900 as a leap year and has no dates before it: an earlier serial shows a wrong day or ####.
    return shown if shown >= FIRST_CELL_MOMENT else cell_time(stored, zone)


def clock_time(stored: str, zone: Zone = None) -> str:
    """A stored time as a listing shows it, with its offset: ``2026-12-01 06:30:00 +0700``."""
    moment = local(stored, zone)
    return stored[:19] if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S %z")


def said_time(stored: str | dt.datetime, zone: Zone, lang: Lang) -> str:
    """A time inside a sentence of ``lang``: ``1/12/2569 06:30 น.`` (Thai: Buddhist Era, as every
    date the office writes in Thai) or ``2026-12-01 06:30 +07:00`` (English, with its offset)."""
    moment = local(stored, zone)
    if moment is None:
        return str(stored)[:19]
    if lang == "th":
        return f"{format_be_date(moment.date())} {moment:%H:%M} น."
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def said_date(stored: str, zone: Zone = None) -> str:
    """The day of a stored time in ``zone``, Buddhist Era: ``1/12/2569`` (as Thai and English texts to
    schools write dates)."""
    moment = local(stored, zone)
    return str(stored)[:10] if moment is None else format_be_date(moment.date())


__all__ = ["Zone", "cell_moment", "cell_time", "clock_time", "local", "said_date", "said_time", "zone_named"]
