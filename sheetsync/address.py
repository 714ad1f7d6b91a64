"""E-mail addresses, Thai ones included: which are usable, how they travel, how they are shown.

Thailand gives schools and offices addresses under ``.ไทย`` (THNIC's อีเมลภาษาไทย), with an ASCII
local part (``somsri@โรงเรียนวัดสุทธิ.ไทย``) or a Thai one (``ครูสมศรี@โรงเรียนวัดสุทธิ.ไทย``).

- A Thai *domain* travels as its IDNA form (``xn--…``, RFC 5890): every mail server takes it, and
  it is the same mailbox. :func:`wire_address` gives that form.
- A Thai *local part* cannot be written in ASCII at all: the mail needs a server offering SMTPUTF8
  (RFC 6531) and its headers go as raw UTF-8 (RFC 6532). :func:`needs_smtputf8` says so.
- People read every address in Thai: :func:`shown_address` turns ``xn--`` labels back.
- An address may have a quoted local part (``"a b"@school.example``, RFC 5321): a received message's sender
  is answered (:func:`is_quoted_address`), and a roster may list it. :func:`usable_address` is the one judge
  of an address as written, for the roster and the mail alike.

What is refused stays refused: no ``@`` or no domain, a domain without a dot, spaces, control or
other invisible characters, a label no IDNA encoder accepts.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["bare_address", "is_address", "is_quoted_address", "needs_smtputf8", "quoted_local", "same_address",
           "shown_address", "shown_addresses", "split_addresses", "usable_address", "wire_address", "wire_domain"]

#: The ASCII characters of a dot-atom local part (RFC 5322 ``atext``) and of a domain label (LDH).
_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
_LDH = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
#: Unicode categories a Thai (or other) local part or domain label may use: letters, combining marks
#: (Thai vowels and tone marks are ``Mn``), digits. Spaces, controls and format characters are not.
_WORDLIKE = ("L", "M", "N")
#: An address inside a header's text: what stands around an ``@`` up to a space, a comma or angle brackets.
_IN_TEXT = re.compile(r"[^\s<>,;\"]+@[^\s<>,;\"]+")
#: A quoted local part as written: ``"``, then characters or backslash escapes, then ``"`` (RFC 5321 ``Quoted-string``).
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
#: One address of a list written in one cell or header: up to a ``,`` or ``;`` that is not inside quotes.
#: A quote that is never closed (typed by slip) holds no separator: its word runs on to the next one, whole.
_LISTED = re.compile(r'(?:"(?:[^"\\]|\\.)*"|[^,;"]|"[^,;]*)+')
MAX_LOCAL_BYTES = 64  # RFC 5321 §4.5.3.1.1 (octets: a Thai letter is three in UTF-8)
MAX_DOMAIN = 253


def is_address(text: str) -> bool:
    """Whether ``text`` is one usable ``local@domain`` address, ASCII or Thai in either part.

    Example::

        is_address("ครูสมศรี@โรงเรียนวัดสุทธิ.ไทย")  # True
        is_address("somsri@localhost")               # False: no dot in the domain
    """
    local, at, domain = str(text).rpartition("@")
    return bool(at) and _local_ok(local) and _domain_ok(domain)


def is_quoted_address(local: str, domain: str) -> bool:
    """Whether ``local`` at ``domain`` is a usable address with a quoted local part (RFC 5321
    ``Quoted-string``: ``"a b"@school.example``), ``local`` being what stands between the quotes, unescaped.
    Printable ASCII only (a quoted Thai local part needs SMTPUTF8 and is sent by no school's mail program),
    within 64 octets once quoted and escaped; ``domain`` as :func:`is_address` takes it.

    Example::

        is_quoted_address("a b", "school.example")  # True: sent as <"a b"@school.example>
    """
    return (bool(local) and all(" " <= ch <= "~" for ch in local) and len(quoted_local(local)) <= MAX_LOCAL_BYTES
            and _domain_ok(domain))


def usable_address(text: str) -> bool:
    """Whether ``text``, an address as written (a roster's cell, a header's ``local@domain``), is one the
    office can mail: a plain one (:func:`is_address`) or one with a quoted local part (:func:`is_quoted_address`).
    The roster and the mail ask this one question, so what one takes the other does too.

    Example::

        usable_address('"a b"@school.example')  # True
        usable_address("a b@school.example")    # False: a space outside quotes
    """
    local, at, domain = str(text).rpartition("@")
    quoted = _QUOTED.fullmatch(local) if at else None
    if quoted is None:
        return is_address(text)
    inside = re.sub(r"\\(.)", r"\1", quoted[1])
    # Written as quoted_local writes it, or the mail side (which rewrites it so and looks for that) refuses it:
    # ``"a\b"`` is read as ``ab``, and no ``"ab"`` stands in the header.
    return local == quoted_local(inside) and is_quoted_address(inside, domain)


def split_addresses(text: str) -> list[str]:
    """The addresses of ``text`` (a roster's cell), separated by ``,`` or ``;`` outside quotes (a quoted local
    part may hold either), each stripped; none for an empty text.

    Example::

        split_addresses('"a, b"@school.example; head@s1.example')  # ['"a, b"@school.example', 'head@s1.example']
    """
    return [found.strip() for found in _LISTED.findall(str(text)) if found.strip()]


def quoted_local(local: str) -> str:
    """``local`` as a quoted local part is written: in quotes, a backslash before each quote and backslash."""
    return '"' + local.replace("\\", "\\\\").replace('"', '\\"') + '"'


def needs_smtputf8(address: str) -> bool:
    """Whether mail to or from ``address`` needs a server offering SMTPUTF8: its local part is not ASCII
    (a Thai domain alone never does: it travels as ``xn--``)."""
    return not str(address).rpartition("@")[0].isascii()


def wire_domain(domain: str) -> str:
    """``domain`` as it travels: every Thai label in its IDNA form (``โรงเรียน.ไทย`` → ``xn--….xn--o3cw4h``);
    an ASCII domain as it is. A domain that has no IDNA form is given back unchanged."""
    if domain.isascii():
        return domain
    try:
        return ".".join(_wire_label(label) for label in unicodedata.normalize("NFC", domain).split("."))
    except UnicodeError:
        return domain


def wire_address(address: str) -> str:
    """``address`` with its domain in the form it travels in (see :func:`wire_domain`)."""
    local, at, domain = str(address).rpartition("@")
    return f"{local}{at}{wire_domain(domain)}" if at else str(address)


def bare_address(address: str) -> str:
    """``address`` as read from a received header, without control and other invisible characters, nor
    the U+FFFD that stands for a byte lost on the way (Dovecot passes a NUL on as one): none is part of
    an address, and ``a@s1.example\\x00`` kept as it came never matches the roster's ``a@s1.example``.

    Example::

        bare_address("a@s1.example\\x00")  # 'a@s1.example'
    """
    return "".join(ch for ch in str(address) if ch != "\ufffd" and unicodedata.category(ch) not in ("Cc", "Cf"))


def shown_address(address: str) -> str:
    """``address`` as people read it: each ``xn--`` label of its domain in Thai
    (``somsri@xn--….xn--o3cw4h`` → ``somsri@โรงเรียนวัดสุทธิ.ไทย``), anything else as it is."""
    local, at, domain = str(address).rpartition("@")
    if not at or "xn--" not in domain.lower():
        return str(address)
    return f"{local}@{'.'.join(_shown_label(label) for label in domain.split('.'))}"


def shown_addresses(text: str) -> str:
    """``text`` (a header as read: ``โรงเรียน <somsri@xn--…>, b@x.org``) with every address in it shown
    as :func:`shown_address` shows it."""
    return _IN_TEXT.sub(lambda found: shown_address(found[0]), str(text))


def same_address(one: str, other: str) -> bool:
    """Whether two addresses name the same mailbox as far as the office can tell: case aside, and a Thai
    domain the same whether written in Thai or as ``xn--``."""
    return _key(one) == _key(other)


def _key(address: str) -> str:
    return shown_address(unicodedata.normalize("NFC", str(address).strip())).lower()


def _local_ok(local: str) -> bool:
    if not local or len(local.encode("utf-8")) > MAX_LOCAL_BYTES or ".." in local or local.startswith(".") \
            or local.endswith("."):
        return False
    return all(_ATEXT.fullmatch(part) or (not part.isascii() and _wordlike(part, extra=_ATEXT))
               for part in local.split("."))


def _domain_ok(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2 or any(not _label_ok(label) for label in labels):
        return False
    return len(wire_domain(domain)) <= MAX_DOMAIN


def _label_ok(label: str) -> bool:
    if label.isascii():
        return bool(_LDH.fullmatch(label))
    if not _wordlike(label, extra=re.compile("-")) or label.startswith("-") or label.endswith("-"):
        return False
    try:
        return bool(_LDH.fullmatch(_wire_label(label)))
    except UnicodeError:
        return False


def _wordlike(text: str, *, extra: re.Pattern[str]) -> bool:
    """Every character a letter, a mark or a digit, or an ASCII character ``extra`` allows."""
    return all(unicodedata.category(ch)[0] in _WORDLIKE if not ch.isascii() else bool(extra.fullmatch(ch))
               for ch in text)


def _wire_label(label: str) -> str:
    # The standard library's codec (IDNA 2003 with nameprep): for Thai labels it gives what IDNA 2008
    # gives, and it needs no package beyond Python itself.
    return label if label.isascii() else label.encode("idna").decode("ascii")


def _shown_label(label: str) -> str:
    if not label.lower().startswith("xn--"):
        return label
    try:
        return label.lower().encode("ascii").decode("idna")  # "XN--": the codec takes only the lower case
    except UnicodeError:
        return label  # not a real IDNA label: shown as received
