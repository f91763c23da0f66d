"""CodePatcher on real modules imported from a temporary package: what is patched in place, and
what is refused (syntax errors, failing code) or sent to a restart."""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import jurigged.codetools
import pytest

from heavy.dev import code_patcher
from heavy.dev.code_patcher import CodePatcher, PatchOutcome, PatchStatus
from tests.support.project_copy import write_source

COMPONENT_LIKE = textwrap.dedent(
    """
    LABEL = "count"


    def counter(count):
        def increment():
            return count + 1

        return f"{LABEL}: {count}", increment


    class Model:
        size: int = 1

        def describe(self):
            return "model"
    """
).lstrip()


@dataclass
class Package:
    """A package on ``sys.path`` whose modules the patcher tracks."""

    name: str
    folder: Path
    patcher: CodePatcher

    def module(self, module_name: str, source: str) -> ModuleType:
        write_source(self.folder / f"{module_name}.py", source)
        return importlib.import_module(f"{self.name}.{module_name}")

    def save(self, module: ModuleType, source: str) -> PatchOutcome:
        assert module.__file__ is not None
        write_source(Path(module.__file__), source)
        return self.patcher.apply(Path(module.__file__))


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Package]:
    name = f"hot_reload_probe_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    patcher = CodePatcher([folder])
    patcher.track_imports()
    try:
        yield Package(name, folder, patcher)
    finally:
        patcher.stop_tracking()
        sys.path.remove(str(tmp_path))
        for module_name in [module for module in sys.modules if module.startswith(name)]:
            del sys.modules[module_name]


def edited(source: str, old: str, new: str) -> str:
    assert old in source
    return source.replace(old, new)


def captures_more(source: str) -> str:
    """The inner function now also captures ``step``, a local of its outer function."""
    return edited(
        source,
        "    def increment():\n        return count + 1",
        "    step = 5\n\n    def increment():\n        return count + step",
    )


class TestCodePatcher:
    class TestInPlace:
        def test_a_changed_function_runs_new_code_and_stays_the_same_object(self, package: Package) -> None:
            module = package.module("page", COMPONENT_LIKE)
            counter = module.counter

            outcome = package.save(
                module, edited(COMPONENT_LIKE, 'f"{LABEL}: {count}"', 'f"{LABEL} = {count}"')
            )

            assert outcome.status is PatchStatus.APPLIED
            assert outcome.changed == ("page.counter",)
            assert module.counter is counter
            assert counter(3)[0] == "count = 3"

        def test_functions_found_through_the_index_are_patched_too(self, package: Package) -> None:
            module = package.module("page", COMPONENT_LIKE)
            counter = module.counter
            package.patcher.index_functions()  # as the dev server does once the app is built

            first = package.save(module, edited(COMPONENT_LIKE, 'f"{LABEL}: {count}"', '"one"'))
            second = package.save(module, edited(COMPONENT_LIKE, 'f"{LABEL}: {count}"', '"two"'))

            assert (first.status, second.status) == (PatchStatus.APPLIED, PatchStatus.APPLIED)
            assert counter(0)[0] == "two"

        def test_an_identical_function_in_another_module_is_left_alone(self, package: Package) -> None:
            edited_module = package.module("page", COMPONENT_LIKE)
            twin = package.module("twin", COMPONENT_LIKE)  # equal code objects, other functions
            package.patcher.index_functions()

            package.save(edited_module, edited(COMPONENT_LIKE, 'return "model"', 'return "patched"'))

            assert edited_module.Model().describe() == "patched"
            assert twin.Model().describe() == "model"

        def test_a_changed_method_is_patched_in_its_class(self, package: Package) -> None:
            module = package.module("page", COMPONENT_LIKE)
            instance = module.Model()

            outcome = package.save(module, edited(COMPONENT_LIKE, 'return "model"', 'return "patched"'))

            assert outcome.status is PatchStatus.APPLIED
            assert instance.describe() == "patched"

        def test_an_inner_function_that_captures_more_is_patched_despite_old_closures(
            self, package: Package
        ) -> None:
            module = package.module("page", COMPONENT_LIKE)
            counter = module.counter
            _, stale_handler = counter(1)  # like an event handler from an earlier render

            outcome = package.save(module, captures_more(COMPONENT_LIKE))

            assert outcome.status is PatchStatus.APPLIED
            assert module.counter is counter
            assert counter(1)[1]() == 6  # new closures run the new code
            assert stale_handler() == 2  # the stale one keeps its old code until the next render

        def test_without_tolerating_stale_closures_jurigged_redefines_the_function(
            self, package: Package, monkeypatch: pytest.MonkeyPatch
        ) -> None:
            monkeypatch.setattr(jurigged.codetools, "conform", code_patcher._JURIGGED_CONFORM)
            module = package.module("page", COMPONENT_LIKE)
            _stale_handler = module.counter(1)[1]

            outcome = package.save(module, captures_more(COMPONENT_LIKE))

            assert outcome.status is PatchStatus.NEEDS_RESTART
            assert "function page.counter is defined anew" in outcome.detail

        def test_new_imports_and_new_functions_are_added(self, package: Package) -> None:
            module = package.module("page", COMPONENT_LIKE)
            package.module("helpers", "def shout(text):\n    return text.upper()\n")
            source = (
                f"from {package.name}.helpers import shout\n{COMPONENT_LIKE}\n\n"
                "def loud(count):\n    return shout(counter(count)[0])\n"
            )

            outcome = package.save(module, source)

            assert outcome.status is PatchStatus.APPLIED
            assert "page.loud" in outcome.changed
            assert module.loud(2) == "COUNT: 2"

        def test_an_unchanged_file_changes_nothing(self, package: Package) -> None:
            module = package.module("page", COMPONENT_LIKE)

            assert package.save(module, COMPONENT_LIKE).status is PatchStatus.UNCHANGED

    class TestRefused:
        def test_a_syntax_error_applies_nothing_and_names_the_line(self, package: Package) -> None:
            module = package.module("page", COMPONENT_LIKE)

            broken = package.save(
                module, edited(COMPONENT_LIKE, 'f"{LABEL}: {count}"', 'f"{LABEL}: {count}" +')
            )
            fixed = package.save(module, edited(COMPONENT_LIKE, 'f"{LABEL}: {count}"', '"fixed"'))

            assert broken.status is PatchStatus.SYNTAX_ERROR
            assert broken.detail == "line 8: SyntaxError: invalid syntax"
            assert fixed.status is PatchStatus.APPLIED
            assert module.counter(1)[0] == "fixed"

        def test_code_that_fails_when_it_runs_is_reported_with_its_line(self, package: Package) -> None:
            module = package.module("page", COMPONENT_LIKE)

            outcome = package.save(module, "import no_such_module_here\n" + COMPONENT_LIKE)

            assert outcome.status is PatchStatus.FAILED
            assert outcome.detail == "line 1: ModuleNotFoundError: No module named 'no_such_module_here'"

        def test_a_file_no_running_module_comes_from_is_not_loaded(self, package: Package) -> None:
            outcome = package.patcher.apply(package.folder / "never_imported.py")

            assert outcome.status is PatchStatus.NOT_LOADED

    class TestNeedsRestart:
        @pytest.mark.parametrize(
            ("old", "new", "reason"),
            [
                (
                    'LABEL = "count"',
                    'LABEL = "total"',
                    'a statement in the module body changed (LABEL = "total")',
                ),
                (
                    "size: int = 1",
                    "size: int = 1\n    colour: str = 'red'",
                    "in the class Model body changed",
                ),
                ("class Model:", "class Model(dict):", "class page.Model is defined anew"),
                (
                    'return "model"',
                    'return super().describe() + "!"',
                    "page.Model.describe now calls super()",
                ),
            ],
            ids=["constant", "class field", "base class", "super"],
        )
        def test_changes_that_replace_objects_need_a_restart(
            self, package: Package, old: str, new: str, reason: str
        ) -> None:
            module = package.module("page", COMPONENT_LIKE)

            outcome = package.save(module, edited(COMPONENT_LIKE, old, new))

            assert outcome.status is PatchStatus.NEEDS_RESTART
            assert reason in outcome.detail

        def test_a_change_to_a_function_that_ran_at_startup_needs_a_restart(self, package: Package) -> None:
            source = "def build_app():\n    return {'routes': 1}\n\n\ndef handler():\n    return 'ok'\n"
            module = package.module("app", source)
            with package.patcher.recording_startup():
                module.build_app()

            startup_change = package.save(module, source.replace("'routes': 1", "'routes': 2"))
            other_change = package.save(
                module, source.replace("'routes': 1", "'routes': 2").replace("'ok'", "'fine'")
            )

            assert startup_change.status is PatchStatus.NEEDS_RESTART
            assert (
                startup_change.detail
                == "app.build_app ran when the app was built; patching it would not redo that"
            )
            assert other_change.status is PatchStatus.APPLIED
