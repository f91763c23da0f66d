"""The runtime's functions that run in the page, called from the server through
``brython_executor.call`` (see docs/brython.md): navigation, scrolling, storage, cookies, time
zones. The app's own are in its package (``heavy_stack_brython`` in the demo).

Each module imports ``browser`` inside ``try``: the server imports these modules too, for the
functions' names, signatures and result types, and has no ``browser`` module.
"""
