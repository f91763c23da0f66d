"""``python -m heavy_stack.dev``: the server process ``heavy dev`` starts and restarts (not run by hand)."""

from heavy_stack.dev.dev_server import main

main()
