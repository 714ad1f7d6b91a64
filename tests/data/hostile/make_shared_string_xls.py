"""How shared-string-copies.xls.gz was made (once, with LibreOffice 7.4; the tests only read it).

A filled progress report written by sheetsync, whose shared strings are replaced by one string of
32,767 random Thai letters (Excel's most per cell; 3 bytes each in calamine's UTF-8) named by
every empty cell of the form (229) and by 2,000 rows × 3 cells of the metadata sheet (rows 1000-2999,
inside the 5,000 × 3 cells read), then saved as .xls by Calc: its SST holds the string once, in
CONTINUE records, and 6,229 LABELSST cells of 14 bytes name it. 244 KB; before the bound,
``sheetsync validate`` took 1,594 MB and reported each cell.

Run: python tests/data/hostile/make_shared_string_xls.py OUT_DIR   (then gzip -9 -n the .xls)
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from sheetsync.spec.registry import find_form  # noqa: E402
from sheetsync.template.write import write_template  # noqa: E402
from tests.data.hostile.build import FORM_SHEET, META, SEED, XLSX_SHEETS, rewrite  # noqa: E402

META_ROWS = 2000
REL = (b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
       b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def _meta_rows(xml: bytes) -> bytes:
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" t="s"><v>0</v></c>' % (c, r) for c in b"ABC")
                    + b"</row>" for r in range(1000, 1000 + META_ROWS))
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def main(out: Path) -> Path:
    """Write shared-string-copies.xls into ``out`` (needs soffice)."""
    out.mkdir(parents=True, exist_ok=True)
    base = out / "base.xlsx"
    write_template(find_form("progress-report"), base, data=json.loads(SEED.read_text(encoding="utf-8")),
                   recipient="school-01")
    text = "".join(random.Random(9).choices([chr(c) for c in range(0x0E01, 0x0E2F)], k=32_767)).encode()
    src = rewrite(base, out / "shared-string-copies.xlsx", {
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(b"</Relationships>", REL),
        XLSX_SHEETS[FORM_SHEET]: lambda xml: re.sub(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|></c>)',
                                                    rb'<c r="\1" t="s"><v>0</v></c>', xml),
        XLSX_SHEETS[META]: _meta_rows})
    with zipfile.ZipFile(src, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   b"<si><t>" + text + b"</t></si></sst>")
    soffice = shutil.which("soffice") or "soffice"
    subprocess.run([soffice, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xls", "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=600)
    return out / "shared-string-copies.xls"


if __name__ == "__main__":
    print(main(Path(sys.argv[1])))
