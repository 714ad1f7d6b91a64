"""What a message that brought no spreadsheet brought instead, for the polite reply to say precisely.

A teacher's program often sends the report in a form the office cannot take, and "no report file"
tells them nothing: Gmail's "Insert from Drive" (and its automatic link for a file over 25 MB) and
Outlook's "Share link" send a link to Google Drive, Google Sheets or OneDrive instead of the file;
Excel's "Save As" makes an Excel binary (.xlsb) or macro workbook (.xlsm), a CSV or a web page of the
same report. Each becomes a :class:`~sheetsync.zipped.Refusal` the reply words: ``cloud-link`` (its
name the service) or ``saved-as`` (its detail the catalogue entry saying what the file is and what to do).
"""

from __future__ import annotations

import re
from email.message import Message
from pathlib import PurePosixPath

from ..zipped import Refusal

#: Saved as a kind that is not read: the catalogue entry (``why.*``) that says what to do.
SAVED_AS = {".xlsb": "why.xlsb", ".xlsm": "why.macros", ".xltm": "why.macros", ".csv": "why.csv",
            ".htm": "why.web-page", ".html": "why.web-page", ".mht": "why.web-page", ".mhtml": "why.web-page"}
#: Where a link to the file leads, by the service a teacher knows it as (the first that matches names it).
_SERVICES = (("Google Sheets", re.compile(r"docs\.google\.com/spreadsheets/")),
             ("Google Drive", re.compile(r"drive\.google\.com/|docs\.google\.com/")),
             ("OneDrive", re.compile(r"1drv\.ms/|onedrive\.live\.com/|[a-z0-9-]+\.sharepoint\.com/")),
             ("Dropbox", re.compile(r"dropbox\.com/")))
#: How much of each text part is looked at: a link to the file sits near the top (Gmail's chip, Outlook's card).
_TEXT_BYTES = 256 * 1024


def saved_as(names: list[str]) -> list[Refusal]:
    """A ``saved-as`` refusal for each of ``names`` that is a spreadsheet saved as a kind not read."""
    found = []
    for name in names:
        why = SAVED_AS.get(PurePosixPath("x" + name.lower()).suffix)  # ".csv" alone too: a name lost, its type kept
        if why:
            found.append(Refusal(name, "saved-as", why))
    return found


def cloud_link(message: Message) -> list[Refusal]:
    """One ``cloud-link`` refusal naming the service, when a text of ``message`` links to a shared
    file (Google Drive, Google Sheets, OneDrive, Dropbox); none otherwise."""
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.get_filename() or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        text = payload[:_TEXT_BYTES].decode("ascii", errors="replace").lower() if isinstance(payload, bytes) else ""
        for service, pattern in _SERVICES:
            if pattern.search(text):
                return [Refusal(service, "cloud-link")]
    return []
