"""The package's shape: no import cycles, nothing imports the CLI, one exception tree, a locked public API."""

from __future__ import annotations

import ast
import inspect
import pkgutil
import types
from importlib import import_module
from pathlib import Path

import sheetsync
import sheetsync.errors

PACKAGE = Path(sheetsync.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["sheetsync", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """sheetsync modules imported when ``path`` is imported (not inside functions or TYPE_CHECKING)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else ():
            if isinstance(sub, ast.ImportFrom):
                base = sub.module or ""
                if sub.level:
                    parent = package.split(".")[: len(package.split(".")) - sub.level + 1]
                    base = ".".join(parent + ([base] if base else []))
                if base.startswith("sheetsync"):
                    found.add(base)
                    found.update(f"{base}.{a.name}" for a in sub.names if _is_module(f"{base}.{a.name}"))
            elif isinstance(sub, ast.Import):
                found.update(a.name for a in sub.names if a.name.startswith("sheetsync"))
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative / "__init__.py").exists()


GRAPH = {_module_name(p): _top_level_imports(p) for p in PACKAGE.rglob("*.py")}


def test_no_import_cycles() -> None:
    """A module never imports (directly or through others) something that imports it back."""
    done: set[str] = set()

    def visit(name: str, stack: list[str]) -> None:
        assert name not in stack, "import cycle: " + " -> ".join([*stack[stack.index(name):], name])
        if name in done:
            return
        for dep in sorted(GRAPH.get(name, ())):
            # A package's __init__ importing its own submodules is how packages are built, not a cycle.
            if dep == name or dep.startswith(name + "."):
                continue
            visit(dep, [*stack, name])
        done.add(name)

    for module in sorted(GRAPH):
        visit(module, [])


def test_nothing_imports_the_cli() -> None:
    for module, deps in GRAPH.items():
        if not module.startswith(("sheetsync.cli", "sheetsync.__main__")):
            assert not any(d.startswith("sheetsync.cli") for d in deps), f"{module} imports the CLI"


def _every_import(path: Path) -> set[str]:
    """Every sheetsync module ``path`` imports, at any depth (inside functions too)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            found.add(base)
            for alias in node.names:
                # A private name of a module is reached like a private module: base._name.
                if _is_module(f"{base}.{alias.name}") or alias.name.startswith("_"):
                    found.add(f"{base}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {name for name in found if name.startswith("sheetsync")}


def test_a_packages_private_modules_are_its_own() -> None:
    """``sheetsync.mailer._headers`` (or a private name such as ``formats.bounded._Budget``) is imported
    from within its own package only: the rest of the code goes through the package's ``__init__`` or
    the module's public names, so a layer never reaches into another's insides."""
    reached = []
    for path in PACKAGE.rglob("*.py"):
        importer = _module_name(path)
        for name in _every_import(path):
            parts = name.split(".")
            private = next((i for i, part in enumerate(parts) if i and part.startswith("_")
                            and part not in ("__init__", "__main__", "_version")), None)
            if private is None:
                continue
            owner = ".".join(parts[:private])
            if not (PACKAGE / Path(*parts[1:private]) / "__init__.py").exists():
                owner = owner.rpartition(".")[0]  # a module's private name: its package's own
            if owner != "sheetsync" and not (importer == owner or importer.startswith(owner + ".")):
                reached.append(f"{importer} imports {name}")
    assert not reached, "\n".join(sorted(reached))


def test_every_exception_class_lives_in_errors() -> None:
    for info in pkgutil.walk_packages(sheetsync.__path__, "sheetsync."):
        if info.name == "sheetsync.__main__":
            continue
        module = import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == info.name:
                assert info.name == "sheetsync.errors", f"{info.name}.{name} should live in sheetsync.errors"


def test_every_error_is_drawn_in_the_tree() -> None:
    doc = sheetsync.errors.__doc__ or ""
    for name, value in vars(sheetsync.errors).items():
        if inspect.isclass(value) and issubclass(value, sheetsync.errors.SheetsyncError):
            assert name in doc, f"{name} is missing from the tree in sheetsync/errors.py"


def test_public_api_is_what_all_says() -> None:
    for name in sheetsync.__all__:  # the API loads on first use: load all of it
        getattr(sheetsync, name)
    public = {name for name, value in vars(sheetsync).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert set(sheetsync.__all__) == public | {"__version__"}
    for name in sheetsync.__all__:
        assert getattr(sheetsync, name).__doc__ or name == "__version__", name
