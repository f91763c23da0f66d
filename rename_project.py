"""Rename the project, as the original's ``rename_project.py`` did: the same as ``heavy rename``.

Run it from the project root with the project's interpreter, before or after ``make install``:
``.venv/bin/python rename_project.py`` (asks for the name) or ``... --name acme_portal``.
See docs/scaffolding.md.
"""

import sys

from heavy.cli import cli

if __name__ == "__main__":
    sys.exit(cli(["rename", *sys.argv[1:]], prog_name="rename_project.py"))
