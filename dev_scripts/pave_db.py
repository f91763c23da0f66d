"""Pave the databases, as the original's "Run Pave DB" did: same as ``heavy pave-db``."""

import sys

from heavy.cli import cli

if __name__ == "__main__":
    sys.exit(cli(["pave-db", *sys.argv[1:]], prog_name="pave_db.py"))
