"""The backward searches of sheetsync.formats._pieces answer as the forward ones they stand for."""

from __future__ import annotations

import pytest

from sheetsync.formats._pieces import holds, once
from sheetsync.formats.extent import ODS_TABLE_NS, XLSX_NS

THAI = "โรงเรียนวัดโพธิ์ทอง ".encode() * 3000  # a long part of Thai text, as Calc and Excel write it


@pytest.mark.parametrize("word", [b"<text:s", b"<text:line-break", b"table:formula", b"<!DOCTYPE", b"uniqueCount"])
@pytest.mark.parametrize("where", [None, 0, 1, len(THAI) // 2, len(THAI)])
def test_holds_is_in(word: bytes, where: int | None) -> None:
    data = THAI if where is None else THAI[:where] + word + THAI[where:]
    assert holds(data, word) == (word in data)
    assert holds(data[:-1], word) == (word in data[:-1])  # the word cut at the end


@pytest.mark.parametrize("word", [XLSX_NS, ODS_TABLE_NS])
@pytest.mark.parametrize("times", [0, 1, 2, 3])
def test_once_is_a_count_of_one(word: bytes, times: int) -> None:
    data = THAI.join([b""] + [word] * times + [b""])
    assert once(data, word) == (data.count(word) == 1)
    assert once(word * times, word) == ((word * times).count(word) == 1)  # side by side
