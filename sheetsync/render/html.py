"""An HTML validation report fit for e-mail: inline CSS only, Thai-capable fonts, all text escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from ..check.issued import told_as_issued
from ..identity import META_SHEET
from ..spec.form import Form
from ..messages import Lang, render
from ..check.report import Finding, Report, put_right
from ..text import shown_name
from . import advice, cells_sheet, finding_label, findings_line, ordered, row_name, to_fix, value_text

FONT = "'TH Sarabun New','Sarabun','Leelawadee UI','Tahoma','Noto Sans Thai',sans-serif"
CELL = "border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left"
ROW_BG = {"error": "#fde2e1", "warning": "#fff4cc", "put_right": "#e6f2e1"}
MAX_VALUE = 300  # characters of a found value shown in the table (the cell keeps it all)


def render_html(report: Report, schema: dict[str, Any] | None = None, langs: tuple[Lang, ...] = ("th", "en"),
                *, form: Form | None = None, marked: bool = False, ready: bool = False) -> str:
    """A self-contained HTML page: summary line, then one table of findings (Thai first).

    :param schema: the form's schema, to show each field's Thai label (optional).
    :param form: the form (its schema is used when ``schema`` is None), so that a cell in a
        block of rows also names its row as the form does: "E42 (รายงานครั้งที่ 6)".
    :param marked: the file's marked-up copy goes with the page (attached to its e-mail): the summary
        line then says to correct it there, and a finding the copy already puts right says so
        (:func:`~sheetsync.render.advice`); otherwise it points at the findings listed below.
    :param ready: that copy has nothing left to correct (it put right all the file had wrong): the summary
        line says to check it and send it back, not to correct its red cells (it has none).
    """
    if schema is None and form is not None:
        schema = form.schema
    parts = [f'<div style="font-family:{FONT};font-size:16px;color:#111">',
             f'<h2 style="margin:0 0 8px 0">{_t("report.title", langs)}</h2>',
             f'<p style="margin:0 0 8px 0">{_t("report.file", langs)}: {escape(shown_name(report.path.name))}</p>',
             f'<p style="margin:0 0 12px 0">{_summary(report, langs, marked, ready)}</p>']
    # A template sent back as issued: its one sentence is the summary; no cell is wrong, none is listed.
    listed = report.warnings if told_as_issued(report) else report.findings
    if listed:
        if sheet := cells_sheet(report):
            parts.append(f'<p style="margin:0 0 8px 0">{_t("report.on_sheet", langs, sheet=sheet)}</p>')
        parts.append(_table(ordered(listed), schema or {}, langs, form, marked))
    parts.append("</div>")
    # The page's language (screen readers, fonts, hyphenation) and a title (a browser tab, a saved page).
    # The name as read from the disk may hold what no page can (a name not in UTF-8: lone surrogates).
    title = f"{_t('report.title', langs)} — {escape(shown_name(report.path.name))}"
    return (f'<!DOCTYPE html>\n<html lang="{langs[0]}"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            + "".join(parts) + "</body></html>")


def _t(code: str, langs: tuple[Lang, ...], **params: Any) -> str:
    return " / ".join(escape(render(code, lang, **params)) for lang in langs)


def _summary(report: Report, langs: tuple[Lang, ...], marked: bool, ready: bool) -> str:
    if report.valid and not report.findings:
        return _t("report.valid", langs)
    if marked and ready and report.errors:
        return _t("report.put_right", langs)
    if told_as_issued(report):
        return " / ".join(escape(f.message(lang)) for f in report.errors for lang in langs)
    return " / ".join(escape(findings_line(to_fix(report, marked), len(report.warnings), lang, marked=marked))
                      for lang in langs)


def _table(findings: list[Finding], schema: dict[str, Any], langs: tuple[Lang, ...], form: Form | None,
           marked: bool) -> str:
    heads = ["report.col.cell", "report.col.field", "report.col.value", "report.col.todo", "report.col.severity"]
    head = "".join(f'<th style="{CELL};background:#e8eef7">{_t(h, langs)}</th>' for h in heads)
    rows = "".join(_row(f, schema, langs, form, marked) for f in findings)
    return (f'<table style="border-collapse:collapse;font-family:{FONT};font-size:15px">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def _row(f: Finding, schema: dict[str, Any], langs: tuple[Lang, ...], form: Form | None, marked: bool) -> str:
    value = value_text(form, f)
    value = value if len(value) <= MAX_VALUE else value[:MAX_VALUE] + "…"
    todo = "<br>".join(escape(advice(f, lang, marked=marked)) for lang in langs)
    where = "" if f.sheet == META_SHEET else \
        escape(f.cell) + (f"<br>({escape(row)})" if form and (row := row_name(form, f)) else "")
    # What the attached copy put right is no item to fix: its row says so (sheetsync.check.report.put_right).
    kind = "put_right" if marked and put_right(f) else f.severity
    cells = [where, escape(finding_label(schema, f, form)), _breaks(escape(value)), todo,
             _t(f"report.severity.{kind}", langs)]
    return f'<tr style="background:{ROW_BG[kind]}">' + "".join(f'<td style="{CELL}">{c}</td>' for c in cells) + "</tr>"


def _breaks(text: str) -> str:
    """``text`` with each line end (a Windows program's ``\r\n``, an old Mac's ``\r``) one ``<br>``."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
