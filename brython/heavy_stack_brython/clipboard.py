"""The clipboard: an asynchronous browser API, so its result comes back through a callback."""

from __future__ import annotations

from reactpy_bridge import called_from_reactpy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

try:
    from browser import window
except ImportError:  # on the server, which imports this module for names and signatures only
    window = None


@called_from_reactpy(include_result_callback=True)
def copy_text(report_result: Callable[[bool], None], text: str) -> None:
    """Put ``text`` on the clipboard; report True once it is there, False if the browser refused."""
    clipboard = getattr(window.navigator, "clipboard", None)
    if not clipboard:  # the Clipboard API exists in secure contexts only (HTTPS, localhost)
        report_result(False)
        return
    clipboard.writeText(text).then(lambda _: report_result(True), lambda _: report_result(False))
