"""A period value holding the stored key's separator " · " (found in review)."""

from __future__ import annotations

from sheetsync.spec.master import MasterSpec, key_part


def test_a_period_value_with_the_separator_splits_back_whole() -> None:
    """A term report whose period is a choice such as 'ภาคเรียนที่ 1 · 2567' (nothing at load refuses a
    choice or a text holding " · "): the stored key is 'S1 · ภาคเรียนที่ 1 · 2567', and split() takes only
    its last part for the period — the school's code becomes 'S1 · ภาคเรียนที่ 1', which the roster's code,
    the summary's key column, history --project and next period's templates no longer match."""
    terms = ["ภาคเรียนที่ 1 · 2567", "ภาคเรียนที่ 2 · 2567"]
    spec = MasterSpec(key=("/school",), period=("/term",), period_order=(tuple(map(key_part, terms)),))
    first, second = (spec.key_of({"school": "S1", "term": term}) for term in terms)
    assert spec.split(first) == ("S1", "ภาคเรียนที่ 1 - 2567") and spec.code_of({"school": "S1"}) == "S1"
    assert spec.period_rank(spec.split(first)[1]) < spec.period_rank(spec.split(second)[1])
