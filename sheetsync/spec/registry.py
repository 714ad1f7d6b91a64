"""Finding forms: the ones shipped with sheetsync and any in extra folders.

A form is found by id (``progress-report``) or by the path of its layout file. Extra folders come
from the caller or from the ``SHEETSYNC_FORMS`` environment variable (``os.pathsep``-separated),
so that adding a form needs no Python: drop ``<id>.yaml`` and its schema in such a folder.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from ..errors import UnknownFormError
from .entries import yaml_place
from .form import Form, load_form
from .said import SOURCE, form_error
from ..messages import render
from .layoutcheck import FORM_ID  # ids read from a school's file must match it: never a path


@lru_cache(maxsize=1)  # where the package is does not change while it runs
def bundled_dir() -> Path:
    """The folder of layouts shipped with sheetsync (inside the wheel, or the checkout's)."""
    packaged = Path(str(resources.files("sheetsync"))) / "templates"
    if packaged.is_dir():
        return packaged
    # Running from a source checkout: the layouts live at the top of the repository.
    return Path(__file__).resolve().parents[2] / "templates"


def search_dirs(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Folders searched for layouts, in order: ``extra``, ``$SHEETSYNC_FORMS``, the bundled one."""
    env = [p for p in os.environ.get("SHEETSYNC_FORMS", "").split(os.pathsep) if p]
    return [Path(p) for p in [*extra, *env]] + [bundled_dir()]


def find_form(name: str | Path, extra: Iterable[str | Path] = ()) -> Form:
    """Load the form ``name``: a form id, or the path of a layout ``.yaml`` file.

    :raises UnknownFormError: when no such form exists (the message lists the known ids).
    """
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return _load_cached(path.resolve())
    found = _layout_of(str(name), tuple(search_dirs(extra)))
    if found is not None:
        return _load_cached(found)
    forms = list_forms(extra)
    # A layout whose file is not named after its id (given once by path: lay/lunch-2568.yaml) is
    # still found by its id, as its templates name it when they are read back.
    named = next((form for form in forms if form.id == str(name)), None)
    if named is not None:
        return named
    known = ", ".join(sorted(f.id for f in forms)) or "none"
    said = {lang: render("form.unknown", lang, source=SOURCE, name=repr(str(name)), known=known) for lang in ("th", "en")}
    raise UnknownFormError(said["en"], th=said["th"])


def find_form_id(form_id: str, extra: Iterable[str | Path] = ()) -> Form:
    """Load the known form with id ``form_id`` (as read from a returned file: never a path).

    :raises UnknownFormError: when ``form_id`` is not an id (``/``, ``..``, …) or no such form exists.
    """
    if not FORM_ID.fullmatch(form_id):
        raise UnknownFormError(f"the template names the form {form_id[:80]!r}, which is not a form id; "
                               "please fill in the template you were sent")
    return find_form(form_id, extra)


def find_earlier_version(form_id: str, major: int, extra: Iterable[str | Path] = ()) -> Form | None:
    """The kept layout of an earlier major version of a form, ``<id>@<major>.yaml``, if there is one.

    A layout change that moves cells makes a new major version; files of templates issued before
    it are still read with the layout they were made from, as long as that layout is kept.
    """
    if not FORM_ID.fullmatch(form_id):
        return None
    for folder in search_dirs(extra):
        candidate = folder / f"{form_id}@{major}.yaml"
        if candidate.is_file():
            return _kept(candidate)
    return None


def _kept(path: Path) -> Form:
    """The kept layout ``<id>@<major>.yaml``, which must be that id's version ``<major>``.

    :raises FormError: it is another form or version (copied after its version was changed: it was
        skipped without a word, and every file of that version refused as of an unknown version).
    """
    form = _load_cached(path.resolve())
    form_id, _, major = path.stem.partition("@")
    if form.id != form_id or str(form.major_version) != major:
        raise form_error(yaml_place(path, ("version",)), "form.kept-version", major=major, id=repr(form_id),
                         version=form.version, own_id=repr(form.id))
    return form


def list_forms(extra: Iterable[str | Path] = ()) -> list[Form]:
    """Every form found in the search folders (the first of each id wins)."""
    forms: dict[str, Form] = {}
    for folder in search_dirs(extra):
        here: dict[str, Form] = {}
        for layout in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
            if "@" in layout.stem:  # an earlier version kept for reading old files (find_earlier_version)
                if layout.stem.partition("@")[2].isdigit() and layout.suffix == ".yaml":
                    _kept(layout)  # checked here too, so that `sheetsync forms` says what is wrong with it
                continue
            form = _load_cached(layout.resolve())
            if form.id in here:
                # A copied layout whose id was not changed: which one a returned file is read with would
                # depend on the files' names. (A folder given first may override a form of a later one.)
                raise form_error(yaml_place(layout, ("id",)), "form.same-id", id=repr(form.id),
                                 other=here[form.id].source.name)
            here[form.id] = form
            forms.setdefault(form.id, form)
    return list(forms.values())


def _layout_of(name: str, folders: tuple[Path, ...]) -> Path | None:
    """The layout file of form ``name`` in the first of ``folders`` that has one."""
    # Every returned file names its form: the folders are searched once per id and folders (a
    # form not found is searched for again next time: it may have been added since).
    known = _FOUND.get((name, folders))
    if known is not None:
        return known
    for folder in folders:
        for candidate in (folder / f"{name}.yaml", folder / f"{name}.yml"):
            if candidate.is_file():
                if len(_FOUND) > 256:
                    _FOUND.clear()
                found = _FOUND[(name, folders)] = candidate.resolve()
                return found
    return None


_FOUND: dict[tuple[str, tuple[Path, ...]], Path] = {}


@lru_cache(maxsize=64)
def _load_cached(path: Path) -> Form:
    # Loading checks the schema and the layout against each other; do it once per process.
    return load_form(path)
