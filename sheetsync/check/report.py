"""Validation results as data: findings and the report that holds them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]
#: Findings the marked-up copy itself puts right: it is the form again, without the inserted row (with the
#: deleted one), with its own fixed texts and nothing outside it (:mod:`sheetsync.template.markup`). An answer
#: with the copy attached says so for them, instead of her own file's advice (:func:`sheetsync.render.advice`).
PUT_RIGHT = frozenset({"rows-inserted", "rows-deleted", "locked-cell-changed", "outside-form-area"})
#: The ``params`` of a ``rows-deleted`` finding that leave her something to do in the copy: what was typed in
#: the rows deleted, to be typed again there (:func:`sheetsync.check.putback.lost_params`); or rows put back
#: empty as issued ("empty"), which she checks: whether she had typed in them before deleting them is not known,
#: so such a copy is not taken as her return as it is.
TO_TYPE_AGAIN = frozenset({"items", "lost", "empty"})
#: The finding that a file's identity (recipient, issue date …) is not signed by the office's key.
IDENTITY_NOT_VERIFIED = "identity-not-verified"


def put_right(finding: Finding) -> bool:
    """Whether the marked-up copy puts ``finding`` right with nothing left for her to do about it: one of
    :data:`PUT_RIGHT`, but not rows deleted with what was typed in them (back empty, to be typed again).

    Example::

        put_right(inserted)  # True: the copy has the inserted row taken out
    """
    return finding.code in PUT_RIGHT and not any(key in TO_TYPE_AGAIN for key, _ in finding.params)


def settled(report: Report, marked: bool) -> list[Finding]:
    """The errors of ``report`` that its marked-up copy, when it goes with the answer (``marked``), has put
    right (:func:`put_right`): told as put right, not as items to fix. None without the copy: her own file
    still has them."""
    return [f for f in report.errors if put_right(f)] if marked else []


@dataclass(frozen=True)
class Finding:
    """One thing to fix, at one cell.

    ``code`` is a stable slug (the key of the message catalogue); ``path`` is the JSON pointer of
    the value; ``value`` is what was found, as read. ``rests_on`` names the other cells of the sheet
    a rule's finding was judged by (the budget, the rest of its column or row): a change to any of
    them may be the fix (the marked-up copy clears the cell's mark then). ``params`` holds what the
    answer's own words for it need beyond its cell (``rows-deleted``: the reports lost with the row).
    """

    code: str
    severity: Severity
    sheet: str
    cell: str
    path: str
    value: Any
    message_th: str
    message_en: str
    rests_on: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str = "th") -> str:
        """The message in ``lang`` ("th" or "en")."""
        return self.message_en if lang == "en" else self.message_th

    def as_dict(self, lang: str = "th") -> dict[str, Any]:
        """The finding as the JSON report shows it: ``message`` in ``lang``, and both languages as
        ``th`` and ``en`` (a script need not run twice to have both)."""
        data = asdict(self)
        data |= {"message": self.message(lang), "th": self.message_th, "en": self.message_en}
        return {k: data[k] for k in ("code", "severity", "sheet", "cell", "path", "value", "message", "th", "en")}


@dataclass
class Report:
    """Every finding about one file, in the order validation found them."""

    path: Path
    form_id: str
    metadata: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity ``error``."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """Findings of severity ``warning``."""
        return [f for f in self.findings if f.severity == "warning"]

    def codes(self) -> list[str]:
        """The finding codes, in order (handy in tests and logs)."""
        return [f.code for f in self.findings]

    @property
    def identity_verified(self) -> bool:
        """False when the file's identity is not signed by the office's key (finding
        ``identity-not-verified``); True when it is, or when no key was checked."""
        return all(f.code != IDENTITY_NOT_VERIFIED for f in self.findings)

    @property
    def recipient(self) -> str:
        """The roster id the file names, or "" when its identity did not verify.

        Anyone can write any school's id into a workbook of their own: only a signed identity
        makes the file that school's (its address, its name, its place in the digest)."""
        return str(self.metadata.get("recipient", "")) if self.identity_verified else ""


@dataclass(frozen=True)
class Unread:
    """A file that could not be read as a form: its path, the finding that says why, and why in plain
    words per language (``{"th": …, "en": …}``, as :func:`sheetsync.pipeline.why_not_read` puts it)."""

    path: Path
    failure: Finding
    why: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Why, as one line naming the file (the reader's own words)."""
        return str(self.failure.value)


#: What renderers and the digest take for each file of a batch: its report, or why it was not read.
Result = Report | Unread
