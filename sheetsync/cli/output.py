"""Writing to the terminal, a pipe or a log: tables whose Thai wraps whole letters, a progress bar
only on a terminal, and a reader that goes away (``| head``) taken calmly.

A closed pipe is normal: ``sheetsync mail outbox | head -1`` stops reading after one line. What
would have been printed goes to the null device instead (as CPython's documentation on SIGPIPE
recommends), and the command finishes its work and exits with its own code: reports and
e-mails asked for are still written, and ``validate``'s code still says whether every file was valid.
"""

from __future__ import annotations

import os
import re
import sys
from typing import IO, TYPE_CHECKING, Iterator

from ..errors import OutputError
from ..text import clusters

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.measure import Measurement
    from rich.progress import Progress
    from rich.segment import Segment


def reader_gone(stream: IO[str]) -> None:
    """The reader of ``stream`` has closed it: send the rest of its output to the null device."""
    try:
        target = stream.fileno()
    except (OSError, ValueError):  # not a real file (a test's captured output): nothing to redirect
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, target)
    finally:
        os.close(devnull)


def flush_quietly() -> bool:
    """Flush standard output and error at exit; a reader already gone is no error.

    :returns: True when the output could not be written (its disk is full, say): the scheduled run's
        log lost it, and only the exit code is left to say so. Python would otherwise print a
        traceback at exit and end with code 120, which no scheduler's reader knows.
    """
    lost = False
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError as exc:
            lost = lost or not isinstance(exc, BrokenPipeError)  # a reader gone chose to stop reading
            reader_gone(stream)
            try:
                stream.flush()  # what was still buffered now goes to the null device
            except OSError:
                pass  # a second failure flushing at exit has nobody left to tell
    return lost


def output_lost(exc: OSError, code: str = "output.lost") -> OutputError:
    """Standard output could not be written (``> /dev/full``, a full disk): the error to stop with,
    Thai first as every error line, the system's own words in both halves.

    :param code: ``"output.error-lost"`` when standard error itself failed: nobody reads that error,
        but its type tells the entry point that only the exit code is left to say so.
    """
    from ..messages import render

    said = {lang: render(code, lang, source="cli.yaml", why=exc.strerror or exc) for lang in ("th", "en")}
    return OutputError(said["en"], th=said["th"])


def show(renderable: RenderableType) -> None:
    """Print a table (or any rich renderable) on standard output; a closed pipe ends it quietly.

    :raises OutputError: standard output cannot be written (see :func:`output_lost`).
    """
    console = _console()
    _widen_off_terminal(console, renderable)
    try:
        console.print(renderable)
    except BrokenPipeError:
        raise  # rich's on_broken_pipe has already sent the rest to the null device
    except OSError as exc:
        raise output_lost(exc) from exc


def _widen_off_terminal(console: Console, renderable: RenderableType) -> None:
    """Off a terminal (a scheduled run's log, a pipe) make ``console`` as wide as ``renderable`` wants,
    so each row of a table stays on one line; a terminal keeps its own width.

    rich lays output that is not a terminal out at 80 columns: a refused file's Thai detail then
    wrapped a few letters per line in ``sync.log``. A width said in ``COLUMNS`` is kept.
    """
    from rich.measure import Measurement

    if console.is_terminal or "COLUMNS" in os.environ:
        return
    unbounded = console.options.update_width(_UNBOUNDED)
    console.width = max(console.width, Measurement.get(console, unbounded, renderable).maximum)


_UNBOUNDED = 100_000  # wider than any row a command prints: a table measures its natural width in it


def progress(label: str) -> Progress:
    """A transient progress bar that draws only on a terminal.

    Written to a file or a pipe (the scheduled ``sync`` appending to its log), rich's live display
    still ends with an empty line: every quiet run left a blank line in the log.
    """
    from rich.progress import Progress

    console = _console()
    bar = Progress(console=console, transient=True, disable=not console.is_terminal)
    bar.add_task(label, total=None)
    return bar


class Wrapped:
    """A table cell's text that wraps between words, or between whole letters inside a long word.

    Thai writes no space between words, so a long cell is cut inside a word; rich's own folding
    cuts before Thai SARA AM ("ำ") and, in rich before 14, between a letter and its vowel or tone
    mark ("ตรงกั" then a floating mark). Here a line ends only between :func:`~sheetsync.text.clusters`.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the longest line; at least as wide as the longest word (when it fits)."""
        from rich.cells import cell_len
        from rich.measure import Measurement

        longest = max((cell_len(line) for line in self.text.split("\n")), default=0)
        word = max((cell_len(w) for w in self.text.split()), default=0)
        return Measurement(min(word, options.max_width), min(longest, options.max_width)).clamp(1)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        """The lines of :func:`wrap` at the width rich gives the cell."""
        from rich.segment import Segment

        for line in wrap(self.text, options.max_width):
            yield Segment(line)
            yield Segment.line()


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, broken after spaces where it can and
    between whole letters (clusters) where a word is longer than a line.

    Example::

        wrap("ผลรวมไม่ตรงกัน", 6) == ["ผลรวมไ", "ม่ตรงกัน"]
    """
    from rich.cells import cell_len

    width = max(width, 1)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in re.findall(r"\s*\S+\s*|\s+", paragraph):
            if cell_len((line + word).rstrip()) <= width:
                line += word
                continue
            if line.strip():
                lines.append(line.rstrip())
                word = word.lstrip()
            line = ""
            for letter in clusters(word):
                if line and cell_len((line + letter).rstrip()) > width:
                    lines.append(line)
                    line = ""
                line += letter
        lines.append(line.rstrip())
    return lines


def _console() -> Console:
    from rich.console import Console

    class _Quiet(Console):
        def on_broken_pipe(self) -> None:
            # rich's own way exits at once with code 1: the command's work and code would be lost.
            self.quiet = True
            reader_gone(self.file)

    return _Quiet(soft_wrap=True)
