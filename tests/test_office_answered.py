"""The office's record of its automatic answers (sheetsync/office/answered.py): at most so many a day
to one address, "already received" once a day per file, and the count kept across runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheetsync.office.answered import Answer, mark_digested, take_turn, withheld
from sheetsync.office.store import Store
from sheetsync.roster import Recipient

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)


def at(hours: float) -> str:
    """A moment ``hours`` after T0, written as the store writes times."""
    return (T0 + dt.timedelta(hours=hours)).isoformat(timespec="microseconds")


def turn(store: Store, answer: Answer, hours: float) -> bool:
    with store.transaction():
        return take_turn(store, answer, 1, at(hours))


def test_one_address_is_answered_so_many_times_a_day_then_again_the_next_day(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        given = [turn(store, Answer("robot@x.example", f"<m{n}@x>", per_day=3), n) for n in range(5)]
        assert given == [True, True, True, False, False]
        assert turn(store, Answer("school@y.example", "<other@y>"), 5)  # another address has its own count
        assert not turn(store, Answer("robot@x.example", "<m5@x>", per_day=3), 23.9)
        assert turn(store, Answer("robot@x.example", "<m6@x>", per_day=3), 24.5)  # <m0> is out of the window: one turn
        assert not turn(store, Answer("robot@x.example", "<m7@x>", per_day=3), 24.6)


def test_the_files_of_one_message_are_one_answer(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        for n in range(3):
            assert turn(store, Answer("a@s.example", f"<m{n}@s>", per_day=3), 0)
        assert turn(store, Answer("a@s.example", "<m2@s>", sha256="second file", per_day=3), 1)  # a zip's second school
        assert turn(store, Answer("a@s.example", "<m2@s>", "reply", per_day=3), 1)  # the fetch's note on what was refused
        assert not turn(store, Answer("a@s.example", "<m3@s>", per_day=3), 1)


def test_already_received_once_a_day_per_file(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        assert turn(store, Answer("a@s.example", "<n1@s>", "again", "abc", per_day=10), 0)
        assert not turn(store, Answer("a@s.example", "<n2@s>", "again", "abc", per_day=10), 1)
        assert turn(store, Answer("a@s.example", "<n3@s>", "again", "def", per_day=10), 1)  # other bytes
        assert turn(store, Answer("a@s.example", "<n4@s>", "again", "abc", per_day=10), 25)


def test_the_same_answer_asked_again_keeps_its_decision_and_counts_once(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        assert turn(store, Answer("a@s.example", "<m1@s>", per_day=1), 0)
        assert turn(store, Answer("a@s.example", "<m1@s>", per_day=1), 1)  # a run stopped before the move
        assert not turn(store, Answer("a@s.example", "<m2@s>", per_day=1), 2)
        assert not turn(store, Answer("a@s.example", "<m2@s>", per_day=1), 30)  # withheld it was
        count = store.query("SELECT COUNT(*) FROM answers")[0][0]
        assert count == 2


def test_no_limit_and_no_address(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        assert all(turn(store, Answer("a@s.example", f"<m{n}@s>", per_day=0), 0) for n in range(10))
        assert all(turn(store, Answer("", f"<x{n}@s>", per_day=1), 0) for n in range(3))


def test_a_clock_set_back_does_not_reset_the_count(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        for n in range(3):
            assert turn(store, Answer("a@s.example", f"<m{n}@s>", per_day=3), 10)
        assert not turn(store, Answer("a@s.example", "<m3@s>", per_day=3), 5)  # answers "after" now still count


def test_the_digest_names_a_withheld_address_once_a_day(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        for n in range(6):
            turn(store, Answer("robot@x.example", f"<m{n}@x>", per_day=1), n)
        turn(store, Answer("b@x.example", "<b1@x>", per_day=0), 0)
        assert withheld(store, at(6)) == ["robot@x.example"]
        with store.transaction():
            mark_digested(store, 7)
        assert withheld(store, at(6)) == []
        turn(store, Answer("robot@x.example", "<m9@x>", per_day=1), 10)
        assert withheld(store, at(10)) == []  # named today already
        turn(store, Answer("robot@x.example", "<m10@x>", per_day=1), 40)
        assert withheld(store, at(40)) == ["robot@x.example"]


def test_by_default_a_teacher_correcting_all_afternoon_is_answered_every_time(tmp_path: Path) -> None:
    """The default leaves room for a teacher's many tries in a day (each one a new message), while
    a robot's echoes stop at ten a day."""
    with Store(tmp_path / "s.sqlite") as store:
        assert all(turn(store, Answer("teacher@s.example", f"<try{n}@s>"), n / 4) for n in range(10))
        assert not turn(store, Answer("teacher@s.example", "<try10@s>"), 3)


def test_an_address_the_roster_gives_several_schools_is_answered_for_each_of_them(tmp_path: Path) -> None:
    """Small schools of one network often share one address (the roster says so): each school's
    file, and its tries, are answered; a robot there still stops, at so many a day per school."""
    shared = [Recipient(f"s{n}", f"โรงเรียน {n}", "Net@Schools.example", "") for n in range(4)]
    roster = [*shared, Recipient("s9", "โรงเรียนวัดไทร", "head@s9.example, net@schools.example", ""),
              Recipient("s10", "โรงเรียนวัดยายร่ม", "other@s10.example", "")]
    with Store(tmp_path / "s.sqlite") as store:
        store.set_roster(roster)
        given = [turn(store, Answer("net@schools.example", f"<m{n}@s>", per_day=3), n / 10) for n in range(16)]
        assert given == [True] * 15 + [False]  # five schools at that address: 5 × 3 a day
        assert [turn(store, Answer("other@s10.example", f"<o{n}@s>", per_day=3), 1) for n in range(4)] == \
            [True, True, True, False]  # an address of one school: as before


def test_a_file_sent_once_more_beside_a_new_one_keeps_the_new_one_answered(tmp_path: Path) -> None:
    """A teacher mails the corrected file with the old one still attached: the old one was answered
    "already received" today, so it is not again; the new file's report is not held back with it."""
    with Store(tmp_path / "s.sqlite") as store:
        assert turn(store, Answer("a@s.example", "<m1@s>", "again", "old", per_day=10), 0)
        assert not turn(store, Answer("a@s.example", "<m2@s>", "again", "old", per_day=10), 1)
        assert turn(store, Answer("a@s.example", "<m2@s>", per_day=10), 1)  # the corrected file's report
        assert turn(store, Answer("a@s.example", "<m2@s>", sha256="another new file", per_day=10), 1)
        assert [turn(store, Answer("a@s.example", f"<m{n}@s>", per_day=10), 2) for n in range(3, 13)] == \
            [True] * 8 + [False] * 2  # the limit itself still holds: <m1> and <m2> were two of the ten
