"""The order check's shortcut for a column already in order (sheetsync.check.order): the same breaks as
the whole ranking, on columns in order, out of order, with ties, and of values that cannot be compared."""

from __future__ import annotations

import random

import pytest

from sheetsync.check import order


def _ranked(values: list[object], strict: bool, running_max: bool) -> list[order.Break]:
    """The breaks as the ranking finds them, the shortcut turned off."""
    saved = order._ordered
    order._ordered = lambda values, strict: False
    try:
        return order.breaks(values, strict=strict, running_max=running_max)
    finally:
        order._ordered = saved


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("running_max", [True, False])
def test_shortcut_finds_what_the_ranking_finds(strict: bool, running_max: bool) -> None:
    rng = random.Random(11)
    columns: list[list[object]] = [[], [5], [1, 2, 3], [1, 1, 2], [3, 2, 1], [10, 20, 15, 30], [0.1, 0.1, 0.45]]
    columns += [sorted(rng.choices(range(6), k=rng.randint(2, 9))) for _ in range(100)]
    columns += [rng.choices(range(6), k=rng.randint(2, 9)) for _ in range(100)]
    columns += [["2563-01-05", "2563-02-01", "2563-02-01"], ["2563-03-01", "2563-02-01"]]
    for values in columns:
        assert order.breaks(values, strict=strict, running_max=running_max) == _ranked(values, strict, running_max)


def test_values_that_cannot_be_compared_still_raise() -> None:
    with pytest.raises(TypeError):
        order.breaks([1, "2"], strict=True)
