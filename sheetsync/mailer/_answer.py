"""Answering who wrote: where the report on a fetched file goes, and what the office should notice.

The report answers the message that brought the file (its thread), addressed to its sender and
copied to the roster's address for the school named in the file when that is someone else (only
when the office's key vouches for that name: a forged file's sender learns nothing of the school).
A file a robot or a list sent (:attr:`Thread.automatic`) is reported to the roster's address alone. A
sender who is on no roster line is still answered; the office hears of it in the digest. When the
sender is not the roster's address for the school named in the file, the report carries a
warning (``sender-not-recipient``): someone may have sent another school's file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..messages import render
from ..check.report import Finding, Report
from ..roster import Recipient
from ._headers import Thread

SENDER_FINDING = "sender-not-recipient"


@dataclass(frozen=True)
class Addressing:
    """Who a report goes to: ``to`` (the sender, or the roster's address), ``cc``, the school's
    name for the greeting, the thread it answers, and whether the sender is on the roster."""

    to: str
    cc: tuple[str, ...] = ()
    school: str | None = None
    thread: Thread | None = None
    sender_on_roster: bool = True


def address_report(report: Report, roster: Iterable[Recipient], origin: Thread | None = None,
                   to: str | None = None) -> Addressing | None:
    """Where the mail about ``report`` goes; ``None`` when nobody can be addressed.

    :param origin: the message that brought the file (from the fetch ledger), if it came by mail.
    :param to: an address given by hand (``--to``): it wins, and no copy is made.

    A file whose identity does not verify names no school (:attr:`Report.recipient`): it is
    answered to its sender alone, with no copy, no school's name, and not at all without a sender.
    """
    people = list(roster)
    named = _named(report, people)
    school = named.school if named else None
    if to:
        return Addressing(to, school=school, thread=origin)
    if origin is not None and origin.automatic:  # a robot or a list: the school hears, in the thread
        return Addressing(named.email, school=school, thread=origin) if named and named.email else None
    if origin is None or not origin.sender:
        return Addressing(named.email, school=school) if named and named.email else None
    sender = origin.sender.lower()
    copies = tuple(a for a in (named.emails if named else ()) if a.lower() != sender)
    known = any(sender == a.lower() for r in people for a in r.emails)
    return Addressing(origin.sender, copies, school, origin, known)


def sender_finding(report: Report, roster: Iterable[Recipient], origin: Thread | None) -> Finding | None:
    """A warning when the file came from an address that is not the roster's for the school the
    file names (nothing when the file names nobody on the roster, or did not come by mail)."""
    if origin is None or not origin.sender:
        return None
    named = _named(report, roster)
    if named is None or not named.emails or origin.sender.lower() in (a.lower() for a in named.emails):
        return None
    values = {"sender": origin.sender, "school": named.school or named.id, "expected": ", ".join(named.emails)}
    return Finding(SENDER_FINDING, "warning", "", "", "", origin.sender, render(SENDER_FINDING, "th", **values),
                   render(SENDER_FINDING, "en", **values))


def _named(report: Report, roster: Iterable[Recipient]) -> Recipient | None:
    """The roster entry of the school the file names, when its signed identity says so."""
    return next((r for r in roster if r.id and r.id == report.recipient), None)
