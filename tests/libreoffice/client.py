"""Project-side client for a real, headless LibreOffice Calc.

The project interpreter cannot ``import uno`` (only the system Python can), so
:class:`LibreOffice` starts two processes and talks JSON lines to the second:

* one listening ``soffice`` with a private profile (so parallel sessions and
  the developer's own LibreOffice never share state) and a Thai locale;
* ``/usr/bin/python3 uno_worker.py <pipe>``, which drives it over UNO.

Starting soffice costs seconds, so one instance serves a whole test session.
"""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import zlib
from pathlib import Path
from typing import Any

from tests.libreoffice.profile import write_setup_locale

SYSTEM_PYTHON = "/usr/bin/python3"
WORKER = Path(__file__).with_name("uno_worker.py")
DEFAULT_TIMEOUT = 120.0
MM_PER_PT = 25.4 / 72


class LibreOfficeError(RuntimeError):
    """A request failed inside LibreOffice, timed out, or soffice died."""


def find_soffice() -> str | None:
    """Path of the soffice binary, preferring the Debian location."""
    if os.access("/usr/bin/soffice", os.X_OK):
        return "/usr/bin/soffice"
    return shutil.which("soffice")


class LibreOffice:
    """One headless soffice plus its UNO worker; use as a context manager or close()."""

    def __init__(self, soffice: str | None = None, locale: str = "th_TH.UTF-8",
                 timeout: float = DEFAULT_TIMEOUT, setup_locale: str | None = None) -> None:
        """``locale`` is the system's (soffice's LC_ALL); ``setup_locale`` (e.g. "th-TH"), when given, is
        written into the profile as Tools > Options > Language Settings' locale and default languages,
        as a teacher sets them on a computer whose system is English."""
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="sheetsync-lo-"))
        self._log = open(self.profile / "soffice.log", "wb")
        self._wlog = open(self.profile / "worker.log", "wb")
        self._soffice: subprocess.Popen[bytes] | None = None
        self._worker: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None
        self._lock = threading.Lock()
        self.last_words = ""  # soffice's log and exit status when it died, for the next user
        try:
            self._start(soffice or find_soffice(), locale, setup_locale)
        except BaseException:
            self.close(force=True)
            raise

    # -- process management ---------------------------------------------------
    def _start(self, soffice: str | None, locale: str, setup_locale: str | None = None) -> None:
        if not soffice:
            raise LibreOfficeError("soffice not found")
        pipe = f"sheetsync_{uuid.uuid4().hex}"
        if setup_locale:
            write_setup_locale(self.profile / "user" / "user", setup_locale)
        env = dict(os.environ, LC_ALL=locale, LANG=locale)
        self._soffice = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--nologo", "--norestore",
             "--nodefault", "--nolockcheck",
             f"-env:UserInstallation={(self.profile / 'user').as_uri()}",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, env=env,
            # soffice is a script -> oosplash -> soffice.bin; a session of its
            # own lets close() reach the whole chain by one process-group id.
            start_new_session=True)
        stage = self.profile / "stage"  # ASCII-named copies, see Worker.stage()
        stage.mkdir()
        # The system Python must not see the project venv's paths.
        wenv = {k: v for k, v in os.environ.items()
                if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        self._worker = subprocess.Popen(
            [SYSTEM_PYTHON, str(WORKER), pipe, str(stage)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._wlog, text=True, encoding="utf-8",
            env=wenv, bufsize=1)
        self._reader = threading.Thread(target=self._read, name="lo-reader", daemon=True)
        self._reader.start()
        ready = self._receive(timeout=90.0, what="startup")
        if ready != "ready":
            raise LibreOfficeError(f"unexpected worker greeting: {ready!r}")

    def _read(self) -> None:
        """Pump worker stdout into a queue so reads can time out."""
        assert self._worker is not None and self._worker.stdout is not None
        try:
            for line in self._worker.stdout:
                self._lines.put(line)
        except (OSError, ValueError):  # pipe closed under us during close()
            pass
        finally:
            self._lines.put(None)

    def _diagnostics(self) -> str:
        parts = []
        for proc, name in ((self._soffice, "soffice"), (self._worker, "worker")):
            if proc is not None and proc.poll() is not None:
                parts.append(f"{name} exited with {_exit_status(proc.returncode)}")
        for log in ("soffice.log", "worker.log"):
            try:
                tail = (self.profile / log).read_text(errors="replace")[-1500:].strip()
            except OSError:
                tail = ""
            if tail:
                parts.append(f"--- {log} ---\n{tail}")
        self.last_words = "\n".join(parts)
        return self.last_words

    def running(self) -> bool:
        """True while soffice and its worker are both alive (and not closed)."""
        w, s = self._worker, self._soffice
        return w is not None and s is not None and w.poll() is None and s.poll() is None

    def _receive(self, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            # Short slices so a dead soffice is noticed long before the timeout.
            try:
                line = self._lines.get(timeout=0.5)
                break
            except queue.Empty:
                if self._soffice is not None and self._soffice.poll() is not None:
                    msg = f"soffice died during {what}\n{self._diagnostics()}"
                    self.close(force=True)
                    raise LibreOfficeError(msg)
                if time.monotonic() > deadline:
                    msg = f"{what} timed out after {timeout:.0f}s\n{self._diagnostics()}"
                    self.close(force=True)  # a wedged soffice is useless; stop it
                    raise LibreOfficeError(msg)
        if line is None:
            msg = f"UNO worker exited during {what}\n{self._diagnostics()}"
            self.close(force=True)
            raise LibreOfficeError(msg)
        resp = json.loads(line)
        if not resp["ok"]:
            raise LibreOfficeError(f"{what}: {resp['error']}")
        return resp["result"]

    def request(self, cmd: str, timeout: float | None = None, **args: Any) -> Any:
        """Send one command to the worker and wait (bounded) for its answer."""
        with self._lock:
            w, s = self._worker, self._soffice
            if w is None or s is None or w.stdin is None:
                raise LibreOfficeError("LibreOffice was closed (or died earlier)")
            if w.poll() is not None or s.poll() is not None:
                msg = f"LibreOffice is not running\n{self._diagnostics()}"
                self.close(force=True)
                raise LibreOfficeError(msg)
            try:
                w.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
                w.stdin.flush()
            except OSError as exc:  # BrokenPipeError: the worker is gone
                msg = f"worker pipe broken: {exc}\n{self._diagnostics()}"
                self.close(force=True)
                raise LibreOfficeError(msg) from exc
            return self._receive(timeout or self.timeout, cmd)

    def close(self, force: bool = False) -> None:
        """Stop the worker and soffice, then delete the private profile.

        Politely (soffice quits via UNO) unless ``force``, used after a timeout
        or crash when nothing would answer anyway.  Safe to call twice.
        """
        w, s = self._worker, self._soffice
        self._worker = self._soffice = None
        if w is not None:
            if not force and w.poll() is None and w.stdin is not None:
                try:  # let soffice quit itself: flushes, removes its pipe
                    w.stdin.write(json.dumps({"cmd": "shutdown"}) + "\n")
                    w.stdin.flush()
                except OSError:
                    pass
            _close_quietly(w.stdin)  # EOF ends the worker's loop in any case
            _stop(w, 0 if force else 10)
        if s is not None:
            _stop(s, 0 if force else 15, group=True)
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=5)  # worker gone -> EOF -> thread ends
        if w is not None:
            _close_quietly(w.stdout)
        for log in (self._log, self._wlog):
            log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "LibreOffice":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API -------------------------------------------------------------
    def convert(self, src: Path, dest: Path, sheet: str | None = None, password: str | None = None) -> Path:
        """Re-save ``src`` as ``dest``; the format follows dest's extension.

        xlsx, ods, xls, pdf and csv are known; csv is UTF-8 and holds one sheet:
        ``sheet`` (by name) or else the first sheet (not the file's active one).
        With ``password`` the file is saved encrypted, as Calc's "Save with password" does.
        """
        return Path(self.request("convert", src=str(src), dest=str(dest), sheet=sheet, password=password))

    def inspect(self, path: Path) -> dict[str, Any]:
        """Everything a test may want to assert about a workbook, as plain JSON.

        ``{"sheets": [{"name", "visible", "protected", "used_range", "cells":
        {"A1": {...}}, "merged", "page", "print_areas", "charts", "chart_series"}],
        "named_ranges": {name: content}, "user_properties": {name: value}}``.
        Listed cells: those with content or a note, unlocked ones and validated
        ones.  See :meth:`cells` for the per-cell keys.
        """
        return self.request("inspect", path=str(path))

    def cells(self, path: Path, sheet: str, refs: list[str]) -> dict[str, dict[str, Any]]:
        """Per-cell dicts for just ``refs``: type, value, string, locked,
        validation, annotation, number_format, fonts (and date, formula,
        hyperlinks when relevant)."""
        return self.request("cells", path=str(path), sheet=sheet, refs=list(refs))

    def type_into(self, src: Path, dest: Path | None, entries: dict[str, str],
                  sheet: str | None = None) -> dict[str, dict[str, Any]]:
        """Type each text into its cell as a person would, save as ``dest`` (unless None)
        and return the cells as they ended up.

        One-line text goes through Calc's own input function (the cell's ``FormulaLocal``,
        never the dispatcher: see ``uno_worker.type_text``); multi-line text is entered as
        pasting does.  Sheet protection applies: typing into a locked cell of a protected
        sheet leaves it unchanged, with no dialog.  Validation does NOT: no prompt, no
        error box, an invalid entry sticks.  Input parsing follows soffice's locale and the
        cell's number-format language (e.g. "1/2" -> 1 Feb in Thai, D/M/Y).
        """
        return self.request("type_into", src=str(src), dest=str(dest) if dest else None,
                            entries=dict(entries), sheet=sheet)

    def unmerge_and_type(self, src: Path, dest: Path, ranges: list[str], entries: dict[str, str],
                         sheet: str) -> dict[str, dict[str, Any]]:
        """Unprotect ``sheet`` (the template's password), split each merged range of ``ranges``, type
        each text into its cell (see :meth:`type_into`), save as ``dest``; the cells as they ended up."""
        return self.request("unmerge_and_type", src=str(src), dest=str(dest), ranges=list(ranges),
                            entries=dict(entries), sheet=sheet)

    def paste_into(self, src: Path, dest: Path | None, entries: dict[str, tuple[str, str | None]],
                   sheet: str | None = None) -> dict[str, dict[str, Any]]:
        """Paste into each cell a cell copied from another workbook, its number format with it:
        ``entries`` maps a cell to (the text typed into the other workbook's cell, its number
        format code in en-US terms, or None for the format Calc gave the typing: "45%" -> 0%).
        Saves as ``dest`` (unless None) and returns the cells as they ended up (see :meth:`cells`).
        Sheet protection applies as to Calc's own Paste."""
        return self.request("paste_into", src=str(src), dest=str(dest) if dest else None,
                            entries={k: list(v) for k, v in entries.items()}, sheet=sheet)

    def copy_paste(self, src: Path, dest: Path | None, pairs: list[tuple[str, str]],
                   sheet: str | None = None) -> dict[str, dict[str, Any]]:
        """Copy each range of ``pairs`` (from, to) and paste it at ``to`` on the same sheet, as Calc's
        Copy and Paste do; an empty ``to`` deletes the range's contents (the Delete key). Saves as
        ``dest`` (unless None); the pasted cells' top-left cells as they ended up."""
        return self.request("copy_paste", src=str(src), dest=str(dest) if dest else None,
                            pairs=[list(p) for p in pairs], sheet=sheet)

    def act(self, src: Path, dest: Path | None, actions: list[list[Any]],
            sheet: str | None = None) -> dict[str, Any]:
        """Do each action (``[name, *args]``, see ``tests/libreoffice/uno_act.py``) to ``sheet`` as from
        Calc's menus and save as ``dest`` (unless None): ``{"done": [True | error text], "sheets"}``."""
        return self.request("act", src=str(src), dest=str(dest) if dest else None,
                            actions=[list(a) for a in actions], sheet=sheet)

    def into_new(self, src: Path, dest: Path, how: str, sheet: str | None = None) -> list[str]:
        """Put ``sheet`` of ``src`` into a new workbook saved as ``dest`` ("paste": all of it copied and
        pasted; "sheet": Move or Copy Sheet to a new document); the new workbook's sheet names."""
        return self.request("into_new", src=str(src), dest=str(dest), how=how, sheet=sheet)

    def geometry(self, path: Path, sheet: str, columns: int = 26, rows: int = 60,
                 entries: dict[str, str] | None = None) -> dict[str, Any]:
        """``{"columns_mm", "rows_mm", "optimal", "repeat_rows"}`` of ``sheet`` as Calc lays it
        out (after typing ``entries``, if given, the way :meth:`type_into` does)."""
        return self.request("geometry", path=str(path), sheet=sheet, columns=columns, rows=rows,
                            entries=dict(entries or {}))

    def validity(self, path: Path, sheet: str, refs: list[str]) -> dict[str, dict[str, Any] | None]:
        """Per cell: ``{"valid": bool, "formula": str}`` for a custom validation rule as Calc
        evaluates it on the cell's present content (None where the rule is not a formula)."""
        return self.request("validity", path=str(path), sheet=sheet, refs=list(refs))

    def fitted_heights(self, path: Path, sheet: str, rows: list[int]) -> dict[int, tuple[float, float]]:
        """Per row: (height as written, height Calc's own fit gives it), in mm (nothing saved)."""
        got = self.request("fitted_heights", path=str(path), sheet=sheet, rows=list(rows))
        return {int(row): (pair[0], pair[1]) for row, pair in got.items()}

    @staticmethod
    def pdf_page_sizes(pdf: Path) -> list[tuple[float, float]]:
        """Page sizes in mm; pure Python, see :func:`pdf_page_sizes`."""
        return pdf_page_sizes(pdf)


def _exit_status(code: int) -> str:
    """``-6`` -> ``signal 6 (SIGABRT)``: how a crash reads in an error message."""
    if code >= 0:
        return f"code {code}"
    try:
        return f"signal {-code} ({signal.Signals(-code).name})"
    except ValueError:
        return f"signal {-code}"


def _close_quietly(stream: Any) -> None:
    try:
        if stream is not None:
            stream.close()
    except OSError:
        pass


def _stop(proc: subprocess.Popen[Any], grace: float, group: bool = False) -> None:
    """Wait up to ``grace`` s for ``proc``, then SIGTERM, then SIGKILL; always
    reaps it.  ``group``: signal its whole process group (own session)."""
    def send(sig: int) -> None:
        try:
            if group:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
        except ProcessLookupError:
            pass

    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        send(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            send(signal.SIGKILL)
            proc.wait()
    if group:  # stragglers (soffice.bin) outliving the launcher script
        send(signal.SIGKILL)


_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\b(.*?)\bendobj", re.S)
_NUM = rb"(-?\d+(?:\.\d+)?)"
_BOX = re.compile(rb"/MediaBox\s*\[\s*" + rb"\s+".join([_NUM] * 4) + rb"\s*\]")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def pdf_page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in mm of every page, in file order, without poppler.

    Reads plain ``N 0 obj`` objects, plus any compressed object streams that
    inflate cleanly; a page without its own /MediaBox inherits its parent's.
    Pages rotated by 90/270 degrees report their on-screen size.
    """
    data = Path(pdf).read_bytes()
    objs = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}
    for body in list(objs.values()):  # PDF 1.5 object streams: best effort
        if b"/ObjStm" in body:
            objs.update(_object_stream(body))
    sizes = []
    for body in _pages_in_order(objs):
        node, box = body, None
        for _ in range(32):  # walk /Parent links for an inherited MediaBox
            m = _BOX.search(node)
            if m:
                box = [float(x) for x in m.groups()]
                break
            parent = re.search(rb"/Parent\s+(\d+)\s+\d+\s+R", node)
            if not parent or int(parent.group(1)) not in objs:
                break
            node = objs[int(parent.group(1))]
        if box is None:
            continue
        w, h = (box[2] - box[0]) * MM_PER_PT, (box[3] - box[1]) * MM_PER_PT
        rot = re.search(rb"/Rotate\s+(-?\d+)", body)
        if rot and int(rot.group(1)) % 180:
            w, h = h, w
        sizes.append((round(w, 2), round(h, 2)))
    return sizes


def _pages_in_order(objs: dict[int, bytes]) -> list[bytes]:
    """Page objects in reading order (via the /Kids tree), else file order."""
    is_page = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
    roots = [b for b in objs.values()
             if re.search(rb"/Type\s*/Pages\b", b) and b"/Parent" not in b]
    out: list[bytes] = []

    def walk(body: bytes, depth: int) -> None:
        if is_page.search(body):
            out.append(body)
            return
        kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
        if kids and depth < 64:
            for num in re.findall(rb"(\d+)\s+\d+\s+R", kids.group(1)):
                if int(num) in objs:
                    walk(objs[int(num)], depth + 1)

    for root in roots:
        walk(root, 0)
    return out or [b for b in objs.values() if is_page.search(b)]


def _object_stream(body: bytes) -> dict[int, bytes]:
    m = _STREAM.search(body)
    first = re.search(rb"/First\s+(\d+)", body)
    if not m or not first or b"/FlateDecode" not in body:
        return {}
    try:
        raw = zlib.decompress(m.group(1))
    except zlib.error:
        return {}
    off = int(first.group(1))
    nums = [int(x) for x in raw[:off].split()]
    pairs = list(zip(nums[::2], nums[1::2]))
    out = {}
    for i, (num, start) in enumerate(pairs):
        end = pairs[i + 1][1] if i + 1 < len(pairs) else len(raw) - off
        out[num] = raw[off + start: off + end]
    return out
