"""Which values of a column break its order: the fewest whose change puts the column in order.

A report's percentage typed too high (52 between 20 and 30) breaks the order with the report after it,
which is right; a first report's 40 % is above the next three. Judging each row by the one before it
blames those right rows. Here a column's *longest ordered run* (its longest subsequence already in
order) is what stands: a value in no longest run is wrong whichever run is kept, and it alone is
found. Values that belong to some longest run but not to all (two reports swapped: either could be
the wrong one) are judged as before, each by the value before it, and the earlier one is named as
what may be wrong instead.

Runs are measured in O(n log n), as patience sorting does: a form's table has a dozen rows, but the
reader allows far more, and every file is checked.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from itertools import chain
from typing import Any


@dataclass(frozen=True)
class Break:
    """A value out of order: the one at ``at`` must come after (``after``) or before the one at
    ``against``. ``certain`` is False when ``against`` could as well be the wrong one."""

    at: int
    against: int
    after: bool
    certain: bool


def breaks(values: Sequence[Any], *, strict: bool, running_max: bool = False,
           fixed: Set[int] = frozenset()) -> list[Break]:
    """The breaks of order in ``values`` (increasing when ``strict``, else never decreasing), by row.

    :param running_max: judge an uncertain value by the highest before it (progress never goes back
        below a level it reached), not by the one just before it.
    :param fixed: positions that stand whatever the others say (earlier reports the office prefilled
        from its record and locked): never found, each value out of order with one of them is.
    """
    if fixed:
        return _around(values, fixed, strict, running_max)
    if _ordered(values, strict):
        return []  # most columns: every value after the one before it, so every run is the whole column
    ranks = _ranks(values)
    odd = _outside_every_longest_run(ranks, strict)
    kept = [i for i in range(len(ranks)) if i not in odd]
    found = [_outlier_break(ranks, kept, i, strict) for i in sorted(odd)]
    found += _walk(ranks, odd, strict, running_max)
    return sorted((b for b in found if b is not None), key=lambda b: b.at)


def _ordered(values: Sequence[Any], strict: bool) -> bool:
    """Whether ``values`` are already in order (their ranks then are too: no value breaks it). Values
    that cannot be compared are not (the ranks then raise as they always did)."""
    try:
        if strict:
            return all(low < high for low, high in zip(values, values[1:]))
        return all(low <= high for low, high in zip(values, values[1:]))
    except TypeError:
        return False


def _ranks(values: Sequence[Any]) -> list[int]:
    """Each value's place among the column's distinct values: dates (ISO text) and numbers alike."""
    order = {value: i for i, value in enumerate(sorted(set(values)))}
    return [order[value] for value in values]


def _run_lengths(ranks: Sequence[int], strict: bool) -> list[int]:
    """For each position, the length of the longest ordered run ending there."""
    tails: list[int] = []  # tails[k]: the lowest last value of an ordered run of length k + 1
    lengths = []
    for rank in ranks:
        at = (bisect_left if strict else bisect_right)(tails, rank)
        tails[at:at + 1] = [rank]
        lengths.append(at + 1)
    return lengths


def _outside_every_longest_run(ranks: Sequence[int], strict: bool) -> set[int]:
    """The positions no longest ordered run goes through: wrong, whichever run is kept."""
    ending = _run_lengths(ranks, strict)
    # The longest run starting at i is the longest run ending at i of the column read backwards, lowered.
    starting = _run_lengths([-rank for rank in reversed(ranks)], strict)[::-1]
    longest = max(ending, default=0)
    return {i for i, (end, start) in enumerate(zip(ending, starting)) if end + start - 1 < longest}


def _in_order(low: int, high: int, strict: bool) -> bool:
    return low < high if strict else low <= high


def _outlier_break(ranks: Sequence[int], kept: Sequence[int], at: int, strict: bool) -> Break | None:
    """What the value at ``at`` (in no longest run) breaks: the value kept before it, else the one kept
    after it, else the nearest it breaks with (a value in no longest run breaks with some other)."""
    place = bisect_left(kept, at)
    neighbours = [*kept[max(place - 1, 0):place], *kept[place:place + 1]]
    for other in chain(neighbours, _nearest(len(ranks), at)):
        low, high = (other, at) if other < at else (at, other)
        if not _in_order(ranks[low], ranks[high], strict):
            return Break(at, other, after=other < at, certain=True)
    return None


def _nearest(count: int, at: int) -> Iterator[int]:
    """The positions other than ``at`` among ``count``, nearest first (earlier first at equal distance)."""
    for distance in range(1, count):
        yield from (i for i in (at - distance, at + distance) if 0 <= i < count)


def _walk(ranks: Sequence[int], odd: set[int], strict: bool, running_max: bool) -> list[Break]:
    """Each remaining value judged by the one before it (or the highest before it): the later of two
    values out of order is found, and the earlier named as what may be wrong instead."""
    found: list[Break] = []
    previous: int | None = None
    for i, rank in enumerate(ranks):
        if i in odd:
            continue
        if previous is not None and not _in_order(ranks[previous], rank, strict):
            found.append(Break(i, previous, after=True, certain=False))
        if previous is None or not running_max or rank > ranks[previous]:
            previous = i
    return found


def _around(values: Sequence[Any], fixed: Set[int], strict: bool, running_max: bool) -> list[Break]:
    """:func:`breaks` with the values at ``fixed`` standing: a free value out of order with a fixed one
    is found against the highest fixed value before it (else the lowest after it); the free values in
    order with every fixed one are then judged among themselves."""
    ranks = _ranks(values)
    count = len(ranks)
    before: list[int | None] = [None] * count  # the position of the highest fixed value before each
    after: list[int | None] = [None] * count  # the position of the lowest fixed value after each
    best: int | None = None
    for i in range(count):
        before[i] = best
        if i in fixed and (best is None or ranks[i] >= ranks[best]):
            best = i
    best = None
    for i in reversed(range(count)):
        after[i] = best
        if i in fixed and (best is None or ranks[i] <= ranks[best]):
            best = i
    found: list[Break] = []
    free: list[int] = []
    for i in (i for i in range(count) if i not in fixed):
        low, high = before[i], after[i]
        if low is not None and not _in_order(ranks[low], ranks[i], strict):
            found.append(Break(i, low, after=True, certain=True))
        elif high is not None and not _in_order(ranks[i], ranks[high], strict):
            found.append(Break(i, high, after=False, certain=True))
        else:
            free.append(i)
    among = breaks([values[i] for i in free], strict=strict, running_max=running_max)
    found += [Break(free[b.at], free[b.against], b.after, b.certain) for b in among]
    return sorted(found, key=lambda b: b.at)
