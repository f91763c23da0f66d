"""A server process started ahead of need, so that a restart of ``heavy dev`` is quick.

Most of a server process's start-up is importing libraries (SQLAlchemy, Sanic, ReactPy, Pydantic,
...), not the app. So while one server process runs, the supervisor starts the next one as a
standby: it imports the libraries the running one uses (the list that one wrote, see
:func:`write_library_list`) and waits. When a restart is needed the supervisor tells it to go, and
only then does it import the app, so the app's code is read when it runs, never before.

This module must not import the app: it runs before the standby is told to go.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

GO = b"go\n"
_NEVER_PRELOADED = ("__main__", "__mp_main__")


def wait_as_standby(library_list: Path) -> None:
    """Import the listed libraries, then wait for the supervisor's word (or exit if it goes away)."""
    preload(library_list)
    if sys.stdin.buffer.readline() != GO:  # end of input: not needed after all
        sys.exit(0)


def preload(library_list: Path) -> None:
    try:
        names = library_list.read_text().split()
    except OSError:
        return  # no list yet: start without preloading
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a library's import-time warning shows when the app imports it
        for name in names:
            with contextlib.suppress(Exception):  # a stale entry costs nothing but its own time
                importlib.import_module(name)


def write_library_list(library_list: Path, app_folders: Sequence[Path], app_packages: Sequence[str]) -> None:
    """Write the names of the modules this process imported that are not the app's own.

    In the order they were first imported (``sys.modules`` keeps it): importing them again in that
    order repeats what happened here. Another order can leave a library half set up (seen: in
    alphabetical order, asyncio lost track of the current task under uvloop).
    """
    folders = tuple(str(folder) for folder in app_folders)
    names = []
    for name, module in list(sys.modules.items()):
        top_level = name.partition(".")[0]
        filename = getattr(module, "__file__", None) or ""
        if name in _NEVER_PRELOADED or top_level in app_packages or filename.startswith(folders):
            continue
        names.append(name)
    library_list.write_text("\n".join(names))
