"""Found by a clerk whose roster changed between two months: a school renamed (วัดไทร → วัดไทรงาม) and one
closed. ``template --roster roster.csv -o templates/`` wrote the new templates beside the old ones:
``templates/`` held the renamed school's template under both names and the closed school's, and she
forwards from that folder. As ``template --from-master`` does for ``next/``, the earlier templates now
move into ``templates/old/<day>/`` (nothing deleted), and the run says so."""

from __future__ import annotations

from pathlib import Path

from tests.cli import new_office, run

BEFORE = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,a@s1.example,50360000-3553\n"
          "s2,โรงเรียนบ้านนา,b@s2.example,50360000-4001\n")
AFTER = ("recipient_id,school_name,email,project_code\n"
         "s1,โรงเรียนวัดไทรงาม,a@s1.example,50360000-3553\n")


def test_templates_for_a_changed_roster_take_the_place_of_the_earlier_ones(tmp_path: Path) -> None:
    office = new_office(tmp_path, BEFORE)
    assert run("template", "--roster", "roster.csv", "-o", "templates/", cwd=office).returncode == 0
    (office / "templates" / "my notes.txt").write_text("รายการที่ต้องโทรตาม", encoding="utf-8")
    (office / "roster.csv").write_text(AFTER, encoding="utf-8")
    done = run("template", "--roster", "roster.csv", "-o", "templates/", cwd=office)
    assert done.returncode == 0, done.stderr
    kept = sorted(p.name for p in (office / "templates").iterdir() if p.is_file())
    assert kept == ["my notes.txt", "s1 โรงเรียนวัดไทรงาม.xlsx"], kept
    old = sorted(p.name for p in (office / "templates" / "old").rglob("*.xlsx"))
    assert old == ["s1 โรงเรียนวัดไทร.xlsx", "s2 โรงเรียนบ้านนา.xlsx"], old
    assert "templates/old" in done.stdout or "templates\\old" in done.stdout, done.stdout


def test_an_offices_own_form_s_earlier_templates_move_aside_too(tmp_path: Path) -> None:
    """An office whose form is its own (kept in a forms folder, not bundled): its earlier templates were
    not recognised as templates (read without the folder their form is in), so a renamed school's
    old-named template stayed in ``templates/`` beside the new one."""
    from sheetsync.roster import Recipient, templates_for_roster
    from sheetsync.spec.registry import find_form
    from tests.conftest import FORMS_DIR

    form = find_form("school-lunch", [FORMS_DIR])
    out = tmp_path / "templates"
    before = [Recipient(id="s1", school="โรงเรียนวัดไทร", email="a@s1.example"),
              Recipient(id="s2", school="โรงเรียนบ้านนา", email="b@s2.example")]
    templates_for_roster(form, before, out, everyone=True)
    after = [Recipient(id="s1", school="โรงเรียนวัดไทรงาม", email="a@s1.example")]
    templates_for_roster(form, after, out, everyone=True)
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["s1 โรงเรียนวัดไทรงาม.xlsx"]
