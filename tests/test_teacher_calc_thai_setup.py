"""A teacher whose computer's system is English sets Calc itself to Thai (Tools > Options > Language
Settings: locale setting and default languages th-TH, the profile's ooSetupSystemLocale and Linguistic
locales), as schools' IT advice says. The other tests run soffice under a Thai system locale instead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.libreoffice import require_libreoffice
from tests.libreoffice.client import LibreOffice
from tests.test_print import assert_form_printed_right, printed

pytestmark = pytest.mark.libreoffice

# The sample's own values, typed as Thai teachers write them: each must read back as the sample.
TYPED = {"B37": "31/10/2562", "B38": "29/11/2562", "C6": "1/10/2562", "E42": "9,999.50 บาท",
         "F7": "179,999.50", "D41": "65", "D42": "70%"}


@pytest.fixture(scope="module")
def thai_calc() -> Iterator[LibreOffice]:
    """Calc set to Thai in its own options, on an English (C.UTF-8) system."""
    require_libreoffice()
    with LibreOffice(locale="C.UTF-8", setup_locale="th-TH") as office:
        yield office


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_calc_set_to_thai_reads_and_prints_as_typed(thai_calc: LibreOffice, progress_form: Form,
                                                     seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed)
    probe = thai_calc.type_into(issued, None, {"C48": "1/2/2563"}, sheet=progress_form.sheet)
    assert probe["C48"]["date"] == "2563-02-01"  # the setting took: day first, as in Thai (English: 2 January)
    thai_calc.type_into(issued, typed, TYPED, sheet=progress_form.sheet)
    filled = read_filled(typed)
    seed["reports"][5]["disbursed"], seed["project"]["budget_used"] = 9999.5, 179999.5
    data = filled.data
    assert filled.problems == [] and data["reports"][:7] == seed["reports"] and data["project"] == seed["project"]
    assert validate(filled).findings == []
    text, pages = printed(thai_calc, typed)
    assert pages <= 2
    assert_form_printed_right(progress_form, text)
    for shown in ("31/10/2562", "29/11/2562", "1/10/2562", "9,999.50 บาท", "179,999.50 บาท"):
        assert shown in text, shown
    assert not re.search(r"\b3[01]\d\d\b", text), "a B.E. year shown 543 years on"
