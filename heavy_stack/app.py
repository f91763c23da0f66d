"""The app's registration: what the Heavy runtime serves. pyproject.toml names ``heavy_app`` as the
``heavy.app`` entry point, so ``heavy run``, ``heavy migrate`` and the rest find it (docs/architecture.md)."""

from heavy.app import HeavyApp
from heavy_stack.settings import Settings

heavy_app = HeavyApp(
    package="heavy_stack",
    title="Heavy Stack",
    settings=Settings,
    root="heavy_stack.frontend.root:Root",
    models="heavy_stack.backend.data.sql_models",
    stylesheets=("palette.css", "fonts.css", "common.css", "inputs.css"),
    brython_packages=("heavy_stack_brython",),
)
