"""One submitted file, read and validated for the merge: its key, its recency, its data.

A file that cannot be merged is not an exception here: it comes back as a ``refused``
:class:`~.model.Outcome` with the reason, so the merge goes on and the ledger says why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..errors import NotOurFormError, UnknownFormError, UnreadableFileError
from ..check.reader import read_filled
from ..check.report import Finding
from ..check.validate import validate
from .model import Key, Outcome, Recency, Result, moment

#: The document properties that record when a file was last saved, per format.
SAVED_AT = {"xlsx": ("docProps/core.xml", re.compile(rb"<dcterms:modified[^>]*>([^<]{10,40})</dcterms:modified>")),
            "ods": ("meta.xml", re.compile(rb"<dc:date>([^<]{10,40})</dc:date>"))}
_MAX_PROPERTIES = 1024 * 1024
#: How many errors a refusal lists by cell (the count is always complete).
_LISTED = 5


@dataclass(frozen=True)
class Submission:
    """A valid submission, ready to merge."""

    index: int  # position in the batch: the later of two equally new files wins
    path: Path
    sha256: str
    key: Key
    recency: Recency
    form_version: str
    template_id: str
    data: dict[str, Any]
    warnings: tuple[str, ...]

    def outcome(self, result: Result, code: str, detail: str, changes: tuple[str, ...] = ()) -> Outcome:
        """This submission's :class:`~.model.Outcome`."""
        return Outcome(self.path, result, code, self.key, self.sha256, detail, changes, self.warnings,
                       form_version=self.form_version, template_id=self.template_id)

    def newness(self) -> tuple[dt.datetime, dt.datetime, int]:
        """Orders submissions oldest first (see :class:`~.model.Recency`)."""
        return (*self.recency.sort_key(), self.index)


def read_submission(path: Path, index: int, forms_dirs: Iterable[str | Path] = ()) -> Submission | Outcome:
    """Read, validate and key one file; a file that cannot be merged comes back as its refusal."""
    try:
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return Outcome(path, "refused", "unreadable", detail=f"{path.name}: cannot be opened ({exc.strerror})")
    try:
        filled = read_filled(path, forms_dirs=forms_dirs)
    except (UnreadableFileError, NotOurFormError, UnknownFormError) as exc:
        return Outcome(path, "refused", "unreadable", sha256=sha256, detail=str(exc))
    meta = filled.metadata
    code = str(filled.data.get("project", {}).get("code", "")).strip()
    key = Key(filled.form.id, code, str(meta.get("recipient", "")).strip())
    version, template_id = str(meta.get("form_version", "")), str(meta.get("template_id", ""))
    report = validate(filled)
    warnings = tuple(_where(f) for f in report.warnings)
    if not report.valid:
        errors = report.errors
        listed = ", ".join(_where(f) for f in errors[:_LISTED]) + (", …" if len(errors) > _LISTED else "")
        return Outcome(path, "refused", "invalid", key, sha256, f"{len(errors)} error(s): {listed}",
                       warnings=warnings, errors=len(errors), form_version=version, template_id=template_id)
    if not code:
        return Outcome(path, "refused", "no-project-code", key, sha256, "no project code, so no key to merge by",
                       warnings=warnings, form_version=version, template_id=template_id)
    recency = Recency(_utc(meta.get("issued_at", "")), saved_at(path, filled.fmt))
    return Submission(index, path, sha256, key, recency, version, template_id, filled.data, warnings)


def saved_at(path: Path, fmt: str) -> str:
    """When the file was last saved, from its own document properties, else from the file system."""
    member, pattern = SAVED_AT.get(fmt, ("", re.compile(b"^$")))
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(member)
            if info.file_size <= _MAX_PROPERTIES:
                found = pattern.search(archive.read(info))
                if found:
                    text = re.sub(r"(\.\d{6})\d+", r"\1", found.group(1).decode("ascii", "replace"))
                    if moment(text).year > 1:
                        return _utc(text)
    except (KeyError, OSError, zipfile.BadZipFile):
        pass  # no such property: the modification time below is the best remaining evidence
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
    return stamp.isoformat(timespec="seconds")


def _utc(text: str) -> str:
    """An ISO timestamp normalised to UTC, so that stored values compare as written."""
    value = moment(str(text))
    return value.isoformat(timespec="seconds") if value.year > 1 else str(text)


def _where(finding: Finding) -> str:
    return f"{finding.code}@{finding.cell}"
