"""Hot reload for development (``heavy dev``): changed code is swapped into the running server.

Nothing here runs under ``heavy run``; it needs the development dependencies (jurigged, watchdog).
See docs/hot-reload.md.
"""
