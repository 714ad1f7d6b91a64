"""The texts of mail (subjects, greetings, digest wording), kept as data in ``messages/mail.yaml``."""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..messages import Lang


@lru_cache(maxsize=1)
def mail_texts() -> dict[str, dict[str, str]]:
    """Every mail text, as ``{code: {"th": ..., "en": ...}}``."""
    text = resources.files("sheetsync.messages").joinpath("mail.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data


def say(code: str, lang: Lang, **params: Any) -> str:
    """The mail text ``code`` in ``lang`` with its ``{placeholders}`` filled (missing ones stay visible)."""
    entry = mail_texts().get(code)
    if entry is None:
        return code
    return string.Formatter().vformat(entry[lang], (), _Lenient(params))


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
