"""The ReactPy side of the app. Importing it applies the ReactPy patches first, so that app code
that imports ``reactpy.use_effect`` / ``reactpy.event`` gets the versions that point to the heavy
wrappers (see ``heavy_stack/realtime/reactpy_patches.py``)."""

from heavy_stack.realtime.reactpy_patches import apply_reactpy_patches

apply_reactpy_patches()
