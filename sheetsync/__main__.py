"""``python -m sheetsync``: the same as the ``sheetsync`` command."""

from .cli import main

main()
