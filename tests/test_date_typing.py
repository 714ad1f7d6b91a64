"""Issue 8, item 1: a date typed the way teachers type it shows the B.E. date meant, or is refused.

Typed in real Calc, under a Thai and an English locale, into the date cells of an .xlsx and an
.ods template: each entry either passes the cell's validation and then *shows* a B.E. date that
reads back as the date meant, or fails the validation (Calc's typing-time refusal, with the Thai
message of the rule). Calc's own check runs only in its window, so the rule's formula is
evaluated by Calc on the typed content (``LibreOffice.validity``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.coerce import parse_date, thai_digits_to_arabic
from sheetsync.spec.form import Form
from sheetsync.template.plan import build_plan
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template
from tests.libreoffice import LibreOffice, require_libreoffice

pytestmark = pytest.mark.libreoffice

OCT31 = dt.date(2019, 10, 31)
# report row -> (what the teacher types, the date meant)
TYPED = {
    "B37": ("31/10/2562", OCT31),
    "B38": ("31/10/62", OCT31),
    "B39": ("29 พ.ย. 2562", dt.date(2019, 11, 29)),
    "B40": ("๓๑/๑๐/๒๕๖๒", OCT31),
    "B41": ("2019-10-31", OCT31),
    "B42": ("31/10/2019", OCT31),
    "B43": ("1/2/2563", dt.date(2020, 2, 1)),  # day first, in an English locale too
    "B44": ("30/9/2563", dt.date(2020, 9, 30)),
    "B45": ("29/4/2020", dt.date(2020, 4, 29)),  # a C.E. year, d/m/yyyy as B.E. years are typed
    "B46": ("29/4/63", dt.date(2020, 4, 29)),  # a 2-digit year
}
MUST_ACCEPT = {"B37", "B43", "B44"}
# C.E. years would not show a B.E. date; nor would a short year. The refusal asks for a 4-digit B.E. year.
MUST_REFUSE = {"B41", "B42", "B45", "B46"}


@pytest.fixture(scope="module")
def english_calc() -> Iterator[LibreOffice]:
    """A second soffice in an en_US locale, for this module only."""
    require_libreoffice()
    with LibreOffice(locale="en_US.UTF-8") as lo:
        yield lo


def _calc(request: pytest.FixtureRequest, which: str) -> Any:
    return request.getfixturevalue("libreoffice" if which == "th" else "english_calc")


@pytest.mark.parametrize("fiscal_year", [None, 2563])
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("locale", ["th", "en"])
def test_typed_dates_show_buddhist_era_or_are_refused(request: pytest.FixtureRequest, progress_form: Form,
                                                      tmp_path: Path, locale: str, fmt: str,
                                                      fiscal_year: int | None) -> None:
    calc = _calc(request, locale)
    template = tmp_path / f"template.{fmt}"
    data = {"project": {"fiscal_year": fiscal_year}} if fiscal_year else None
    write_template(progress_form, template, data=data)
    typed = tmp_path / f"typed.{fmt}"
    cells = calc.type_into(template, typed, {ref: text for ref, (text, _) in TYPED.items()},
                           sheet=progress_form.sheet)
    validity = calc.validity(typed, progress_form.sheet, list(TYPED))
    reports = {f"B{36 + r['no']}": r for r in read_filled(typed).data.get("reports", [])}
    accepted: set[str] = set()
    for ref, (text, meant) in TYPED.items():
        shown = cells[ref]["string"]
        rule = validity[ref]
        assert rule is not None, f"{ref}: no formula validation"
        assert "3105" not in shown and "1476" not in shown, (ref, text, shown)
        if not rule["valid"]:
            # Refused while typing: Calc stops the entry and shows the rule's Thai message.
            check = cells[ref]["validation"]
            assert check["show_error"] and check["error_style"] == "STOP", check
            assert "วัน/เดือน/ปี พ.ศ. 4 หลัก" in check["error_message"] and "31/10/2562" in check["error_message"]
            continue
        accepted.add(ref)
        assert cells[ref]["type"] == "text", (ref, text, cells[ref])
        assert str(meant.year + 543) in thai_digits_to_arabic(shown), (ref, text, shown)
        assert parse_date(shown) == meant, (ref, text, shown)
        assert reports[ref]["date"] == meant.isoformat(), (ref, text, reports[ref])
    assert MUST_ACCEPT <= accepted, accepted
    assert not MUST_REFUSE & accepted, accepted


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_prefilled_dates_look_like_typed_ones(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                              tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"filled.{fmt}"
    write_template(progress_form, path, data=seed)
    refs = ["C6", "C7", "B37", "B43"]
    cells = libreoffice.cells(path, progress_form.sheet, refs)
    plan = {c.place.ref: c for c in build_plan(progress_form, seed).cells}
    for ref in refs:
        assert cells[ref]["type"] == "text", (ref, cells[ref])
        assert cells[ref]["string"] == plan[ref].value, ref
    assert cells["C6"]["string"] == "1/10/2562" and cells["B37"]["string"] == "31/10/2562"
    assert read_filled(path).data["project"]["start_date"] == "2019-10-01"


def test_every_date_rule_fits_excel(progress_form: Form) -> None:
    """Excel drops a validation whose formula is longer than 255 characters."""
    rules = [c.validation for c in build_plan(progress_form).cells if c.validation is not None]
    assert any(r.kind == "custom" for r in rules)
    for rule in rules:
        assert len(rule.formula1 or "") <= 255, rule.formula1
