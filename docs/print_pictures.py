"""Render the README's pictures of the printed template: Calc prints the filled sample to PDF
(through the same headless-LibreOffice harness the tests use), pdftoppm turns pages into PNGs.

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
from tests.libreoffice import LibreOffice  # noqa: E402


def main() -> None:
    form = find_form("progress-report")
    seed = json.loads((ROOT / "sheetsync" / "samples" / "progress-report.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp, LibreOffice() as calc:
        source = Path(tmp) / "sample.xlsx"
        write_template(form, source, data=seed)
        pdf = calc.convert(source, Path(tmp) / "sample.pdf")
        for page in (1, 2):
            stem = ROOT / "docs" / f"template-page{page}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdf), str(stem)], check=True)
            print(stem.with_suffix(".png"))


if __name__ == "__main__":
    main()
