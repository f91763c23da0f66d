"""How Brython gets into the page: its runtime from the ``brython`` wheel, the app's Brython modules
at ``/static/brython``, and the ``<head>`` elements that load and start it. Nothing comes from a CDN.

The Brython modules are found where Python imports them from (the runtime's ``reactpy_bridge`` and
``heavy_brython``, and the app's own packages, ``HeavyApp.brython_packages``): the project's
``brython/`` folder in a checkout or an editable install, ``site-packages`` in a wheel install.
Only those modules are served, so the same routes work in both installs and never expose anything
else.

The page loads them all at once from ``modules.brython.js``, a bundle in Brython's own package
format (what ``brython-cli make_package`` writes) built from the files on each request: imports
then need no request each, and never probe for a missing ``package.py`` (a 404 in the console).
A page refresh picks up edited Brython code, as before.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from reactpy import html
from reactpy.core.types import VdomDict
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

import brython  # the PyPI package: the project's brython/ folder has no __init__.py, so never shadows it
from heavy.app import current_app
from heavy.config import HeavySettings

RUNTIME_BRYTHON_MODULES = ("reactpy_bridge", "heavy_brython")
"""The runtime's own Brython modules, served before the app's."""

BRYTHON_MODULES_URL = "/static/brython"
BRYTHON_BUNDLE_URL = f"{BRYTHON_MODULES_URL}/modules.brython.js"
BRYTHON_RUNTIME_URL = "/static/brython-runtime"
BRYTHON_RUNTIME_DIR = Path(brython.__file__).resolve().parent / "data"
BRYTHON_RUNTIME_FILES = ("brython.js", "brython_stdlib.js")
START_BRYTHON_SCRIPT = "/_heavy/static/js/start_brython.js"


def brython_modules() -> tuple[str, ...]:
    """Top-level Brython modules served to the page; ``brython_executor.call`` runs functions from these."""
    return (*RUNTIME_BRYTHON_MODULES, *current_app().brython_packages)


def brython_module_path(module_name: str) -> Path:
    """The file (a module) or folder (a package) that Python imports ``module_name`` from."""
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            f"Brython module {module_name!r} is not importable: install the project "
            "(make install), which puts brython/ on the import path"
        )
    origin = Path(spec.origin).resolve()
    return origin.parent if spec.submodule_search_locations is not None else origin


def brython_module_files() -> dict[str, Path]:
    """Every Brython module by its dotted name (a package by its own name), from :func:`brython_modules`."""
    files: dict[str, Path] = {}
    for module_name in brython_modules():
        path = brython_module_path(module_name)
        if path.is_file():
            files[module_name] = path
            continue
        for source in sorted(path.rglob("*.py")):
            parts = [module_name, *source.relative_to(path).with_suffix("").parts]
            if "__pycache__" in parts:
                continue
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = source
    return files


def brython_modules_bundle() -> str:
    """A script that hands Brython the source of every Brython module (``loadBrythonPackage``)."""
    package: dict[str, Any] = {}
    newest = 0.0
    for name, path in brython_module_files().items():
        entry: list[Any] = [".py", path.read_text(encoding="utf-8"), []]
        if path.name == "__init__.py":
            entry.append(1)  # Brython's mark for a package
        package[name] = entry
        newest = max(newest, path.stat().st_mtime)
    package["$timestamp"] = int(newest * 1000)  # Brython's compiled-module cache keys on it
    return f"__BRYTHON__.loadBrythonPackage({json.dumps(package)});\n"


async def _serve_brython_bundle(request: Request) -> HTTPResponse:
    return response.text(
        brython_modules_bundle(),
        content_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


def register_brython_routes(app: Sanic[Any, Any]) -> None:
    """Serve the Brython runtime from the wheel, and the app's Brython modules (as files and bundled)."""
    app.add_route(_serve_brython_bundle, BRYTHON_BUNDLE_URL, name="brython_modules_bundle")
    for file_name in BRYTHON_RUNTIME_FILES:
        app.static(
            f"{BRYTHON_RUNTIME_URL}/{file_name}",
            BRYTHON_RUNTIME_DIR / file_name,
            name=f"brython_runtime_{file_name.replace('.', '_')}",
            content_type="text/javascript; charset=utf-8",
        )
    for module_name in brython_modules():
        path = brython_module_path(module_name)
        app.static(
            f"{BRYTHON_MODULES_URL}/{path.name}",
            path,
            name=f"brython_module_{module_name}",
            content_type="text/x-python; charset=utf-8",
        )


def brython_head_elements(settings: HeavySettings) -> tuple[VdomDict, ...]:
    """The one script that loads Brython and the app's modules once the page has parsed, then
    starts Brython (``heavy/static/js/start_brython.js``): the first render never waits for Brython."""
    scripts = (*(f"{BRYTHON_RUNTIME_URL}/{name}" for name in BRYTHON_RUNTIME_FILES), BRYTHON_BUNDLE_URL)
    return (
        html.script(
            {
                "src": START_BRYTHON_SCRIPT,
                "defer": True,
                "data_scripts": " ".join(scripts),
                "data_pythonpath": BRYTHON_MODULES_URL,
                "data_debug": "1" if settings.is_dev else "0",
            }
        ),
    )
