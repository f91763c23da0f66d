"""The app's pages and components. Importing ``heavy.ui`` first applies the runtime's ReactPy
patches, so that code here that imports ``reactpy.use_effect`` / ``reactpy.event`` gets the
versions that point to the heavy wrappers."""

import heavy.ui  # noqa: F401
