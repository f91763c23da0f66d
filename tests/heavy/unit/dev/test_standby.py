"""The standby server process: it loads libraries ahead, never the app, and waits for its turn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import heavy_stack
from heavy.dev.standby import GO, write_library_list

PACKAGE_FOLDER = Path(heavy_stack.__file__).parent
STANDBY_SCRIPT = """
import sys
from pathlib import Path
from heavy.dev.standby import wait_as_standby
wait_as_standby(Path(sys.argv[1]))
print("went on;", "json" in sys.modules, "heavy.app_factory" in sys.modules)
"""


def run_standby(library_list: Path, stdin: bytes) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", STANDBY_SCRIPT, str(library_list)],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestLibraryList:
    def test_lists_libraries_in_import_order_and_leaves_out_the_app(self, tmp_path: Path) -> None:
        library_list = tmp_path / "libraries.txt"

        write_library_list(library_list, [PACKAGE_FOLDER], ["heavy_stack"])

        names = library_list.read_text().split()
        assert "sqlalchemy" in names
        assert names == [name for name in sys.modules if name in names]  # in the order of first import
        assert not [name for name in names if name.split(".")[0] == "heavy_stack"]
        assert "__main__" not in names


class TestStandby:
    def test_it_loads_the_libraries_then_goes_on_when_told(self, tmp_path: Path) -> None:
        library_list = tmp_path / "libraries.txt"
        library_list.write_text("json\nheavy_stack.app_factory_is_never_listed\n")

        result = run_standby(library_list, GO)

        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "went on; True False"

    def test_it_exits_quietly_when_it_is_not_needed(self, tmp_path: Path) -> None:
        result = run_standby(tmp_path / "no-list-yet.txt", b"")

        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
