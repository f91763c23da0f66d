"""The machine's Chromium for Playwright: where it is and how it is started (tests and benchmarks)."""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def find_chromium() -> str | None:
    """``HEAVY_TEST_CHROMIUM`` when set (and only it), else Debian's Chromium; never a download."""
    configured = os.environ.get("HEAVY_TEST_CHROMIUM")
    candidates = (configured,) if configured else (*CHROMIUM_CANDIDATES, shutil.which("chromium"))
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


def no_chromium_message() -> str:
    where = os.environ.get("HEAVY_TEST_CHROMIUM") or "/usr/bin/chromium"
    return (
        f"no Chromium at {where} (install it with scripts/install_browser.sh, or: apt-get install chromium)"
    )
