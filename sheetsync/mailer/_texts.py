"""The texts of mail (subjects, greetings, digest wording), kept as data in ``messages/mail.yaml``."""

from __future__ import annotations

from typing import Any

from ..messages import Lang, render


def say(code: str, lang: Lang, **params: Any) -> str:
    """The mail text ``code`` in ``lang`` with its ``{placeholders}`` filled (missing ones stay visible)."""
    return render(code, lang, source="mail.yaml", **params)
