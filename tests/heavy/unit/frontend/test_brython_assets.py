"""Where the page gets Brython from: the wheel's runtime, the app's modules, and the head scripts."""

from __future__ import annotations

import json
import re

from heavy.config import load_settings
from heavy.ui.brython_assets import (
    BRYTHON_BUNDLE_URL,
    brython_head_elements,
    brython_module_files,
    brython_module_path,
    brython_modules,
    brython_modules_bundle,
)

BUNDLE = re.compile(r"__BRYTHON__\.loadBrythonPackage\((?P<package>.*)\);\n", re.DOTALL)


class TestBrythonModuleFiles:
    def test_finds_each_served_module_where_python_imports_it_from(self) -> None:
        assert brython_module_path("reactpy_bridge").name == "reactpy_bridge.py"
        assert brython_module_path("heavy_stack_brython").is_dir()

    def test_lists_every_module_of_the_packages_by_dotted_name(self) -> None:
        files = brython_module_files()

        assert files["reactpy_bridge"].name == "reactpy_bridge.py"
        assert files["heavy_stack_brython"].name == "__init__.py"
        assert files["heavy_brython.navigate"].name == "navigate.py"
        assert all(path.suffix == ".py" and "__pycache__" not in path.parts for path in files.values())
        assert set(brython_modules()) <= set(files)


class TestBrythonModulesBundle:
    def test_is_brythons_package_format_with_every_source(self) -> None:
        match = BUNDLE.fullmatch(brython_modules_bundle())
        assert match is not None
        package = json.loads(match["package"])

        assert isinstance(package.pop("$timestamp"), int)
        assert set(package) == set(brython_module_files())
        extension, source, _imports, *package_mark = package["heavy_brython.navigate"]
        assert extension == ".py"
        assert "def open_new_tab" in source
        assert package_mark == []
        assert package["heavy_stack_brython"][3] == 1, "a package is marked as one"


class TestBrythonHeadElements:
    def test_is_one_deferred_script_told_what_to_load_in_order_and_how_to_start_brython(self) -> None:
        (script,) = brython_head_elements(load_settings(_env_file=None))
        attributes = script["attributes"]

        assert attributes["src"] == "/_heavy/static/js/start_brython.js"
        assert attributes["defer"] is True
        assert attributes["data_scripts"].split(" ") == [
            "/static/brython-runtime/brython.js",
            "/static/brython-runtime/brython_stdlib.js",
            BRYTHON_BUNDLE_URL,
        ]
        assert attributes["data_pythonpath"] == "/static/brython"
        assert attributes["data_debug"] == "1", "DEV reports Brython errors in the console"

    def test_production_keeps_brython_quiet(self) -> None:
        settings = load_settings(
            _env_file=None,
            environment="PRODUCTION",
            secret_key="s" * 40,
            sql_db_url="postgresql://a@h/d",
            vector_db_url="postgresql://a@h/v",
        )

        (script,) = brython_head_elements(settings)

        assert script["attributes"]["data_debug"] == "0"
