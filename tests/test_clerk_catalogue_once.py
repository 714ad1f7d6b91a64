"""Found by a clerk timing a check of a morning's files: ``sync`` of 20 files took 14 s, more than
half of it (7.7 s) parsing the message catalogues again and again. They are nine YAML files, and the
cache kept four: each file checked used texts of more than four, so each evicted another, parsed anew
(~0.25 s each) for every file."""

from __future__ import annotations

from pathlib import Path

from sheetsync import messages
from sheetsync.messages import catalogue
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,a@s1.example,50360000-3600\ns2,โรงเรียนวัดโพธิ์,b@s2.example,50360000-3601\n")
CATALOGUES = len(list((Path(messages.__file__).parent).glob("*.yaml")))


def test_a_check_parses_each_message_catalogue_once(tmp_path: Path, progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"'),
                      encoding="utf-8")
    for n, (who, code) in enumerate([("s1", "50360000-3600"), ("s2", "50360000-3601")] * 3):
        data = variant(seed_data(), code=code, reports=1 + n)
        if n == 5:
            data["reports"][1]["progress_percent"] = 1.0  # a file to fix: its report, marked copy, answer
        write_template(progress_form, office / "inbox" / f"{who}-{n}.xlsx", data=data, recipient=who)
    catalogue.cache_clear()
    assert run("sync", cwd=office).returncode == 1
    info = catalogue.cache_info()
    assert info.misses == info.currsize <= CATALOGUES, info  # none parsed twice
