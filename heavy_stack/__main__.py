"""``python -m heavy_stack`` is the ``heavy`` command."""

from heavy_stack.cli import main

main()
