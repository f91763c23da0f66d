"""The one entry point from the runtime to an app: a :class:`HeavyApp` registration.

The runtime never imports an app's modules by name. An app describes itself once::

    # my_app/app.py
    heavy_app = HeavyApp(
        package="my_app",
        title="My App",
        settings=Settings,                       # a HeavySettings subclass: the env prefix, app settings
        root="my_app.frontend.root:Root",        # the root component, with the routes
        models="my_app.backend.data.sql_models", # importing it registers the app's tables
    )

and names it in ``pyproject.toml``, which the runtime reads through the installed metadata::

    [project.entry-points."heavy.app"]
    my_app = "my_app.app:heavy_app"

``HEAVY_APP=module:attribute`` overrides the entry point (a second app in the same environment,
or a test). Every runtime module that needs the app asks :func:`current_app`.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heavy.errors import ConfigurationError

if TYPE_CHECKING:
    from reactpy.core.types import RootComponentConstructor

    from heavy.config import HeavySettings

APP_VARIABLE = "HEAVY_APP"
ENTRY_POINT_GROUP = "heavy.app"


@dataclass(frozen=True)
class HeavyApp:
    """What the runtime needs to know about an app; everything else it finds by convention."""

    package: str
    """The app's import name. It also names the app's databases and its keys in Redis."""
    title: str
    """The name people read: page titles, the command's help."""
    settings: type[HeavySettings]
    """The app's settings class; its ``env_prefix`` is the prefix of every setting."""
    root: str
    """``module:attribute`` of the root component (imported when the first server is built)."""
    models: str
    """The module whose import registers every table of the app (pave-db, Alembic, DEV start-up)."""
    stylesheets: tuple[str, ...] = ()
    """Files under ``static/css/`` that every page links, in order."""
    brython_packages: tuple[str, ...] = ()
    """The app's own Brython packages (under ``brython/``), served beside the runtime's."""
    static_dir_name: str = "static"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Anything else an app wants to keep next to its registration; the runtime ignores it."""

    @functools.cached_property
    def package_dir(self) -> Path:
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ConfigurationError(f"the app package {self.package!r} is not importable: run make install")
        return Path(next(iter(spec.submodule_search_locations))).resolve()

    @property
    def project_root(self) -> Path:
        """The folder holding the app package, pyproject.toml, alembic/, static/ and tests/."""
        return self.package_dir.parent

    @property
    def static_dir(self) -> Path:
        return self.project_root / self.static_dir_name

    def load_root(self) -> RootComponentConstructor:
        root: RootComponentConstructor = _import_attribute(self.root, what="root component")
        return root

    def load_models(self) -> None:
        """Import the app's models module, so its tables join the metadata."""
        importlib.import_module(self.models)


def _import_attribute(spec: str, *, what: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ConfigurationError(f"the {what} {spec!r} is not of the form module:attribute")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise ConfigurationError(f"the {what} {spec!r} cannot be imported: {error}") from None
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ConfigurationError(f"the {what} {spec!r}: module {module_name} has no {attribute!r}") from None


def _registered_app_spec() -> str:
    configured = os.environ.get(APP_VARIABLE, "").strip()
    if configured:
        return configured
    entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    if not entry_points:
        raise ConfigurationError(
            f'no Heavy app is installed: name one under [project.entry-points."{ENTRY_POINT_GROUP}"] '
            f"in pyproject.toml and run make install, or set {APP_VARIABLE}=module:attribute"
        )
    if len(entry_points) > 1:
        names = ", ".join(sorted(f"{point.name} ({point.value})" for point in entry_points))
        raise ConfigurationError(
            f"several Heavy apps are installed ({names}): choose one with {APP_VARIABLE}"
        )
    (entry_point,) = entry_points
    return entry_point.value


def redis_key_prefix(kind: str) -> str:
    """Keys of one kind in Redis, under the app's name (``heavy_stack:session:``): apps sharing a
    Redis server never read each other's keys."""
    return f"{current_app().package}:{kind}:"


@functools.cache
def current_app() -> HeavyApp:
    """The app this process serves: ``HEAVY_APP`` if set, else the one installed entry point."""
    app = _import_attribute(_registered_app_spec(), what="app registration")
    if not isinstance(app, HeavyApp):
        raise ConfigurationError(f"the app registration must be a HeavyApp, not {type(app).__name__}")
    return app
