"""Render the README's pictures: the printed template (the filled sample) and the master view's
summary and its chart per project (from the demo's office). Calc prints each to PDF (through the same
headless-LibreOffice harness the tests use), pdftoppm turns pages into PNGs.

Run from the repository root (needs LibreOffice, python3-uno and poppler-utils)::

    python docs/print_pictures.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sheetsync import find_form, write_template  # noqa: E402
from sheetsync.demo import run_demo  # noqa: E402
from tests.libreoffice import LibreOffice  # noqa: E402

#: A header of the sheet of one chart per project.
CHARTS = "ความก้าวหน้าเฉลี่ย"


def page_png(pdf: Path, page: int, stem: Path, dpi: int = 60) -> None:
    """Page ``page`` of ``pdf`` as ``stem``.png."""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True)
    print(stem.with_suffix(".png"))


def first_page_with(pdf: Path, text: str) -> int:
    """The first page of ``pdf`` whose text holds ``text``."""
    pages = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    return next(n for n, body in enumerate(pages, 1) if text in body)


def main() -> None:
    form = find_form("progress-report")
    seed = json.loads((ROOT / "sheetsync" / "samples" / "progress-report.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp, LibreOffice() as calc:
        source = Path(tmp) / "sample.xlsx"
        write_template(form, source, data=seed)
        pdf = calc.convert(source, Path(tmp) / "sample.pdf")
        for page in (1, 2):
            page_png(pdf, page, ROOT / "docs" / f"template-page{page}")
        run_demo(Path(tmp) / "demo", say=lambda _: None)
        master = calc.convert(Path(tmp) / "demo" / "master.xlsx", Path(tmp) / "master.pdf")
        page_png(master, 1, ROOT / "docs" / "master-summary", dpi=70)
        page_png(master, first_page_with(master, CHARTS), ROOT / "docs" / "master-charts", dpi=70)


if __name__ == "__main__":
    main()
