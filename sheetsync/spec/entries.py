"""Name a layout's YAML entry the way a form author finds it: file, line, and section[index].

Errors in a layout are found after parsing, when only the data is left; this module goes back to
the text (only when there is an error to report) so the message says ``progress-report.yaml
line 116 (rules[0], kind sequence)`` rather than leaving the author to search.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


def entry_name(path: Path, section: str, index: int, detail: str = "") -> str:
    """``"<file> line N (section[index], detail)"``; without the line when the text cannot say.

    :param path: the layout file.
    :param section: the top-level key holding a list (``cells``, ``tables``, ``rules``).
    :param index: the entry's position in that list (0-based, as in YAML's order).
    :param detail: what the entry is about (a field pointer, a rule kind), if known.

    Example::

        entry_name(Path("templates/progress-report.yaml"), "rules", 0, "kind sequence")
        # 'progress-report.yaml line 116 (rules[0], kind sequence)'
    """
    inside = f"{section}[{index}]" + (f", {detail}" if detail else "")
    line = _entry_lines(path, section).get(index)
    return f"{path.name} line {line} ({inside})" if line else f"{path.name} ({inside})"


@lru_cache(maxsize=16)
def _entry_lines(path: Path, section: str) -> dict[int, int]:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value == section and isinstance(value, yaml.SequenceNode):
            return {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return {}


class Entry:
    """One entry of a layout's list, named only when an error needs it (finding lines costs a parse).

    ``str(entry)`` is :func:`entry_name`'s text; ``entry.path`` is the layout file.
    """

    def __init__(self, path: Path, section: str, index: int, detail: str = "") -> None:
        self.path, self.section, self.index, self.detail = path, section, index, detail

    def __str__(self) -> str:
        return entry_name(self.path, self.section, self.index, self.detail)
