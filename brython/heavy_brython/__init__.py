"""Functions the server runs in the page through ``brython_executor.call`` (see docs/brython.md).

Each module imports ``browser`` inside ``try``: the server imports these modules too, for the
functions' names, signatures and return types, and has no ``browser`` module.
"""
