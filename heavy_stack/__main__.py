"""``python -m heavy_stack`` is the ``heavy`` command for this app, installed or not."""

import os

os.environ.setdefault("HEAVY_APP", "heavy_stack.app:heavy_app")

from heavy.cli import main

main()
