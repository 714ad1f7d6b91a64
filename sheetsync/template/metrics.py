"""How wide and how tall text is in the form's font, from the font file itself (fontTools).

Row heights of merged cells (which neither Excel nor Calc fits to their text) and the column
widths the labels, headers, dates and amounts need are computed here, from the advance widths
and line metrics of the installed font: TH Sarabun New where it is installed, else what
fontconfig substitutes for it (Debian's metrically compatible Laksaman). Without any font file
an estimate is used (half an em per character, 1.7 em per line), so that sheetsync still works
on a machine without fonts; the print checks in the tests run with the real one.

Widths are in points. A spreadsheet column is measured in Excel "character" units; Calc lays out
one unit as 7 pt (measured on .xlsx files: 13 units are 32.1 mm), and the .ods writer uses the
same, so that both formats print alike.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: Points per Excel column unit, as Calc lays out an .xlsx (and as the .ods writer writes).
PT_PER_UNIT = 7.0
#: Left plus right inner margin of a cell, in points (Calc's default 0.1 cm each side, rounded up).
CELL_PADDING_PT = 6.0
#: Programs lay text out on a device grid (hinted, rounded advances): a little wider than the
#: font's design widths. Measured with Calc 7.4 printing Laksaman at 16 pt: up to ~4 %.
LAYOUT_SLACK = 1.05
#: Where fontconfig is absent (Windows, macOS), these files are tried in order.
KNOWN_FILES = {
    False: ("/usr/share/fonts/truetype/tlwg/Laksaman.ttf", "C:/Windows/Fonts/THSarabunNew.ttf"),
    True: ("/usr/share/fonts/truetype/tlwg/Laksaman-Bold.ttf", "C:/Windows/Fonts/THSarabunNew Bold.ttf"),
}
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_BREAK_AFTER = " \u200b/-"
#: A piece that ends at a break opportunity (its break character kept), or the line's last piece.
_PIECE = re.compile("[^{0}]*[{0}]|[^{0}]+".format(re.escape(_BREAK_AFTER)))


@dataclass(frozen=True, eq=False)  # hashed by identity: the per-character cache keys on it
class FontMetrics:
    """Advance widths (font units per code point) and the line pitch of one font face."""

    advances: dict[int, int]
    units_per_em: int
    line_em: float  # baseline-to-baseline distance, in ems
    default_advance: int  # for characters the font lacks
    #: Ascender to descender, in ems, without the line gap: the pitch of the lines Calc prints in a
    #: cell (None: line_em). Measured on a PDF of Calc 7.4, Laksaman 16 pt: 26.4 pt a line, not 27.4.
    body_em: float | None = None
    #: Advance per character met so far: a text's width is summed from a plain dict (a master's
    #: sheet of long texts measures every character of every school's text).
    _seen: dict[str, int] = field(default_factory=dict, repr=False)

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` in points at ``size`` points."""
        try:
            units = sum(map(self._seen.__getitem__, text))
        except KeyError:
            self._seen.update((ch, _advance(self, ch)) for ch in set(text) if ch not in self._seen)
            units = sum(map(self._seen.__getitem__, text))
        return units * size / self.units_per_em * LAYOUT_SLACK


ESTIMATE = FontMetrics({}, 1000, 1.7, 500)


@lru_cache(maxsize=8)
def font_metrics(family: str, bold: bool = False) -> FontMetrics:
    """The metrics of ``family`` as installed (see the module docstring); :data:`ESTIMATE` if none."""
    for path in (*_fontconfig(family, bold), *KNOWN_FILES[bold]):
        metrics = _load(path)
        if metrics is not None:
            return metrics
    return ESTIMATE


def text_width(text: str, size: float, family: str = "TH Sarabun New", bold: bool = False) -> float:
    """The widest line of ``text`` in points."""
    metrics = font_metrics(family, bold)
    return max(metrics.width(line, size) for line in text.split("\n"))


def longest_word(text: str, size: float, family: str = "TH Sarabun New", bold: bool = False) -> float:
    """Width in points of the longest piece of ``text`` that cannot be broken (between spaces,
    zero-width spaces, slashes, hyphens and line ends): a column narrower than this cuts a word."""
    metrics = font_metrics(family, bold)
    pieces = [p for line in text.split("\n") for p in _pieces(line)]
    return max((metrics.width(p.rstrip(), size) for p in pieces), default=0.0)


def keeping_units(text: str, width_pt: float, size: float, family: str = "TH Sarabun New",
                  bold: bool = False) -> float:
    """``width_pt`` widened, where need be, so that no bracketed piece of ``text`` (a unit such as
    ``(บาท)``) starts on a line it does not fit: Calc breaks a Thai word where a line still has room
    for part of it, and prints ``(บา`` over ``ท)``. Lines are laid out greedily at break opportunities."""
    metrics = font_metrics(family, bold)
    for _ in range(len(text)):  # each widening takes one more piece on a line: it ends
        usable, widened = width_pt - CELL_PADDING_PT, width_pt
        for line in text.split("\n"):
            used = 0.0
            for piece in _pieces(line):
                width, trimmed = metrics.width(piece, size), metrics.width(piece.rstrip(), size)
                if used and used + trimmed > usable:
                    # Calc's room is not quite ours: any room for more than the bracket may take a letter.
                    if piece.startswith("(") and usable - used > metrics.width(piece[0], size):
                        widened = max(widened, used + trimmed + CELL_PADDING_PT)
                    used = 0.0
                used += width
        if widened == width_pt:
            return width_pt
        width_pt = widened
    return width_pt


def line_count(text: str, width_pt: float, size: float, family: str = "TH Sarabun New", bold: bool = False) -> int:
    """Lines ``text`` takes wrapped in ``width_pt``: greedy at break opportunities; a piece
    wider than the line is cut where it overflows (as Calc does with a Thai run it cannot fit)."""
    usable = max(width_pt - CELL_PADDING_PT, size)
    lines = 0
    for paragraph in _measured(text, size, family, bold):
        lines += 1
        used = 0.0
        for width, trimmed in paragraph:
            if used and used + trimmed > usable:
                lines, used = lines + 1, 0.0
            if width > usable:  # a piece longer than a line fills whole lines
                full, width = divmod(width, usable)
                lines += int(full)
            used += width
    return lines


#: The room lost at the ends of lines where a text breaks between words (Thai ones included).
BREAK_SLACK = 1.08


def wrapped_lines(text: str, width_pt: float, size: float, family: str = "TH Sarabun New") -> int:
    """Lines ``text`` takes wrapped in ``width_pt`` by a program that breaks Thai between words
    (Calc, with its dictionary): :func:`line_count` breaks only at spaces and takes a run of Thai
    words for one piece, so a long Thai paragraph would take half again the lines it needs. Text
    of words (every piece short) is counted as :func:`line_count` does: greedy, exact."""
    exact = line_count(text, width_pt, size, family)
    usable = max(width_pt - CELL_PADDING_PT, size)
    if all(width <= usable / 3 for paragraph in _measured(text, size, family, False) for width, _ in paragraph):
        return exact
    return min(exact, flowing_lines(text, width_pt, size, family))


def flowing_lines(text: str, width_pt: float, size: float, family: str = "TH Sarabun New") -> int:
    """Lines ``text`` takes wrapped in ``width_pt`` if it could break anywhere, give or take the
    room lost at line ends (:data:`BREAK_SLACK`): a quick estimate, one sum per paragraph."""
    usable = max(width_pt - CELL_PADDING_PT, size)
    metrics = font_metrics(family)
    return sum(max(1, math.ceil(metrics.width(p, size) * BREAK_SLACK / usable)) for p in text.split("\n"))


@lru_cache(maxsize=4096)
def _measured(text: str, size: float, family: str, bold: bool) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Per paragraph, the (width, width without its trailing space) of each unbreakable piece."""
    metrics = font_metrics(family, bold)
    return tuple(tuple((metrics.width(p, size), metrics.width(p.rstrip(), size)) for p in _pieces(paragraph))
                 for paragraph in text.split("\n"))


def line_height(size: float, family: str = "TH Sarabun New", bold: bool = False) -> float:
    """Points from one baseline to the next at ``size`` points."""
    return font_metrics(family, bold).line_em * size


def printed_line_pitch(size: float, family: str = "TH Sarabun New", bold: bool = False) -> float:
    """Points from one line of a cell's wrapped text to the next, as Calc prints them: the font's
    body without its line gap (rows are still sized with :func:`line_height`, the roomier pitch)."""
    metrics = font_metrics(family, bold)
    return (metrics.body_em or metrics.line_em) * size


def _pieces(line: str) -> list[str]:
    # One regular expression, not a loop over characters: a school's 1,500-character rationale is
    # split on every file checked (sheetsync.check.printfit).
    return _PIECE.findall(line)


@lru_cache(maxsize=8192)
def _advance(metrics: FontMetrics, ch: str) -> int:
    """Advance of one character (cached: a form's text uses a few dozen distinct ones)."""
    return 0 if _no_advance(ch) else metrics.advances.get(ord(ch), metrics.default_advance)


def _no_advance(ch: str) -> bool:
    # Thai vowels and tone marks above and below sit on their base letter.
    return ch in _ZERO_WIDTH or unicodedata.category(ch) in ("Mn", "Me")


def _fontconfig(family: str, bold: bool) -> list[str]:
    if shutil.which("fc-match") is None:
        return []
    pattern = f"{family}:bold" if bold else family
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                               timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [found] if found else []


def _load(path: str) -> FontMetrics | None:
    if not path or not Path(path).is_file():
        return None
    from fontTools.ttLib import TTFont, TTLibError  # imported on first use: ~50 ms

    try:
        with TTFont(path, lazy=True) as font:
            cmap = font.getBestCmap() or {}
            hmtx = font["hmtx"].metrics
            upm = int(font["head"].unitsPerEm)
            os2 = font["OS/2"]
            if os2.fsSelection & (1 << 7):  # USE_TYPO_METRICS: what Calc uses for the line pitch
                body, gap = os2.sTypoAscender - os2.sTypoDescender, os2.sTypoLineGap
            else:
                hhea = font["hhea"]
                body, gap = hhea.ascent - hhea.descent, hhea.lineGap
            advances = {code: int(hmtx[glyph][0]) for code, glyph in cmap.items() if glyph in hmtx}
    except (OSError, TTLibError, KeyError, AttributeError):
        return None
    zero = advances.get(ord("0"), upm // 2)
    return FontMetrics(advances, upm, (body + gap) / upm, zero, body / upm)
