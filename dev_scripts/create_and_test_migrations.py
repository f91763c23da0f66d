"""Create and test migrations, as the original's launch profile did: ``heavy migrate create``
(which autogenerates against a scratch database and then tests the result), then
``heavy migrate test`` over the whole history.

    python dev_scripts/create_and_test_migrations.py "add notes table"
"""

import sys

from heavy_stack.cli import cli

if __name__ == "__main__":
    program = "create_and_test_migrations.py"
    cli(["migrate", "create", *sys.argv[1:]], prog_name=program, standalone_mode=False)
    sys.exit(cli(["migrate", "test"], prog_name=program))
