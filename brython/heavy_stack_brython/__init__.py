"""The app's own functions that run in the page, called from the server with
``brython_executor.call`` (see docs/brython.md); the runtime's are in ``heavy_brython``.

Each module imports ``browser`` inside ``try``: the server imports these modules too, for the
functions' names, signatures and result types, and has no ``browser`` module.
"""
