"""``safe_next_path``: where the login and sign-up forms may send the browser afterwards."""

from __future__ import annotations

import pytest

from heavy.accounts.next_paths import safe_next_path


class TestSafeNextPath:
    @pytest.mark.parametrize("path", ["/", "/account", "/account?tab=keys&page=2", "/a%2F/b", "/docs#top"])
    def test_paths_on_this_site_are_kept(self, path: str) -> None:
        assert safe_next_path(path) == path

    @pytest.mark.parametrize(
        "elsewhere",
        [
            "//evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/" + "a" * 500,
        ],
    )
    def test_anything_that_could_leave_the_site_becomes_the_home_page(self, elsewhere: str) -> None:
        assert safe_next_path(elsewhere) == "/"

    @pytest.mark.parametrize("missing", [None, ""])
    def test_no_next_is_the_home_page(self, missing: str | None) -> None:
        assert safe_next_path(missing) == "/"
