"""Whether a path sheetsync makes inside an office folder could be made on Windows too.

Tests run on Linux, where a name may hold ``:`` or end in a dot and nothing complains; the same
office on Windows fails (or, worse, silently saves ``report.`` as ``report``). :func:`valid_on_windows`
checks a path relative to the office by Microsoft's naming rules ("Naming Files, Paths, and
Namespaces"), and :func:`invalid_under` walks a whole office folder.

Long paths: Python on Windows handles paths past ``MAX_PATH`` (260 characters with its terminating
NUL, so 259 usable) only when ``LongPathsEnabled`` is set in the registry, which an office computer
is not assumed to have. So the whole path, under a typical office root (:data:`OFFICE_ROOT`), must fit
in :data:`MAX_PATH` characters (UTF-16 code units, which is what Windows counts).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePath, PurePosixPath

#: A typical office folder on a Thai Windows computer (a Thai user name, the Documents folder): 43 characters.
OFFICE_ROOT = "C:\\Users\\ผู้ใช้\\Documents\\sheetsync-office\\"
#: The longest path usable without the registry's LongPathsEnabled (MAX_PATH less its NUL).
MAX_PATH = 259
#: The longest one name (a component) NTFS stores, in UTF-16 code units.
MAX_COMPONENT = 255
FORBIDDEN = set('<>:"/\\|?*')
DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³")}


def utf16_units(text: str) -> int:
    """How many UTF-16 code units ``text`` takes (what Windows counts: Thai is one each, emoji two)."""
    return len(text.encode("utf-16-le")) // 2


def component_problem(name: str) -> str | None:
    """Why the one name ``name`` could not be made on Windows, or None when it could."""
    bad = sorted({ch for ch in name if ch in FORBIDDEN or ord(ch) < 32 or unicodedata.category(ch) == "Cc"})
    if bad:
        return f"holds {bad!r}"
    if name.endswith((".", " ")):
        return "ends in a dot or a space"
    # Windows takes the part before the first dot, trailing spaces dropped, as the device ("CON .txt" too).
    if name.split(".", 1)[0].rstrip(" ").upper() in DEVICES:
        return "is a device name"
    if utf16_units(name) > MAX_COMPONENT:
        return f"is {utf16_units(name)} UTF-16 units long (at most {MAX_COMPONENT})"
    return None


def path_problem(relative: str | PurePath, root: str = OFFICE_ROOT) -> str | None:
    """Why ``relative`` (a path inside the office, ``/``-separated) is not valid on Windows, or None."""
    parts = PurePosixPath(relative).parts
    for part in parts:
        said = component_problem(part)
        if said is not None:
            return f"{part!r} {said}"
    whole = root + "\\".join(parts)
    if utf16_units(whole) > MAX_PATH:
        return f"the whole path is {utf16_units(whole)} characters under {root!r} (at most {MAX_PATH})"
    return None


def valid_on_windows(relative_path: str | PurePath) -> bool:
    """Whether ``relative_path`` (inside the office) could be made on Windows, long paths not enabled."""
    return path_problem(relative_path) is None


def invalid_under(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` (files and folders) that is not valid on Windows: {relative path: why}.

    Two names of one folder that differ only in case count too: Windows sees them as one file (an
    office made on Linux and opened from Windows over a share, or copied there, loses one)."""
    found: dict[str, str] = {}
    seen: dict[tuple[Path, str], str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        said = path_problem(relative)
        other = seen.setdefault((path.parent, path.name.casefold()), relative)
        if said is None and other != relative:
            said = f"is {other!r} to Windows (they differ only in case)"
        if said is not None:
            found[relative] = said
    return found
