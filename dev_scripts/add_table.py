"""Add a table, as the original's "Add Table Script" did: the same as ``heavy add-table``."""

import sys

from heavy.cli import cli

if __name__ == "__main__":
    sys.exit(cli(["add-table", *sys.argv[1:]], prog_name="add_table.py"))
