"""docs/dependencies.md explains every package pyproject.toml asks for, in the right section, and
no package that is gone."""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.support import PROJECT_ROOT

DEPENDENCIES_DOC = PROJECT_ROOT / "docs" / "dependencies.md"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def normalised(name: str) -> str:
    """A package name as the registry compares it (PEP 503): ``Types_PyYAML`` -> ``types-pyyaml``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """``sqlalchemy[asyncio]>=2.0`` -> ``sqlalchemy``."""
    match = _NAME.match(requirement.strip())
    assert match is not None, f"cannot read a package name from {requirement!r}"
    return normalised(match.group(0))


def pyproject_packages() -> dict[str, set[str]]:
    """Package names by the section of docs/dependencies.md that explains them."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    groups = pyproject.get("dependency-groups", {})
    return {
        "Runtime": {requirement_name(r) for r in pyproject["project"]["dependencies"]},
        "Development": {requirement_name(r) for group in groups.values() for r in group},
        "Build": {requirement_name(r) for r in pyproject["build-system"]["requires"]},
    }


def documented_packages() -> dict[str, set[str]]:
    """The first column of each section's table: ``| sanic, sanic-cors | why |`` -> sanic, sanic-cors."""
    documented: dict[str, set[str]] = {}
    for section in DEPENDENCIES_DOC.read_text().split("\n## ")[1:]:
        title, _, body = section.partition("\n")
        rows = re.findall(r"^\| ([^|]+) \|", body, re.MULTILINE)
        cells = [row for row in rows if row.strip() not in ("package", "---")]
        documented[title.strip()] = {requirement_name(item) for cell in cells for item in cell.split(",")}
    return documented


class TestDependenciesDoc:
    @pytest.mark.parametrize("section", ["Runtime", "Development", "Build"])
    def test_each_section_lists_exactly_the_packages_pyproject_asks_for(self, section: str) -> None:
        wanted = pyproject_packages()[section]
        listed = documented_packages().get(section, set())

        assert wanted - listed == set(), f"not explained in docs/dependencies.md ({section})"
        assert listed - wanted == set(), f"explained in docs/dependencies.md ({section}) but not a dependency"

    def test_names_are_read_as_the_registry_compares_them(self) -> None:
        assert requirement_name("sqlalchemy[asyncio]>=2.0.36,<2.1") == "sqlalchemy"
        assert requirement_name("reactpy 1.1.0") == "reactpy"
        assert requirement_name("Types_PyYAML") == "types-pyyaml"
