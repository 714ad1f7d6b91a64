"""A template identity that cannot be forged: the office's secret key and the signature it makes.

The hidden metadata sheet can be unhidden and edited by anyone, so the recipient, the issue date
or the template id of a returned file prove nothing by themselves. Each template the office
issues carries ``signature``: an HMAC-SHA256, under a secret key only the office has, over

    form id · form version · template id · recipient · issue date · locked-content fingerprint

(the fingerprint covers every locked cell, prefilled data included). A returned file whose
signature does not verify was not issued by this office, or was altered after issue.

The key is 32 random bytes, kept in a file with 0600 permissions, created once. Where:
the caller says (the office folder passes its own path); else ``$SHEETSYNC_KEY_FILE``; else
``$XDG_CONFIG_HOME/sheetsync/office.key`` (``~/.config/sheetsync/office.key``). Keep it with the
office's other state and back it up: without it, templates already issued no longer verify.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from functools import lru_cache
from pathlib import Path
from typing import Literal, Mapping

from .errors import KeyFileError
from .messages import render

KEY_ENV = "SHEETSYNC_KEY_FILE"
#: The hidden sheet where a template records its identity (the write side fills it, the read side checks it).
META_SHEET = "_sheetsync"
#: The first sheet of a marked-up copy: every finding, linked to its cell (sheetsync.template.markup).
FINDINGS_SHEET = "ผลการตรวจสอบ"
#: The first rows of that sheet, in this order (key in column A, value in column B).
META_ROWS = ("form_id", "form_version", "template_id", "recipient", "issued_at", "schema_hash")
#: The metadata the signature covers, in this order.
SIGNED = ("form_id", "form_version", "template_id", "recipient", "issued_at", "fingerprint")
SIGNATURE = "signature"
_CONTEXT = b"sheetsync template identity v1\n"
#: ``key=OFFICE`` (the default of the functions that sign or verify): the key at :func:`key_path`.
OFFICE: Literal["office"] = "office"
KeyArg = bytes | Literal["office"] | None


def key_path() -> Path:
    """Where the office key is: ``$SHEETSYNC_KEY_FILE``, else the user's configuration folder."""
    environ = os.environ
    return _key_path(environ.get(KEY_ENV), environ.get("XDG_CONFIG_HOME"), environ.get("HOME"))


@lru_cache(maxsize=16)  # asked once per file checked; the answer changes only with the environment
def _key_path(explicit: str | None, config: str | None, home: str | None) -> Path:
    if explicit:
        return Path(explicit)
    return Path(config or str(Path.home() / ".config")) / "sheetsync" / "office.key"


def load_key(path: str | Path | None = None) -> bytes | None:
    """The office key at ``path`` (default :func:`key_path`), or None if there is none yet.

    The file holds the 32 bytes themselves (as ``sheetsync init`` writes them) or, written by
    hand, 64 hex digits.

    :raises KeyFileError: the file is damaged, or readable by other users.
    """
    path = Path(path) if path is not None else key_path()
    try:
        found = os.stat(path)
        # Every file checked asks for the key: read it again only when the file is another one.
        seen = (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_mode)
        cached = _LOADED.get(str(path))
        if cached is not None and cached[0] == seen:
            return cached[1]
        raw = path.read_bytes()
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _key_error("key.cannot-read", path, why=exc.strerror or exc) from exc
    key = _parse_key(path, raw, mode)
    if len(_LOADED) > 64:
        _LOADED.clear()
    _LOADED[str(path)] = (seen, key)
    return key


#: path → (what os.stat said of the key file, the key read from it).
_LOADED: dict[str, tuple[tuple[int, int, int, int, int], bytes]] = {}


def _parse_key(path: Path, raw: bytes, mode: int) -> bytes:
    """The key in ``raw`` (the file's bytes), refusing a damaged file or one others can read."""
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise _key_error("key.shared", path)
    if len(raw) == 32:
        return raw
    try:
        key = bytes.fromhex(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != 32:
        raise _key_error("key.damaged", path)
    return key


def _key_error(code: str, path: Path, **params: object) -> KeyFileError:
    """The :class:`KeyFileError` of message ``code`` of ``office.yaml``, Thai first: the run stops on the
    office's own key, and the clerk is the one to put it right."""
    return KeyFileError(render(code, "en", source="office.yaml", path=path, **params),
                        th=render(code, "th", source="office.yaml", path=path, **params))


def ensure_key(path: str | Path | None = None) -> bytes:
    """The office key at ``path`` (default :func:`key_path`), created (32 random bytes, mode 0600)
    if there is none.

    Example::

        key = ensure_key("/srv/office/office.key")
    """
    path = Path(path) if path is not None else key_path()
    existing = load_key(path)
    if existing is not None:
        return existing
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes creating the key at once keep the first one's.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_key(path) or key
    except OSError as exc:
        raise _key_error("key.cannot-create", path, why=exc.strerror or exc) from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def resolve(key: KeyArg, *, create: bool) -> bytes | None:
    """``key`` itself, or for :data:`OFFICE` the office key (created if ``create``)."""
    if key != OFFICE:
        return key if isinstance(key, bytes) else None
    return ensure_key() if create else load_key()


def sign(meta: Mapping[str, str], key: bytes) -> str:
    """The signature (hex) of the identity in ``meta`` under ``key``."""
    message = json.dumps([str(meta.get(name, "")) for name in SIGNED], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, _CONTEXT + message.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(meta: Mapping[str, str], key: bytes) -> bool:
    """Whether ``meta`` carries a signature made by ``key`` over its identity."""
    return hmac.compare_digest(str(meta.get(SIGNATURE, "")), sign(meta, key))


def meta_cell(key: str) -> str:
    """The cell of the metadata sheet holding ``key``'s value, e.g. ``"B6"`` for ``schema_hash``."""
    return f"B{META_ROWS.index(key) + 1}"
