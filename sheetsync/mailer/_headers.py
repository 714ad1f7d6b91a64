"""Header hygiene: every text that reaches a header passes through here first.

``email.policy.SMTP`` already refuses CR and LF in header values; we go further and make any
user-supplied text (a school name, a file name, a subject) one harmless line, so a name such as
``"x\\r\\nBcc: evil@example.com"`` can only ever be a strange name, never a new header.
"""

from __future__ import annotations

import re
import unicodedata
from email.headerregistry import Address
from email.policy import SMTP

from ..errors import MailError

MAX_HEADER_TEXT = 120  # characters of user text in a subject or display name; the rest is cut


def one_line(text: str, limit: int = MAX_HEADER_TEXT) -> str:
    """``text`` as a single line: control characters, line and paragraph breaks become spaces,
    runs of spaces shrink to one, and anything beyond ``limit`` characters becomes "…"."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") else ch
                      for ch in unicodedata.normalize("NFC", str(text)))
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def parse_addresses(text: str, *, display_name: str = "", what: str = "address") -> tuple[Address, ...]:
    """Addresses from ``text`` ("a@x.org", "Name <a@x.org>, b@y.org"); ``display_name`` names
    those written without one.

    :raises MailError: ``text`` holds no address, or one that is not a plain ASCII ``local@domain``.
    """
    header = SMTP.header_factory("To", one_line(text, limit=10_000))
    found: list[Address] = []
    for address in header.addresses:
        spec = address.addr_spec
        if not address.username or not address.domain or "." not in address.domain or not spec.isascii():
            raise MailError(f"{what} {spec!r} is not a usable e-mail address")
        name = one_line(address.display_name or display_name)
        found.append(Address(display_name=name, username=address.username, domain=address.domain))
    if not found or header.defects:
        raise MailError(f"{what} {one_line(text, 60)!r} is not a valid e-mail address")
    return tuple(found)
