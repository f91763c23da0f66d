#!/usr/bin/env bash
# Make sure a Chromium for the browser tests is on this machine (Debian's package, never a download
# by Playwright). Best effort: without root or apt the browser tests are skipped, and say so.
set -uo pipefail

for candidate in "${HEAVY_TEST_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
        exit 0
    fi
done

if ! command -v apt-get >/dev/null 2>&1; then
    echo "browser: no Chromium found and no apt-get to install it; browser tests will be skipped" >&2
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "browser: no Chromium found and no root to install it (apt-get install chromium); browser tests will be skipped" >&2
    exit 0
fi

echo "browser: installing Chromium from the Debian packages (once)..."
export DEBIAN_FRONTEND=noninteractive
if $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
    echo "browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) installed"
else
    echo "browser: apt-get install chromium failed; browser tests will be skipped" >&2
fi
exit 0
