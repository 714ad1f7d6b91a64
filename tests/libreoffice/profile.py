"""A LibreOffice profile's settings, written before soffice first starts on it."""
from __future__ import annotations

from pathlib import Path

_SETUP = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>{0}</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale" oor:op="fuse">\
<value>{0}</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale_CTL" oor:op="fuse">\
<value>{0}</value></prop></item>
</oor:items>
"""


def write_setup_locale(user: Path, locale: str) -> None:
    """A fresh profile's registrymodifications.xcu with ``locale`` as Calc's locale setting and the
    default Western and complex-text languages (what Tools > Options > Language Settings stores)."""
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_SETUP.format(locale), encoding="utf-8")
