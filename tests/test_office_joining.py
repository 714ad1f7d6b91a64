"""Answers on the files of one message, joined in the store (office/joining.py): which join, what the one
e-mail says, and how the outbox writes and marks it. No network: tests/test_mail_one_answer.py sends."""

from __future__ import annotations

import email
import os
from dataclasses import replace
from html import unescape
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from sheetsync.limits import MAX_ANSWER_SIZE, MAX_RETURNS_SIZE, MB
from sheetsync.mailer import Attachment, Part, Thread, again_part, compose, compose_joined, pending, report_part, unreadable_part, wire_bytes
from sheetsync.messages import render
from sheetsync.office.joining import Joining, join_key, queue_answer
from sheetsync.office.outbox import (FILE_HEADER, adopt_from_disk, count_others, flush_outbox, mail_path,
                                      take_sent_by_hand)
from sheetsync.office.store import Store
from sheetsync.render import findings_line
from sheetsync.render.html import render_html
from tests.test_mail import CONFIG, HTML, make_report

THREAD = Thread(message_id="<two@s1.example>", sender="a@s1.example", subject="ส่งรายงาน")


def answer(name: str, errors: int, cc: tuple[str, ...] = ()) -> tuple[bytes, Joining]:
    report = make_report(Path(name), errors=errors, recipient="s1")
    files = [Attachment(f"{Path(name).stem}-ตรวจแล้ว.xlsx", b"PK", "application/vnd.ms-excel")] if errors else []
    message = compose(report, to="a@s1.example", cc=cc, config=CONFIG, html=HTML, text="C5: ต้องกรอก / required",
                      attachments=files, school="โรงเรียนวัดไทร", thread=THREAD)
    return wire_bytes(message), Joining(join_key(message), report_part(report, "C5: ต้องกรอก / required", HTML))


def queue(store: Store, sha: str, mail: tuple[bytes, Joining]) -> None:
    with store.transaction():
        queue_answer(store, sha * 64, 1, f"s1 {sha}", *mail)


def read(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_three_files_of_one_message_leave_in_one_email_each_answer_kept(tmp_path: Path) -> None:
    with Store(tmp_path / "office.sqlite") as store:
        for sha, errors in (("a", 0), ("b", 2), ("c", 0)):
            queue(store, sha, answer(f"{sha}.xlsx", errors))
        written = flush_outbox(store, tmp_path / "outbox")
        assert len(written) == 1  # one e-mail for the three answers
        sent = read(written[0].read_bytes())
        rows = store.query("SELECT sha256, written_path FROM outbox ORDER BY id")
    assert [r[0] for r in rows] == ["a" * 64, "b" * 64, None, "c" * 64]  # each file's answer, and the e-mail
    assert {r[1] for r in rows} == {str(written[0])}  # all written with it
    assert sorted(str(v).strip() for v in sent.get_all(FILE_HEADER) or []) == [c * 64 for c in "abc"]
    assert str(sent["Subject"]) == "Re: ส่งรายงาน" and str(sent["In-Reply-To"]) == "<two@s1.example>"
    text = str(sent.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert text.startswith("เรียน โรงเรียนวัดไทร")
    assert "3 ไฟล์" in text and "ต้องแก้ไข 1 ไฟล์" in text and "1 needs correcting" in text  # one file: singular
    assert text.index("ไฟล์ที่ 2: “b.xlsx” — ต้องแก้ไข 2 รายการ") < text.index("File 2: “b.xlsx” — 2 item(s) to fix")
    assert [p.get_filename() for p in sent.iter_attachments()] == ["b-ตรวจแล้ว.xlsx"]
    # The text says what the HTML says of b's marked-up copy (its red cells, to correct and send back),
    # in b's section, Thai then English; a and c, valid, have no copy to explain.
    said = [findings_line(2, 0, lang, marked=True) for lang in ("th", "en")]
    assert text.index("ไฟล์ที่ 2: “b.xlsx”") < text.index(said[0]) < text.index(said[1]) < text.index("ไฟล์ที่ 3:")
    assert text.count(said[0]) == 1
    assert str(sent["X-Sheetsync-Name"]) == "answers s1 a"  # named once, by the first: a third file keeps its name


def test_answers_to_other_people_or_already_written_are_not_joined(tmp_path: Path) -> None:
    with Store(tmp_path / "office.sqlite") as store:
        queue(store, "a", answer("a.xlsx", 0))
        queue(store, "b", answer("b.xlsx", 0, cc=("d@s4.example",)))  # another school copied: its own e-mail
        assert len(flush_outbox(store, tmp_path / "outbox")) == 2
        queue(store, "c", answer("c.xlsx", 0))  # a file of that message read later: the first e-mail is written
        assert len(flush_outbox(store, tmp_path / "outbox")) == 1
        assert store.query("SELECT COUNT(*) FROM outbox WHERE carried_by IS NOT NULL")[0][0] == 0


def test_a_file_that_cannot_be_read_is_one_of_the_files_answered(tmp_path: Path) -> None:
    unreadable = compose(make_report(Path("x.xlsx"), errors=0), to="a@s1.example", config=CONFIG, html=HTML,
                         text="", thread=THREAD, school="โรงเรียนวัดไทร")
    part = unreadable_part("scan.xlsx", "not a spreadsheet", {"th": "ไฟล์เสียหาย", "en": "the file is damaged"})
    with Store(tmp_path / "office.sqlite") as store:
        queue(store, "a", (wire_bytes(unreadable), Joining(join_key(unreadable), part)))
        queue(store, "b", answer("b.xlsx", 0))
        sent = read(flush_outbox(store, tmp_path / "outbox")[0].read_bytes())
    text = str(sent.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "“scan.xlsx” — เปิดอ่านไม่ได้" in text and "ไฟล์เสียหาย" in text and "ต้องแก้ไข 1 ไฟล์" in text


def test_a_store_restored_takes_back_the_one_email_as_the_answer_on_each_file(tmp_path: Path) -> None:
    with Store(tmp_path / "office.sqlite") as store:
        queue(store, "a", answer("a.xlsx", 0))
        queue(store, "b", answer("b.xlsx", 1))
        flush_outbox(store, tmp_path / "outbox")
    with Store(tmp_path / "restored.sqlite") as restored:  # a backup from before: it knows of neither
        assert adopt_from_disk(restored, tmp_path / "outbox") == (0, 1)
        answered = restored.query("SELECT sha256, message_id FROM answers WHERE kind = 'report' ORDER BY sha256")
    assert answered == [("a" * 64, "<two@s1.example>"), ("b" * 64, "<two@s1.example>")]  # read again: not answered


def test_an_answer_a_killed_run_wrote_but_did_not_mark_is_not_sent_beside_the_email_that_joins_it(
        tmp_path: Path) -> None:
    # A run writes the first file's answer into outbox/ and is killed before marking it written; the
    # message's second file is read by a later run (it was open in Calc) and joins that answer. The one
    # e-mail carrying both is written: the first answer's own file must not stay beside it, where the
    # outbox's "others" (send_others) would send it too, and the school would get that answer twice.
    outbox = tmp_path / "outbox"
    with Store(tmp_path / "office.sqlite") as store:
        queue(store, "a", answer("a.xlsx", 2))
        [(first, name, data, _)] = store.mails("written")
        outbox.mkdir()
        mail_path(outbox, first, name).write_bytes(data)  # written, never marked: the run died here
        queue(store, "b", answer("b.xlsx", 0))
        written = flush_outbox(store, outbox)
        assert [p.name for p in pending(outbox)] == [p.name for p in written]
        assert count_others(store, outbox) == 0
    [joined] = written
    assert sorted(str(v).strip() for v in read(joined.read_bytes()).get_all(FILE_HEADER) or []) == ["a" * 64, "b" * 64]


def big_answer(name: str, size: int) -> tuple[bytes, Joining]:
    """An answer on ``name`` with 2 errors and a marked-up copy of ``size`` bytes."""
    report = make_report(Path(name), errors=2, recipient="s1")
    copy = Attachment(f"{Path(name).stem}-ตรวจแล้ว.xlsx", os.urandom(size), "application/vnd.ms-excel")
    message = compose(report, to="a@s1.example", config=CONFIG, html=HTML, text=f"{name} C5: ต้องกรอก / required",
                      attachments=[copy], school="โรงเรียนวัดไทร", thread=THREAD)
    return wire_bytes(message), Joining(join_key(message), report_part(report, f"{name} C5: ต้องกรอก", HTML))


def test_a_joined_answer_too_big_for_mail_servers_leaves_copies_out_and_says_which(tmp_path: Path) -> None:
    # A .zip of many big files: one reply carrying every marked-up copy passed what mail servers take
    # (most refuse over 10-25 MB), was bounced, and the teacher got nothing. Scaled down: a 1 MB cap.
    answers = [big_answer(f"{n}.xlsx", 300_000) for n in ("m1", "m2", "m3", "m4")]
    joined = compose_joined([(data, j.part) for data, j in answers], "answers", max_size=1 * MB)
    data = wire_bytes(joined)
    assert len(data) <= 1 * MB
    sent = read(data)
    attached = [p.get_filename() for p in sent.iter_attachments()]
    assert attached == ["m1-ตรวจแล้ว.xlsx", "m2-ตรวจแล้ว.xlsx"]  # in the files' order, as many as fit
    text = str(sent.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert all(f"m{n}.xlsx C5: ต้องกรอก" in text for n in range(1, 5))  # every file's findings still said
    left = [render("joined.not_attached", lang, source="mail.yaml", names="m3-ตรวจแล้ว.xlsx, m4-ตรวจแล้ว.xlsx") for lang in ("th", "en")]
    assert text.index(left[0]) < text.index(left[1])  # which copies are not attached, and how to get them
    for n in (3, 4):  # each left-out file's own section says so
        section = text.split(f"ไฟล์ที่ {n}:", 1)[1].split("ไฟล์ที่ ", 1)[0]
        assert render("joined.file_not_attached", "th", source="mail.yaml") in section
    html = str(sent.get_body(("html",)).get_content())  # type: ignore[union-attr]
    assert "m3-ตรวจแล้ว.xlsx" in html


def test_a_joined_answer_within_the_cap_attaches_every_copy(tmp_path: Path) -> None:
    answers = [big_answer(f"{n}.xlsx", 100_000) for n in ("m1", "m2")]
    joined = compose_joined([(data, j.part) for data, j in answers], "answers", max_size=1 * MB)
    assert len([p for p in joined.iter_attachments()]) == 2
    text = str(joined.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert render("joined.file_not_attached", "th", source="mail.yaml") not in text


def test_the_office_caps_a_joined_answer_at_what_it_accepts_itself() -> None:
    assert MAX_ANSWER_SIZE == MAX_RETURNS_SIZE  # the office's own limit on a received message (25 MB)


def test_a_file_already_received_and_still_to_fix_counts_as_one_to_correct(tmp_path: Path) -> None:
    again = compose(make_report(Path("x.xlsx"), errors=0), to="a@s1.example", config=CONFIG, html=HTML,
                    text="", thread=THREAD, school="โรงเรียนวัดไทร")
    with Store(tmp_path / "office.sqlite") as store:
        queue(store, "a", (wire_bytes(again), Joining(join_key(again), again_part("old.xlsx", "1/3/2569 10:00",
                                                                                "refused"))))
        queue(store, "b", answer("b.xlsx", 0))
        sent = read(flush_outbox(store, tmp_path / "outbox")[0].read_bytes())
    text = str(sent.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "ไฟล์ที่ 1: “old.xlsx” — ได้รับไว้แล้ว ยังต้องแก้ไข" in text and "ต้องแก้ไข 1 ไฟล์" in text
    assert "ยังมีรายการที่ต้องแก้ไข" in text  # what became of it then, and what to do
    assert str(sent["X-Sheetsync-Name"]) == "answers s1 a"


def test_an_answer_a_killed_run_wrote_and_the_clerk_sent_by_hand_is_not_joined_again(tmp_path: Path) -> None:
    # As above, but the clerk sent the outbox by hand (`sheetsync mail outbox --send` moved the file into
    # sent/) before the message's second file was read: joined, the first answer went out twice.
    outbox = tmp_path / "outbox"
    with Store(tmp_path / "office.sqlite") as store:
        queue(store, "a", answer("a.xlsx", 2))
        [(first, name, data, _)] = store.mails("written")
        (outbox / "sent").mkdir(parents=True)
        mail_path(outbox / "sent", first, name).write_bytes(data)  # written, never marked; sent by hand
        assert take_sent_by_hand(store, outbox) == 1  # what sync does before it records any file
        queue(store, "b", answer("b.xlsx", 0))
        [written] = flush_outbox(store, outbox)
        assert store.query("SELECT COUNT(*) FROM outbox WHERE carried_by IS NOT NULL")[0][0] == 0
        assert store.query("SELECT sent_at IS NOT NULL FROM outbox WHERE id = ?", (first,))[0][0] == 1
        assert store.query("SELECT sha256 FROM outbox WHERE written_path = ?", (str(written),)) == [("b" * 64,)]
    assert "a.xlsx" not in str(read(written.read_bytes()).get_body(("plain",)).get_content())  # type: ignore[union-attr]


def test_a_file_in_sent_that_is_not_the_queued_answer_is_not_taken_for_it(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    with Store(tmp_path / "office.sqlite") as store:
        queue(store, "a", answer("a.xlsx", 2))
        [(first, name, _, _)] = store.mails("written")
        (outbox / "sent").mkdir(parents=True)
        mail_path(outbox / "sent", first, name).write_bytes(b"Subject: another\r\n\r\nx\r\n")  # a restored store's
        assert take_sent_by_hand(store, outbox) == 0
        assert len(flush_outbox(store, outbox)) == 1  # told twice, never untold


def rendered_answer(name: str, size: int, errors: int) -> tuple[bytes, Joining]:
    """An answer on ``name`` with a marked-up copy of ``size`` bytes, its HTML as sheetsync renders it."""
    report = make_report(Path(name), errors=errors, recipient="s1")
    copy = Attachment(f"{Path(name).stem}-ตรวจแล้ว.xlsx", os.urandom(size), "application/vnd.ms-excel")
    html = render_html(report, marked=True)  # its own e-mail carries the copy
    message = compose(report, to="a@s1.example", config=CONFIG, html=html, text=f"{name} C5: ต้องกรอก",
                      attachments=[copy], school="โรงเรียนวัดไทร", thread=THREAD)
    return wire_bytes(message), Joining(join_key(message), report_part(report, f"{name} C5: ต้องกรอก", html))


def test_the_copies_of_files_to_correct_are_attached_before_the_others(tmp_path: Path) -> None:
    # Left out in the files' order, a valid file's copy (the office marks valid files too) took the room of
    # the copy she had to correct in.
    answers = [rendered_answer("ok.xlsx", 400_000, 0), rendered_answer("wrong.xlsx", 400_000, 2)]
    joined = compose_joined([(data, j.part) for data, j in answers], "answers", max_size=1 * MB)
    assert [p.get_filename() for p in joined.iter_attachments()] == ["wrong-ตรวจแล้ว.xlsx"]
    text = str(joined.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert render("joined.not_attached", "th", source="mail.yaml", names="ok-ตรวจแล้ว.xlsx") in text


def test_a_copy_left_out_is_not_said_to_be_in_the_attached_file(tmp_path: Path) -> None:
    answers = [rendered_answer(f"{n}.xlsx", 250_000, 2) for n in ("m1", "m2", "m3")]
    joined = compose_joined([(data, j.part) for data, j in answers], "answers", max_size=1 * MB)
    assert [p.get_filename() for p in joined.iter_attachments()] == ["m1-ตรวจแล้ว.xlsx", "m2-ตรวจแล้ว.xlsx"]
    html = unescape(str(joined.get_body(("html",)).get_content()))  # type: ignore[union-attr]
    sections = html.split("<h3")[1:]
    marked = [findings_line(2, 0, lang, marked=True) for lang in ("th", "en")]
    listed = [findings_line(2, 0, lang, marked=False) for lang in ("th", "en")]
    assert all(m in sections[0] and m in sections[1] for m in marked)  # attached: correct it there
    assert not any(m in sections[2] for m in marked), sections[2]  # left out: the places are listed
    assert all(line in sections[2] for line in listed)
    assert render("joined.file_not_attached", "th", source="mail.yaml") in sections[2]


def test_the_heading_does_not_count_a_file_already_received_as_checked(tmp_path: Path) -> None:
    again = compose(make_report(Path("x.xlsx"), errors=0), to="a@s1.example", config=CONFIG, html=HTML,
                    text="", thread=THREAD, school="โรงเรียนวัดไทร")
    parts = [(wire_bytes(again), again_part("old.xlsx", "1/3/2569 10:00", "merged")), answer("b.xlsx", 0)]
    joined = compose_joined([(data, j.part if isinstance(j, Joining) else j) for data, j in parts], "answers")
    text = str(joined.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    heading = text.split("ไฟล์ที่ 1:", 1)[0]
    assert "ตรวจสอบไฟล์ 2 ไฟล์" not in heading and "checked the 2 files" not in heading, heading
    assert render("joined.count.again", "th", source="mail.yaml", count=1) in heading
    assert render("joined.count.passed", "th", source="mail.yaml", count=1) in heading


def test_the_joined_answer_is_capped_at_the_offices_max_message_mb(tmp_path: Path) -> None:
    # The cap was 25 MB whatever the office set: an office whose mail server takes 10 MB had answers bounced.
    cap = 1 * MB
    with Store(tmp_path / "office.sqlite") as store:
        for sha, name in (("a", "m1"), ("b", "m2"), ("c", "m3")):
            data, joining = rendered_answer(f"{name}.xlsx", 250_000, 2)
            queue(store, sha, (data, replace(joining, max_size=cap)))
        sent = flush_outbox(store, tmp_path / "outbox")[0].read_bytes()
    assert len(sent) <= cap and len(list(read(sent).iter_attachments())) == 2


def test_sync_caps_the_joined_answer_at_max_message_mb(tmp_path: Path) -> None:
    from sheetsync.cli.sync import _plan
    from sheetsync.office.config import load_office
    from tests.cli import new_office

    office = new_office(tmp_path, "recipient_id,school_name,email\ns1,โรงเรียนวัดไทร,a@s1.example\n")
    settings = office / "sheetsync.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("# max_message_mb = 25", "max_message_mb = 10"),
                        encoding="utf-8")
    plan = _plan(load_office(office), None, None, None, None, None, None, None, False, None, None)
    assert plan.options.answer_size == 10 * MB


def test_a_joined_subject_names_both_files_to_correct_and_blank_templates() -> None:
    # Found walking through docs/office-th.md: one message brought a file with mistakes and a template sent
    # back blank; the answer's subject said only "ต้องแก้ไข 1 ไฟล์", and the blank one was missed.
    report = make_report(Path("a.xlsx"), errors=2, recipient="s1")
    message = wire_bytes(compose(report, to="a@s1.example", config=CONFIG, html=HTML, text="", school="โรงเรียนวัดไทร"))
    parts = [report_part(report, "", HTML), Part("b.xlsx", "as-issued"), Part("c.xlsx", "valid")]
    subject = str(compose_joined([(message, p) for p in parts], "answers")["Subject"])
    assert "ต้องแก้ไข 1 ไฟล์" in subject and "ยังไม่ได้กรอก 1 ไฟล์" in subject, subject
    assert subject.startswith("ผลการตรวจสอบแบบรายงาน 3 ไฟล์"), subject
