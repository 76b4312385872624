"""Fixtures for `credsup serve`: apps over the example registry (or a copy), the ASGI test client, a real
uvicorn server on loopback, and the `credsup grade` oracle."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("fastapi", reason="the serve extra is not installed (pip install -e '.[serve]')")

from fastapi.testclient import TestClient

from credsup.cli.main import cli
from credsup.core.jurisdiction import load_jurisdiction
from credsup.serve.app import create_app
from credsup.serve.config import ServeConfig, Tokens

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "registry"
AS_OF = dt.date(2027, 1, 1)
TOKEN = "serve-test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


#: Demonstration A enterprises exempt from random checks (0.0, seed 000 (IV)), key sectors fully covered
#: (1.0, seed 003 para 8); the rest national (as tests/registry/conftest.py's demo jurisdiction).
DEMO_PLUGIN = """
from credsup.core import InspectionBasis
from credsup.plugins import national as _national

CREDSUP_CONTRACT = "2.0"

@hookimpl
def credsup_demonstration(batch, params, today):
    return batch.demonstration & (batch.grade == Grade.A)

@hookimpl
def credsup_inspection_probability(batch, params, period):
    rates = _national.credsup_inspection_probability(batch, params, period)
    rates = rates.override(batch.key_sector, 1.0, InspectionBasis.PERIOD)
    return rates.override(batch.demonstration, 0.0)
"""


@pytest.fixture
def demo_jurisdiction(plugin_dist: Callable[..., str]) -> str:
    plugin_dist("demo", DEMO_PLUGIN)
    return "demo"


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    """A writable copy of the example registry (1,000 enterprises, `--seed 2026`)."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "registry"))


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """``make_client(registry=EXAMPLE, jurisdiction="national", tokens=(TOKEN,), **config)``: a started app."""
    clients: list[TestClient] = []

    def make(
        registry: Path | str = EXAMPLE,
        jurisdiction: str = "national",
        tokens: tuple[str, ...] = (TOKEN,),
        raise_server_exceptions: bool = True,
        **config: object,
    ) -> TestClient:
        config.setdefault("reports", f"sqlite:///{tmp_path / 'reports.db'}")
        config.setdefault("today", AS_OF)
        settings = ServeConfig(registry=str(registry), tokens=Tokens.of(*tokens), **config)  # type: ignore[arg-type]
        app = create_app(settings, load_jurisdiction(jurisdiction))
        client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
        client.app.state.reports.dispose()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app over the (read-only) example registry for tests that only read."""
    reports = tmp_path_factory.mktemp("reports") / "reports.db"
    settings = ServeConfig(registry=str(EXAMPLE), tokens=Tokens.of(TOKEN), reports=f"sqlite:///{reports}", today=AS_OF)
    with TestClient(create_app(settings, load_jurisdiction("national"))) as client:
        yield client
        client.app.state.reports.dispose()  # type: ignore[attr-defined]


def cli_csv(*args: object) -> list[dict[str, str]]:
    """Run a credsup command that prints CSV and return its rows."""
    out = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return list(csv.DictReader(io.StringIO(out.stdout)))


@pytest.fixture(scope="session")
def grade_oracle() -> dict[str, dict[str, str]]:
    """``credsup grade examples/registry -j national --as-of 2027-01-01``, by enterprise id."""
    return {r["enterprise"]: r for r in cli_csv("grade", EXAMPLE, "-j", "national", "--as-of", AS_OF)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``credsup serve`` in a subprocess on loopback; its output (stdout and stderr) in ``log``."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._fh = log.open("wb")
        cmd = [sys.executable, "-m", "credsup.cli.main", "serve", *args, "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=self._fh, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self) -> None:
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"credsup serve exited early:\n{self.output()}")
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"credsup serve did not start within 60 s:\n{self.output()}")

    def output(self) -> str:
        if not self._fh.closed:
            self._fh.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self._fh.closed:
            self._fh.close()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """``start_server(*args)``: `credsup serve ARGS` with the test token in the environment."""
    servers: list[Server] = []

    def start(*args: object, env: dict[str, str] | None = None) -> Server:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CREDSUP_SERVE_")}
        environ["CREDSUP_SERVE_TOKEN"] = TOKEN
        environ.update(env or {})
        server = Server([str(a) for a in args], environ, tmp_path, tmp_path / f"server{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
