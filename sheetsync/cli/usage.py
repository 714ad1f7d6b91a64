"""A command typed wrong (an unknown option, a missing file, a value not among the choices) is said
in Thai first, above click's own English usage lines: a clerk reads the first line.

click (inside typer) writes its usage errors in English only ("Error: No such option: --bogus");
:func:`run` runs the app so that such an error reaches sheetsync, which puts one Thai line before what
click says.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from .app import echo

# click's exceptions, wherever this typer keeps them (click itself, or its own copy, typer._click,
# since 0.20): the module of the public typer.BadParameter's bases.
_CLICK: Any = sys.modules[next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError").__module__]


#: The exit code typer gives a command stopped with Ctrl+C (KeyboardInterrupt), as shells do (128 + SIGINT).
INTERRUPTED = 130


def run(app: typer.Typer) -> int:
    """Run ``app`` on the command line's arguments; its exit code (2 for a command typed wrong)."""
    try:
        code = app(standalone_mode=False)
    except _CLICK.UsageError as exc:
        if type(exc).__name__ != "NoArgsIsHelpError":  # bare "sheetsync": the help, as asked
            echo(f"sheetsync: {thai_line(exc)}", err=True)
        exc.show()
        return int(exc.exit_code)
    except _CLICK.ClickException as exc:
        exc.show()
        return int(exc.exit_code)
    except typer.Abort:  # Ctrl-D at a prompt (typer.Abort is click's Abort where typer uses click)
        from ..messages import both

        echo(both("usage.aborted", source="cli.yaml"), err=True)
        return 1
    if code == INTERRUPTED:  # typer's word for Ctrl+C: without a line the clerk cannot tell what became of the run
        from ..messages import both

        echo(f"sheetsync: {both('usage.interrupted', source='cli.yaml')}", err=True)
    return code if isinstance(code, int) else 0


def thai_line(exc: Any) -> str:
    """What is wrong with the command, in Thai, and where its help is (a generic line when the error
    is of a kind not known here: this line must never stand in the way of click's own)."""
    from ..messages import render

    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", "") or "sheetsync"
    try:
        said = _what(exc, command)
    except Exception:  # click's attributes differ between its versions: say it generally
        said = render("usage.other", "th", source="cli.yaml", command=command)
    return said + render("usage.help", "th", source="cli.yaml", command=command)


def _what(exc: Any, command: str) -> str:
    from ..messages import render

    if isinstance(exc, _CLICK.NoSuchOption):
        near = ", ".join(exc.possibilities or ())
        said = render("usage.no-such-option", "th", source="cli.yaml", option=exc.option_name, command=command)
        return said + (render("usage.did-you-mean", "th", source="cli.yaml", near=near) if near else "")
    if isinstance(exc, _CLICK.MissingParameter):
        return render("usage.missing", "th", source="cli.yaml", name=_name(exc.param), command=command)
    if isinstance(exc, _CLICK.BadParameter):
        name = exc.param_hint or _name(exc.param)
        if not name:  # raised by a command about its options together: its own words, Thai first, say it
            return _thai_part(exc.message) or render("usage.other", "th", source="cli.yaml", command=command)
        return render("usage.bad-value", "th", source="cli.yaml", name=name)
    if isinstance(exc, _CLICK.BadOptionUsage):
        return render("usage.needs-value", "th", source="cli.yaml", option=exc.option_name)
    return render("usage.other", "th", source="cli.yaml", command=command)


def _thai_part(message: str) -> str:
    """The Thai before " / " of a message sheetsync wrote Thai first ("" for click's own English)."""
    thai = message.split(" / ", 1)[0]
    return thai if any("\u0e00" <= ch <= "\u0e7f" for ch in thai) else ""


def _name(param: Any) -> str:
    """How the command line writes ``param``: its option (``--format``) or its argument (``FILE...``)."""
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("-")]
    if opts:
        return "/".join(opts)
    return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "").upper()
