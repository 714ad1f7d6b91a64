"""``sheetsync forms``: the forms this installation knows."""

from __future__ import annotations

import typer

from .app import FormsDirOpt, echo, forms_dirs_given, guarded


def register(app: typer.Typer) -> None:
    """Add the ``forms`` command to ``app``."""
    app.command("forms")(forms)


def forms(ctx: typer.Context, forms_dir: FormsDirOpt = None) -> None:
    """List the forms this installation knows (id, version, title).

    \b
    Example:
      sheetsync forms --forms-dir my-forms/
    """
    def run() -> int:
        from ..spec.registry import list_forms

        for f in list_forms(forms_dirs_given(forms_dir)):
            echo(f"{f.id}\t{f.version}\t{f.title}")
        return 0
    guarded(ctx, run)
