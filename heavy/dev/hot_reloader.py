"""What the ``heavy dev`` server does with each saved file, and the one line it logs about it.

- Python under a watched package: patched in place (``code_patcher.py``), then every open
  session re-renders, keeping its state. A syntax error or a failing change leaves the server
  running and says so; a change that cannot be patched in place restarts the server (the
  supervisor starts a new one; tabs reconnect and get their state back through state recovery).
- A stylesheet under ``static/``: swapped into open tabs without a reload
  (``stylesheet_events.py``).
- A Brython module, or any other static file: served from now on; tabs get it on their next
  reload (the log says so).

Runs on the event loop's thread: the file watcher hands changes over with
``loop.call_soon_threadsafe``, so patching never interleaves with a render.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from heavy.dev.code_patcher import CodePatcher, PatchOutcome, PatchStatus
from heavy.dev.stylesheet_events import StylesheetEvents
from heavy.realtime.reactpy_patches import rerender_live_layouts

logger = logging.getLogger(__name__)


class HotReloader:
    def __init__(
        self,
        patcher: CodePatcher,
        *,
        project_root: Path,
        code_folders: Sequence[Path],
        static_dir: Path,
        brython_dir: Path,
        stylesheet_events: StylesheetEvents,
        restart: Callable[[str], None],
    ) -> None:
        self.patcher = patcher
        self.project_root = project_root
        self.code_folders = tuple(code_folders)
        self.static_dir = static_dir
        self.brython_dir = brython_dir
        self.stylesheet_events = stylesheet_events
        self._restart = restart
        self._restart_at_next_change = False

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every folder to watch (those that exist)."""
        folders = (*self.code_folders, self.static_dir, self.brython_dir)
        return tuple(folder for folder in folders if folder.is_dir())

    def wants(self, path: Path) -> bool:
        if _is_under(path, self.brython_dir) or _is_under(path, self.static_dir):
            return True
        return path.suffix == ".py" and any(_is_under(path, folder) for folder in self.code_folders)

    def handle_saved_file(self, path: Path) -> None:
        name = self._display(path)
        if _is_under(path, self.brython_dir):
            logger.info("%s changed: open tabs get it on their next reload (it runs in the browser)", name)
        elif _is_under(path, self.static_dir):
            self._static_file_saved(path, name)
        elif path.suffix == ".py":
            self._code_saved(path, name)

    def _static_file_saved(self, path: Path, name: str) -> None:
        if path.suffix != ".css":
            logger.info("%s changed: open tabs get it on their next reload", name)
            return
        href = "/static/" + path.relative_to(self.static_dir).as_posix()
        tabs = self.stylesheet_events.publish(href)
        logger.info("%s swapped into %d open tab%s", name, tabs, "" if tabs == 1 else "s")

    def _code_saved(self, path: Path, name: str) -> None:
        outcome = self.patcher.apply(path)
        status = outcome.status
        if self._restart_at_next_change and status is not PatchStatus.SYNTAX_ERROR:
            self._restart(f"{name} saved after a change that did not apply in full")
            return
        if status is PatchStatus.APPLIED:
            self._applied(outcome, name)
        elif status is PatchStatus.NOT_LOADED:
            logger.info("%s is not used by the running server: nothing to swap in", name)
        elif status is PatchStatus.SYNTAX_ERROR:
            logger.warning("%s %s; still serving the previous code (fix it and save)", name, outcome.detail)
        elif status is PatchStatus.FAILED:
            self._restart_at_next_change = True
            logger.warning(
                "%s %s; the change is not fully applied: the server restarts at your next save",
                name,
                outcome.detail,
            )
        elif status is PatchStatus.NEEDS_RESTART:
            self._restart(f"{name}: {outcome.detail}")

    def _applied(self, outcome: PatchOutcome, name: str) -> None:
        sessions = rerender_live_layouts()
        logger.info(
            "%s applied in %.0f ms (%s); re-rendering %d open session%s",
            name,
            outcome.seconds * 1000,
            outcome.detail or "no code change",
            sessions,
            "" if sessions == 1 else "s",
        )

    def _display(self, path: Path) -> str:
        try:
            return path.relative_to(self.project_root).as_posix()
        except ValueError:
            return str(path)


def _is_under(path: Path, folder: Path) -> bool:
    return path.is_relative_to(folder)
