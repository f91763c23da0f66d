"""Notices saved files by polling folders (watchdog's polling observer).

Polling, not OS events: many editors save by writing a temporary file and renaming it over the
old one, which an inotify watch on the old file misses, and OS events do not cross into
containers or network drives. A poll of a project's source folders costs well under a
millisecond per round. Each save is reported once, however many events it made (a rename is a
"moved", a rewrite is "created" plus "modified"): a file is reported again only when its size,
modification time or inode changed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler, FileSystemMovedEvent
from watchdog.observers.polling import PollingObserver

DEFAULT_POLL_INTERVAL = 0.1
IGNORED_PARTS = frozenset({"__pycache__", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache"})

_Signature = tuple[int, int, int]


class FileWatcher:
    """Calls ``on_change(path)`` from its own thread for each saved file under ``folders``.

    ``wants(path)`` picks the files of interest (say, ``*.py``); editors' swap and backup files
    and caches are ignored.
    """

    def __init__(
        self,
        folders: Iterable[Path],
        on_change: Callable[[Path], object],
        *,
        wants: Callable[[Path], bool] = lambda _path: True,
        interval: float = DEFAULT_POLL_INTERVAL,
    ) -> None:
        self.folders = tuple(folder for folder in folders if folder.is_dir())
        self._on_change = on_change
        self._wants = wants
        self._observer = PollingObserver(timeout=interval)
        self._seen: dict[Path, _Signature] = {}
        self._lock = threading.Lock()
        handler = _Handler(self._changed)
        for folder in self.folders:
            self._observer.schedule(handler, str(folder), recursive=True)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout=5)

    def _changed(self, path: Path) -> None:
        if IGNORED_PARTS.intersection(path.parts) or _is_editor_scratch(path.name) or not self._wants(path):
            return
        try:
            stat = path.stat()
        except OSError:  # gone again (a temporary file)
            return
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with self._lock:
            if self._seen.get(path) == signature:
                return
            self._seen[path] = signature
        self._on_change(path)


class _Handler(FileSystemEventHandler):
    def __init__(self, changed: Callable[[Path], None]) -> None:
        self._changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in ("created", "modified", "moved"):
            return
        target = event.dest_path if isinstance(event, FileSystemMovedEvent) else event.src_path
        self._changed(Path(os.fsdecode(target)))


def _is_editor_scratch(name: str) -> bool:
    return name.startswith((".#", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))
