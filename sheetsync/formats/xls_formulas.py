"""What python-calamine spends on the formulas of a legacy .xls, bounded from their tokens.

calamine turns every FORMULA record of every sheet into text when it opens the file, whether the
formulas are asked for or not, and some tokens cost it far more than their bytes: a space token
(``PtgAttrSpace``, 4 bytes) inserts up to 255 characters one at a time at the start of its operand,
moving all the text after it each time; a binary operator moves its second operand; a 3-D
reference (7 bytes) spells out a sheet name of up to 255 characters. Measured with calamine 0.37:
a 28 KB file of one formula of 6,400 space tokens took 37 s (one of 16,000 tokens, 66 KB, over a
minute: time grows with the square of the tokens); 8,000 operands then 8,000 operators naming a
long sheet, 67 KB, took 9 s; 64 formulas of 8,000 such references joined left to right (4 MB)
built 400 MB of text.

:func:`formula_cost` walks the tokens as calamine does (each token's size as calamine skips it,
stopping where calamine stops with an error) and bounds both: the text it builds (each token's
longest spelling, summed) and the bytes it moves (each moving token counted as moving all the text
so far). An honest form's formulas cost a few hundred bytes each.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

#: The longest name calamine can spell for a sheet or a defined name: 255 characters, up to 3 bytes
#: each in its UTF-8.
NAME = 3 * 255
#: Tokens that only push an operand: the bytes after the token byte, and the longest text spelled.
OPERANDS: dict[int, tuple[int, int]] = {
    0x01: (4, 0), 0x16: (0, 0), 0x18: (5, 0), 0x1C: (1, 13), 0x1D: (1, 5), 0x1E: (2, 5), 0x1F: (8, 32),
    **{p: (7, 10) for p in (0x20, 0x40, 0x60)},
    **{p: (4, NAME) for p in (0x23, 0x43, 0x63)},                     # a defined name
    **{p: (4, 12) for p in (0x24, 0x44, 0x64)},
    **{p: (8, 24) for p in (0x25, 0x45, 0x65)},
    **{p: (4, 5) for p in (0x2A, 0x4A, 0x6A)},
    **{p: (8, 5) for p in (0x2B, 0x4B, 0x6B)},
    **{p: (6, 10) for p in (0x39, 0x59)},
    **{p: (6, NAME + 12) for p in (0x3A, 0x5A, 0x7A)},                # sheet!cell
    **{p: (10, NAME + 26) for p in (0x3B, 0x5B, 0x7B)},               # sheet!area
    **{p: (6, NAME + 6) for p in (0x3C, 0x5C, 0x7C, 0x3D, 0x5D, 0x7D)},
}
#: Tokens that move text already built: the text they add, and how many times they move it.
MOVERS: dict[int, tuple[int, int]] = {**{p: (2, 2) for p in range(0x03, 0x12)},  # binary operators
                                      0x12: (1, 1), 0x13: (1, 1), 0x14: (1, 0), 0x15: (2, 1)}
FUNCTIONS = {0x21, 0x41, 0x61}  # a function of fixed arguments (2 bytes); 0x22… below: of argc arguments
FUNCTIONS_VAR = {0x22, 0x42, 0x62}
FUNCTION_NAME = 40  # the longest function name of calamine's table, with its parentheses


class Cost(NamedTuple):
    """What one formula costs calamine: tokens walked, bytes of text built, bytes of text moved."""

    tokens: int
    text: int
    work: int


def formula_cost(rgce: bytes) -> Cost:
    """The cost of the formula tokens ``rgce`` (a FORMULA record's ``rgce``, ``cce`` bytes long)
    as calamine parses them; each is an upper bound, never below what calamine does."""
    at = tokens = text = work = 0
    end = len(rgce)
    while at < end:
        ptg = rgce[at]
        at += 1
        tokens += 1
        if ptg in OPERANDS:
            size, spelled = OPERANDS[ptg]
        elif ptg in MOVERS:
            size, (spelled, moves) = 0, MOVERS[ptg]
            work += moves * text
        elif ptg == 0x17:  # a string constant: its length, a flags byte, then that many bytes
            if at >= end:
                break
            size, spelled = 2 + rgce[at], 2 + 3 * rgce[at]
        elif ptg == 0x19:  # PtgAttr: its kind decides its size and cost
            if at + 2 >= end:
                break
            kind, size, spelled = rgce[at], 3, 0
            if kind == 0x04:  # a choice: a count, then that many + 1 offsets
                size += 2 * (struct.unpack_from("<H", rgce, at + 1)[0] + 1)
            elif kind == 0x10:  # SUM of its operand
                spelled, work = 5, work + 2 * text
            elif kind in (0x40, 0x41):  # spaces, inserted one by one before the operand
                spelled = rgce[at + 2]
                work += spelled * (text + spelled)
            elif kind not in (0x01, 0x02, 0x08, 0x20, 0x21):
                break  # calamine gives up on the formula here
        elif ptg in FUNCTIONS or ptg in FUNCTIONS_VAR:
            size = 2 if ptg in FUNCTIONS else 3
            spelled = FUNCTION_NAME + (255 if ptg in FUNCTIONS else (rgce[at] if at < end else 0))
            work += 2 * text
        else:
            break  # a token calamine does not know: it gives up on the formula here
        text += spelled
        at += size
    return Cost(tokens, text, work)
