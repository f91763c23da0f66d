"""``python -m heavy`` is the ``heavy`` command."""

from heavy.cli import main

main()
