"""Leave written Python files the way ``make lint`` wants them.

Generated names and renamed identifiers change line lengths and import order, so after writing,
the scaffolding tools sort imports and format the files they wrote with the project's own ruff
settings. Only those files are touched, and only when ruff is installed (it is a dev dependency).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def tidy_python_files(paths: Sequence[Path], root: Path) -> str | None:
    """Sort imports and format the ``.py`` files among ``paths``; the problem ruff reports, if any."""
    python_files = [str(path) for path in paths if path.suffix == ".py" and path.is_file()]
    if not python_files or importlib.util.find_spec("ruff") is None:
        return None
    for arguments in (["check", "--fix-only", "--select", "I", "--quiet"], ["format", "--quiet"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *arguments, *python_files],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            return (result.stderr.strip() or result.stdout.strip() or "ruff failed").splitlines()[0]
    return None
